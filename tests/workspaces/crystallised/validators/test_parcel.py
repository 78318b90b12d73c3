# facet: tests for check_parcel in parcel.py
from parcel import check_parcel

EXAMPLES = [
    '{"status":"in_transit","eta_days":2,"answer":"Your parcel left our depot this morning."}',
]


def test_the_prompts_examples_follow_the_rules():
    for output in EXAMPLES:
        assert check_parcel(output) == [], output


def test_a_value_outside_the_list_is_caught():
    assert check_parcel('{"status": "something else"}') != []
