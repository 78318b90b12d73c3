#!/bin/sh
# Fails when docs/diagnostics.md and the program's table of codes disagree:
# every code must have a "## code" section and a row, and nothing more.
# usage: tests/check-docs.sh FACET DOCS_DIAGNOSTICS_MD
set -u
facet=$1
doc=$2
program=$("$facet" --list-codes | awk '{print $1}' | sort)
sections=$(sed -n 's/^## \([a-z0-9-]*\)$/\1/p' "$doc" | sort)
rows=$(sed -n 's/^| `\([a-z0-9-]*\)` | \([a-z]*\) |$/\1/p' "$doc" | sort)
status=0
n=0
for what in sections rows; do
  n=$((n + 1))
  eval "listed=\$$what"
  if [ "$program" = "$listed" ]; then
    echo "ok $n - docs/diagnostics.md $what match facet --list-codes"
  else
    echo "not ok $n - docs/diagnostics.md $what differ from facet --list-codes"
    printf '# program:\n%s\n# docs:\n%s\n' "$program" "$listed" |
      sed 's/^/# /'
    status=1
  fi
done
echo "1..$n"
exit $status
