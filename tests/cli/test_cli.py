#!/usr/bin/env python3
"""The facet program as users run it: the command line, facet check on a
folder, and facet lsp as a process on stdio. Prints TAP.

usage: test_cli.py FACET
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

FACET = os.path.abspath(sys.argv[1])
results = []


def check(name, got, want):
    ok = got == want
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}")
    if not ok:
        for label, value in (("expected", want), ("     got", got)):
            for line in repr(value).splitlines() or [""]:
                print(f"#   {label}: {line}")


def run(*args, cwd=None, stdin=None):
    p = subprocess.run([FACET, *args], cwd=cwd, input=stdin,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def write(root, path, text, mode="w"):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, mode) as f:
        f.write(text)


def test_command_line():
    code, out, _ = run("--version")
    check("--version prints the version", (code, out), (0, "facet 0.1.0\n"))
    code, out, _ = run("--help")
    check("--help prints usage on stdout",
          (code, out.splitlines()[0]), (0, "usage: facet <command> [options]"))
    code, out, err = run()
    check("no command is a usage error", (code, out, err.splitlines()[0]),
          (2, "", "usage: facet <command> [options]"))
    code, _, err = run("frobnicate")
    check("an unknown command is a usage error",
          (code, err.splitlines()[0]), (2, "facet: unknown command 'frobnicate'"))
    for bad in ("-5", "0", "abc", "99999999999999999999999"):
        code, _, err = run("check", "--max-bytes", bad, ".")
        check(f"check --max-bytes {bad} is a usage error", (code, err),
              (2, "facet check: --max-bytes wants a positive number\n"))
    code, _, err = run("check", "--assume", "*.txt=nonsense", ".")
    check("check --assume with an unknown format is a usage error",
          (code, err), (2, "facet check: unknown format 'nonsense' "
                           "(facet --list-formats lists them)\n"))


WORKSPACE = {
    "prompts/good.prompty":
        "---\nname: good\nmodel: gpt-4o\ninputs:\n  q:\n    type: string\n"
        "---\nuser:\n{{q}}\n",
    "prompts/typo.prompty":
        "---\nname: typo\nmodle: gpt-4o\n---\nhello\n",
    "schemas/answer.schema.json":
        '{"$schema": "https://json-schema.org/draft/2020-12/schema",\n'
        ' "type": "object", "required": ["a",]}\n',
    "node_modules/pkg/x.prompty": "---\nmodle: x\n---\n",
    "ignored/secret.prompty": "---\nmodle: x\n---\n",
    ".gitignore": "ignored/\n",
    "notes.txt": "not an artifact\n",
    "config.yaml": "just: some yaml\n",
}


def make_workspace():
    root = tempfile.mkdtemp(prefix="facet-cli-")
    for path, text in WORKSPACE.items():
        write(root, path, text)
    write(root, "prompts/blob.prompty", b"\x00\x01binary", "wb")
    subprocess.run(["git", "init", "-q", root], check=True)
    return root


def test_check_text(root):
    code, out, _ = run("check", ".", "missing.prompty", cwd=root)
    check("facet check prints findings, grades and totals", out.splitlines(), [
        "missing.prompty:1:1: error: could not read the file: no such file or "
        "directory [unreadable-file]",
        "prompts/blob.prompty:1:1: warning: file holds binary data (a NUL "
        "byte); it was not analysed [binary-file]",
        "prompts/typo.prompty:3:1: warning: unknown key 'modle' in Prompty "
        "frontmatter; did you mean 'model'? [unknown-key]",
        "schemas/answer.schema.json:2:36: error: trailing comma before ']' "
        "[json-syntax]",
        "",
        "grade       file                        next step",
        "structured  prompts/good.prompty        pin the output: add outputs "
        "(or a response_format json_schema)",
        "structured  prompts/typo.prompty        pin the output: add outputs "
        "(or a response_format json_schema)",
        "loose       schemas/answer.schema.json  fix its syntax errors",
        "",
        "5 files checked: 2 errors, 2 warnings",
        "grades: loose 1, structured 2, schema 0, eval 0, code 0; 2 files "
        "have none (eval results, unreadable, or not an artifact)",
    ])
    check("facet check exits 1 when there are errors", code, 1)
    code, _, _ = run("check", "prompts/good.prompty", cwd=root)
    check("facet check exits 0 on a clean file", code, 0)


def test_check_json(root):
    code, out, _ = run("check", "--format", "json", "prompts/typo.prompty",
                       cwd=root)
    report = json.loads(out)
    check("--format json reports the file with its grade and findings",
          report["files"], [{
              "path": "prompts/typo.prompty", "kind": "prompt",
              "format": "prompty",
              "grade": {"level": "structured",
                        "reasons": ["it has a header and uses no template "
                                    "variables",
                                    "nothing pins the shape of its output"],
                        "next": "pin the output: add outputs (or a "
                                "response_format json_schema)"},
              "diagnostics": [{
                  "line": 3, "column": 1, "endLine": 3, "endColumn": 6,
                  "severity": "warning", "code": "unknown-key",
                  "message": "unknown key 'modle' in Prompty frontmatter; "
                             "did you mean 'model'?"}]}])
    check("--format json totals", (code, report["totals"]),
          (0, {"files": 1, "errors": 0, "warnings": 1, "infos": 0,
               "hints": 0}))
    odd = os.path.join(root, b"bad\xff.prompty".decode("utf-8",
                                                         "surrogateescape"))
    write(root, odd, "---\nmodle: 1\n---\n")
    code, out, _ = run("check", "--format", "json", odd, cwd=root)
    check("--format json stays valid JSON for a file name that is not UTF-8",
          json.loads(out)["files"][0]["path"].endswith("bad\ufffd.prompty"),
          True)


def test_check_notes_and_long_paths(root):
    code, out, _ = run("check", "notes.txt", cwd=root)
    check("a named file that is no artifact gets a note, not silence",
          (code, out.splitlines()[0]),
          (0, "notes.txt: note: not a prompt, schema or eval file that "
              "facet recognises; --assume GLOB=FORMAT checks it as one "
              "(facet --list-formats)"))
    code, out, _ = run("check", "--format", "json", "notes.txt", cwd=root)
    check("--format json carries the note",
          json.loads(out)["files"][0].get("note", "").startswith(
              "not a prompt, schema or eval file"), True)
    deep = "a/" * 30 + "deep.prompty"
    write(root, deep, "---\nname: deep\n---\nhello\n")
    code, out, _ = run("check", deep, "prompts/good.prompty", cwd=root)
    check("a path too long for the column puts its next step under it",
          out.splitlines()[1:5], [
              "grade       file" + " " * 62 + "next step",
              "structured  " + deep,
              "            pin the output: add outputs (or a response_format "
              "json_schema)",
              "structured  prompts/good.prompty" + " " * 46 +
              "pin the output: add outputs (or a response_format "
              "json_schema)"])


WORKSPACES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "workspaces")
NOW = "2026-01-05T13:00:00Z"


def copy_workspace(name):
    root = tempfile.mkdtemp(prefix="facet-cli-evals-")
    shutil.copytree(os.path.join(WORKSPACES, name), root, dirs_exist_ok=True)
    return root


def test_check_evals():
    root = copy_workspace("support")
    try:
        code, out, _ = run("check", "--now", NOW, ".", cwd=root)
        check("facet check prints each prompt's and test's eval status",
              out[out.index("eval status"):out.index("\n\n", out.index(
                  "eval status"))].splitlines(), [
            "eval status",
            "checks/promptfooconfig.yaml:4: evals: 0 \u2713 0 \u2717 "
            "\u00b7 4 never run",
            "checks/promptfooconfig.yaml:7: \u25cb never run "
            "(misspelt type)",
            "checks/promptfooconfig.yaml:12: \u25cb never run (no value)",
            "checks/promptfooconfig.yaml:16: \u25cb never run "
            "(bad pattern)",
            "checks/promptfooconfig.yaml:21: \u25cb never run "
            "(impossible score)",
            "promptfooconfig.yaml:4: evals: 2 \u2713 2 \u2717 1 \u26a0",
            "promptfooconfig.yaml:15: \u2717 failed 3 h ago: Expected "
            "output to contain \"refund\" (refund window)",
            "promptfooconfig.yaml:25: \u2713 passed 3 h ago (outage)",
            "promptfooconfig.yaml:31: \u2717 failed: expected valid JSON "
            "(fixed answer)",
            "prompts/reply.txt: evals: 4 \u2713 1 \u2717 \u00b7 4 never run",
            "tests/cases.csv:2: \u2713 passed 3 h ago (Row #1)",
            "tests/cases.csv:3: \u26a0 errored 3 h ago: API error: 429 Too "
            "Many Requests (Row #2)",
        ])
        check("facet check reports the findings that span files",
              [l for l in out.splitlines() if "missing-test-variable" in l],
              ["promptfooconfig.yaml:25:5: error: this test does not set "
               "'plan', which prompts/reply.txt reads "
               "[missing-test-variable]"])
        code, out, _ = run("check", "--now", NOW, "--format", "json",
                           "promptfooconfig.yaml", cwd=root)
        report = json.loads(out)
        check("--format json gives each test's status",
              next(f for f in report["files"]
                   if f["path"] == "promptfooconfig.yaml")["evals"][1:3], [
                  {"line": 15, "kind": "test",
                   "title": "\u2717 failed 3 h ago: Expected output to "
                            "contain \"refund\"",
                   "description": "refund window", "status": "failed",
                   "stale": False},
                  {"line": 25, "kind": "test",
                   "title": "\u2713 passed 3 h ago", "description": "outage",
                   "status": "passed", "stale": False}])
    finally:
        shutil.rmtree(root)

    root = copy_workspace("fullfact")
    try:
        code, _, _ = run("check", "--now", NOW, "--fail-on", "failed,stale",
                         ".", cwd=root)
        check("--fail-on failed,stale passes when every run passed and holds",
              code, 0)
        with open(os.path.join(root, "prompts.txt"), "a") as f:
            f.write(" Be brief.")
        code, out, _ = run("check", "--now", NOW, "--fail-on", "failed,stale",
                           ".", cwd=root)
        check("--fail-on stale fails once the prompt changed since the run",
              (code, [l for l in out.splitlines() if "stale" in l]),
              (1, ["prompts.txt: evals: 2 \u2713 0 \u2717 \u00b7 2 stale",
                   "tests.csv:2: \u2713 passed 4 h ago \u00b7 stale (Row #1)",
                   "tests.csv:3: \u2713 passed 4 h ago \u00b7 stale "
                   "(Row #2)"]))
        code, _, err = run("check", "--fail-on", "flaky", ".", cwd=root)
        check("--fail-on with an unknown state is a usage error", (code, err),
              (2, "facet check: --fail-on takes failed, errored, stale and "
                  "never-run, not 'flaky'\n"))
    finally:
        shutil.rmtree(root)


def test_check_schema_files():
    """is-json and contains-json run with the file:// schema they name
    (before, facet check never read it: both tests were never run)."""
    root = copy_workspace("schema-checks")
    try:
        code, out, _ = run("check", "--now", NOW, "--fail-on", "failed", ".",
                           cwd=root)
        check("facet check runs checks against a schema file",
              (code, out[out.index("eval status"):].splitlines()[:5]),
              (1, ["eval status",
                   "prompt.txt: evals: 1 \u2713 2 \u2717",
                   "promptfooconfig.yaml:7: \u2713 passes locally (fits)",
                   "promptfooconfig.yaml:14: \u2717 failed: expected to "
                   "contain JSON that fits its schema (/days: must be <= "
                   "10, got\u2026 (too many days)",
                   "promptfooconfig.yaml:21: \u2717 failed: expected JSON "
                   "that fits its schema (missing required property "
                   "'answer') (no answer)"]))
    finally:
        shutil.rmtree(root)


def test_check_gate_sees_every_prompts_run():
    """--fail-on errored fires for a test that failed against one prompt
    and errored against another (only the failure counted, before)."""
    root = copy_workspace("support")
    try:
        path = os.path.join(root, "output/results.json")
        with open(path) as f:
            text = f.read()
        # Row #2's error becomes a pass; refund window's run against the
        # file prompt, which passed, errors instead.
        text = text.replace('"failureReason": 2,', '"failureReason": 0,')
        text = text.replace('"error": "API error: 429 Too Many Requests"',
                            '"error": null')
        text = text.replace('"success": false,\n        "score": 0,\n'
                            '        "latencyMs": 800,\n'
                            '        "failureReason": 0,\n'
                            '        "gradingResult": null',
                            '"success": true,\n        "score": 0,\n'
                            '        "latencyMs": 800,\n'
                            '        "failureReason": 0,\n'
                            '        "gradingResult": null')
        text = text.replace('"success": true,', '"success": false, '
                            '"failureReason": 2, "error": "API error: 500",',
                            1)
        write(root, "output/results.json", text)
        # No error-level finding either: the exit status is the gate's.
        with open(os.path.join(root, "promptfooconfig.yaml")) as f:
            config = f.read()
        write(root, "promptfooconfig.yaml", config.replace(
            "      message: Internet is down\n",
            "      message: Internet is down\n      plan: Basic\n"))
        code, out, _ = run("check", "--now", NOW, "--fail-on", "errored",
                           "promptfooconfig.yaml", cwd=root)
        check("--fail-on errored sees an error behind a failure",
              (code, [l for l in out.splitlines()
                      if l.startswith("promptfooconfig.yaml:15: ")]),
              (1, ["promptfooconfig.yaml:15: \u2717 failed 3 h ago: "
                   "Expected output to contain \"refund\" \u00b7 also "
                   "\u26a0 errored (refund window)"]))
        code, out, _ = run("check", "--now", NOW, "--fail-on", "errored",
                           "tests/cases.csv", cwd=root)
        check("... and no other test errored", code, 0)
    finally:
        shutil.rmtree(root)


def test_check_ignored_results():
    """facet check counts results as the editor does: one git ignores
    that nothing names is not read (its runs would pass every test)."""
    root = copy_workspace("support")
    try:
        subprocess.run(["git", "init", "-q", root], check=True)
        write(root, ".gitignore", "scratch/\n")
        with open(os.path.join(root, "output/results.json")) as f:
            text = f.read()
        write(root, "scratch/rerun.json",
              text.replace('"success": false,', '"success": true,')
                  .replace("2026-01-05T10:00", "2026-01-05T11:00"))
        code, out, _ = run("check", "--now", NOW, ".", cwd=root)
        check("facet check leaves out results git ignores that nothing "
              "names", [l for l in out.splitlines()
                        if l.startswith("promptfooconfig.yaml:15:")],
              ["promptfooconfig.yaml:15:5: warning: the last run of this "
               "test failed: Expected output to contain \"refund\" "
               "[test-failed]",
               "promptfooconfig.yaml:15: \u2717 failed 3 h ago: Expected "
               "output to contain \"refund\" (refund window)"])
    finally:
        shutil.rmtree(root)


def test_check_results_over_the_limit():
    """A results file over --max-bytes, found by the walk or named by
    outputPath where git ignores it, gets the file-too-large warning it
    gets when checked directly, and the outputPath reference says so;
    other large JSON stays quiet (before: every one was dropped)."""
    root = tempfile.mkdtemp(prefix="facet-cli-large-")
    try:
        write(root, "promptfooconfig.yaml",
              "prompts: [file://p.txt]\nproviders: [echo]\n"
              "tests:\n  - vars: {a: x}\noutputPath: out/results.json\n")
        write(root, "p.txt", "Say {{a}}\n")
        write(root, ".gitignore", "out/\n")
        write(root, "out/results.json",
              '{"evalId": "e", "results": {"version": 3, "results": ['
              + ",".join(['{"success": true}'] * 200) + ']}}')
        write(root, "old/junit.xml",
              '<?xml version="1.0"?>\n<testsuites>\n'
              + '<testcase name="x"/>\n' * 200 + '</testsuites>\n')
        write(root, "data/big.json", "[" + ",".join(["1"] * 2000) + "]")
        subprocess.run(["git", "init", "-q", root], check=True)
        code, out, _ = run("check", "--max-bytes", "2000", ".", cwd=root)
        size = os.path.getsize(os.path.join(root, "out/results.json"))
        xml = os.path.getsize(os.path.join(root, "old/junit.xml"))
        check("results over the limit are reported, at outputPath too",
              out[:out.index("\n\n")].splitlines(), [
                  f"old/junit.xml:1:1: warning: file is {xml} bytes, over "
                  "the 2000-byte limit; it was not analysed "
                  "[file-too-large]",
                  f"out/results.json:1:1: warning: file is {size} bytes, "
                  "over the 2000-byte limit; it was not analysed "
                  "[file-too-large]",
                  f"promptfooconfig.yaml:5:13: warning: 'out/results.json' "
                  f"is {size} bytes, over the 2000-byte limit, so facet did "
                  "not read it: the runs it records are not shown "
                  "[file-too-large]"])
    finally:
        shutil.rmtree(root)


def test_check_grades_agree_with_missing_references():
    """A test file or samples file that resolves nowhere is an error facet
    check reports, and holds no tests: the grade says so too."""
    root = copy_workspace("test-files")
    try:
        code, out, _ = run("check", "--format", "json", ".", cwd=root)
        check("a config whose test files are all missing is not an eval",
              grade_of(json.loads(out), "none/promptfooconfig.yaml"),
              {"level": "structured",
               "reasons": ["the 3 test files it names resolve nowhere "
                           "('tests/overview.yaml' and 2 more), so no tests "
                           "come from them"],
               "next": "fix the references to its 3 missing test files, or "
                       "add tests with assertions"})
    finally:
        shutil.rmtree(root)
    root = copy_workspace("openai-evals")
    try:
        code, out, _ = run("check", "--format", "json", ".", cwd=root)
        check("an OpenAI evals entry without its samples is not an eval",
              grade_of(json.loads(out),
                       "evals/registry/evals/aba-mrpc-true-false.yaml"),
              {"level": "structured",
               "reasons": ["the samples file it names, "
                           "'aba_mrpc_true_false/samples.jsonl', resolves "
                           "nowhere, so its eval has no samples to run"],
               "next": "fix the samples_jsonl path, or add that samples "
                       "file to the registry's data folder"})
    finally:
        shutil.rmtree(root)



def test_check_grades_count_no_missing_checks():
    """A check whose code file resolves nowhere is an error facet check
    reports, and checks nothing: a test counts only by its other checks."""
    root = copy_workspace("check-files")
    try:
        code, out, _ = run("check", "--format", "json", ".", cwd=root)
        report = json.loads(out)
        check("a config keeps eval on the checks that run",
              grade_of(report, "sql/promptfooconfig.yaml"),
              {"level": "eval",
               "reasons": ["it defines 2 tests; 1 of them checks the output",
                           "none of them has a recorded run yet",
                           "the 2 check files its assertions name resolve "
                           "nowhere ('tests/test_simple_query.py' and 1 "
                           "more), so 1 test checks nothing"],
               "next": "fix the references to its 2 missing check files, "
                       "so those checks run too"})
        check("a config whose only check is missing is not an eval",
              grade_of(report, "polite/promptfooconfig.yaml"),
              {"level": "structured",
               "reasons": ["the check file its assertion names, "
                           "'checks/is_polite.js', resolves nowhere, so 2 "
                           "tests check nothing"],
               "next": "fix the reference to its missing check file, so "
                       "its tests check the output"})
        check("facet check exits 1 for those errors", code, 1)
    finally:
        shutil.rmtree(root)

def test_check_rows_in_path_order():
    """Files reached through references (a config's CSV of tests) take
    their place among the files the walk found."""
    root = tempfile.mkdtemp(prefix="facet-cli-")
    try:
        write(root, "promptfooconfig.yaml",
              "prompts:\n  - 'Answer: {{q}}'\nproviders:\n"
              "  - openai:gpt-4o-mini\ntests: file://cases.csv\n")
        write(root, "cases.csv", "q,__expected\nhi,contains:hi\n")
        write(root, "zz.prompty", WORKSPACE["prompts/good.prompty"])
        code, out, _ = run("check", ".", cwd=root)
        check("the grade table is in path order",
              out[out.index("grade "):out.index("\n\n",
                                                out.index("grade "))]
              .splitlines(), [
                  "grade       file                  next step",
                  "eval        cases.csv             run the evals and keep "
                  "their results (promptfoo eval -o results.json, gh models "
                  "eval --json) so facet can show whether they pass",
                  "eval        promptfooconfig.yaml  run the evals and keep "
                  "their results (promptfoo eval -o results.json, gh models "
                  "eval --json) so facet can show whether they pass",
                  "structured  zz.prompty            pin the output: add "
                  "outputs (or a response_format json_schema)"])
        code, out, _ = run("check", "--format", "json", ".", cwd=root)
        check("--format json lists the files in path order",
              [f["path"] for f in json.loads(out)["files"]],
              ["cases.csv", "promptfooconfig.yaml", "zz.prompty"])
    finally:
        shutil.rmtree(root)


def test_check_descriptions_stay_on_one_line():
    """A description written over two lines (a CSV __description cell,
    quoted) is printed with its line break escaped: each entry of the eval
    status is one line (before, the entry ran over two)."""
    root = tempfile.mkdtemp(prefix="facet-cli-")
    try:
        write(root, "promptfooconfig.yaml",
              "prompts:\n  - 'Answer: {{q}}'\nproviders:\n"
              "  - openai:gpt-4o-mini\ntests: file://cases.csv\n")
        write(root, "cases.csv", "q,__expected,__description\n"
              "hi,contains:hi,\"multi\nline\ttab\"\n")
        code, out, _ = run("check", ".", cwd=root)
        check("a description's line break is escaped in the eval status",
              out[out.index("eval status"):].splitlines()[1:4], [
                  "cases.csv:2: \u25cb never run (multi\\nline\\ttab)",
                  "promptfooconfig.yaml:2: evals: 0 \u2713 0 \u2717 "
                  "\u00b7 1 never run",
                  ""])
        code, out, _ = run("check", "--format", "json", ".", cwd=root)
        check("--format json keeps the description as written",
              next(f for f in json.loads(out)["files"]
                   if f["path"] == "cases.csv")["evals"][0]["description"],
              "multi\nline\ttab")
    finally:
        shutil.rmtree(root)


def test_check_empty_folder():
    root = tempfile.mkdtemp(prefix="facet-cli-empty-")
    try:
        check("facet check of an empty folder checks nothing, cleanly",
              run("check", root),
              (0, "\n0 files checked: 0 errors, 0 warnings\n"
                  "grades: loose 0, structured 0, schema 0, eval 0, code 0\n",
                  ""))
    finally:
        shutil.rmtree(root)


def grade_of(report, path):
    return next(f["grade"] for f in report["files"] if f["path"] == path)


def test_check_counts_crystallise_links():
    """facet check grades with what crystallise made of a prompt, as the
    editor does: a validator makes it code, a schema file schema."""
    root = copy_workspace("crystallised")
    try:
        code, out, _ = run("check", "--now", NOW, "--format", "json", ".",
                           cwd=root)
        check("a prompt with a crystallised validator is code",
              grade_of(json.loads(out), "prompts/parcel.j2"),
              {"level": "code",
               "reasons": ["deterministic code enforces its rules "
                           "(parcel.py)"],
               "next": None})
        code, out, _ = run("check", "--now", NOW, ".", cwd=root)
        check("... and the report counts it", out.splitlines()[-1],
              "grades: loose 0, structured 0, schema 1, eval 1, code 1; 1 "
              "file has none (eval results, unreadable, or not an artifact)")
        shutil.rmtree(os.path.join(root, "validators"))
        code, out, _ = run("check", "--now", NOW, ".", cwd=root)
        check("without the validator it is eval, through its tests",
              [l for l in out.splitlines() if l.startswith("eval  ")],
              ["eval        prompts/parcel.j2             make the 1 failing "
               "eval pass",
               "eval        prompts/promptfooconfig.yaml  make the 1 failing "
               "eval pass"])
        os.remove(os.path.join(root, "prompts", "promptfooconfig.yaml"))
        code, out, _ = run("check", "--now", NOW, "--format", "json", ".",
                           cwd=root)
        check("without its tests, the schema file that records a fragment "
              "pins its output",
              grade_of(json.loads(out), "prompts/parcel.j2"),
              {"level": "schema",
               "reasons": ["its output is pinned by a schema "
                           "(parcel.schema.json)"],
               "next": "add an eval"})
    finally:
        shutil.rmtree(root)


def test_check_reads_companions():
    root = tempfile.mkdtemp(prefix="facet-cli-")
    try:
        write(root, "Joke/config.json",
              '{"schema": 1, "execution_settings": {},\n'
              ' "input_variables": [{"name": "input"}, {"name": "style"}]}\n')
        write(root, "Joke/skprompt.txt", "A joke in {{$style}} about "
              "{{$INPUT}} for {{$audience}}.\n")
        write(root, "calc.poml", "<poml><task>{{ question }}</task></poml>\n")
        write(root, "calc.context.json", '{"question": "15% of 200?"}\n')
        code, out, _ = run("check", ".", cwd=root)
        check("a skprompt.txt is read with its config.json, a POML file "
              "with its context file", out.splitlines(), [
                  "Joke/config.json:2:2: warning: skprompt.txt reads "
                  "'audience', which input_variables does not declare "
                  "[undeclared-variable]",
                  "Joke/skprompt.txt:1:46: warning: 'audience' is not "
                  "declared in config.json's input_variables "
                  "[undeclared-variable]",
                  "",
                  "grade       file               next step",
                  "loose       Joke/config.json   declare the template's "
                  "variables under input_variables",
                  "loose       Joke/skprompt.txt  declare the template's "
                  "variables under input_variables in the function's "
                  "config.json",
                  "structured  calc.poml          pin the output: add an "
                  "<output-schema>",
                  "",
                  "3 files checked: 0 errors, 2 warnings",
                  "grades: loose 2, structured 1, schema 0, eval 0, code 0"])
    finally:
        shutil.rmtree(root)


class Server:
    """facet lsp as a child process, spoken to over its stdin and stdout."""

    def __init__(self, *args):
        self.p = subprocess.Popen([FACET, "lsp", "--stdio", *args],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return json.loads(self.p.stdout.read(length))

    def wait(self, timeout=10):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return "still running"


def initialize(server, process_id=None):
    server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"processId": process_id, "capabilities": {}}})
    return server.read()


def test_lsp_bad_input_keeps_serving():
    s = Server()
    s.send_raw(b"Content-Length: nope\r\n\r\n")
    s.send_raw(b"Content-Length: 5\r\n\r\n[1,2]")
    s.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    s.send({"jsonrpc": "2.0", "id": 7, "method": "shutdown"})
    got = [s.read() for _ in range(4)]
    check("bad frames and bodies get their errors, in order",
          [(m.get("id"), m["error"]["code"]) for m in got],
          [(None, -32700), (None, -32600), (None, -32700), (7, -32002)])
    result = initialize(s)
    check("the server still serves after bad input",
          result["result"]["serverInfo"]["name"], "facet")
    s.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    s.read()
    s.send({"jsonrpc": "2.0", "method": "exit"})
    check("shutdown then exit: exit code 0", s.wait(), 0)


def test_lsp_exit_codes():
    s = Server()
    initialize(s)
    s.send({"jsonrpc": "2.0", "method": "exit"})
    check("exit without shutdown: exit code 1", s.wait(), 1)

    s = Server()
    initialize(s)
    s.p.stdin.close()
    check("stdin closing ends the server", s.wait(), 1)


def test_lsp_client_process_gone():
    client = subprocess.Popen(["sleep", "0.5"])
    s = Server()
    initialize(s, client.pid)
    client.wait()
    start = time.monotonic()
    code = s.wait(timeout=10)
    check("the server exits when the client process is gone",
          (code, time.monotonic() - start < 5), (1, True))


def test_check_provider():
    root = tempfile.mkdtemp(prefix="facet-cli-")
    try:
        write(root, "s/out.schema.json",
              '{"type": "object", "properties": {"a": {"$ref": '
              '"defs.json#/$defs/a"}, "b": {"$ref": "gone.json"}},\n'
              ' "required": ["a", "b"]}\n')
        write(root, "s/defs.json", '{"$defs": {"a": {"type": "object"}}}\n')
        code, out, _ = run("check", "s/out.schema.json", cwd=root)
        check("facet check reads the files $refs name",
              (code, out.splitlines()[0]),
              (1, "s/out.schema.json:1:78: error: cannot resolve $ref "
                  "'gone.json': no such file [unresolved-ref]"))
        code, out, _ = run("check", "--provider", "s/*=openai",
                           "s/out.schema.json", cwd=root)
        check("--provider GLOB=NAME checks a provider's rules",
              [l for l in out.splitlines()
               if l.startswith("s/out.schema.json")][:2],
              ["s/out.schema.json:1:2: error: this object schema does not "
               "set additionalProperties: false, which OpenAI strict mode "
               "requires of every object [provider-additional-properties]",
               "s/out.schema.json:1:78: error: cannot resolve $ref "
               "'gone.json': no such file [unresolved-ref]"])
        code, _, err = run("check", "--provider", "gpt", ".", cwd=root)
        check("--provider with an unknown name is a usage error", (code, err),
              (2, "facet check: --provider wants [GLOB=]NAME with NAME one "
                  "of none, openai, gemini, anthropic; got 'gpt'\n"))
    finally:
        shutil.rmtree(root)


def main():
    test_command_line()
    root = make_workspace()
    try:
        test_check_text(root)
        test_check_json(root)
        test_check_notes_and_long_paths(root)
    finally:
        shutil.rmtree(root)
    test_check_evals()
    test_check_schema_files()
    test_check_results_over_the_limit()
    test_check_ignored_results()
    test_check_gate_sees_every_prompts_run()
    test_check_counts_crystallise_links()
    test_check_grades_agree_with_missing_references()
    test_check_grades_count_no_missing_checks()
    test_check_rows_in_path_order()
    test_check_descriptions_stay_on_one_line()
    test_check_empty_folder()
    test_check_reads_companions()
    test_check_provider()
    test_lsp_bad_input_keeps_serving()
    test_lsp_exit_codes()
    test_lsp_client_process_gone()
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
