-- facet's filetypes and commands, loaded with the plugin; the server is
-- started by require('facet').setup() (or by nvim-lspconfig).
if vim.g.loaded_facet or vim.fn.has('nvim-0.7') == 0 then
  return
end
vim.g.loaded_facet = true

-- Only extensions no filetype claims get one of facet's; YAML, JSON and
-- Markdown artifacts keep theirs so their other servers still attach.
local filetypes = { prompty = 'prompty', prompt = 'dotprompt' }

if vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({ extension = filetypes })
else
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = vim.api.nvim_create_augroup('facet_filetypes', { clear = true }),
    pattern = { '*.prompty', '*.prompt' },
    callback = function(args)
      vim.bo[args.buf].filetype = filetypes[args.file:match('%.(%w+)$')]
    end,
  })
end

local function command(name, fn, opts)
  vim.api.nvim_create_user_command(name, fn, opts or {})
end

command('FacetGrade', function()
  require('facet').show_grade()
end, { desc = "facet: show the grade of this file's artifact" })
command('FacetWorkspaceGrades', function()
  require('facet').workspace_grades()
end, { desc = 'facet: every artifact of the workspace, in the quickfix list' })
command('FacetCrystallise', function(args)
  if args.range > 0 then
    require('facet').crystallise(args.line1, args.line2)
  else
    require('facet').crystallise()
  end
end, { range = true,
       desc = 'facet: crystallise the fragment into a schema or an eval' })
command('FacetRestart', function()
  require('facet').restart()
end, { desc = 'facet: restart the servers' })
