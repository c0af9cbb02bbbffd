#!/usr/bin/env python3
"""Fit the pronoun ranker of src/stages/6_speakers.c to silver coreference chains.

    train_speaker_ranker.py --rows build/speaker-rows.tsv \\
        --conllu ../shared/data/polnear/silver/train.conllu \\
        --coref ../shared/data/polnear/silver/train.coref.jsonl \\
        [--sources ../shared/data/polnear/train/attributions] [--seed 1] > src/stages/6_speakers_ranker.h

--rows is train/dump/speaker_features.c's output over the train split: for each
he/she/him/her/his, one line per candidate person with its features.  A
pronoun is a training item when CoreNLP put it in a coreference chain and
at least one candidate has a mention in that chain before it (those
candidates are right, the others wrong); the rest are left out, since the
silver annotation says nothing about them.  With --sources, only the
pronouns inside a gold Source span of the split's attribution files count:
the ranker resolves speakers, and a pronoun that says something is not an
average pronoun (it is far more often the person quoted just before).

The model is a conditional logit over each pronoun's candidates (the
probability of a candidate is the softmax of w . features over the
candidates), fitted by full-batch gradient descent with an L2 penalty, in
pure Python so that training needs nothing beyond the standard library.
Prints the weights as a C header; the seed only orders the items (the fit
is deterministic given it) and is written into the header with the counts.
"""
import argparse
import json
import math
import os
import random
import sys
from collections import defaultdict


def read_offsets(path):
    """doc stem -> list of sentences, each a list of (start, end) code points per token."""
    docs, doc, sent = {}, None, []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('# doc = '):
                if doc is not None and sent:
                    docs[doc].append(sent)
                doc, sent = line[8:].strip(), []
                docs[doc] = []
            elif not line:
                if doc is not None and sent:
                    docs[doc].append(sent)
                sent = []
            elif not line.startswith('#'):
                cols = line.split('\t')
                sent.append((int(cols[7]), int(cols[8])))
    if doc is not None and sent:
        docs[doc].append(sent)
    return docs


def read_chains(path, offsets):
    """doc stem -> list of chains, each a sorted list of (start, end) code points."""
    chains = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            sents = offsets.get(r['doc'])
            if sents is None:
                continue
            out = []
            for chain in r['chains']:
                spans = []
                for s, a, b, _head, _rep in chain:
                    if s - 1 < len(sents) and b - 1 <= len(sents[s - 1]) and a >= 1:
                        spans.append((sents[s - 1][a - 1][0], sents[s - 1][b - 2][1]))
                out.append(sorted(spans))
            chains[r['doc']] = out
    return chains


def read_sources(folder):
    """doc stem -> list of gold Source spans (code points) from its .ann files."""
    spans = defaultdict(list)
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.ann'):
            continue
        stem = name[:-4].rsplit('_', 1)[0]
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            for line in f:
                cols = line.rstrip('\n').split('\t')
                if len(cols) < 2 or not cols[0].startswith('T') or not cols[1].startswith('Source '):
                    continue
                for piece in cols[1][len('Source '):].split(';'):
                    a, b = piece.split()
                    spans[stem].append((int(a), int(b)))
    return spans


def read_items(path, chains, sources=None):
    """Training items: (list of feature vectors, list of 0/1 labels)."""
    groups = defaultdict(list)
    with open(path, encoding='utf-8') as f:
        for line in f:
            file, start, end, _cand, feats, spans = line.rstrip('\n').split('\t')
            stem = os.path.basename(file)[:-4] if file.endswith('.txt') else os.path.basename(file)
            x = [float(v) for v in feats.split()]
            sp = [tuple(int(v) for v in s.split(':')) for s in spans.split()] if spans else []
            groups[(stem, int(start), int(end))].append((x, sp))
    items, skipped = [], 0
    for (stem, start, end), cands in sorted(groups.items()):
        if sources is not None and not any(a <= start and end <= b for a, b in sources.get(stem, [])):
            continue
        chain = next((c for c in chains.get(stem, []) if (start, end) in c), None)
        if chain is None:
            skipped += 1
            continue
        before = [m for m in chain if m[1] <= start]
        labels = [int(any(a < me and ms < b for a, b in sp for ms, me in before)) for _x, sp in cands]
        if not any(labels):
            skipped += 1
            continue
        items.append(([x for x, _sp in cands], labels))
    return items, skipped


def fit(items, dims, l2=1e-3, rate=0.5, rounds=300):
    w = [0.0] * dims
    n = len(items)
    for _ in range(rounds):
        grad = [l2 * wi for wi in w]
        for xs, ys in items:
            scores = [sum(wi * xi for wi, xi in zip(w, x)) for x in xs]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            z = sum(exps)
            right = sum(e for e, y in zip(exps, ys) if y)
            for x, e, y in zip(xs, exps, ys):
                # d(-log P(right))/dw = E_all[x] - E_right[x]
                g = e / z - (e / right if y else 0.0)
                for j in range(dims):
                    grad[j] += g * x[j] / n
        w = [wi - rate * gi for wi, gi in zip(w, grad)]
    return w


def accuracy(items, w):
    right = 0
    for xs, ys in items:
        scores = [sum(wi * xi for wi, xi in zip(w, x)) for x in xs]
        right += ys[scores.index(max(scores))]
    return right / max(1, len(items))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--rows', required=True)
    ap.add_argument('--conllu', required=True)
    ap.add_argument('--coref', required=True)
    ap.add_argument('--sources', help="the split's attribution folder: train on source pronouns only")
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    chains = read_chains(args.coref, read_offsets(args.conllu))
    items, skipped = read_items(args.rows, chains, read_sources(args.sources) if args.sources else None)
    if not items:
        sys.exit('train_speaker_ranker: no pronoun of the rows is in a silver chain')
    random.Random(args.seed).shuffle(items)
    dims = len(items[0][0][0])
    held = max(1, len(items) // 10)
    w = fit(items[held:], dims)
    check = accuracy(items[:held], w)
    w = fit(items, dims)
    names = ['bias', 'gender agrees', 'gender unknown', 'tagged person', 'log names between',
             'same sentence', 'previous sentence', 'log sentences back', 'latest speaker',
             'one of the two speakers before', 'log mentions so far', 'opens its sentence',
             'full name', 'named inside a quotation', 'the latest speaker it can be',
             'both open their sentences', 'same paragraph']
    print('/*')
    print(' * 6_speakers_ranker.h — weights of the pronoun ranker in 6_speakers.c, generated by')
    print(' * tools/train_speaker_ranker.py (make speaker-ranker); do not edit.')
    print(' *')
    what = 'source pronouns' if args.sources else 'pronouns'
    print(f' * Fitted to {len(items)} {what} of the PolNeAR train split that the silver')
    print(f' * CoreNLP chains link to a candidate ({skipped} others left out), seed {args.seed};')
    print(f' * top-1 accuracy on a held-out tenth of them: {check:.3f}.')
    print(' */')
    print('static const double ranker_weights[WS_RANK_FEATURES] = {')
    for name, wi in zip(names, w):
        print(f'\t{wi:.6f}, /* {name} */')
    print('};')


if __name__ == '__main__':
    main()
