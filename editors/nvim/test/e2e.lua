--[[
End-to-end test: facet's Neovim plugin, installed as a user installs it
(run.sh puts editors/nvim on 'packpath' and writes an init.lua that calls
require('facet').setup{ cmd = ... }), runs facet on the example workspace,
and the test checks, field by field, what Neovim received and shows.

Run it through run.sh, which sets these environment variables:
  FACET_E2E_CMD       the command that starts the server (a wrapper around
                      "facet lsp --stdio" that keeps facet's stderr)
  FACET_E2E_BIN       the facet binary itself (for facet check)
  FACET_E2E_EXAMPLES  the examples/ folder, used as the workspace root
  FACET_E2E_WORK      a copy of examples/ the test may write in
  FACET_E2E_REPORT    where to write the TAP lines (the plan line is
                      left to run.sh)

Works with Neovim 0.7 (the plugin uses vim.lsp.start_client and
buf_attach_client there). Buffers of examples/ are edited but never
written, so the examples stay as they are. Exits with :cquit 1 when a
check fails, 2 when the test itself breaks, and :qall! when everything
passed.
]]

local CMD = os.getenv('FACET_E2E_CMD')
local BIN = os.getenv('FACET_E2E_BIN')
local EXAMPLES = os.getenv('FACET_E2E_EXAMPLES')
local WORK = os.getenv('FACET_E2E_WORK')
local REPORT = os.getenv('FACET_E2E_REPORT')
local facet = require('facet')

-- Generous, for a server built with sanitizers on a loaded machine.
local TIMEOUT_MS = 15000

local report = assert(io.open(REPORT, 'w'))
local count = 0
local failed = 0

local function emit(line)
  report:write(line, '\n')
  report:flush()
end

local function comment(label, value)
  local text = type(value) == 'string' and string.format('%q', value)
    or vim.inspect(value)
  emit('#   ' .. label .. ': ' .. text:gsub('\n', '\n#   '))
end

-- Compares got with want (deeply) and reports one TAP line.
local function check(name, got, want)
  count = count + 1
  if vim.deep_equal(got, want) then
    emit(string.format('ok %d - %s', count, name))
    return true
  end
  failed = failed + 1
  emit(string.format('not ok %d - %s', count, name))
  comment('expected', want)
  comment('     got', got)
  return false
end

-- run.sh adds its own checks and then the plan line.
local function finish()
  report:close()
  if failed > 0 then
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end

-- What the server sent and what the plugin said, as handlers saw them.
local published = {}   -- uri -> number of publishDiagnostics received
local messages = {}    -- window/showMessage params, in order
local notes = {}       -- vim.notify messages, in order
local exited = nil     -- {code, signal} once the server process ended

local on_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] =
  function(err, result, ctx, config)
    published[result.uri] = (published[result.uri] or 0) + 1
    return on_publish(err, result, ctx, config)
  end
vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(messages, result)
  return vim.NIL
end
vim.notify = function(message, level)
  table.insert(notes, { message = message, level = level })
end

local client_id

-- init.lua has called setup() as the README says; calling it again with
-- on_exit added lets the test see how the server ends.
local function setup(settings)
  facet.setup({
    cmd = { CMD },
    root_dir = EXAMPLES,
    settings = settings,
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  })
end

-- Opens an example file and waits for its first diagnostics.
local function open(relative)
  vim.cmd('edit ' .. vim.fn.fnameescape(EXAMPLES .. '/' .. relative))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local client = facet.client(bufnr)

  assert(client, 'the plugin did not attach facet to ' .. relative
         .. ' (messages: ' .. vim.inspect(notes) .. ')')
  client_id = client_id or client.id
  assert(client.id == client_id, 'a second facet client for ' .. relative)
  assert(vim.wait(TIMEOUT_MS, function() return published[uri] end, 10),
         'no diagnostics were published for ' .. relative)
  return bufnr, uri
end

-- The fields of a diagnostic that a user sees, in a stable order.
local function seen(bufnr)
  local list = {}

  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}

    table.insert(list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source,
      code = d.code, replacement = lsp.data and lsp.data.replacement,
    })
  end
  table.sort(list, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return list
end

-- Sends a request and returns this client's result (or nil and the error).
local function request(bufnr, method, params)
  local replies, err = vim.lsp.buf_request_sync(bufnr, method, params,
                                                TIMEOUT_MS)
  assert(replies, method .. ' got no reply: ' .. tostring(err))
  local reply = replies[client_id]
  assert(reply, method .. ': facet did not answer')
  return reply.result, reply.error
end

local function hover(bufnr, uri, line, character)
  return request(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = line, character = character },
  })
end

local function lenses(bufnr, uri)
  return request(bufnr, 'textDocument/codeLens',
                 { textDocument = { uri = uri } })
end

-- Waits until facet has published diagnostics for uri n times in all.
local function wait_published(uri, n)
  return vim.wait(TIMEOUT_MS, function()
    return (published[uri] or 0) >= n
  end, 10)
end

local ERROR = vim.diagnostic.severity.ERROR
local WARN = vim.diagnostic.severity.WARN
local DOT = '\194\183'       -- U+00B7, the dot in "grade: x · next: y"
local CHECK = '\226\156\147'  -- U+2713, a passed eval
local CROSS = '\226\156\151'  -- U+2717, a failed one
local NEVER = '\226\151\139 never run'  -- U+25CB, an eval never run
local ARROW = ' \226\134\146 '  -- U+2192 between the rungs of the ladder

local function test_initialize()
  local client = vim.lsp.get_client_by_id(client_id)

  assert(vim.wait(TIMEOUT_MS, function()
    return client.initialized
  end, 10), 'facet did not answer initialize')
  local caps = client.server_capabilities
  check('initialize: the server offers hover, code lens, its commands and '
        .. 'facet/grade',
        { hover = caps.hoverProvider, lens = caps.codeLensProvider,
          commands = caps.executeCommandProvider
            and caps.executeCommandProvider.commands,
          experimental = caps.experimental },
        { hover = true, lens = { resolveProvider = false },
          commands = { 'facet.showGrade', 'facet.showEvals',
                       'facet.workspaceGrades', 'facet.crystallise',
                       'facet.crystallised', 'facet.openArtifact',
                       'facet.applyEdit' },
          experimental = { gradeRequest = true } })
  check('initialize: positions are UTF-16, as Neovim 0.7 assumes',
        { client = client.offset_encoding, server = caps.positionEncoding },
        { client = 'utf-16', server = 'utf-16' })
end

local function test_wrong_type()
  local bufnr = open('prompts/broken/outage-notice.prompty')

  check('outage-notice.prompty: temperature given as a string',
        seen(bufnr), { {
          lnum = 7, col = 17, end_lnum = 7, end_col = 22,
          severity = ERROR, source = 'facet', code = 'wrong-type',
          message = "'temperature' should be a number, not a string",
        } })
  return bufnr
end

local function test_unknown_key()
  local bufnr, uri = open('prompts/broken/escalate.prompty')

  check('escalate.prompty: misspelled key, with the fix in data',
        seen(bufnr), { {
          lnum = 3, col = 0, end_lnum = 3, end_col = 5,
          severity = WARN, source = 'facet', code = 'unknown-key',
          message = "unknown key 'modle' in Prompty frontmatter; "
            .. "did you mean 'model'?",
          replacement = 'model',
        } })

  -- The quick fix, applied as Neovim applies any code action's edit; the
  -- buffer is never written, so the example file stays as it is.
  local actions = request(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = 3, character = 2 },
              ['end'] = { line = 3, character = 2 } },
    context = { diagnostics = {} },
  })
  check('escalate.prompty: the quick fix replaces the key',
        { title = actions[1] and actions[1].title,
          kind = actions[1] and actions[1].kind },
        { title = "Replace 'modle' with 'model'", kind = 'quickfix' })
  vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16')
  local before = published[uri]
  wait_published(uri, before + 1)
  check('escalate.prompty: after the fix there is nothing to report',
        seen(bufnr), {})
end

local function test_yaml_syntax()
  local bufnr = open('prompts/broken/apology.prompt')
  local uri = vim.uri_from_bufnr(bufnr)

  -- Line 3 has an en dash (3 bytes, 1 UTF-16 unit) before the bad ':', so
  -- the byte columns Neovim shows (50, 51) prove the UTF-16 positions facet
  -- sent (48, 49) were converted, not taken as bytes.
  check('apology.prompt: YAML error after a non-ASCII character',
        seen(bufnr), { {
          lnum = 2, col = 50, end_lnum = 2, end_col = 51,
          severity = ERROR, source = 'facet', code = 'yaml-syntax',
          message = 'mapping values are not allowed in this context',
        } })

  -- Typed after the dash: the change's range is in UTF-16 too, and the
  -- parcel emoji is 4 bytes but 2 UTF-16 units (a surrogate pair).
  local before = published[uri]
  vim.api.nvim_buf_set_text(bufnr, 2, 36, 2, 36, { '\240\159\147\166' })
  wait_published(uri, before + 1)
  check('apology.prompt: an edit after non-ASCII text moves the error',
        seen(bufnr), { {
          lnum = 2, col = 54, end_lnum = 2, end_col = 55,
          severity = ERROR, source = 'facet', code = 'yaml-syntax',
          message = 'mapping values are not allowed in this context',
        } })
end

local function test_clean_file()
  local bufnr = open('prompts/triage.prompty')

  check('triage.prompty: a valid prompt gets no diagnostics',
        seen(bufnr), {})
  return bufnr
end

-- Every example outside prompts/broken/ is meant to be right.
local VALID = {
  '.github/agents/prompt-reviewer.agent.md',
  '.github/instructions/prompt-style.instructions.md',
  '.github/prompts/new-test-case.prompt.md',
  'promptfooconfig.yaml',
  'prompts/classify-ticket.prompt.yml',
  'prompts/outage-update.j2',
  'prompts/reply-draft.prompt',
  'prompts/reply.j2',
  'schemas/openai/triage_response.json',
  'schemas/reply.schema.json',
  'schemas/triage.schema.json',
}

local function test_valid_files()
  local got = {}

  for _, relative in ipairs(VALID) do
    local list = seen((open(relative)))

    if #list > 0 then
      got[relative] = list
    end
  end
  check('the other valid examples get no diagnostics either', got, {})
end

local function test_hover(bufnr, uri)
  local result = hover(bufnr, uri, 0, 0)

  check('hover on line 1 shows the grade, the ladder, why and what next',
        result, {
          contents = {
            kind = 'markdown',
            value = '**facet** ' .. DOT .. ' Prompty ' .. DOT
              .. ' grade **schema**\n\n'
              .. 'loose' .. ARROW .. 'structured' .. ARROW .. '**schema**'
              .. ARROW .. 'eval' .. ARROW .. 'code\n\n'
              .. 'Size: about 74 tokens (estimated; usually within 10 % of '
              .. "OpenAI's tokenizers for English)\n\n"
              .. 'Why:\n- its output is pinned by a schema (outputs)\n\n'
              .. '**Next step:** add an eval: a promptfoo config or '
              .. '.prompt.yml testData that exercises this prompt\n',
          },
          -- The whole frontmatter, up to the end of the closing '---'.
          range = { start = { line = 0, character = 0 },
                    ['end'] = { line = 37, character = 3 } },
        })
  check('hover inside the frontmatter answers too',
        hover(bufnr, uri, 20, 4) ~= nil, true)
  check('hover in the prompt body answers nothing',
        hover(bufnr, uri, 46, 2), nil)
end

local function test_lens_request(bufnr, uri)
  check('code lens: one lens at the top, titled with the grade',
        lenses(bufnr, uri), { {
          range = { start = { line = 0, character = 0 },
                    ['end'] = { line = 0, character = 0 } },
          command = {
            title = 'grade: schema ' .. DOT .. ' next: add an eval: a '
              .. 'promptfoo config or .prompt.yml testData that exercises '
              .. 'this prompt',
            command = 'facet.showGrade',
            arguments = { uri },
          },
        } })
end

-- Goes through vim.lsp.codelens, as a user's autocmd would, and reads the
-- virtual text Neovim draws.
local function test_lens_display()
  local bufnr = open('prompts/classify-ticket.prompt.yml')
  local ns = vim.lsp.codelens.__namespaces[client_id]
  -- Its own testData has no recorded run: running them comes first.
  local title = 'grade: eval ' .. DOT
    .. ' next: run the evals and keep their results (promptfoo eval -o'
    .. ' results.json, gh models eval --json) so facet can show whether'
    .. ' they pass'

  -- No refresh here: the plugin asks for lenses when the buffer is
  -- entered and when its diagnostics change.
  vim.wait(TIMEOUT_MS, function()
    return #vim.lsp.codelens.get(bufnr) > 0
  end, 10)
  local got = vim.tbl_map(function(lens)
    return lens.command and lens.command.title
  end, vim.lsp.codelens.get(bufnr))
  check('codelens.get: the grade, the evals summary and each test of '
        .. 'testData', got,
        { title, 'evals: 0 ' .. CHECK .. ' 0 ' .. CROSS .. ' ' .. DOT
            .. ' 4 never run',
          NEVER, NEVER, NEVER, NEVER })

  local marks = vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1,
                                              { details = true })
  local drawn = {}
  for _, mark in ipairs(marks) do
    local text = ''
    for _, chunk in ipairs(mark[4].virt_text or {}) do
      text = text .. chunk[1]
    end
    table.insert(drawn, { row = mark[2], text = text })
  end
  check('codelens.display: the grade and summary on line 1, a lens above '
        .. 'each test', drawn, {
          { row = 0, text = title .. ' | evals: 0 ' .. CHECK .. ' 0 '
              .. CROSS .. ' ' .. DOT .. ' 4 never run' },
          { row = 15, text = NEVER }, { row = 17, text = NEVER },
          { row = 19, text = NEVER }, { row = 21, text = NEVER } })
end

-- A prompt file that promptfooconfig.yaml runs: its eval summary lens
-- counts the tests there and the results in output/, and references on
-- its first line lead to those tests.
local function test_eval_summary()
  local bufnr, uri = open('prompts/reply.j2')
  local summary = 'evals: 3 ' .. CHECK .. ' 0 ' .. CROSS

  -- The index reads the workspace after initialize; wait for it.
  vim.wait(TIMEOUT_MS, function()
    vim.lsp.codelens.refresh()
    vim.wait(50)
    for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
      if lens.command and lens.command.title == summary then
        return true
      end
    end
    return false
  end, 100)
  check('reply.j2: the eval summary lens counts the tests that run it',
        vim.tbl_map(function(lens)
          return lens.command and lens.command.title
        end, vim.lsp.codelens.get(bufnr)),
        { 'grade: eval ' .. DOT
            .. ' next: crystallise a stable rule into code', summary })

  local refs = request(bufnr, 'textDocument/references', {
    textDocument = { uri = uri },
    position = { line = 0, character = 0 },
    context = { includeDeclaration = false },
  })
  local where = vim.tbl_map(function(loc)
    return vim.fn.fnamemodify(vim.uri_to_fname(loc.uri), ':t') .. ':'
      .. loc.range.start.line
  end, refs or {})
  check('reply.j2: references on line 1 are the tests that exercise it',
        where, { 'promptfooconfig.yaml:23', 'promptfooconfig.yaml:35',
                 'promptfooconfig.yaml:45' })

  vim.lsp.util.jump_to_location(refs[2], 'utf-16')
  check('reply.j2: jumping to a test lands on its first line',
        { file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':t'),
          line = vim.api.nvim_win_get_cursor(0)[1],
          text = vim.api.nvim_get_current_line() },
        { file = 'promptfooconfig.yaml', line = 36,
          text = '  - description: double charge' })

  local lenses = request(0, 'textDocument/codeLens', {
    textDocument = { uri = vim.uri_from_bufnr(0) },
  })
  local titles = {}
  for _, lens in ipairs(lenses) do
    titles[lens.range.start.line] = lens.command.title
  end
  check('promptfooconfig.yaml: the test jumped to shows its last run',
        titles[35], CHECK .. ' passed 3 h ago')
end

local function test_show_grade(bufnr, uri)
  local result, err = request(bufnr, 'workspace/executeCommand', {
    command = 'facet.showGrade', arguments = { uri },
  })

  check('facet.showGrade: replies null', { result = result, err = err },
        { result = nil, err = nil })
  vim.wait(TIMEOUT_MS, function() return #messages > 0 end, 10)
  check('facet.showGrade: shows the grade as an info message', messages, { {
    type = 3,
    message = 'Prompty: grade schema. loose' .. ARROW .. 'structured'
      .. ARROW .. '[schema]' .. ARROW .. 'eval' .. ARROW .. 'code. '
      .. 'Size: about 74 tokens. Why: its output is pinned by a schema (outputs). '
      .. 'Next: add an eval: a promptfoo config or .prompt.yml testData '
      .. 'that exercises this prompt.',
  } })
end

-- Edits go out as incremental didChange; the diagnostics must follow them.
local function test_edits(bufnr)
  local uri = vim.uri_from_bufnr(bufnr)
  local before = published[uri]

  vim.api.nvim_set_current_buf(bufnr)
  vim.api.nvim_buf_set_text(bufnr, 7, 17, 7, 22, { '0.2' })
  wait_published(uri, before + 1)
  vim.wait(TIMEOUT_MS, function() return #seen(bufnr) == 0 end, 10)
  check('after fixing the temperature the error goes away', seen(bufnr), {})

  before = published[uri]
  vim.api.nvim_buf_set_text(bufnr, 8, 21, 8, 24, { 'lots' })
  wait_published(uri, before + 1)
  vim.wait(TIMEOUT_MS, function() return #seen(bufnr) > 0 end, 10)
  check('a new mistake typed in is reported where it was typed',
        seen(bufnr), { {
          lnum = 8, col = 21, end_lnum = 8, end_col = 25,
          severity = ERROR, source = 'facet', code = 'wrong-type',
          message = "'maxOutputTokens' should be an integer, not a string",
        } })
end

-- Completion inside {{ }} offers the declared inputs, and not the
-- half-typed 'pl' whose only read is the word being typed; a rename of an
-- input changes its declaration and every read, in the buffer.
local function test_completion_and_rename(bufnr, uri)
  local last = vim.api.nvim_buf_line_count(bufnr)

  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { 'See {{ pl }}.' })
  local before = published[uri]
  wait_published(uri, before + 1)
  local items = request(bufnr, 'textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = last, character = 9 },
  })
  local labels = {}
  for _, item in ipairs(items or {}) do
    table.insert(labels, item.label .. ':' .. (item.detail or ''))
  end
  check('completion inside {{ }} offers the declared inputs', labels,
        { 'subject:string', 'body:string', 'plan:string' })
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, false, {})
  wait_published(uri, before + 2)

  local edit = request(bufnr, 'textDocument/rename', {
    textDocument = { uri = uri },
    position = { line = 45, character = 9 },
    newName = 'tier',
  })
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  wait_published(uri, before + 3)
  check('rename changes the declaration and the read',
        { vim.api.nvim_buf_get_lines(bufnr, 23, 24, false)[1],
          vim.api.nvim_buf_get_lines(bufnr, 45, 46, false)[1] },
        { '  - name: tier', 'Plan: {{tier}}' })
  check('after the rename the file is still clean', seen(bufnr), {})
end

local function test_shutdown()
  local client = vim.lsp.get_client_by_id(client_id)

  client.stop()
  vim.wait(TIMEOUT_MS, function() return exited ~= nil end, 10)
  check('shutdown and exit: facet ends with status 0', exited,
        { code = 0, signal = 0 })
end

-- The plugin's filetypes: new ones only where no filetype exists.
local function test_filetypes()
  local got = {}

  for _, relative in ipairs({ 'prompts/triage.prompty',
                              'prompts/reply-draft.prompt',
                              'prompts/classify-ticket.prompt.yml',
                              '.github/prompts/new-test-case.prompt.md',
                              'schemas/reply.schema.json',
                              'promptfooconfig.yaml' }) do
    got[relative] = vim.bo[vim.fn.bufnr(EXAMPLES .. '/' .. relative)].filetype
  end
  check('filetypes: prompty and dotprompt are new; YAML, Markdown and '
        .. 'JSON artifacts keep theirs', got, {
          ['prompts/triage.prompty'] = 'prompty',
          ['prompts/reply-draft.prompt'] = 'dotprompt',
          ['prompts/classify-ticket.prompt.yml'] = 'yaml',
          ['.github/prompts/new-test-case.prompt.md'] = 'markdown',
          ['schemas/reply.schema.json'] = 'json',
          ['promptfooconfig.yaml'] = 'yaml',
        })
end

-- Runs an Ex command and returns the first vim.notify it led to.
local function notified(command)
  local before = #notes

  vim.cmd(command)
  vim.wait(TIMEOUT_MS, function() return #notes > before end, 10)
  return notes[before + 1]
end

local INFO = vim.log.levels.INFO

local function test_grade_command(bufnr)
  vim.api.nvim_set_current_buf(bufnr)
  check(':FacetGrade shows the grade, the next step and why',
        notified('FacetGrade'), {
          message = 'facet: Prompty ' .. DOT .. ' grade: schema ' .. DOT
            .. ' next: add an eval: a promptfoo config or .prompt.yml '
            .. 'testData that exercises this prompt ' .. DOT .. ' why: its '
            .. 'output is pinned by a schema (outputs)',
          level = INFO,
        })
end

-- The quickfix list holds what facet check reports for the same folder.
local function test_workspace_grades()
  local report = vim.fn.json_decode(vim.fn.system(
    vim.fn.shellescape(BIN) .. ' check --format json '
    .. vim.fn.shellescape(EXAMPLES) .. ' 2>/dev/null'))
  local want = {}
  local got = {}

  for _, file in ipairs(report.files) do
    if file.grade ~= vim.NIL then
      local text = 'grade: ' .. file.grade.level
      if file.grade.next ~= vim.NIL then
        text = text .. ' ' .. DOT .. ' next: ' .. file.grade.next
      end
      table.insert(want, { file = file.path, lnum = 1, text = text })
    end
  end
  vim.cmd('FacetWorkspaceGrades')
  vim.wait(TIMEOUT_MS, function()
    return vim.fn.getqflist({ title = 1 }).title:find('^facet:') ~= nil
  end, 10)
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(got, { file = vim.api.nvim_buf_get_name(item.bufnr),
                        lnum = item.lnum, text = item.text })
  end
  check(':FacetWorkspaceGrades lists what facet check grades, in order',
        got, want)
  check(':FacetWorkspaceGrades titles the list with the totals',
        vim.fn.getqflist({ title = 1 }).title, string.format(
          'facet: workspace grades (loose %d, structured %d, schema %d, '
          .. 'eval %d, code %d)', report.grades.loose,
          report.grades.structured, report.grades.schema,
          report.grades.eval, report.grades.code))
  vim.cmd('cclose')
end

local function test_crystallise_with_facet(bufnr)
  vim.api.nvim_set_current_buf(bufnr)
  check(':FacetCrystallise says so when facet offers no action there',
        notified('FacetCrystallise'),
        { message = 'facet: no crystallise action here', level = INFO })
end

-- Whatever refactor.extract action the server offers is applied: here one
-- that creates a schema file, answered in place of the server, next to a
-- quick fix that must be left alone.
local function test_crystallise_applies_the_action(bufnr)
  local client = vim.lsp.get_client_by_id(client_id)
  local real = client.request
  local schema = WORK .. '/triage-output.schema.json'
  local schema_uri = vim.uri_from_fname(schema)
  local asked = nil
  local start = { line = 0, character = 0 }
  local action = {
    title = 'Crystallise the output rules into a schema',
    kind = 'refactor.extract',
    edit = { documentChanges = {
      { kind = 'create', uri = schema_uri },
      { textDocument = { uri = schema_uri },
        edits = { { range = { start = start, ['end'] = start },
                    newText = '{ "type": "object" }\n' } } },
    } },
  }
  local quickfix = {
    title = 'Not this one', kind = 'quickfix',
    edit = { changes = { [vim.uri_from_bufnr(bufnr)] = { {
      range = { start = start, ['end'] = start }, newText = 'WRONG' } } } },
  }

  client.request = function(method, params, handler, req_bufnr)
    if method ~= 'textDocument/codeAction' then
      return real(method, params, handler, req_bufnr)
    end
    asked = params
    handler(nil, { quickfix, action },
            { method = method, client_id = client.id, bufnr = req_bufnr })
    return true, 0
  end
  vim.api.nvim_set_current_buf(bufnr)
  local ok, err = pcall(vim.cmd, '40,43FacetCrystallise')
  client.request = real
  assert(ok, err)

  check(':FacetCrystallise asks for refactor.extract on the lines given',
        { range = asked and asked.range,
          only = asked and asked.context.only },
        { range = { start = { line = 39, character = 0 },
                    ['end'] = { line = 43, character = 0 } },
          only = { 'refactor.extract' } })
  check(':FacetCrystallise applies the action: the schema file is made',
        { exists = vim.loop.fs_stat(schema) ~= nil,
          text = vim.api.nvim_buf_get_lines(vim.fn.bufnr(schema), 0, -1,
                                            false),
          first = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] },
        { exists = true, text = { '{ "type": "object" }', '' },
          first = '---' })
end

local function test_restart(bufnr)
  local uri = vim.uri_from_bufnr(bufnr)
  local before = published[uri] or 0
  local attached = 0

  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    attached = attached + (facet.client(b) and 1 or 0)
  end
  vim.api.nvim_set_current_buf(bufnr)
  local note = notified('FacetRestart')
  local client = facet.client(bufnr)
  wait_published(uri, before + 1)
  check(':FacetRestart starts a new server for the same buffers',
        { new = client ~= nil and client.id ~= client_id,
          old_exit = exited, published = (published[uri] or 0) > before,
          note = note },
        { new = true, old_exit = { code = 0, signal = 0 }, published = true,
          note = { message = string.format('facet: restarted for %d '
                                           .. 'buffers', attached),
                   level = INFO } })
  client_id = client and client.id
  exited = nil
end

-- setup() called again hands the running server its new settings.
local function test_settings(bufnr)
  local uri = vim.uri_from_bufnr(bufnr)
  local before = published[uri] or 0
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true),
                            '\n') .. '\n'

  setup({ facet = { maxFileBytes = 10 } })
  wait_published(uri, before + 1)
  local limit = string.format('file is %d bytes, over the 10-byte limit; '
                              .. 'it was not analysed', #text)
  check('settings: facet.maxFileBytes reaches the running server',
        vim.tbl_map(function(d) return d.code .. ': ' .. d.message end,
                    seen(bufnr)), { 'file-too-large: ' .. limit })

  -- Not analysed, so not graded: no lens and no grade, as facet check
  -- --max-bytes shows none (it was shown as loose, "text with no
  -- machine-read header").
  vim.api.nvim_set_current_buf(bufnr)
  vim.lsp.codelens.refresh()
  vim.wait(500, function() return #vim.lsp.codelens.get(bufnr) == 0 end, 10)
  check('a file over maxFileBytes has no grade lens',
        { asked = lenses(bufnr, uri),
          shown = vim.tbl_map(function(lens)
            return lens.command and lens.command.title
          end, vim.lsp.codelens.get(bufnr)) },
        { asked = {}, shown = {} })
  check(':FacetGrade says it has no grade, and why',
        notified('FacetGrade'),
        { message = 'facet: no grade: ' .. limit, level = INFO })
end

-- nvim-lspconfig matches buffers by filetype only; facet.root_dir, its
-- root_dir in the README's snippet, picks the buffers setup() attaches
-- to by name and filetype, and answers nil (no server) for the others.
local function test_lspconfig_root_dir()
  local got = {}

  for _, relative in ipairs({ 'README.md', 'prompts/outage-update.j2',
                              '.github/prompts/new-test-case.prompt.md',
                              'promptfooconfig.yaml' }) do
    local fname = EXAMPLES .. '/' .. relative
    vim.cmd('edit ' .. vim.fn.fnameescape(fname))
    got[relative] = facet.root_dir(fname, vim.fn.bufnr(fname)) or 'nil'
  end
  check('root_dir for nvim-lspconfig: the root for facet\'s files, nil for '
        .. 'other Markdown', got, {
          ['README.md'] = 'nil',
          ['prompts/outage-update.j2'] = EXAMPLES,
          ['.github/prompts/new-test-case.prompt.md'] = EXAMPLES,
          ['promptfooconfig.yaml'] = EXAMPLES,
        })
end

local function test_missing_binary()
  local missing = WORK .. '/no-such-facet'
  local before = #notes

  facet.setup({ cmd = { missing }, root_dir = EXAMPLES })
  vim.cmd('edit ' .. vim.fn.fnameescape(WORK .. '/new.prompty'))
  check('without a facet binary the plugin says what to do, once',
        { attached = facet.client(0) ~= nil,
          notes = vim.list_slice(notes, before + 1) },
        { attached = false, notes = { {
          message = "facet: cannot start the server: '" .. missing
            .. "' is not an executable. Install facet, or give its path: "
            .. "require('facet').setup({ cmd = { '/path/to/facet', 'lsp', "
            .. "'--stdio' } })",
          level = vim.log.levels.ERROR,
        } } })
end

local function main()
  setup()
  local outage = test_wrong_type()
  test_initialize()
  test_workspace_grades()
  test_unknown_key()
  test_yaml_syntax()
  local triage = test_clean_file()
  test_valid_files()
  test_filetypes()
  local triage_uri = vim.uri_from_bufnr(triage)
  test_hover(triage, triage_uri)
  test_lens_request(triage, triage_uri)
  test_lens_display()
  test_eval_summary()
  test_show_grade(triage, triage_uri)
  test_grade_command(triage)
  test_crystallise_with_facet(triage)
  test_crystallise_applies_the_action(triage)
  test_completion_and_rename(triage, triage_uri)
  test_edits(outage)
  test_restart(outage)
  test_settings(outage)
  test_lspconfig_root_dir()
  test_shutdown()
  test_missing_binary()
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  count = count + 1
  emit(string.format('not ok %d - the test stopped: %s', count,
                     tostring(err):gsub('\n', '\n#   ')))
  report:close()
  vim.cmd('cquit 2')
end
finish()
