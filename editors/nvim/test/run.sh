#!/bin/sh
# End-to-end test with Neovim's built-in LSP client (Neovim 0.7 or later).
#
#   editors/nvim/test/run.sh FACET_BINARY [SCRIPT]
#
# Starts a headless Neovim with HOME and the XDG folders in a temporary
# folder, set up as a user installs facet: the plugin (editors/nvim) in a
# package folder on 'packpath', and an init.lua that calls
# require('facet').setup{ cmd = ... }. SCRIPT (e2e.lua by default; a name
# in this folder) then opens files of examples/ and prints its TAP report;
# a script that writes files works in a copy of examples/
# ($FACET_E2E_WORK), which is then the workspace root, so the examples
# stay as they are. facet runs with
# FACET_TRACE=1, so its stderr holds every frame; the test fails if that
# stderr shows a sanitizer report. Exit status: 0 when every check passed,
# 1 when one failed, 77 (meson's "skipped") when nvim is not installed.
# FACET_E2E_KEEP=1 keeps the temporary folder for a look afterwards.

set -u

timeout_s=${FACET_E2E_TIMEOUT:-60}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 FACET_BINARY [SCRIPT]" >&2
  exit 2
fi
script=${2:-e2e.lua}
case $1 in
  /*) facet=$1 ;;
  *) facet=$(pwd)/$1 ;;
esac
if [ ! -x "$facet" ]; then
  echo "Bail out! $facet is not an executable facet binary"
  exit 1
fi
if ! command -v nvim >/dev/null 2>&1; then
  echo "1..0 # SKIP nvim is not installed"
  exit 77
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/facet-nvim-e2e.XXXXXX") || exit 1
if [ "${FACET_E2E_KEEP:-0}" = 1 ]; then
  echo "# keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 1' HUP INT TERM

# The server command: facet, with its stderr kept in a file.
cat >"$tmp/facet-lsp" <<'EOF'
#!/bin/sh
exec "$FACET_E2E_BIN" --log-level debug lsp --stdio 2>>"$FACET_E2E_STDERR"
EOF
chmod +x "$tmp/facet-lsp"
: >"$tmp/facet.stderr"

mkdir -p "$tmp/home" "$tmp/config/nvim" "$tmp/data" "$tmp/state" \
  "$tmp/cache"
cp -R "$root/examples" "$tmp/work"
# The workspace: the examples as they are, or the copy a script writes in.
workspace=$root/examples
[ "$script" = e2e.lua ] || workspace=$tmp/work

# The plugin where a package manager (or a git clone) would put it, and the
# user's init.lua: the README's lines, with this test's server command.
mkdir -p "$tmp/data/nvim/site/pack/facet/start"
ln -s "$root/editors/nvim" "$tmp/data/nvim/site/pack/facet/start/facet"
cat >"$tmp/config/nvim/init.lua" <<'EOF'
require('facet').setup({
  cmd = { os.getenv('FACET_E2E_CMD') },
  root_dir = os.getenv('FACET_E2E_ROOT'),
})
EOF
unset VIMINIT EXINIT MYVIMRC NVIM NVIM_LISTEN_ADDRESS NVIM_APPNAME
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" \
  XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" \
  XDG_CACHE_HOME="$tmp/cache" NVIM_LOG_FILE="$tmp/nvim.log"
export FACET_E2E_BIN="$facet" FACET_E2E_STDERR="$tmp/facet.stderr" \
  FACET_E2E_CMD="$tmp/facet-lsp" FACET_E2E_EXAMPLES="$root/examples" \
  FACET_E2E_ROOT="$workspace" \
  FACET_E2E_REPORT="$tmp/report.tap" FACET_E2E_SCRIPT="$here/$script" \
  FACET_E2E_WORK="$tmp/work" FACET_TRACE=1 FACET_NOW=2026-01-05T13:00:00Z
# Later options win, so leak checking stays on whatever the caller set.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1"

timeout -k 5 "$timeout_s" nvim --headless -i NONE -n \
  -c 'lua dofile(os.getenv("FACET_E2E_SCRIPT"))' -c 'cquit 3' \
  </dev/null >"$tmp/nvim.out" 2>&1
rc=$?

touch "$tmp/report.tap"
cat "$tmp/report.tap"
n=$(grep -Ec '^(not )?ok ' "$tmp/report.tap")
reason=
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
  reason="timed out after ${timeout_s}s: nvim or facet hung"
  reason="$reason (the last frames facet saw are below)"
elif [ $rc -eq 1 ]; then
  reason="a check failed (see 'not ok' above)"
elif [ $rc -eq 3 ]; then
  reason="nvim could not run $script (its error is below)"
elif [ $rc -ne 0 ]; then
  reason="nvim exited with status $rc before the test finished"
elif [ "$n" -eq 0 ]; then
  reason="nvim wrote no report: the test script did not run"
fi

# Two checks of our own, so that the plan counts them.
sanitizer_report='(ERROR|WARNING): [A-Za-z]+Sanitizer|runtime error:'
n=$((n + 1))
if [ -z "$reason" ]; then
  echo "ok $n - nvim ran the test to its end"
else
  echo "not ok $n - nvim ran the test to its end"
fi
n=$((n + 1))
if grep -Eq "$sanitizer_report" "$tmp/facet.stderr"; then
  echo "not ok $n - facet's stderr shows no sanitizer report"
  grep -E -A 30 "$sanitizer_report" "$tmp/facet.stderr" |
    sed 's/^/#   /'
  reason=${reason:-"facet's stderr shows a sanitizer report"}
else
  echo "ok $n - facet's stderr shows no sanitizer report"
fi
echo "1..$n"

if [ -n "$reason" ]; then
  echo "# FAILED: $reason"
  if [ -s "$tmp/nvim.out" ]; then
    echo "# nvim's output:"
    tail -n 20 "$tmp/nvim.out" | sed 's/^/#   /'
  fi
  lsp_log="$tmp/cache/nvim/lsp.log"
  if [ -s "$lsp_log" ]; then
    echo "# Neovim's LSP log:"
    tail -n 10 "$lsp_log" | cut -c 1-300 | sed 's/^/#   /'
  fi
  echo "# the end of facet's stderr (FACET_TRACE=1):"
  tail -n 20 "$tmp/facet.stderr" | cut -c 1-300 | sed 's/^/#   /'
  exit 1
fi
exit 0
