#!/usr/bin/env python3
"""Sums test results over every suite and prints "N passed, N failed".

Reads meson's testlog.json files. A test that speaks TAP counts one result
per TAP line ("ok" / "not ok"); any other test counts once, by its result.
--tap FILE adds a plain TAP file (the fuzz runs). Exits 1 if anything
failed.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b", re.M)


def count_meson_log(path):
    passed = failed = 0
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return 0, 1
    for line in lines:
        entry = json.loads(line)
        results = TAP.findall(entry.get("stdout") or entry.get("stdo") or "")
        ok = entry.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
        if results:
            passed += results.count("ok")
            failed += results.count("not ok")
            if not ok and "not ok" not in results:
                failed += 1  # crashed or timed out after its TAP lines
        elif ok:
            passed += 1
        else:
            failed += 1
    return passed, failed


def count_tap(path):
    try:
        results = TAP.findall(open(path, encoding="utf-8").read())
    except OSError:
        return 0, 1
    return results.count("ok"), results.count("not ok")


def main(argv):
    passed = failed = 0
    args = iter(argv)
    for arg in args:
        if arg == "--tap":
            p, f = count_tap(next(args))
        else:
            p, f = count_meson_log(arg)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
