#!/usr/bin/env python3
"""Fail when an accuracy figure falls below its committed floor.

    check_accuracy_gate.py --scores build/eval/news/dev-scores.json --gate tests/accuracy_gate.json --model news

The gate file maps each model's name to its floors, and each floor is a figure
name and a number, e.g. {"news": {"attr.full.f1": 0.50}}.  A
name is looked up in the scorer's JSON as it is ("quoted.recall.full"), or
as a figure and one of its fields ("attr.full" -> "f1", "p" or "r").  Keys
starting with "_" are comments.  Every figure is checked and reported; the
exit status is 1 if any is below its floor or missing, 2 on unusable input.
"""
import argparse
import json
import sys


def lookup(scores, name):
    """The number the scores hold for name, or None."""
    value = scores.get(name)
    if value is None and '.' in name:
        figure, field = name.rsplit('.', 1)
        inner = scores.get(figure)
        if isinstance(inner, dict):
            value = inner.get(field)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scores', required=True, help="the scorer's --json output")
    ap.add_argument('--gate', required=True, help='model -> figure -> floor, as JSON')
    ap.add_argument('--model', required=True, help='whose floors to check')
    args = ap.parse_args()
    try:
        with open(args.scores, encoding='utf-8') as f:
            scores = json.load(f)
        with open(args.gate, encoding='utf-8') as f:
            gate = json.load(f)
    except (OSError, ValueError) as e:
        print(f'accuracy gate: cannot read input: {e}', file=sys.stderr)
        return 2
    if not isinstance(gate, dict) or not isinstance(scores, dict):
        print('accuracy gate: both files must hold a JSON object', file=sys.stderr)
        return 2

    model_gate = gate.get(args.model)
    if not isinstance(model_gate, dict):
        print(f'accuracy gate: {args.gate} has no floors for model {args.model}', file=sys.stderr)
        return 2
    floors = {k: v for k, v in model_gate.items() if not k.startswith('_')}
    if not floors:
        print(f'accuracy gate: {args.gate} names no figure for model {args.model}', file=sys.stderr)
        return 2
    failures = 0
    for name, floor in floors.items():
        if isinstance(floor, bool) or not isinstance(floor, (int, float)):
            print(f'accuracy gate: floor of {name} in {args.gate} is not a number',
                  file=sys.stderr)
            return 2
        achieved = lookup(scores, name)
        if achieved is None:
            print(f'FAIL {args.model} {name}: not found in {args.scores} (floor {floor:.4f})')
            failures += 1
        elif achieved + 1e-9 < floor:
            print(f'FAIL {args.model} {name}: achieved {achieved:.4f}, below the floor of {floor:.4f}')
            failures += 1
        else:
            print(f'PASS {args.model} {name}: achieved {achieved:.4f}, floor {floor:.4f}')
    passed = len(floors) - failures
    print(f'accuracy gate: {passed} of {len(floors)} figures at or above their floors '
          f'in {args.gate}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
