#!/usr/bin/env python3
"""facet validate as users run it: the exact lines it prints and its exit
status, for JSON and YAML schemas and instances, schema problems, $refs to
other files, and the errors of the command line. Prints TAP.

usage: test_validate.py FACET
"""
import os
import shutil
import subprocess
import sys
import tempfile

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


def run(root, *args):
    p = subprocess.run([FACET, "validate", *args], cwd=root,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


FILES = {
    "person.schema.json":
        '{\n'
        '  "$schema": "https://json-schema.org/draft/2020-12/schema",\n'
        '  "type": "object",\n'
        '  "properties": {\n'
        '    "name": {"type": "string", "minLength": 2},\n'
        '    "age": {"type": "integer", "minimum": 0},\n'
        '    "email": {"type": "string", "format": "email"},\n'
        '    "address": {"$ref": "defs/address.yaml"}\n'
        '  },\n'
        '  "required": ["name"],\n'
        '  "additionalProperties": false\n'
        '}\n',
    "defs/address.yaml":
        "type: object\n"
        "properties:\n"
        "  city: {type: string}\n"
        "  zip: {type: string, pattern: '^[0-9]{5}$'}\n"
        "required: [city]\n",
    "good.json": '{"name": "Ada", "age": 36, "address": {"city": "London"}}\n',
    "good.yaml": "name: Ada\r\nage: 36\r\n",
    "bad.json":
        '{\n'
        '  "name": "\U0001F600",\n'
        '  "age": "36",\n'
        '  "address": {"zip": "N1"},\n'
        '  "extra": true\n'
        '}\n',
    "bad.yaml": "# a person\r\nname: A\r\nage: -1\r\n",
    "email.json": '{"name": "Ada", "email": "ada@"}\n',
    "broken.json": '{"name": "Ada",}\n',
    "bomb.yaml":
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
    "typo.schema.yaml":
        "type: object\n"
        "properties:\n"
        "  n: {type: strng}\n"
        "  m: {type: string, pattern: '^(a'}\n"
        "required: name\n",
    "remote.schema.json":
        '{"properties": {"a": {"$ref": "https://example.com/a.json"}}}\n',
    "a.json":
        '{"$id": "https://example.com/a.json", "type": "integer"}\n',
    "one.json": '{"a": "x"}\n',
    "broken.schema.json": '{"type": }\n',
}


def make():
    root = tempfile.mkdtemp(prefix="facet-validate-")
    for path, text in FILES.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", newline="") as f:
            f.write(text)
    return root


def test_valid(root):
    check("valid JSON and YAML files say so and exit 0",
          run(root, "person.schema.json", "good.json", "good.yaml"),
          (0, "good.json valid\ngood.yaml valid\n", ""))


def test_invalid(root):
    check("errors are at their line and column, in file order",
          run(root, "person.schema.json", "bad.json", "bad.yaml", "good.json"),
          (1,
           "bad.json invalid\n"
           "bad.json:2:11: error: #/name: must be at least 2 characters, got 1 "
           "[/properties/name/minLength]\n"
           "bad.json:3:10: error: #/age: expected integer, got string \"36\" "
           "[/properties/age/type]\n"
           "bad.json:4:14: error: #/address: missing required property 'city' "
           "[defs/address.yaml#/required]\n"
           "bad.json:4:22: error: #/address/zip: \"N1\" does not match the pattern "
           "^[0-9]{5}$ [defs/address.yaml#/properties/zip/pattern]\n"
           "bad.json:5:3: error: #/extra: 'extra' is not allowed "
           "(additionalProperties is false) [/additionalProperties]\n"
           "bad.yaml invalid\n"
           "bad.yaml:2:7: error: #/name: must be at least 2 characters, got 1 "
           "[/properties/name/minLength]\n"
           "bad.yaml:3:6: error: #/age: must be >= 0, got -1 "
           "[/properties/age/minimum]\n"
           "good.json valid\n", ""))


def test_formats(root):
    check("format is an annotation by default",
          run(root, "person.schema.json", "email.json"),
          (0, "email.json valid\n", ""))
    check("--format-assert checks it",
          run(root, "--format-assert", "person.schema.json", "email.json"),
          (1, "email.json invalid\n"
              "email.json:1:26: error: #/email: \"ada@\" is not a valid email "
              "[/properties/email/format]\n", ""))


def test_unusable_instances(root):
    check("a file that does not parse is invalid, at its syntax error",
          run(root, "person.schema.json", "broken.json"),
          (1, "broken.json invalid\n"
              "broken.json:1:15: error: trailing comma before '}' "
              "[json-syntax]\n", ""))
    check("a file that cannot be read is invalid",
          run(root, "person.schema.json", "missing.json"),
          (1, "missing.json invalid\n"
              "missing.json: error: could not read the file: no such file "
              "or directory\n", ""))
    check("YAML aliases that expand without end are refused",
          run(root, "person.schema.json", "bomb.yaml"),
          (1, "bomb.yaml invalid\n"
              "bomb.yaml:6:12: error: alias '*e' would expand the document "
              "past 262144 values (aliases nested in aliases multiply); it "
              "is read as empty, as is every later alias past the limit "
              "[alias-expansion]\n", ""))


def test_schema_problems(root):
    check("problems in the schema are at their line and column",
          run(root, "typo.schema.yaml", "good.json"),
          (1,
           "typo.schema.yaml:3:7: error: unknown type 'strng' (did you mean "
           "'string'?) [/properties/n/type]\n"
           "typo.schema.yaml:4:21: error: the pattern ^(a does not compile: "
           "missing closing parenthesis (at offset 3) "
           "[/properties/m/pattern]\n"
           "typo.schema.yaml:5:1: error: required must be an array of "
           "property names, got string \"name\" [/required]\n"
           "good.json not validated: the schema has errors\n", ""))


def test_remote_refs(root):
    check("an http $ref is not fetched",
          run(root, "remote.schema.json", "one.json"),
          (1,
           "remote.schema.json:1:23: error: cannot resolve $ref "
           "'https://example.com/a.json': facet does not fetch schemas from "
           "the network (give a local copy with --ref FILE) "
           "[/properties/a/$ref]\n"
           "one.json not validated: the schema has errors\n", ""))
    check("--ref gives it a local copy",
          run(root, "--ref", "a.json", "remote.schema.json", "one.json"),
          (1, "one.json invalid\n"
              "one.json:1:7: error: #/a: expected integer, got string \"x\" "
              "[https://example.com/a.json#/type]\n", ""))


def test_command_line(root):
    code, out, err = run(root)
    check("no arguments is a usage error", (code, out, err.splitlines()[0]),
          (2, "", "usage: facet validate [--format-assert] [--draft D] "
                  "[--ref FILE]..."))
    check("a schema that cannot be read is exit 2",
          run(root, "nope.json", "good.json"),
          (2, "", "facet validate: nope.json: no such file or directory\n"))
    check("a schema that does not parse is exit 2",
          run(root, "broken.schema.json", "good.json"),
          (2, "broken.schema.json:1:10: error: unexpected '}' "
              "[json-syntax]\n", ""))
    code, _, err = run(root, "--draft", "5", "a.json", "one.json")
    check("an unknown draft is a usage error", (code, err),
          (2, "facet validate: --draft is 4, 6, 7, 2019-09 or 2020-12\n"))


def test_pipes(root):
    p = subprocess.run([FACET, "validate", "person.schema.json", "/dev/stdin"],
                       cwd=root, input=b'{"name": "A"}\n',
                       capture_output=True, timeout=60)
    check("an instance read from a pipe is validated, not called empty",
          (p.returncode, p.stdout.decode(), p.stderr.decode()),
          (1, "/dev/stdin invalid\n"
              "/dev/stdin:1:10: error: #/name: must be at least 2 characters, got 1 "
              "[/properties/name/minLength]\n", ""))
    p = subprocess.run([FACET, "validate", "person.schema.json", "-"],
                       cwd=root, input=b'{"name": "Ada", "age": -1}',
                       capture_output=True, timeout=60)
    check("- is standard input",
          (p.returncode, p.stdout.decode(), p.stderr.decode()),
          (1, "- invalid\n"
              "-:1:24: error: #/age: must be >= 0, got -1 "
              "[/properties/age/minimum]\n", ""))
    fifo = os.path.join(root, "nobody-writes")
    os.mkfifo(fifo)
    check("a named pipe nobody writes to reads as empty, without waiting",
          run(root, "person.schema.json", "nobody-writes"),
          (1, "nobody-writes invalid\n"
              "nobody-writes:1:1: error: the file is empty: a JSON document "
              "needs a value [json-syntax]\n", ""))
    os.unlink(fifo)


def main():
    root = make()
    try:
        for test in (test_valid, test_invalid, test_formats,
                     test_unusable_instances, test_schema_problems,
                     test_remote_refs, test_pipes, test_command_line):
            test(root)
    finally:
        shutil.rmtree(root)
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


sys.exit(main())
