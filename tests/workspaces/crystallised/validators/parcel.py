# facet: crystallised from ../prompts/parcel.j2 lines 4-6, fragment xxh64:1dc97a1b27b3ead9
#
# The rule this enforces, from prompts/parcel.j2 (lines 4-6):
#
#   Reply with JSON only, for example:
#   {"status": "in_transit", "eta_days": 2, "answer": "Your parcel left our
#   depot this morning."}
#   The status is one of: in_transit, delivered, delayed, lost.
#
# check_parcel(output) returns what is wrong with a model's answer; an empty
# list means it follows the rule. Call it on each answer before using it.

import json


def check_parcel(output: str) -> list[str]:
    """What is wrong with output; empty when it follows the rules."""
    problems = []
    try:
        data = json.loads(output)
    except ValueError:
        return ["the answer is not JSON"]
    if not isinstance(data, dict):
        return ["the answer is not a JSON object"]
    allowed = ["in_transit", "delivered", "delayed", "lost"]
    value = data.get("status")
    if value not in allowed:
        problems.append(f"{value!r} is not one of: {', '.join(allowed)}")
    return problems
