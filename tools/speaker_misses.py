#!/usr/bin/env python3
"""List the speaker misses of a whosaid run against the hand annotation of dev speakers, by cause.

    speaker_misses.py --pred build/speaker-eval/news/dev.jsonl \\
        [--gold ../shared/data/polnear/speakers-dev] [--texts ../shared/data/polnear/dev/text] \\
        [--eval ../shared/eval] [--category description] [--summary] [--context 300]

--pred is `whosaid --format jsonl` over the dev texts (make speaker-eval writes it).  An item
is a miss when speaker_eval.py finds its source (a predicted source overlaps the gold one) but
not its speaker (the names differ under the scorer's rule, which this script imports from
--eval so that the two never disagree).  Each miss gets one cause:

- no speaker:              the source was found but resolved to no one;
- name inside the gold's:  the predicted name's words are a part of the gold's
                           ("Tax Policy Center" for "Urban-Vale Tax Policy Center");
- gold inside the name:    the other way round ("House Ann Hale" for "Ann Hale");
- another entity:          the article's output has an entity with the gold name, and the
                           source went to another one (salience, agreement, a missed title);
- no such entity:          no entity of the output has the gold name, though its words are in
                           the text (a name the tagger missed or cut, a typo);
- not in the text:         the gold name is not in the article (general knowledge).

Descriptions are also counted by their head noun (the last word before "of", a comma...).
Prints one line per miss (the source, the gold and predicted speakers and the article), then a
table of causes per category.  The lines quote PolNeAR text: read them, never commit them.
"""
import argparse
import collections
import glob
import json
import os
import re
import sys

CAUSES = ['no speaker', "name inside the gold's", 'gold inside the name', 'another entity',
          'no such entity', 'not in the text']


def cause_of(se, text, spk, gold, entities):
    name = spk.get('name')
    if not name:
        return CAUSES[0]
    p, g = se.core(name), se.core(gold)
    if p and g and p < g:
        return CAUSES[1]
    if p and g and g < p:
        return CAUSES[2]
    if any(se.strict(e.get('name'), gold) for e in entities):
        return CAUSES[3]
    low = text.lower()
    if all(w in low for w in gold.lower().split()):
        return CAUSES[4]
    return CAUSES[5]


def head_noun(source):
    head = ''
    for w in re.findall(r"[\w'’-]+|[,(]", source):
        if w in (',', '(') or (head and w.lower() in ('of', 'who', 'which', 'that', 'for', 'at', 'in', 'with',
                                                      'from', 'on', 'by')):
            break
        head = w.lower()
    return head


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--pred', required=True)
    ap.add_argument('--gold', default='../shared/data/polnear/speakers-dev')
    ap.add_argument('--texts', default='../shared/data/polnear/dev/text')
    ap.add_argument('--eval', default='../shared/eval', help='the folder of speaker_eval.py')
    ap.add_argument('--category', help='only this category (full_name, partial_name, pronoun, description, ...)')
    ap.add_argument('--summary', action='store_true', help='the table of causes only')
    ap.add_argument('--context', type=int, default=0, metavar='N',
                    help='also print the N characters of text before each missed source')
    args = ap.parse_args()
    sys.path.insert(0, args.eval)
    import speaker_eval as se

    records = {}
    for line in open(args.pred, encoding='utf-8'):
        if line.strip():
            r = json.loads(line)
            stem = os.path.basename(str(r.get('id', '')))
            records[stem[:-4] if stem.endswith('.txt') else stem] = r
    table = collections.defaultdict(collections.Counter)
    heads = collections.Counter()
    for path in sorted(glob.glob(os.path.join(args.gold, '*.jsonl'))):
        stem = os.path.basename(path)[:-6]
        r = records.get(stem, {})
        attrs, entities = r.get('attributions') or [], r.get('entities') or []
        text = open(os.path.join(args.texts, stem + '.txt'), encoding='utf-8').read()
        for line in open(path, encoding='utf-8'):
            g = json.loads(line)
            if not g.get('speaker') or g.get('kind') not in ('person', 'organization'):
                continue
            if args.category and g.get('category') != args.category:
                continue
            found = next((a for a in attrs if a.get('source') and any(
                se.overlap((a['source']['start'], a['source']['end']), x) > 0 for x in g['source'])), None)
            if found is None:
                continue
            spk = found.get('speaker') or {}
            if se.strict(spk.get('name'), g['speaker']):
                continue
            cause = cause_of(se, text, spk, g['speaker'], entities)
            source = ' '.join(text[a:b] for a, b in g['source'])
            table[g['category']][cause] += 1
            if g['category'] == 'description':
                heads[head_noun(source)] += 1
            if not args.summary:
                print(f"{g['category']:14s} {cause:24s} {source!r} -> gold {g['speaker']!r}, "
                      f"predicted {spk.get('name')!r} ({spk.get('kind')}) [{stem}]")
                if args.context:
                    start = g['source'][0][0]
                    print('    ' + text[max(0, start - args.context):start].replace('\n', ' / ') + ' [[SOURCE]]')
    print(f"\n{'category':14s} {'misses':>6s}  " + '  '.join(f'{c}' for c in CAUSES))
    for cat, counts in sorted(table.items()):
        print(f"{cat:14s} {sum(counts.values()):6d}  " + '  '.join(f'{counts[c]:{len(c)}d}' for c in CAUSES))
    if heads:
        print('\ndescriptions missed, by head noun: ' + ', '.join(f'{h} {n}' for h, n in heads.most_common()))


if __name__ == '__main__':
    sys.exit(main())
