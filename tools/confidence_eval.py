#!/usr/bin/env python3
"""How well an attribution's confidence follows how often its cue is right.

    confidence_eval.py --gold GOLD_DIR --pred PRED.jsonl [--json OUT]

PRED.jsonl is `whosaid --format jsonl` over GOLD_DIR/text/*.txt.  Each
predicted attribution with a cue counts as right when its cue's span is
exactly a cue span of one of the article's annotators (brat offsets, code
points, as whosaid writes them).  The attributions are cut into four groups
of equal size by confidence, and each group's mean confidence is printed
beside its share of right cues; the expected calibration error (the mean
gap between the two over ten equal-width bins, weighted by their sizes)
sums it up.  Calibrated means the two columns agree.
"""
import argparse
import json
import os
import re
import sys


def gold_cues(path):
    cues = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'^T\d+\tCue ([\d ;]+)\t', line)
            if m:
                for part in m.group(1).split(';'):
                    a, b = part.split()
                    cues.add((int(a), int(b)))
    return cues


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--gold', required=True)
    ap.add_argument('--pred', required=True)
    ap.add_argument('--json')
    args = ap.parse_args()
    annotations = {}
    folder = os.path.join(args.gold, 'attributions')
    for name in sorted(os.listdir(folder)):
        if name.endswith('.ann'):
            stem = name[:-4].rsplit('_', 1)[0]
            annotations.setdefault(stem, set()).update(gold_cues(os.path.join(folder, name)))
    points = []
    with open(args.pred, encoding='utf-8') as f:
        for line in f:
            record = json.loads(line)
            stem = os.path.splitext(os.path.basename(record['id']))[0]
            for a in record['attributions']:
                if a.get('cue'):
                    right = (a['cue']['start'], a['cue']['end']) in annotations.get(stem, set())
                    points.append((a['confidence'], right))
    if not points:
        print('confidence_eval: no attributions with a cue', file=sys.stderr)
        return 1
    points.sort()
    groups = []
    for k in range(4):
        part = points[k * len(points) // 4:(k + 1) * len(points) // 4]
        groups.append({'attributions': len(part), 'mean_confidence': round(sum(c for c, _ in part) / len(part), 3),
                       'cue_exact': round(sum(r for _, r in part) / len(part), 3)})
    ece = 0.0
    for b in range(10):
        part = [(c, r) for c, r in points if b / 10 <= c < (b + 1) / 10 or (b == 9 and c == 1.0)]
        if part:
            ece += len(part) / len(points) * abs(sum(c for c, _ in part) / len(part) - sum(r for _, r in part) / len(part))
    for g in groups:
        print(f"confidence {g['mean_confidence']:.3f}: {g['cue_exact']:.3f} of {g['attributions']} cues exact")
    print(f'expected calibration error {ece:.3f}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'quartiles': groups, 'ece': round(ece, 4)}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
