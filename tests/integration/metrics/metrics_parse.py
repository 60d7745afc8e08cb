"""Parses a /metrics page with the official Prometheus Python client's text parser.

Reads the exposition from the file named by its argument. On success prints one JSON object per sample:
{"family", "type", "name", "labels", "value"}; exits 1 with the parser's complaint when the
text is not valid Prometheus exposition, or when a family has no # TYPE (the parser then calls
it "unknown": every series of ours declares its type).
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others on bad input
        print(f"invalid exposition: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    if not families:
        print("invalid exposition: no metric family", file=sys.stderr)
        return 1
    for family in families:
        if family.type == "unknown":
            print(f"family {family.name} has no # TYPE", file=sys.stderr)
            return 1
        for s in family.samples:
            print(json.dumps({"family": family.name, "type": family.type, "name": s.name,
                              "labels": s.labels, "value": s.value}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
