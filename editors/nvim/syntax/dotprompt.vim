" A Dotprompt file: YAML frontmatter between '---' lines, then a
" Handlebars template ({{ }} expressions, {{#if}} blocks, {{role "user"}}).
if exists('b:current_syntax')
  finish
endif
runtime! syntax/markdown.vim
unlet! b:current_syntax
syntax include @facetYaml syntax/yaml.vim
syntax region facetFrontmatter start=/\%^---\s*$/ end=/^---\s*$/
      \ keepend contains=@facetYaml
syntax match facetVariable /{{[^}]*}}/
highlight default link facetVariable Identifier
let b:current_syntax = 'dotprompt'
