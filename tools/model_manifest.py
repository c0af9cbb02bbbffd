#!/usr/bin/env python3
"""Describe shipped model files as JSON: models/manifest.json.

    model_manifest.py [--scores DEV_SCORES.json] MODEL.wsm...

For each file: its name, size and SHA-256, the container's format and
feature-set versions, its sections, and the description the trainer wrote
into it (training data, seed, source commit, training time and memory, the
taggers' dev figures).  --scores adds the scorer's dev figures of the first
model (the output of `make eval MODEL=...`), a second --scores the second
model's, and so on, so that the manifest carries the figures each model was
shipped with.  Standard library only.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

MAGIC = b'WHOSAID\x1a'
HEADER = 32
ENTRY = 24
REPORTED = ['frag.Source', 'frag.Cue', 'frag.Content', 'span.Source', 'span.Cue', 'span.Content',
            'attr.content', 'attr.full', 'attr.exact']


def describe(path):
    """The manifest entry of one model file; raises ValueError if it is not one."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < HEADER or data[:8] != MAGIC:
        raise ValueError(f'{path}: not a whosaid model file')
    fmt, feature_set, count = struct.unpack_from('<III', data, 8)
    sections, meta = [], None
    for i in range(count):
        tag, offset, length, crc = struct.unpack_from('<8sQII', data, HEADER + i * ENTRY)
        name = tag.rstrip(b'\0').decode('ascii')
        sections.append({'name': name, 'bytes': length, 'crc32': f'{crc:08x}'})
        if name == 'META':
            meta = json.loads(data[offset:offset + length].decode('utf-8'))
    return {
        'file': os.path.basename(path),
        'bytes': len(data),
        'sha256': hashlib.sha256(data).hexdigest(),
        'format_version': fmt,
        'feature_set': feature_set,
        'sections': sections,
        'description': meta,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scores', action='append',
                    help="the scorer's --json output for the first model; again for the second, and so on")
    ap.add_argument('models', nargs='+')
    args = ap.parse_args()
    try:
        entries = [describe(p) for p in args.models]
        for entry, path in zip(entries, args.scores or []):
            with open(path, encoding='utf-8') as f:
                scores = json.load(f)
            dev = {name: round(scores[name]['f1'], 4) for name in REPORTED if name in scores}
            for name in ('quoted.recall.content', 'quoted.recall.full'):
                if name in scores:
                    dev[name] = round(scores[name], 4)
            entry['dev_scores'] = dev
    except (OSError, ValueError, KeyError) as e:
        print(f'model_manifest: {e}', file=sys.stderr)
        return 1
    manifest = {
        'about': 'Models shipped with whosaid; `make models` rebuilds them and this file. '
                 'Dev figures: PolNeAR dev split, ../shared/eval/attrib_eval.py.',
        'models': entries,
    }
    json.dump(manifest, sys.stdout, indent=2)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
