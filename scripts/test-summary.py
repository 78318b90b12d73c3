#!/usr/bin/env python3
"""Sums test results over every suite and prints "N passed, N failed".

Reads meson's testlog.json files. A test that speaks TAP counts one result
per TAP line ("ok" / "not ok"); an "ok" marked "# SKIP" is counted as
skipped, not passed. Any other test counts once, by its result. Before the
last line it prints each TAP comment that starts with "# summary:" (a
suite's own counts, such as the JSON Schema Test Suite's), once per build,
and the number skipped. --tap FILE adds a plain TAP file (the fuzz runs).
Exits 1 if anything failed.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$", re.M)
SUMMARY = re.compile(r"^# summary: (.*)$", re.M)
SKIP = re.compile(r"#\s*skip", re.I)


def tally(results):
    """(passed, failed, skipped) of TAP result lines."""
    passed = failed = skipped = 0
    for status, rest in results:
        if status == "not ok":
            failed += 1
        elif SKIP.search(rest):
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def count_meson_log(path, summaries):
    passed = failed = skipped = 0
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return 0, 1, 0
    for line in lines:
        entry = json.loads(line)
        out = entry.get("stdout") or entry.get("stdo") or ""
        results = TAP.findall(out)
        ok = entry.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
        for s in SUMMARY.findall(out):
            if s not in summaries:
                summaries.append(s)
        if results:
            p, f, k = tally(results)
            passed += p
            failed += f
            skipped += k
            if not ok and f == 0:
                failed += 1  # crashed or timed out after its TAP lines
        elif ok:
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped


def count_tap(path):
    try:
        results = TAP.findall(open(path, encoding="utf-8").read())
    except OSError:
        return 0, 1, 0
    return tally(results)


def main(argv):
    passed = failed = skipped = 0
    summaries = []
    args = iter(argv)
    for arg in args:
        if arg == "--tap":
            p, f, k = count_tap(next(args))
        else:
            p, f, k = count_meson_log(arg, summaries)
        passed += p
        failed += f
        skipped += k
    for s in summaries:
        print(s)
    if skipped:
        print(f"{skipped} skipped (not counted as passed)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
