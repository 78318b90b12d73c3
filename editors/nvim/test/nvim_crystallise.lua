--[[
End-to-end test of crystallise with Neovim's built-in LSP client: a
fragment of prompts/reply.j2 (a prompt the example promptfoo config runs)
is selected, and each crystallise action is chosen from Neovim's own code
action menu (vim.lsp.buf.range_code_action, with vim.ui.select answered
by title). Neovim 0.7 does not advertise documentChanges, so facet sends
each action as its facet.crystallise command: facet writes the new files,
and the edits to existing files come back through workspace/applyEdit.
After each action the test checks the files written and the grade the
prompt's code lens shows; at the end it changes the fragment and checks
the drift hint.

Run it through run.sh (editors/nvim/test/run.sh FACET nvim_crystallise.lua),
which installs the plugin as a user does, with FACET_E2E_WORK (a copy of
examples/ this test may write in) as the workspace root, and sets
FACET_E2E_REPORT and FACET_E2E_EXAMPLES. The client is the plugin's.
]]

local WORK = os.getenv('FACET_E2E_WORK')
local EXAMPLES = os.getenv('FACET_E2E_EXAMPLES')
local REPORT = os.getenv('FACET_E2E_REPORT')

local TIMEOUT_MS = 15000
local DOT = '\194\183'

local report = assert(io.open(REPORT, 'w'))
local count = 0
local failed = 0

local function emit(line)
  report:write(line, '\n')
  report:flush()
end

local function check(name, got, want)
  count = count + 1
  if vim.deep_equal(got, want) then
    emit(string.format('ok %d - %s', count, name))
    return true
  end
  failed = failed + 1
  emit(string.format('not ok %d - %s', count, name))
  for _, pair in ipairs({ { 'expected', want }, { '     got', got } }) do
    local text = type(pair[2]) == 'string' and string.format('%q', pair[2])
      or vim.inspect(pair[2])
    emit('#   ' .. pair[1] .. ': ' .. text:gsub('\n', '\n#   '))
  end
  return false
end

local published = {}
local messages = {}

local client_id = nil

-- The plugin's client uses Neovim's handlers: watched here, before it
-- starts with the first buffer.
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

local function read(relative)
  local f = io.open(WORK .. '/' .. relative)
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  return text
end

local function wait(fn)
  return vim.wait(TIMEOUT_MS, fn, 10)
end

-- The titles of the code lenses of bufnr, in order.
local function lens_titles(bufnr)
  local replies = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeLens',
    { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, TIMEOUT_MS)
  local titles = {}
  for _, lens in ipairs(replies and replies[client_id].result or {}) do
    table.insert(titles, { line = lens.range.start.line,
                           title = lens.command.title })
  end
  return titles
end

-- Chooses the action whose title starts with prefix from Neovim's code
-- action menu on lines first..last (1-based, whole lines), and waits for
-- the message facet shows when it has run it.
local function crystallise(bufnr, first, last, prefix)
  local select = vim.ui.select
  local chosen = nil
  local before = #messages

  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      if opts.format_item(item):sub(1, #prefix) == prefix then
        chosen = opts.format_item(item)
        return on_choice(item)
      end
    end
    on_choice(nil)
  end
  local line = vim.api.nvim_buf_get_lines(bufnr, last - 1, last, false)[1]
  vim.lsp.buf.range_code_action({ only = { 'refactor.extract' } },
                                { first, 0 }, { last, #line - 1 })
  wait(function() return #messages > before end)
  vim.ui.select = select
  return chosen, messages[#messages]
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(WORK .. '/prompts/reply.j2'))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(wait(function()
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.name == 'facet' and c.initialized then
        client_id = c.id
      end
    end
    return client_id ~= nil
  end), 'the plugin attached no initialized facet client to reply.j2')
  local uri = vim.uri_from_bufnr(bufnr)
  assert(wait(function() return published[uri] end), 'no diagnostics')

  check('before: reply.j2 is loose and shows no crystallised fragment',
        lens_titles(bufnr),
        { { line = 0, title = 'grade: loose ' .. DOT .. ' next: move it '
            .. 'into a prompt file whose header declares its variables (a '
            .. '.prompty with inputs)' } })

  -- Lines 2-3: "Reply ... in at most {{ max_sentences | default(4) }}
  -- sentences. Do not promise refunds, credits or engineer visits."
  local title, msg = crystallise(bufnr, 2, 3, 'Crystallise into a JSON')
  check('schema: the menu offers it by its file, next to the existing one',
        title, 'Crystallise into a JSON Schema (schemas/reply-2.schema.json)')
  local schema = read('schemas/reply-2.schema.json') or ''
  check('schema: facet wrote the file, with its provenance record',
        schema:match('"%$comment": "(facet: crystallised from [^,]+),'),
        'facet: crystallised from ../prompts/reply.j2 lines 2-3')
  local original = io.open(EXAMPLES .. '/schemas/reply.schema.json')
  check('schema: the schema that was there is left as it was',
        read('schemas/reply.schema.json'), original:read('*a'))
  original:close()
  check('schema: the message says what was made, and what to finish',
        msg and msg.message,
        'facet: Crystallise into a JSON Schema (schemas/reply-2.schema.json)'
          .. '; created schemas/reply-2.schema.json. Note: the fragment '
          .. 'shows no JSON example or field list, so the schema has one '
          .. 'field, result, to rename and describe; promptfooconfig.yaml '
          .. 'gets no is-json check: its tests check text answers.')
  wait(function() return #lens_titles(bufnr) == 2 end)
  check('schema: the prompt is at schema, and the fragment shows its schema',
        lens_titles(bufnr),
        { { line = 0, title = 'grade: schema ' .. DOT .. ' next: add an eval' },
          { line = 1, title = '\226\134\146 schema schemas/reply-2.schema.json' } })

  title = crystallise(bufnr, 2, 3, 'Crystallise into an eval')
  check('eval: the menu offers one test in the config that runs the prompt',
        title, 'Crystallise into an eval (1 test in promptfooconfig.yaml)')
  local config = vim.fn.bufnr(WORK .. '/promptfooconfig.yaml')
  wait(function()
    return config > 0 and table.concat(vim.api.nvim_buf_get_lines(
      config, 0, -1, false), '\n'):find('facet: crystallised', 1, true)
  end)
  vim.cmd('wall')
  local written = read('promptfooconfig.yaml') or ''
  check('eval: the test was added to promptfooconfig.yaml and saved',
        { written:find("  - description: 'rules: Reply to the customer below "
                       .. 'in at most {{ max_sentences | default(4) }}', 1,
                       true) ~= nil,
          written:find('      facet: crystallised from prompts/reply.j2 '
                       .. 'lines 2-3, fragment xxh64:', 1, true) ~= nil },
        { true, true })
  wait(function() return #lens_titles(bufnr) == 3 end)
  check('eval: the prompt is at eval, and the fragment shows its test',
        lens_titles(bufnr),
        { { line = 0, title = 'grade: eval ' .. DOT .. ' next: crystallise a '
            .. 'stable rule into code' },
          { line = 1, title = '\226\134\146 schema schemas/reply-2.schema.json' },
          { line = 1, title = '\226\134\146 1 test in promptfooconfig.yaml' } })

  title = crystallise(bufnr, 2, 3, 'Crystallise into code')
  check('code: the menu offers a Python validator (no package.json here)',
        title, 'Crystallise into code (validators/reply.py)')
  check('code: the validator and its test were written',
        { (read('validators/reply.py') or ''):match('^# (facet: [^,]+),'),
          (read('validators/test_reply.py') or ''):match('^[^\n]+') },
        { 'facet: crystallised from ../prompts/reply.j2 lines 2-3',
          '# facet: tests for check_reply in reply.py' })
  wait(function() return #lens_titles(bufnr) == 4 end)
  check('code: the prompt is at code, and the fragment shows its validator',
        lens_titles(bufnr)[1],
        { line = 0, title = 'grade: code' })
  check('code: four lenses at the fragment and the top',
        #lens_titles(bufnr), 4)

  -- The fragment changes: every artifact may no longer match.
  local before = published[uri]
  vim.api.nvim_buf_set_text(bufnr, 2, 11, 2, 33, { 'promise nothing' })
  wait(function() return (published[uri] or 0) > before end)
  wait(function() return #vim.diagnostic.get(bufnr) > 0 end)
  local hints = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(hints, { lnum = d.lnum, severity = d.severity, code = d.code })
  end
  check('drift: a hint per artifact on the changed fragment', hints, {
    { lnum = 1, severity = vim.diagnostic.severity.HINT,
      code = 'crystallised-fragment-changed' },
    { lnum = 1, severity = vim.diagnostic.severity.HINT,
      code = 'crystallised-fragment-changed' },
    { lnum = 1, severity = vim.diagnostic.severity.HINT,
      code = 'crystallised-fragment-changed' },
  })

  local client = vim.lsp.get_client_by_id(client_id)
  client.stop()
  wait(function() return client.is_stopped() end)
  check('shutdown: facet stops when asked', client.is_stopped(), true)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  count = count + 1
  emit(string.format('not ok %d - the test stopped: %s', count,
                     tostring(err):gsub('\n', '\n#   ')))
  report:close()
  vim.cmd('cquit 2')
end
report:close()
if failed > 0 then
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
