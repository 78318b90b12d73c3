#!/usr/bin/env python3
"""facet crystallise on the fixture workspaces of tests/crystallise: every
case of cases.tsv prints exactly its golden diff (and note), the same bytes
on every run; --write writes exactly what the diff shows, never over an
existing file, and leaves files facet check finds no error in; the Python
validators it writes pass their own tests. Prints TAP.

usage: test_crystallise.py FACET
FACET_UPDATE_GOLDENS=1 rewrites the goldens from what facet prints.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FACET = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "crystallise")
GOLDEN = os.path.join(FIXTURES, "golden")
UPDATE = os.environ.get("FACET_UPDATE_GOLDENS") == "1"
results = []


def check(name, got, want):
    ok = got == want
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}")
    if not ok:
        for label, value in (("expected", want), ("     got", got)):
            for line in repr(value).splitlines() or [""]:
                print(f"#   {label}: {line[:400]}")


def run(ws, *args):
    p = subprocess.run([FACET, *args], cwd=ws, capture_output=True,
                       timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def cases():
    with open(os.path.join(FIXTURES, "cases.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, ws, target, where, *extra = line.rstrip("\n").split("\t")
            yield name, ws, target, where, [a for a in extra if a]


def crystallise(ws, target, where, extra, *more):
    return run(ws, "crystallise", "--root", ".", "--to", target, *extra,
               *more, where)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def golden(name, ext, text):
    path = os.path.join(GOLDEN, f"{name}.{ext}")
    if UPDATE:
        os.makedirs(GOLDEN, exist_ok=True)
        if text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        elif os.path.exists(path):
            os.remove(path)
    return read(path) if os.path.exists(path) else ""


def parse_diff(text):
    """{path: (None for a new file | [hunks]), ...} from a unified diff."""
    files = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith("--- "):
            i += 1
            continue
        new = lines[i] == "--- /dev/null"
        path = lines[i + 1][len("+++ b/"):]
        i += 2
        hunks = []
        while i < len(lines) and lines[i].startswith("@@"):
            m = re.match(r"@@ -(\d+),(\d+) \+(\d+),(\d+) @@", lines[i])
            old_start, old_n = int(m.group(1)), int(m.group(2))
            left, right = old_n, int(m.group(4))
            body = []
            i += 1
            # The counts say where the hunk ends: a removed line may
            # itself start with "--- ".
            while left > 0 or right > 0 or (
                    i < len(lines) and lines[i].startswith("\\")):
                line = lines[i]
                body.append(line)
                left -= line[:1] in (" ", "-")
                right -= line[:1] in (" ", "+")
                i += 1
            hunks.append((old_start, old_n, body))
        files[path] = (new, hunks)
    return files


def apply_hunks(old, hunks):
    """The text old becomes under hunks (lines kept with their ends)."""
    src = old.splitlines(keepends=True)
    out = []
    at = 0
    for start, n, body in hunks:
        first = start - 1 if n else start
        out.extend(src[at:first])
        at = first
        for k, line in enumerate(body):
            if line.startswith("\\"):
                continue
            eol = "" if k + 1 < len(body) and body[k + 1].startswith("\\") \
                else "\n"
            if line[0] in " -":
                at += 1
            if line[0] in " +":
                out.append(line[1:] + eol)
    out.extend(src[at:])
    return "".join(out)


def new_text(hunks):
    return apply_hunks("", hunks)


def test_goldens():
    for name, ws, target, where, extra in cases():
        root = os.path.join(FIXTURES, ws)
        code, out, err = crystallise(root, target, where, extra)
        want_out = golden(name, "diff", out)
        want_err = golden(name, "note", err)
        check(f"{name}: the diff is the golden one, byte for byte",
              (code, out), (0, want_out))
        check(f"{name}: the note is the golden one", err, want_err)
        again = crystallise(root, target, where, extra)
        check(f"{name}: a second run prints the same bytes", again,
              (code, out, err))


def python_tests(folder):
    """Runs the test_*.py files in folder as pytest would, with plain
    python: each test_ function is called. Returns (passed, failures)."""
    script = (
        "import importlib, sys, traceback\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "passed = failed = 0\n"
        "for name in sys.argv[2:]:\n"
        "    mod = importlib.import_module(name)\n"
        "    for key in sorted(dir(mod)):\n"
        "        if key.startswith('test_'):\n"
        "            try:\n"
        "                getattr(mod, key)()\n"
        "                passed += 1\n"
        "            except Exception:\n"
        "                failed += 1\n"
        "                traceback.print_exc()\n"
        "print(passed, failed)\n")
    mods = [f[:-3] for f in sorted(os.listdir(folder))
            if f.startswith("test_") and f.endswith(".py")]
    p = subprocess.run([sys.executable, "-c", script, folder, *mods],
                       capture_output=True, timeout=60)
    words = p.stdout.decode().split()
    return (int(words[0]), int(words[1])) if len(words) == 2 else (0, -1)


def check_written(name, tmp, diff):
    files = parse_diff(diff)
    for path, (new, hunks) in files.items():
        full = os.path.join(tmp, path)
        want = new_text(hunks) if new else None
        if new:
            check(f"{name}: --write created {path} as the diff shows",
                  read(full) if os.path.exists(full) else None, want)
    return files


def test_write():
    for name, ws, target, where, extra in cases():
        with tempfile.TemporaryDirectory() as tmp:
            work = os.path.join(tmp, "ws")
            shutil.copytree(os.path.join(FIXTURES, ws), work)
            diff = golden(name, "diff", None) if not UPDATE else \
                crystallise(work, target, where, extra)[1]
            before = {p: read(os.path.join(work, p))
                      for p in parse_diff(diff)
                      if os.path.exists(os.path.join(work, p))}
            # A fixture's own findings (a real file's) are not the write's.
            had = errors_in(work, list(before))
            code, out, _ = crystallise(work, target, where, extra, "--write")
            files = check_written(name, work, diff)
            for path, (new, hunks) in files.items():
                if not new:
                    check(f"{name}: --write changed {path} as the diff shows",
                          read(os.path.join(work, path)),
                          apply_hunks(before[path], hunks))
            check(f"{name}: --write says what it wrote", (code, out),
                  (0, "".join(f"{'created' if files[p][0] else 'changed'} "
                              f"{p}\n" for p in files)))
            test_checked(name, work, files, had)
            if target == "code" and "typescript" not in extra and \
               not os.path.exists(os.path.join(work, "package.json")):
                folder = os.path.dirname(os.path.join(
                    work, next(p for p in files if p.endswith(".py"))))
                passed, failed = python_tests(folder)
                check(f"{name}: the validator passes its own tests",
                      (passed > 0, failed), (True, 0))
            test_no_overwrite(name, work, target, where, extra, files)


def errors_in(work, paths):
    paths = [p for p in paths if not p.endswith((".py", ".ts"))]
    if not paths:
        return []
    _, out, _ = run(work, "check", "--format", "json", *paths)
    report = json.loads(out)
    return [f"{a['path']}: {d['message']}" for a in report["files"]
            for d in a["diagnostics"] if d["severity"] == "error"]


def test_checked(name, work, files, had):
    new = [e for e in errors_in(work, list(files)) if e not in had]
    check(f"{name}: facet check finds no new error in what --write wrote",
          new, [])


def test_no_overwrite(name, work, target, where, extra, files):
    """A second --write keeps the files the first made: it takes other
    names, or makes nothing when the fragment is crystallised already."""
    created = {p: read(os.path.join(work, p)) for p, (new, _) in
               files.items() if new}
    code, out, err = crystallise(work, target, where, extra, "--write")
    # A config the first made runs the prompt now: tests go after its own.
    kept = {p: read(os.path.join(work, p)) for p in created}
    check(f"{name}: a second --write leaves the files the first made",
          {p: kept[p][:len(created[p])] for p in created}, created)
    made = [line[len("created "):] for line in out.splitlines()
            if line.startswith("created ")]
    check(f"{name}: a second --write creates only new names",
          [p for p in made if p in created], [])


def test_errors():
    root = os.path.join(FIXTURES, "prompty")
    code, out, err = crystallise(root, "schema", "prompts/reply.prompty:3",
                                 [])
    check("a line of the header is no prompt text", (code, out, err),
          (1, "", "facet crystallise: prompts/reply.prompty:3: there is no "
                  "prompt text here to crystallise: put the cursor on a "
                  "paragraph of the prompt, or select one\n"))
    code, out, err = crystallise(root, "code", "prompts/reply.prompty:29",
                                 [])
    check("code on text with no mechanical rule says what it needs",
          (code, err),
          (1, "facet crystallise: prompts/reply.prompty:29: the fragment "
              "states no rule code can check: a list of allowed values, a "
              "length limit, a date or number format, or a banned phrase "
              "in quotes\n"))
    code, out, err = crystallise(os.path.join(FIXTURES, "vscode"), "code",
                                 ".github/prompts/commit.prompt.md:23", [])
    check("XML tags that name an answer's parts are no text it must hold",
          (code, out, err),
          (1, "", "facet crystallise: .github/prompts/commit.prompt.md:23: "
                  "the fragment states no rule code can check: a list of "
                  "allowed values, a length limit, a date or number format, "
                  "or a banned phrase in quotes\n"))
    code, out, err = crystallise(os.path.join(FIXTURES, "jinja"), "eval",
                                 "flows/grounding_prompt.jinja2:13-24", [])
    check("examples no variable can take make no test, and say why",
          (code, out, err),
          (1, "", "facet crystallise: flows/grounding_prompt.jinja2:13: the "
                  "prompt reads fewer variables than its examples give "
                  "inputs, so they cannot be run as tests\n"))
    code, out, err = run(root, "crystallise", "--to", "json",
                         "prompts/reply.prompty:22")
    check("--to takes schema, eval or code", (code, err.splitlines()[0]),
          (2, "facet crystallise: --to takes schema, eval or code"))
    code, out, err = run(root, "crystallise", "--root", ".", "--to", "eval",
                         "prompts/reply.prompty")
    check("FILE without a line is a usage error", (code, err),
          (2, "facet crystallise: 'prompts/reply.prompty' is not FILE:LINE "
              "or FILE:LINE-LINE\n"))
    code, out, err = run(root, "crystallise", "--root", ".", "--to", "eval",
                         "prompts/reply.prompty:400")
    check("a line past the end is a usage error", (code, err),
          (2, "facet crystallise: prompts/reply.prompty has 32 lines\n"))


def test_made_already():
    """What a fragment was crystallised into is not made again beside it
    while the fragment is unchanged: funniness.prompt's example at line 13
    is at line 26 once the schema's copy is in its header."""
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "ws")
        shutil.copytree(os.path.join(FIXTURES, "dotprompt"), work)
        code, out, _ = crystallise(work, "schema",
                                   "prompts/funniness.prompt:13", [],
                                   "--write")
        check("the schema is made", (code, out),
              (0, "created schemas/funniness-2.schema.json\n"
                  "changed prompts/funniness.prompt\n"))
        code, out, err = crystallise(work, "schema",
                                     "prompts/funniness.prompt:26", [])
        check("a second schema of the same fragment is not made",
              (code, out, err),
              (1, "", "facet crystallise: prompts/funniness.prompt:26: this "
                      "fragment is already crystallised into "
                      "schemas/funniness-2.schema.json, and has not changed "
                      "since\n"))
        code, out, err = crystallise(work, "eval",
                                     "prompts/funniness.prompt:26", [])
        check("an eval of it is still made", code, 0)
        path = os.path.join(work, "prompts", "funniness.prompt")
        text = read(path).replace('"verdict":"FUNNY_JOKE"',
                                  '"verdict": "FUNNY_JOKE"')
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        code, out, err = crystallise(work, "schema",
                                     "prompts/funniness.prompt:26", [])
        check("a changed fragment is crystallised again",
              (code, out.splitlines()[1] if out else ""),
              (0, "+++ b/schemas/funniness-3.schema.json"))


def test_paths_from_another_folder():
    """Run from a folder outside the workspace (no git, no --root): the
    root is the prompt's folder, and what is printed says where the files
    went as the user reaches them from where they ran facet."""
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "elsewhere")
        here = os.path.join(tmp, "here")
        shutil.copytree(os.path.join(FIXTURES, "github-models", "prompts"),
                        work)
        os.mkdir(here)
        where = "../elsewhere/classify-ticket.prompt.yml:11"
        code, out, err = run(here, "crystallise", "--to", "code", "--write",
                             where)
        check("the files written are named from the current folder",
              (code, out, err),
              (0, "created ../elsewhere/validators/classify_ticket.py\n"
                  "created ../elsewhere/validators/test_classify_ticket.py\n",
                  ""))
        check("they are where it says",
              sorted(os.listdir(os.path.join(work, "validators"))),
              ["classify_ticket.py", "test_classify_ticket.py"])
        check("nothing is written in the current folder", os.listdir(here),
              [])
        code, out, err = run(here, "crystallise", "--to", "code", where)
        check("a message names the files from the current folder too",
              (code, err),
              (1, "facet crystallise: ../elsewhere/classify-ticket.prompt."
                  "yml:11: this fragment is already crystallised into "
                  "../elsewhere/validators/classify_ticket.py, and has not "
                  "changed since\n"))
        code, out, err = run(here, "crystallise", "--to", "schema", where)
        check("a diff says the root its paths are relative to",
              (code, out.splitlines()[:2], err.splitlines()[-1:]),
              (0, ["--- /dev/null", "+++ b/classify-ticket.schema.json"],
               ["facet crystallise: paths in the diff and note are relative "
                "to the workspace root, ../elsewhere"]))


def test_limits():
    """A fragment over the limit is refused and nothing is written; one
    under it is written whole (never a file cut at a buffer's end)."""
    line = ("Never say \"as an AI\". Answer in at most 3 sentences. Reply "
            "politely within the policy.\n")
    for size, name in ((1 << 20, "over"), (200 << 10, "under")):
        with tempfile.TemporaryDirectory() as work:
            lines = size // len(line) + 1
            with open(os.path.join(work, "big.txt"), "w") as f:
                f.write(line * lines)
            for target in ("schema", "eval", "code"):
                code, out, err = crystallise(work, target,
                                             f"big.txt:1-{lines}", [],
                                             "--write")
                if name == "over":
                    check(f"a fragment over the limit is refused ({target})",
                          (code, out, err, sorted(os.listdir(work))),
                          (1, "", "facet crystallise: big.txt:1: the "
                                  "fragment is larger than facet "
                                  "crystallises at once (256 KiB): select "
                                  "a part of it\n", ["big.txt"]))
                    continue
                check(f"a fragment under the limit is crystallised "
                      f"({target})", code, 0)
            if name == "under":
                schema = json.loads(read(os.path.join(work,
                                                      "big.schema.json")))
                check("its schema holds the whole fragment",
                      schema["description"],
                      (line.strip() + " ") * (lines - 1) + line.strip())
                code = read(os.path.join(work, "validators", "big.py"))
                check("its validator ends with its function",
                      code.endswith("    return problems\n"), True)


# Paragraphs that state every kind of rule code checks, of a JSON field
# and of the whole answer, with quotes, braces and backslashes in names,
# values and formats (written for this test).
RULES_PROMPT = """Return a JSON object with these fields:
- `answer` (string): the answer, at most 200 characters
- `confidence` (number, between 0 and 1)
- `category`: one of low, medium, high
- score: integer 1-5
- `due` (date, YYYY-MM-DD, if any)
- `note` (string): at most 3 words

The `say "hi"` field must be one of "it's done", "say \\"hi\\"", "{open}".

Write at most 3 sentences. Never say "as an AI". Always include "Ref: {id}".

Dates must be written as DD/MM/YYYY.

Give the total with two decimal places.

Answer with a number from 1 to 10.

Answer with one word: yes or no.

{{ question }}
"""


def pythons():
    """The system's python3, and every other Python 3.8 to 3.11 there is:
    what generated code must run on."""
    found = [os.path.realpath(shutil.which("python3"))]
    home = os.path.expanduser("~/.pyenv/versions")
    for name in sorted(os.listdir(home)) if os.path.isdir(home) else []:
        exe = os.path.join(home, name, "bin", "python3")
        if re.match(r"3\.(8|9|10|11)\.", name) and os.access(exe, os.X_OK) \
                and os.path.realpath(exe) not in found:
            found.append(os.path.realpath(exe))
    return found


def test_python_validators_run_on_older_pythons():
    """Validators and their tests compile and pass on Python 3.8 and on,
    for every paragraph of a prompt with every kind of rule."""
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "rules.j2"), "w") as f:
            f.write(RULES_PROMPT)
        lines = RULES_PROMPT.split("\n")
        starts = [i + 1 for i, line in enumerate(lines)
                  if line and (i == 0 or not lines[i - 1])][:-1]
        made = []
        for at in starts:
            code, out, err = crystallise(work, "code", f"rules.j2:{at}", [],
                                         "--write")
            check(f"paragraph at line {at} makes a validator", (code, err),
                  (0, err if code == 0 else ""))
            made += [line.split(" ", 1)[1] for line in out.splitlines()]
        check("every paragraph made a validator and its test",
              len(made), 2 * len(starts))
        folder = os.path.join(work, "validators")
        for python in pythons():
            for path in made:
                p = subprocess.run([python, "-m", "py_compile",
                                    os.path.join(work, path)],
                                   capture_output=True, timeout=60)
                check(f"{path} compiles on {python}",
                      p.stderr.decode()[-300:], "")
            p = subprocess.run([python, "-c", (
                "import importlib, sys\n"
                "sys.path.insert(0, sys.argv[1])\n"
                "for name in sys.argv[2:]:\n"
                "    mod = importlib.import_module(name)\n"
                "    for key in sorted(dir(mod)):\n"
                "        if key.startswith('test_'):\n"
                "            getattr(mod, key)()\n"), folder,
                *[os.path.basename(p)[:-3] for p in made
                  if os.path.basename(p).startswith("test_")]],
                capture_output=True, timeout=60)
            check(f"the validators pass their tests on {python}",
                  p.stderr.decode()[-300:], "")


def test_validators_read_fields_as_the_schema_does():
    """A field that may be null passes as null, a range a field line gives
    is checked, and a number is a JSON number: as the schema says."""
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "rules.j2"), "w") as f:
            f.write(RULES_PROMPT)
        crystallise(work, "code", "rules.j2:1", [], "--write")
        script = (
            "import json, sys\n"
            "sys.path.insert(0, sys.argv[1])\n"
            "from rules import check_rules\n"
            "good = {'answer': 'x', 'confidence': 0.5, 'category': 'low',\n"
            "        'score': 3, 'due': '2024-03-05', 'note': 'a b'}\n"
            "for change in json.loads(sys.argv[2]):\n"
            "    print(check_rules(json.dumps({**good, **change})))\n")
        changes = [{}, {"due": None}, {"score": 99}, {"score": 2.5},
                   {"confidence": None}, {"confidence": "0.5"},
                   {"due": "5 March"}, {"category": None}]
        p = subprocess.run([sys.executable, "-c", script,
                            os.path.join(work, "validators"),
                            json.dumps(changes)],
                           capture_output=True, timeout=60)
        check("each answer gets the problems the schema finds",
              p.stdout.decode().splitlines(),
              ["[]", "[]", "['99 is not a whole number from 1 to 5']",
               "['2.5 is not a whole number from 1 to 5']",
               "['None is not a number from 0 to 1']",
               "[\"'0.5' is not a number from 0 to 1\"]",
               "[\"'5 March' is not a date as YYYY-MM-DD\"]",
               "['None is not one of: low, medium, high']"])


def test_crlf():
    """A file whose lines end in CRLF gets edits whose lines do too, in
    every format and action: no file is left with mixed line endings."""
    for name, ws, target, where, extra in cases():
        with tempfile.TemporaryDirectory() as tmp:
            work = os.path.join(tmp, "ws")
            shutil.copytree(os.path.join(FIXTURES, ws), work)
            for folder, _, names in os.walk(work):
                for n in names:
                    path = os.path.join(folder, n)
                    with open(path, "rb") as f:
                        data = f.read()
                    with open(path, "wb") as f:
                        f.write(data.replace(b"\r\n", b"\n")
                                .replace(b"\n", b"\r\n"))
            code, out, _ = crystallise(work, target, where, extra, "--write")
            changed = [line[len("changed "):] for line in out.splitlines()
                       if line.startswith("changed ")]
            for path in changed:
                with open(os.path.join(work, path), "rb") as f:
                    data = f.read()
                check(f"{name}: {path} keeps CRLF line endings",
                      data.count(b"\n") - data.count(b"\r\n"), 0)
            for line in out.splitlines():
                if line.startswith("created "):
                    with open(os.path.join(work, line[8:]), "rb") as f:
                        check(f"{name}: {line[8:]} quotes no CR",
                              f.read().count(b"\r"), 0)


def test_write_is_all_or_nothing():
    """A --write whose change to the prompt fails (its folder cannot be
    written: immutable, which holds for root too) removes the schema it
    made, says why in the system's words, and a later run can still link
    the prompt."""
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "ws")
        shutil.copytree(os.path.join(FIXTURES, "dotprompt"), work)
        prompts = os.path.join(work, "prompts")
        if subprocess.run(["chattr", "+i", prompts],
                          capture_output=True).returncode != 0:
            print("# skipped: chattr +i does not work here")
            return
        try:
            code, out, err = crystallise(work, "schema",
                                         "prompts/funniness.prompt:13", [],
                                         "--write")
        finally:
            subprocess.run(["chattr", "-i", prompts])
        check("a write that fails halfway is undone, and says why",
              (code, out, err, sorted(os.listdir(os.path.join(work,
                                                              "schemas")))),
              (1, "", "facet crystallise: cannot write "
                      "prompts/funniness.prompt: operation not permitted\n"
                      "facet crystallise: nothing was written: what this "
                      "run made is undone\n", ["funniness.schema.json"]))
        code, out, err = crystallise(work, "schema",
                                     "prompts/funniness.prompt:13", [],
                                     "--write")
        check("the next run makes and links it", (code, out),
              (0, "created schemas/funniness-2.schema.json\n"
                  "changed prompts/funniness.prompt\n"))


def golden_new_file(name, path):
    """The text a golden diff gives the new file at path."""
    lines = golden(name, "diff", None).split("\n") if not UPDATE else \
        read(os.path.join(GOLDEN, f"{name}.diff")).split("\n")
    at = lines.index(f"+++ b/{path}") + 2
    body = []
    for line in lines[at:]:
        if not line.startswith("+"):
            break
        body.append(line[1:])
    return "\n".join(body) + "\n"


def test_docs_show_what_facet_prints():
    """docs/crystallise.md's examples are what facet prints for the
    fixtures they name: the schema, every record quoted of it, and the
    validator's lines."""
    doc = read(os.path.join(HERE, "..", "..", "docs", "crystallise.md"))
    schema = golden_new_file("prompty-schema-fields",
                             "prompts/reply.schema.json")
    shown = re.search(r"creates\n`prompts/reply.schema.json`:\n\n```json\n"
                      r"(.*?)```", doc, re.S)
    check("the docs' reply.schema.json is facet's",
          shown.group(1) if shown else None, schema)
    comment = re.search(r'"\$comment": "([^"]*)"', schema).group(1)
    check("every record of it the docs quote is facet's",
          sorted(set(re.findall(r'"\$comment": "(facet: crystallised from '
                                r'reply.prompty[^"]*)"', doc))), [comment])
    code = golden_new_file("github-models-code-one-of",
                           "validators/classify_ticket.py").split("\n")
    shown = re.search(r"creates `validators/classify_ticket.py`:\n\n"
                      r"```python\n(.*?)```", doc, re.S)
    missing = [line for line in shown.group(1).split("\n")
               if line and line != "# ..." and line not in code] \
        if shown else None
    check("the docs' validator lines are facet's", missing, [])


def test_rule_schemas_hold_the_prompts_examples():
    """A schema made from a rule sentence holds the prompt's own JSON
    answers: their fields are in it beside the rule's."""
    schema = golden_new_file("dotprompt-schema-rule-examples",
                             "schemas/funniness-2.schema.json")
    prompt = read(os.path.join(FIXTURES, "dotprompt", "prompts",
                               "funniness.prompt"))
    answers = [line for line in prompt.split("\n") if line.startswith("{ ")]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(schema)
        files = []
        for i, answer in enumerate(answers):
            files.append(os.path.join(tmp, f"a{i}.json"))
            with open(files[-1], "w", encoding="utf-8") as f:
                f.write(answer)
        code, out, err = run(tmp, "validate", path, *files)
    check("the prompt's 4 JSON answers follow the schema made from its rule",
          (len(answers), code), (4, 0))


def main():
    test_goldens()
    test_write()
    test_errors()
    test_made_already()
    test_paths_from_another_folder()
    test_limits()
    test_docs_show_what_facet_prints()
    test_write_is_all_or_nothing()
    test_crlf()
    test_python_validators_run_on_older_pythons()
    test_validators_read_fields_as_the_schema_does()
    test_rule_schemas_hold_the_prompts_examples()
    print(f"1..{len(results)}")
    sys.exit(0 if all(results) else 1)


main()
