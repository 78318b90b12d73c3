#!/usr/bin/env python3
"""Generates the benchmark inputs of bench/run, deterministically.

usage: gen_inputs.py OUTDIR [--corpus DIR] [--copies N]

Writes into OUTDIR (never into the repository):
  promptfooconfig-10k/promptfooconfig.yaml   promptfoo config, about 10 KB
  promptfooconfig-1m/promptfooconfig.yaml    promptfoo config, about 1 MB
  prompt-1m/big.prompty                      Prompty file, about 1 MB
  tree/copy-NNN/<owner>__<repo>/<path>       the corpus laid out at its
                                             original paths, N times
  tree/evals-1k/                             a promptfoo config, its prompt
                                             file, 1,000 CSV tests of it and
                                             the results of a run
  inputs.json                                sizes, sha256 and file lists

The same script and arguments always write the same bytes: the only
source of variety is a fixed-seed xorshift generator written out below,
so no Python library version can change the output.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

WORDS = (
    "refund policy order account shipping delivery invoice payment card "
    "warranty return exchange store customer support agent ticket escalate "
    "priority billing subscription plan upgrade downgrade cancel renewal "
    "discount coupon tax receipt address password login security device "
    "battery screen charger cable manual setup install update version "
    "error crash slow network signal privacy data export delete history "
    "language translate summary answer question context source citation "
    "polite concise accurate friendly formal brief detailed step example"
).split()

ASSERT_TYPES = (
    "icontains", "contains", "not-contains", "equals", "starts-with",
    "regex", "llm-rubric", "similar", "javascript", "python", "is-json",
    "contains-any", "icontains-all", "latency", "cost", "levenshtein",
    "factuality", "answer-relevance", "word-count", "not-icontains",
)

LANGS = ("English", "French", "German", "Spanish", "Japanese", "Portuguese")


class Rng:
    """xorshift64*: tiny, fast and the same on every Python."""

    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF or 1

    def next(self):
        s = self.s
        s ^= (s >> 12)
        s ^= (s << 25) & 0xFFFFFFFFFFFFFFFF
        s ^= (s >> 27)
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return self.next() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def words(self, lo, hi):
        n = lo + self.below(hi - lo + 1)
        return " ".join(self.pick(WORDS) for _ in range(n))


def yq(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


PROMPTFOO_HEAD = """\
description: Customer support assistant regression suite (generated)
prompts:
  - id: support-chat
    label: support-chat
    raw: |
      You are a support agent for {{ company }}.
      Answer the customer's question in {{ language }}.
      Context: {{ context }}
      Question: {{ question }}
  - id: terse
    label: terse
    raw: "Answer in one line, in {{ language }}: {{ question }}"
providers:
  - id: openai:gpt-4o-mini
    config:
      temperature: 0
      max_tokens: 512
  - id: anthropic:messages:claude-3-5-haiku-20241022
    config:
      temperature: 0
defaultTest:
  vars:
    company: Acme Widgets
  assert:
    - type: latency
      threshold: 5000
    - type: not-icontains
      value: as an AI language model
tests:
"""


def assertion(rng, i):
    t = rng.pick(ASSERT_TYPES)
    lines = ["      - type: " + t]
    if t in ("contains-any", "icontains-all"):
        lines.append("        value:")
        for _ in range(2 + rng.below(3)):
            lines.append("          - " + yq(rng.words(1, 2)))
    elif t in ("latency", "cost", "word-count"):
        lines.append("        threshold: %d" % (100 + rng.below(9900)))
    elif t == "is-json":
        lines.append("        value:")
        lines.append("          type: object")
        lines.append("          required: [answer, confidence]")
    elif t == "javascript":
        limit = 200 + rng.below(800)
        word = yq(rng.pick(WORDS)).replace('"', "'")
        lines.append("        value: output.length < %d && "
                     "!output.includes(%s)" % (limit, word))
    elif t == "python":
        lines.append("        value: file://asserts/check_%d.py"
                     % rng.below(40))
    elif t == "regex":
        lines.append("        value: '^(?i)(%s|%s)\\b'"
                     % (rng.pick(WORDS), rng.pick(WORDS)))
    elif t in ("similar", "levenshtein"):
        lines.append("        value: " + yq(rng.words(4, 10)))
        lines.append("        threshold: 0.%d" % (60 + rng.below(35)))
    else:
        lines.append("        value: " + yq(rng.words(2, 9)))
    if rng.below(4) == 0:
        lines.append("        metric: " + rng.pick(("accuracy", "tone",
                                                     "safety", "grounding")))
    if rng.below(6) == 0:
        lines.append("        weight: %d" % (1 + rng.below(3)))
    return lines


def test_case(rng, i):
    out = ["  - description: " + yq("case %d: %s" % (i, rng.words(3, 8)))]
    out.append("    vars:")
    out.append("      question: " + yq(rng.words(6, 18) + "?"))
    out.append("      language: " + rng.pick(LANGS))
    if rng.below(3) == 0:
        out.append("      context: |")
        for _ in range(2 + rng.below(4)):
            out.append("        " + rng.words(8, 16) + ".")
    else:
        out.append("      context: " + yq(rng.words(10, 30) + "."))
    if rng.below(5) == 0:
        out.append("      order_id: ORD-%06d" % rng.below(1000000))
    out.append("    assert:")
    for _ in range(1 + rng.below(4)):
        out.extend(assertion(rng, i))
    if rng.below(8) == 0:
        out.append("    options:")
        out.append("      provider: openai:gpt-4o-mini")
        out.append("      transform: output.trim()")
    if rng.below(7) == 0:
        out.append("    metadata:")
        out.append("      suite: " + rng.pick(("billing", "shipping",
                                               "returns", "accounts")))
        out.append("      owner: team-%d" % rng.below(12))
    if rng.below(10) == 0:
        out.append("    threshold: 0.%d" % (50 + rng.below(45)))
    return out


def promptfoo_config(target_bytes, seed):
    rng = Rng(seed)
    parts = [PROMPTFOO_HEAD]
    size = len(PROMPTFOO_HEAD)
    i = 0
    while size < target_bytes:
        block = "\n".join(test_case(rng, i)) + "\n"
        parts.append(block)
        size += len(block)
        i += 1
    return "".join(parts), i


PROMPTY_VARS = ("customer_name", "product", "question", "history",
                "language", "tone", "order_id", "policy", "locale",
                "agent_name", "ticket", "sla_hours")


def prompty_file(target_bytes, seed):
    rng = Rng(seed)
    head = ["---", "name: support-playbook",
            "description: Large support playbook prompt (generated)",
            "metadata:", "  authors: [bench]", "  tags: [support, bench]",
            "model:", "  id: gpt-4o-mini", "  provider: openai",
            "  apiType: chat", "  connection:", "    kind: key",
            "    endpoint: ${env:OPENAI_ENDPOINT}",
            "    apiKey: ${env:OPENAI_API_KEY}",
            "  options:", "    temperature: 0.2", "    maxOutputTokens: 800",
            "inputs:"]
    for v in PROMPTY_VARS:
        head += ["  - name: " + v, "    kind: string",
                 "    default: " + yq(rng.words(1, 3))]
    head += ["template:", "  format:", "    kind: jinja2", "  parser:",
             "    kind: prompty", "---", "system:",
             "You are {{ agent_name }}, a support agent for "
             "{{ product }}.", ""]
    parts = ["\n".join(head) + "\n"]
    size = len(parts[0])
    section = 0
    while size < target_bytes:
        lines = ["# Section %d: %s" % (section, rng.words(2, 5)), ""]
        for _ in range(4 + rng.below(6)):
            words = rng.words(10, 30).split()
            for _ in range(1 + rng.below(3)):
                pos = rng.below(len(words) + 1)
                words.insert(pos, "{{ %s }}" % rng.pick(PROMPTY_VARS))
            lines.append(" ".join(words) + ".")
        if rng.below(3) == 0:
            lines += ["{% if " + rng.pick(PROMPTY_VARS) + " %}",
                      "Mention {{ policy }} when " + rng.words(3, 8) + ".",
                      "{% endif %}"]
        if rng.below(5) == 0:
            lines += ["{% for turn in history %}",
                      "- {{ turn }}",
                      "{% endfor %}"]
        lines.append("")
        block = "\n".join(lines) + "\n"
        parts.append(block)
        size += len(block)
        section += 1
    tail = ("user:\n{{ question }}\n\nassistant:\n"
            "I can help with {{ product }}, {{ customer_name }}.\n")
    parts.append(tail)
    return "".join(parts), section


def lay_corpus(corpus, dest, copies):
    """Copies the corpus COPIES times under dest at the files' real paths."""
    rows = []
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    rows.sort(key=lambda r: r["local_path"])
    files = []
    for c in range(copies):
        for r in rows:
            rel = os.path.join("copy-%03d" % c,
                               r["repo"].replace("/", "__"), r["path"])
            out = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copyfile(os.path.join(corpus, r["local_path"]), out)
            files.append(rel)
    return files


EVALS_PROMPT = (
    "You are the support assistant of {{ company }}.\n"
    "Answer the customer's question in {{ language }}:\n"
    "{{ question }}\n")


def evals_1k(dest, tests=1000):
    """A promptfoo config whose prompt file 1,000 CSV tests exercise, and
    the results file of a run in which all of them passed."""
    rng = Rng(1000)
    rows = []
    for i in range(tests):
        word = rng.pick(WORDS)
        rows.append({"company": "Brightline %d" % rng.below(50),
                     "language": rng.pick(LANGS),
                     "question": "What about my %s %s?" % (word,
                                                          rng.pick(WORDS)),
                     "word": word})
    csv_lines = ["company,language,question,__expected"]
    for r in rows:
        csv_lines.append("%s,%s,%s,icontains:%s" % (r["company"],
                                                   r["language"],
                                                   r["question"], r["word"]))
    default = [{"type": "not-icontains", "value": "as an AI"}]
    results = []
    for i, r in enumerate(rows):
        v = {"company": r["company"], "language": r["language"],
             "question": r["question"]}
        results.append({
            "id": "r%d" % i, "promptIdx": 0, "testIdx": i,
            "prompt": {"raw": "(rendered)", "label": "prompts/support.txt"},
            "provider": {"id": "openai:gpt-4o-mini", "label": ""},
            "testCase": {"description": "Row #%d" % (i + 1), "vars": v,
                         "assert": default + [{"type": "icontains",
                                               "value": r["word"]}],
                         "options": {}},
            "vars": v, "response": {"output": "About your %s: it is on "
                                              "its way." % r["word"]},
            "success": True, "score": 1, "latencyMs": 500,
            "failureReason": 0,
            "gradingResult": {"pass": True, "score": 1,
                              "reason": "All assertions passed",
                              "componentResults": []}})
    doc = {"evalId": "eval-bench-1k", "results": {
        "version": 3, "timestamp": "2026-01-05T10:00:00.000Z",
        "prompts": [{"id": "p", "raw": EVALS_PROMPT,
                     "label": "prompts/support.txt",
                     "provider": "openai:gpt-4o-mini"}],
        "results": results,
        "stats": {"successes": tests, "failures": 0, "errors": 0}},
        "config": {"description": "Support answers, 1,000 tests"},
        "shareableUrl": None, "metadata": {"promptfooVersion": "0.121.17"}}
    config = ("description: Support answers, 1,000 tests\n"
              "prompts:\n  - file://prompts/support.txt\n"
              "providers:\n  - openai:gpt-4o-mini\n"
              "defaultTest:\n  assert:\n    - type: not-icontains\n"
              "      value: as an AI\n"
              "tests: file://tests.csv\n"
              "outputPath: output/results.json\n")
    info = {"prompt": write(os.path.join(dest, "prompts", "support.txt"),
                            EVALS_PROMPT)["path"],
            "tests": tests}
    write(os.path.join(dest, "promptfooconfig.yaml"), config)
    write(os.path.join(dest, "tests.csv"), "\n".join(csv_lines) + "\n")
    write(os.path.join(dest, "output", "results.json"),
          json.dumps(doc, indent=1) + "\n")
    return info


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return {"path": path, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--corpus", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
        "corpus"))
    ap.add_argument("--copies", type=int, default=57)
    args = ap.parse_args()

    out = os.path.abspath(args.outdir)
    if os.path.isdir(os.path.join(out, "tree")):
        shutil.rmtree(os.path.join(out, "tree"))
    info = {}
    text, n = promptfoo_config(10 * 1024, 10)
    info["yaml_10k"] = write(os.path.join(
        out, "promptfooconfig-10k", "promptfooconfig.yaml"), text)
    info["yaml_10k"]["tests"] = n
    text, n = promptfoo_config(1024 * 1024, 1)
    info["yaml_1m"] = write(os.path.join(
        out, "promptfooconfig-1m", "promptfooconfig.yaml"), text)
    info["yaml_1m"]["tests"] = n
    text, n = prompty_file(1024 * 1024, 2)
    info["prompt_1m"] = write(os.path.join(out, "prompt-1m", "big.prompty"),
                              text)
    info["prompt_1m"]["sections"] = n
    info["prompt_1m"]["variables"] = text.count("{{")
    files = lay_corpus(os.path.abspath(args.corpus),
                       os.path.join(out, "tree"), args.copies)
    info["tree"] = {"root": os.path.join(out, "tree"), "files": len(files),
                    "copies": args.copies,
                    "bytes": sum(os.path.getsize(os.path.join(out, "tree", p))
                                 for p in files)}
    info["tree_files"] = files
    info["evals_1k"] = evals_1k(os.path.join(out, "tree", "evals-1k"))
    with open(os.path.join(out, "inputs.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1)
    for k in ("yaml_10k", "yaml_1m", "prompt_1m"):
        print("%-10s %8d bytes  sha256 %s" % (k, info[k]["bytes"],
                                               info[k]["sha256"][:16]))
    print("tree       %8d files (%d copies of the corpus), %d bytes"
          % (len(files), args.copies, info["tree"]["bytes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
