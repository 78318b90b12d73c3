#!/usr/bin/env python3
"""Writes the instances bench/schema/run validates: for each schema in
bench/schema, instances of about 1 KB, 10 KB, 100 KB and 1 MB, all valid,
made by repeating generated records (invoices, agent steps, eval results)
until the size is reached. The same bytes every time: a fixed-seed
xorshift generator, written out here so that no Python version changes it.

usage: gen.py OUTDIR   (prints one line per file: name, bytes)
"""
import json
import os
import sys

SIZES = [("1k", 1 << 10), ("10k", 10 << 10), ("100k", 100 << 10),
         ("1m", 1 << 20)]
WORDS = ("the model returned a summary of the quarterly report with figures "
         "for revenue costs and margin across regions and product lines "
         "naïve café über straße 東京 😀").split()


class Rng:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        s = self.s
        s ^= (s << 13) & 0xFFFFFFFFFFFFFFFF
        s ^= s >> 7
        s ^= (s << 17) & 0xFFFFFFFFFFFFFFFF
        self.s = s
        return s

    def int(self, lo, hi):
        return lo + self.next() % (hi - lo + 1)

    def pick(self, seq):
        return seq[self.next() % len(seq)]

    def text(self, lo, hi):
        return " ".join(self.pick(WORDS) for _ in range(self.int(lo, hi)))

    def token(self, alphabet, n):
        return "".join(self.pick(alphabet) for _ in range(n))


HEX = "0123456789abcdef"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = UPPER + "abcdefghijklmnopqrstuvwxyz0123456789"


def money(r):
    return {"amount": r.int(0, 100000) / 100,
            "currency": r.pick(["USD", "EUR", "GBP", "JPY", "CHF", "CAD"])}


def party(r):
    return {
        "name": r.text(1, 4),
        "tax_id": r.pick([None, r.token(UPPER, 2) + r.token(UPPER + "0123456789",
                                                             r.int(6, 12))]),
        "email": r.pick([None, r.token("abcdefgh", 6) + "@example.com"]),
        "address": {"street": f"{r.int(1, 999)} {r.text(1, 3)}",
                    "city": r.text(1, 2),
                    "postal_code": r.pick([None, f"{r.int(10000, 99999)}"]),
                    "country": r.token(UPPER, 2)},
    }


def invoice(r):
    date = f"2024-{r.int(1, 12):02d}-{r.int(1, 28):02d}"
    return {
        "id": f"INV-{r.int(0, 999999):06d}",
        "issued": date,
        "due": r.pick([None, date]),
        "seller": party(r),
        "buyer": party(r),
        "lines": [{"sku": r.token(UPPER + "0123456789-", r.int(4, 20)),
                   "description": r.text(2, 12),
                   "quantity": r.int(1, 50),
                   "unit_price": money(r),
                   "tax_rate": round(r.int(0, 200) * 0.0025, 4),
                   "category": r.pick(["goods", "services", "shipping",
                                       "discount", "other"])}
                  for _ in range(r.int(1, 6))],
        "total": money(r),
        "status": r.pick(["draft", "sent", "paid", "overdue", "void"]),
        "notes": r.pick([None, r.text(3, 20)]),
    }


def step(r):
    kind = r.pick(["thought", "tool_call", "tool_result", "final"])
    call = "call_" + r.token(ALNUM, r.int(8, 24))
    if kind == "thought":
        return {"type": kind, "text": r.text(4, 30)}
    if kind == "tool_call":
        return {"type": kind, "call_id": call,
                "tool": r.pick(["search", "fetch", "calculator", "sql",
                                "python"]),
                "arguments": {f"arg_{i}": r.pick([r.text(1, 4), r.int(0, 99),
                                                  True, None])
                              for i in range(r.int(0, 4))}}
    if kind == "tool_result":
        return {"type": kind, "call_id": call, "ok": r.pick([True, False]),
                "content": r.text(5, 60), "latency_ms": r.int(1, 5000) / 10}
    return {"type": kind, "answer": r.text(10, 60),
            "citations": [{"url": f"https://example.com/{i}/{r.int(0, 1 << 30)}",
                           "title": r.text(2, 6)}
                          for i in range(r.int(0, 4))]}


def result(r):
    grader = r.pick([
        {"kind": "exact", "expected": r.text(1, 5)},
        {"kind": "regex", "pattern": "^[a-z]+$"},
        {"kind": "llm", "model": "gpt-4o", "rubric": r.text(10, 40),
         "threshold": r.int(0, 100) / 100},
    ])
    return {
        "id": "-".join(r.token(HEX, n) for n in (8, 4, 4, 4, 12)),
        "prompt": r.text(5, 80),
        "output": r.text(5, 80),
        "score": r.int(0, 1000) / 1000,
        "passed": r.pick([True, False]),
        "grader": grader,
        "tags": [f"tag{i}" for i in range(r.int(0, 5))],
        "metadata": {"x-run": r.int(0, 9), "lang": r.pick(["en", "fr"]),
                     "temperature": r.int(0, 10) / 10},
        "latency_ms": r.int(10, 9000),
        "error": None,
    }


def wrap(schema, records):
    if schema == "invoice":
        return {"invoices": records, "source": "scan-0042.pdf"}
    if schema == "agent-trace":
        return {"run_id": "run_0123456789abcdef", "model": "gpt-4o",
                "steps": records,
                "usage": {"prompt_tokens": 1200, "completion_tokens": 345}}
    passed = sum(1 for x in records if x["passed"])
    return {"suite": "smoke", "started": "2024-05-01T12:00:00Z",
            "results": records,
            "stats": {"passed": passed, "failed": len(records) - passed,
                      "score_range": [0, 1]}}


RECORDS = {"invoice": invoice, "agent-trace": step, "eval-results": result}


def build(schema, size):
    """Records until the encoded instance reaches size bytes; each record
    adds its own encoding and the ", " before it."""
    make = RECORDS[schema]
    r = Rng(0x9E3779B97F4A7C15 ^ size ^ len(schema))
    records = []
    total = len(json.dumps(wrap(schema, []), ensure_ascii=False).encode())
    while total < size:
        records.append(make(r))
        total += len(json.dumps(records[-1], ensure_ascii=False).encode())
        total += 2 if len(records) > 1 else 0
    return json.dumps(wrap(schema, records), ensure_ascii=False)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for schema in RECORDS:
        for label, size in SIZES:
            text = build(schema, size)
            name = f"{schema}-{label}.json"
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                f.write(text)
            print(f"{name} {len(text.encode())}")


main()
