--[[
facet for Neovim's built-in LSP client (Neovim 0.7 or later).

  require('facet').setup({
    cmd = { '/path/to/facet', 'lsp', '--stdio' },  -- default: facet on PATH
  })

setup() starts one facet server per workspace root and attaches it to the
files facet understands: the names it recognises (Prompty, Dotprompt,
.prompt.yml, VS Code prompt files, promptfoo configs, *.schema.json, ...)
and every YAML and JSON buffer, whose content decides (facet stays quiet
on the ones that are no artifact). Filetypes other plugins rely on are
kept: a .prompt.yml stays 'yaml' and a .prompt.md stays 'markdown', so
their other language servers still attach.

Options (all optional):
  cmd          the server command: a list, or a string naming the facet
               binary (then 'lsp --stdio' is added)
  root_dir     a folder, or function(bufnr) -> folder; default: the
               nearest folder above the file holding one of root_markers,
               else the current directory
  root_markers default { '.git' }
  settings     { facet = { formats = {...}, maxFileBytes = n } }: sent as
               initializationOptions and answered to workspace/configuration
  filetypes    filetypes attached whatever the name (default yaml, json,
               prompty, dotprompt)
  patterns     extra Lua patterns matched against the lower-cased path
  codelens     refresh the grade lens on the events that change it (true)
  on_attach, capabilities, handlers, flags, ...: passed to the client

The plugin/facet.lua file defines :FacetGrade, :FacetWorkspaceGrades,
:FacetCrystallise and :FacetRestart, which work with any client named
'facet' (one nvim-lspconfig started, too). :FacetCrystallise writes the
buffers the action changed, as VS Code saves the files of a refactoring.
For nvim-lspconfig, root_dir() picks the buffers setup() would attach to.
]]

local M = {}

M.name = 'facet'

-- The names facet recognises, as Lua patterns on the lower-cased path
-- (facet compares names without case).
M.patterns = {
  '%.prompty$', '%.prompt$', '%.prompt%.ya?ml$', '%.prompt%.md$',
  '%.instructions%.md$', '%.agent%.md$', '%.chatmode%.md$',
  '/copilot%-instructions%.md$', '/agents%.md$', '/claude%.md$',
  '/claude%.local%.md$', '/skill%.md$', '/%.github/agents/[^/]*%.md$',
  '/%.claude/rules/[^/]*%.md$', '/%.claude/commands/.*%.md$',
  '/%.cursor/rules/[^/]*%.mdc$', '/%.cursorrules$', '/skprompt%.txt$',
  '%.poml$', '%.j2$', '%.jinja2?$', '%.mustache$', '%.hbs$',
  '%.handlebars$', '%.schema%.json$', '/promptfooconfig%.ya?ml$',
  '/promptfooconfig%.json$', '/evals/registry/evals/[^/]*%.ya?ml$',
  '/evals/registry/modelgraded/[^/]*%.ya?ml$',
}

M.filetypes = { 'yaml', 'json', 'prompty', 'dotprompt' }

local DOT = '\194\183'  -- U+00B7, as in "grade: schema · next: ..."

local options = nil     -- set by setup()
local clients = {}      -- root folder -> client id (setup's clients)
local attached = {}     -- bufnr -> id of the client setup attached to it
local warned = false    -- the missing-binary message is shown once

local function notify(message, level)
  vim.notify('facet: ' .. message, level or vim.log.levels.INFO)
end

-- The clients attached to bufnr, on 0.7 and on later versions.
local function buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

--- The facet client attached to bufnr (default: the current buffer).
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf()
    or bufnr
  for _, client in ipairs(buf_clients(bufnr)) do
    if client.name == M.name then
      return client
    end
  end
  -- Until it has answered initialize, 0.7 lists a client for no buffer.
  local client = attached[bufnr] and vim.lsp.get_client_by_id(attached[bufnr])
  if client and not client.is_stopped()
     and vim.lsp.buf_is_attached(bufnr, client.id) then
    return client
  end
  return nil
end

--- Whether facet should attach to bufnr: a name it knows or a filetype
--- whose content decides.
function M.wants(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)

  if vim.bo[bufnr].buftype ~= '' or name == '' then
    return false
  end
  if vim.tbl_contains(options and options.filetypes or M.filetypes,
                      vim.bo[bufnr].filetype) then
    return true
  end
  local path = name:lower()
  local extra = options and options.patterns or {}
  for _, list in ipairs({ M.patterns, extra }) do
    for _, pattern in ipairs(list) do
      if path:find(pattern) then
        return true
      end
    end
  end
  return false
end

local function root_of(bufnr)
  local root = options and options.root_dir
  local markers = options and options.root_markers or { '.git' }

  if type(root) == 'function' then
    root = root(bufnr)
  end
  if root then
    return vim.fn.fnamemodify(root, ':p'):gsub('(.)/$', '%1')
  end
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return vim.fn.getcwd()
end

--- For nvim-lspconfig's root_dir (fname, bufnr): the workspace root of a
--- buffer facet wants, as setup() finds it, and nil for the others, so
--- that lspconfig starts no server for them. lspconfig matches buffers by
--- filetype only, and many of facet's files have none of their own (.j2,
--- .poml, .mdc, skprompt.txt, .cursorrules) or share Markdown's.
function M.root_dir(fname, bufnr)
  bufnr = bufnr or vim.fn.bufnr(fname)
  if bufnr < 0 or not M.wants(bufnr) then
    return nil
  end
  return root_of(bufnr)
end

local function command_of(cmd)
  if type(cmd) == 'string' then
    return { cmd, 'lsp', '--stdio' }
  end
  return cmd or { 'facet', 'lsp', '--stdio' }
end

-- Code lenses show the grade; they change when the text is analysed anew
-- (DiagnosticChanged follows every analysis) and when the buffer is shown.
local function refresh_lens(bufnr)
  if bufnr ~= vim.api.nvim_get_current_buf() or not M.client(bufnr) then
    return
  end
  -- 0.7 refreshes the current buffer and ignores the argument.
  vim.lsp.codelens.refresh({ bufnr = bufnr })
end

--- Sets up what facet needs in a buffer it was attached to; nvim-lspconfig
--- users pass this as (or call it from) their on_attach.
function M.on_attach(client, bufnr)
  if options and options.codelens == false then
    return
  end
  local group = vim.api.nvim_create_augroup('facet_lens_' .. bufnr,
                                            { clear = true })
  local events = { 'BufEnter', 'InsertLeave', 'BufWritePost' }
  if vim.fn.exists('##DiagnosticChanged') == 1 then
    table.insert(events, 'DiagnosticChanged')
  end
  vim.api.nvim_create_autocmd(events, {
    group = group,
    buffer = bufnr,
    callback = function()
      refresh_lens(bufnr)
    end,
  })
  if client and client.server_capabilities
     and client.server_capabilities.codeLensProvider then
    refresh_lens(bufnr)
  end
end

local function client_config(root)
  local config = {}
  local own = { cmd = true, root_dir = true, root_markers = true,
                settings = true, filetypes = true, patterns = true,
                codelens = true, on_attach = true }

  for key, value in pairs(options) do
    if not own[key] then
      config[key] = value
    end
  end
  config.name = M.name
  config.cmd = command_of(options.cmd)
  config.root_dir = root
  config.settings = options.settings or {}
  config.init_options = options.settings
  config.workspace_folders = { { uri = vim.uri_from_fname(root),
                                 name = root } }
  config.on_attach = function(client, bufnr)
    M.on_attach(client, bufnr)
    if options.on_attach then
      options.on_attach(client, bufnr)
    end
  end
  return config
end

local function running(id)
  local client = id and vim.lsp.get_client_by_id(id)
  return client and not client.is_stopped() and client or nil
end

--- Attaches facet to bufnr (default: the current buffer) if it wants it.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf()
    or bufnr
  if not options or not M.wants(bufnr) or M.client(bufnr) then
    return
  end
  local config = client_config(root_of(bufnr))
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    if not warned then
      warned = true
      notify(string.format("cannot start the server: '%s' is not an "
        .. "executable. Install facet, or give its path: "
        .. "require('facet').setup({ cmd = { '/path/to/facet', 'lsp', "
        .. "'--stdio' } })", config.cmd[1]), vim.log.levels.ERROR)
    end
    return
  end
  local id
  if vim.lsp.start then
    -- 0.8 and later: start reuses the client of the same name and root.
    id = vim.lsp.start(config, { bufnr = bufnr })
  else
    id = clients[config.root_dir]
    if not running(id) then
      id = vim.lsp.start_client(config)
    end
    if id and not vim.lsp.buf_attach_client(bufnr, id) then
      id = nil
    end
  end
  clients[config.root_dir] = id or clients[config.root_dir]
  attached[bufnr] = id
end

--- Configures the plugin and attaches facet to matching buffers, now and
--- from then on. Calling it again applies new settings to running servers.
function M.setup(opts)
  options = vim.tbl_extend('force', { root_markers = { '.git' } },
                           opts or {})
  local group = vim.api.nvim_create_augroup('facet_attach', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'FileType' }, {
    group = group,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  for _, id in pairs(clients) do
    local client = running(id)
    if client then
      client.config.settings = options.settings or {}
      client.notify('workspace/didChangeConfiguration',
                    { settings = options.settings or vim.empty_dict() })
    end
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

-- The client for a command, or nil after saying why there is none.
local function command_client()
  local client = M.client(0)

  if not client then
    notify('no facet server is attached to this buffer',
           vim.log.levels.WARN)
  end
  return client
end

local function failed(method, err)
  notify(string.format('%s failed: %s', method,
                       err.message or vim.inspect(err)),
         vim.log.levels.ERROR)
end

-- The codes of the findings facet gives a file it did not analyse.
local NOT_ANALYSED = { ['file-too-large'] = true, ['binary-file'] = true }

-- Why the file in bufnr has no grade when facet did not analyse it (too
-- large, or binary): its finding says so. nil for any other file.
local function unanalysed(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'facet' and NOT_ANALYSED[d.code] then
      return 'no grade: ' .. d.message
    end
  end
  return nil
end

--- Shows the grade of the current buffer's artifact (:FacetGrade).
function M.show_grade()
  local client = command_client()
  local bufnr = vim.api.nvim_get_current_buf()

  if not client then
    return
  end
  client.request('facet/grade', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  }, function(err, result)
    if err then
      return failed('facet/grade', err)
    end
    if result == nil or result == vim.NIL then
      return notify(unanalysed(bufnr)
                    or 'this file is not an artifact facet grades')
    end
    local message = result.title .. ' ' .. DOT .. ' ' .. result.summary
    if result.reasons and #result.reasons > 0 then
      message = message .. ' ' .. DOT .. ' why: '
        .. table.concat(result.reasons, '; ')
    end
    notify(message)
  end, bufnr)
end

local function grades_title(answer)
  local parts = {}

  for _, grade in ipairs({ 'loose', 'structured', 'schema', 'eval',
                           'code' }) do
    table.insert(parts, grade .. ' ' .. tostring(answer.grades[grade] or 0))
  end
  return 'facet: workspace grades (' .. table.concat(parts, ', ') .. ')'
end

--- Lists every artifact of the workspace with its grade and next step in
--- the quickfix list (:FacetWorkspaceGrades).
function M.workspace_grades()
  local client = command_client()

  if not client then
    return
  end
  client.request('workspace/executeCommand', {
    command = 'facet.workspaceGrades',
    arguments = { vim.uri_from_fname(client.config.root_dir) },
  }, function(err, answer)
    if err then
      return failed('facet.workspaceGrades', err)
    end
    local items = {}
    for _, artifact in ipairs(answer.artifacts) do
      if type(artifact.grade) == 'string' then
        local text = 'grade: ' .. artifact.grade
        if type(artifact.next) == 'string' then
          text = text .. ' ' .. DOT .. ' next: ' .. artifact.next
        end
        table.insert(items, { filename = vim.uri_to_fname(artifact.uri),
                              lnum = 1, col = 1, text = text })
      end
    end
    vim.fn.setqflist({}, ' ', { title = grades_title(answer),
                                items = items })
    vim.cmd('copen')
  end, vim.api.nvim_get_current_buf())
end

local CRYSTALLISE_KIND = 'refactor.extract'

local function is_crystallise(action)
  local kind = type(action.kind) == 'string' and action.kind or ''
  return kind == CRYSTALLISE_KIND
    or kind:sub(1, #CRYSTALLISE_KIND + 1) == CRYSTALLISE_KIND .. '.'
end

-- Adds to uris (a set) the files a WorkspaceEdit changes or creates.
local function edit_uris(edit, uris)
  for uri in pairs(edit.changes or {}) do
    uris[uri] = true
  end
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument then
      uris[change.textDocument.uri] = true
    elseif change.kind == 'create' then
      uris[change.uri] = true
    elseif change.kind == 'rename' then
      uris[change.newUri] = true
    end
  end
end

-- Writes the loaded buffers of uris that have changes, as VS Code saves
-- the files a refactoring changed: a crystallise action records in the
-- new files which lines of the prompt they came from, so they and the
-- prompt belong together on disk, and an edit to a file that is not
-- shown (a promptfoo config the eval goes into) would be easily left
-- unsaved. Returns the names of those it could not write.
local function write_buffers(uris)
  local failures = {}

  for uri in pairs(uris) do
    local bufnr = vim.fn.bufnr(vim.uri_to_fname(uri))
    if bufnr > 0 and vim.api.nvim_buf_is_loaded(bufnr)
       and vim.bo[bufnr].modified then
      local ok = pcall(vim.api.nvim_buf_call, bufnr, function()
        vim.cmd('silent update')
      end)
      if not ok or vim.bo[bufnr].modified then
        table.insert(failures, vim.fn.fnamemodify(
          vim.api.nvim_buf_get_name(bufnr), ':~:.'))
      end
    end
  end
  table.sort(failures)
  return failures
end

-- client id -> the set of files the edits facet asks for while one of its
-- crystallise commands runs change (Neovim 0.7 is sent the command, and
-- facet sends the prompt's edit through workspace/applyEdit).
local collecting = {}

-- Wraps the client's workspace/applyEdit handler once, to see what the
-- edits it applies change.
local function watch_apply_edit(client)
  local handlers = client.handlers
  if not handlers or collecting[client.id] ~= nil then
    return
  end
  collecting[client.id] = false
  local own = rawget(handlers, 'workspace/applyEdit')
  handlers['workspace/applyEdit'] = function(err, result, ctx, config)
    local uris = collecting[client.id]
    if uris and result and result.edit then
      edit_uris(result.edit, uris)
    end
    local handler = own or vim.lsp.handlers['workspace/applyEdit']
    return handler(err, result, ctx, config)
  end
end

local function save_changed(uris)
  local failures = write_buffers(uris)
  if #failures > 0 then
    notify('could not write ' .. table.concat(failures, ', ')
           .. ': the crystallise edit is there, unsaved',
           vim.log.levels.WARN)
  end
end

local function run_command(client, command, bufnr, uris)
  if uris then
    watch_apply_edit(client)
    collecting[client.id] = uris
  end
  client.request('workspace/executeCommand', {
    command = command.command, arguments = command.arguments,
  }, function(err)
    if uris then
      collecting[client.id] = false
      save_changed(uris)
    end
    if err then
      failed(command.command, err)
    end
  end, bufnr)
end

-- Applies a crystallise action: its edit, its command, then writes what
-- they changed.
local function apply(client, action, bufnr)
  local uris = {}

  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    edit_uris(action.edit, uris)
  end
  if type(action.command) == 'table' then
    run_command(client, action.command, bufnr, uris)
  elseif type(action.command) == 'string' then
    run_command(client, action, bufnr, uris)   -- the action is a Command
  else
    save_changed(uris)
  end
end

-- Applies action, resolving it first when it comes without its edit and
-- the server resolves actions (an action with a command only resolves to
-- itself).
local function resolve_and_apply(client, action, bufnr)
  local caps = client.server_capabilities.codeActionProvider
  if action.edit or type(caps) ~= 'table' or not caps.resolveProvider then
    return apply(client, action, bufnr)
  end
  client.request('codeAction/resolve', action, function(err, resolved)
    if err then
      return failed('codeAction/resolve', err)
    end
    apply(client, resolved, bufnr)
  end, bufnr)
end

--- Runs a crystallise action (a code action of kind refactor.extract) at
--- the cursor or on the lines first..last (:[range]FacetCrystallise): one
--- is applied at once, several are offered to choose from.
function M.crystallise(first, last)
  local client = command_client()
  local bufnr = vim.api.nvim_get_current_buf()
  local params

  if not client then
    return
  end
  if first and last then
    -- Whole lines: from the start of the first to the start of the line
    -- after the last, which needs no column conversion.
    params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = { start = { line = first - 1, character = 0 },
                ['end'] = { line = last, character = 0 } },
    }
  else
    params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  end
  params.context = { diagnostics = {}, only = { CRYSTALLISE_KIND } }
  client.request('textDocument/codeAction', params, function(err, result)
    if err then
      return failed('textDocument/codeAction', err)
    end
    local actions = vim.tbl_filter(is_crystallise,
      (result == nil or result == vim.NIL) and {} or result)
    if #actions == 0 then
      return notify('no crystallise action here')
    end
    if #actions == 1 then
      return resolve_and_apply(client, actions[1], bufnr)
    end
    vim.ui.select(actions, {
      prompt = 'Crystallise:',
      format_item = function(action) return action.title end,
    }, function(action)
      if action then
        resolve_and_apply(client, action, bufnr)
      end
    end)
  end, bufnr)
end

--- Stops every facet server and starts them again for the buffers they
--- served (:FacetRestart).
function M.restart()
  local buffers = {}

  if not options then
    return notify('the servers were not started by setup(); '
                  .. 'restart them where they were started (:LspRestart)',
                  vim.log.levels.WARN)
  end

  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if M.client(bufnr) then
      table.insert(buffers, bufnr)
    end
  end
  local stopping = {}
  for _, bufnr in ipairs(buffers) do
    local client = M.client(bufnr)
    if client and not stopping[client.id] then
      stopping[client.id] = client
      client.stop()
    end
  end
  vim.wait(5000, function()
    for _, client in pairs(stopping) do
      if not client.is_stopped() then
        return false
      end
    end
    return true
  end, 20)
  -- Neovim keeps the lenses of a client after it stops (0.7 has no
  -- codelens.clear): the old grade would stay beside the new server's.
  for id in pairs(stopping) do
    for _, bufnr in ipairs(buffers) do
      if vim.lsp.codelens.clear then
        vim.lsp.codelens.clear(id, bufnr)
      else
        vim.lsp.codelens.save({}, bufnr, id)
        vim.lsp.codelens.display({}, bufnr, id)
      end
    end
  end
  clients = {}
  attached = {}
  for _, bufnr in ipairs(buffers) do
    M.attach(bufnr)
  end
  notify(string.format('restarted for %d buffer%s', #buffers,
                       #buffers == 1 and '' or 's'))
end

return M
