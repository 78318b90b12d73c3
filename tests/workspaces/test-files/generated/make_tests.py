def generate():
    return [{"vars": {"question": "Where is my parcel?"},
             "assert": [{"type": "contains", "value": "parcel"}]}]
