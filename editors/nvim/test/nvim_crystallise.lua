--[[
End-to-end test of crystallise in Neovim, through the plugin as a user
runs it: prompts/outage-update.j2 (a prompt of the examples that nothing
runs yet, so it starts loose) is hardened one rung at a time with
:[range]FacetCrystallise on its output paragraph (lines 7-9: a JSON
example and the statuses allowed), the action chosen by title from the
menu the plugin offers (vim.ui.select, answered here). Neovim 0.7 does not
advertise documentChanges, so facet sends each action as its
facet.crystallise command: facet writes the new files, and its workspace
index reads them. After each action the test checks the files written
and the lenses at the prompt's top and at the fragment: the grade climbs
loose -> schema -> eval -> code, and the fragment shows what it became
(the tests with their eval status, "never run" here). Then it
changes the fragment and checks the drift hints; at the end it
crystallises a Prompty prompt's field list, whose edit of the prompt's
header the plugin must write.

The index works off Neovim's loop: the test waits for its $/progress end
before the first look, and after each action polls the lenses until they
read what they should (or the time is up and the check fails with what
they read), never assuming the index was done.

Run it through run.sh (editors/nvim/test/run.sh FACET nvim_crystallise.lua),
which installs the plugin as a user does, with FACET_E2E_WORK (a copy of
examples/ this test may write in) as the workspace root, and sets
FACET_E2E_REPORT and FACET_E2E_EXAMPLES.
]]

local WORK = os.getenv('FACET_E2E_WORK')
local REPORT = os.getenv('FACET_E2E_REPORT')

local TIMEOUT_MS = 15000
local DOT = '\194\183'
local ARROW = '\226\134\146 '
local PROMPT = 'prompts/outage-update.j2'
-- The output paragraph, 1-based lines: "Answer with JSON only, like
-- this:", the JSON example, "The status is one of: ...".
local FIRST, LAST = 7, 9

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
local indexed = false

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
local on_progress = vim.lsp.handlers['$/progress']
vim.lsp.handlers['$/progress'] = function(err, result, ctx, config)
  if result and result.token == 'facet/index' and result.value
     and result.value.kind == 'end' then
    indexed = true
  end
  if on_progress then
    return on_progress(err, result, ctx, config)
  end
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
  return vim.wait(TIMEOUT_MS, fn, 20)
end

-- The code lenses of bufnr, in order: { line, title } each.
local function lenses(bufnr)
  local client = require('facet').client(bufnr)
  local replies = client and vim.lsp.buf_request_sync(bufnr,
    'textDocument/codeLens',
    { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, TIMEOUT_MS)
  local list = {}
  for _, lens in ipairs(replies and replies[client.id]
                        and replies[client.id].result or {}) do
    table.insert(list, { line = lens.range.start.line,
                         title = lens.command.title })
  end
  return list
end

-- The lenses once they read want: the index reads what an action wrote
-- off the loop, so they are asked for again until they do.
local function settled_lenses(bufnr, want)
  local got = {}
  wait(function()
    got = lenses(bufnr)
    return vim.deep_equal(got, want)
  end)
  return got
end

-- The buffers with changes not written, by file name.
local function unsaved()
  local names = {}
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].modified then
      table.insert(names, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr),
                                             ':t'))
    end
  end
  table.sort(names)
  return names
end

-- Runs :FIRST,LASTFacetCrystallise, chooses the action whose title starts
-- with prefix from the menu it offers, and waits for the message facet
-- shows when it has run it. Returns the title chosen and that message.
local function crystallise(prefix, first, last)
  local select = vim.ui.select
  local chosen = nil
  local offered = nil
  local before = #messages

  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    for _, item in ipairs(items) do
      table.insert(offered, opts.format_item(item))
    end
    for _, item in ipairs(items) do
      if opts.format_item(item):sub(1, #prefix) == prefix then
        chosen = opts.format_item(item)
        return on_choice(item)
      end
    end
    on_choice(nil)
  end
  vim.cmd(string.format('%d,%dFacetCrystallise', first or FIRST,
                        last or LAST))
  wait(function() return #messages > before end)
  vim.ui.select = select
  return chosen, messages[#messages], offered
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(WORK .. '/' .. PROMPT))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(wait(function()
    local client = require('facet').client(bufnr)
    return client and client.initialized
  end), 'the plugin attached no initialized facet client to ' .. PROMPT)
  local uri = vim.uri_from_bufnr(bufnr)
  assert(wait(function() return published[uri] end), 'no diagnostics')
  check('the index of the workspace ends with a $/progress end',
        wait(function() return indexed end), true)

  local loose = { line = 0, title = 'grade: loose ' .. DOT .. ' next: move '
                  .. 'it into a prompt file whose header declares its '
                  .. 'variables (a .prompty with inputs)' }
  check('before: the prompt is loose and nothing runs it',
        lenses(bufnr), { loose })

  -- Rung 1: a schema.
  local title, msg, offered = crystallise('Crystallise into a JSON')
  check(':FacetCrystallise offers the three actions on the paragraph',
        offered, {
          'Crystallise into a JSON Schema (schemas/outage-update.schema.json)',
          'Crystallise into an eval (2 tests in '
            .. 'prompts/promptfooconfig.yaml)',
          'Crystallise into code (validators/outage_update.py)',
        })
  check('schema: chosen by its title', title,
        'Crystallise into a JSON Schema (schemas/outage-update.schema.json)')
  local schema = read('schemas/outage-update.schema.json') or ''
  check('schema: facet wrote the file, with its provenance record and the '
        .. 'statuses allowed', {
          schema:match('"%$comment": "(facet: crystallised from [^,]+),'),
          schema:match('"enum": %[([^%]]+)%]'),
        }, { 'facet: crystallised from ../prompts/outage-update.j2 lines 7-9',
             '"investigating", "identified", "fixing", "resolved"' })
  check('schema: the message says what was made',
        msg and msg.message,
        'facet: Crystallise into a JSON Schema '
          .. '(schemas/outage-update.schema.json); created '
          .. 'schemas/outage-update.schema.json')
  check('schema: the prompt is at schema; the fragment shows its schema',
        settled_lenses(bufnr, {
          { line = 0, title = 'grade: schema ' .. DOT .. ' next: add an eval' },
          { line = 6, title = ARROW .. 'schema schemas/outage-update.schema.json' },
        }), {
          { line = 0, title = 'grade: schema ' .. DOT .. ' next: add an eval' },
          { line = 6, title = ARROW .. 'schema schemas/outage-update.schema.json' },
        })

  -- Rung 2: an eval, in a new promptfoo config that runs the prompt.
  title, msg = crystallise('Crystallise into an eval')
  check('eval: two tests in a new config next to the prompt', title,
        'Crystallise into an eval (2 tests in '
          .. 'prompts/promptfooconfig.yaml)')
  local config = read('prompts/promptfooconfig.yaml') or ''
  check('eval: the config runs the prompt and records the fragment in '
        .. 'each test', {
          config:find('\nprompts:\n  %- file://outage%-update%.j2\n') ~= nil,
          select(2, config:gsub('\n      facet: crystallised from '
                                .. 'outage%-update%.j2 lines 7%-9, fragment '
                                .. 'xxh64:%x+\n', '')),
        }, { true, 2 })
  check('eval: the message asks for real test inputs', msg and msg.message,
        'facet: Crystallise into an eval (2 tests in '
          .. 'prompts/promptfooconfig.yaml); created '
          .. 'prompts/promptfooconfig.yaml. Note: give notes a real value '
          .. 'in prompts/promptfooconfig.yaml (the TODO placeholders).')
  local at_eval = {
    { line = 0, title = 'grade: eval ' .. DOT .. ' next: run the evals and '
      .. 'keep their results (promptfoo eval -o results.json, gh models eval '
      .. '--json) so facet can show whether they pass' },
    { line = 0, title = 'evals: 0 \226\156\147 0 \226\156\151 ' .. DOT
      .. ' 2 never run' },
    { line = 6, title = ARROW .. 'schema schemas/outage-update.schema.json' },
    { line = 6, title = ARROW .. '2 tests ' .. DOT .. ' never run' },
  }
  check('eval: the prompt is at eval; the fragment shows its tests, never '
        .. 'run', settled_lenses(bufnr, at_eval), at_eval)

  -- Rung 3: code.
  -- The schema and the eval of this fragment are made and it is
  -- unchanged: they are not offered again, and the one action left runs
  -- without a menu.
  title, msg, offered = crystallise('Crystallise into code')
  check('code: the only action left runs without a menu', offered, nil)
  check('code: a Python validator (no package.json here)',
        msg and msg.message:match('^facet: (Crystallise into code %([^)]+%))'),
        'Crystallise into code (validators/outage_update.py)')
  check('code: the validator and its test were written',
        { (read('validators/outage_update.py') or ''):match('^# (facet: [^,]+),'),
          (read('validators/test_outage_update.py') or ''):match('^[^\n]+') },
        { 'facet: crystallised from ../prompts/outage-update.j2 lines 7-9',
          '# facet: tests for check_outage_update in outage_update.py' })
  local at_code = {
    { line = 0, title = 'grade: code' },
    at_eval[2], at_eval[3], at_eval[4],
    { line = 6, title = ARROW .. 'code validators/outage_update.py' },
  }
  check('code: the prompt is at code; the fragment shows its validator',
        settled_lenses(bufnr, at_code), at_code)

  -- The fragment changes: every artifact may no longer match it.
  local before = published[uri]
  vim.api.nvim_buf_set_text(bufnr, 8, 22, 8, 35, { 'open, closed' })
  wait(function() return (published[uri] or 0) > before end)
  wait(function() return #vim.diagnostic.get(bufnr) == 3 end)
  local hints = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(hints, { lnum = d.lnum, end_lnum = d.end_lnum,
                          severity = d.severity, message = d.message })
  end
  table.sort(hints, function(a, b) return a.message < b.message end)
  local hint = function(into, what)
    return { lnum = 6, end_lnum = 8, severity = vim.diagnostic.severity.HINT,
             message = 'this text changed since it was crystallised into '
               .. into .. ': ' .. what }
  end
  check('drift: a hint per artifact on the changed fragment', hints, {
    hint('prompts/promptfooconfig.yaml',
         'its tests may no longer check what it says'),
    hint('schemas/outage-update.schema.json',
         'the schema may no longer match it'),
    hint('validators/outage_update.py',
         'the validator may no longer enforce it'),
  })
  local changed = function(into)
    return { line = 6, title = '\226\154\160 changed since it was '
             .. 'crystallised into ' .. into }
  end
  local drifted = {
    at_code[1], at_code[2],
    changed('schemas/outage-update.schema.json'),
    changed('prompts/promptfooconfig.yaml'),
    changed('validators/outage_update.py'),
  }
  check('drift: each lens at the fragment says it changed',
        settled_lenses(bufnr, drifted), drifted)

  -- A Prompty prompt: its schema goes into its header too, an edit facet
  -- asks Neovim 0.7 to apply (workspace/applyEdit); the plugin writes
  -- the buffer it changed, as VS Code saves the files of a refactoring
  -- (the prompt's edit was left unsaved).
  local reply = WORK .. '/prompts/reply-fields.prompty'
  local f = assert(io.open(reply, 'w'))
  f:write('---\nname: reply\ninputs:\n  ticket:\n    type: string\n---\n'
          .. 'Return JSON with these fields:\n'
          .. '- `subject`: the subject line\n'
          .. '- `urgent` (boolean): whether it cannot wait\n\n{{ticket}}\n')
  f:close()
  vim.cmd('edit ' .. vim.fn.fnameescape(reply))
  local reply_buf = vim.api.nvim_get_current_buf()
  local reply_uri = vim.uri_from_bufnr(reply_buf)
  wait(function() return published[reply_uri] end)
  title, msg = crystallise('Crystallise into a JSON Schema', 7, 9)
  check('header: the schema of a Prompty prompt', title,
        'Crystallise into a JSON Schema (schemas/reply-fields.schema.json)')
  wait(function() return not vim.bo[reply_buf].modified end)
  -- outage-update.j2 keeps the edit the drift checks typed.
  check('header: the prompt buffer the action changed is written',
        { unsaved = unsaved(),
          disk = read('prompts/reply-fields.prompty'),
          outputs = (read('prompts/reply-fields.prompty') or '')
            :match('\n(outputs:\n  subject:)') },
        { unsaved = { 'outage-update.j2' },
          disk = table.concat(vim.api.nvim_buf_get_lines(reply_buf, 0, -1,
                                                         true), '\n')
            .. '\n',
          outputs = 'outputs:\n  subject:' })

  local client = require('facet').client(bufnr)
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
