" A Prompty file: YAML frontmatter between '---' lines, then Markdown with
" role lines (system:, user:) and Jinja-style {{ }} variables.
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
let b:current_syntax = 'prompty'
