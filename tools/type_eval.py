#!/usr/bin/env python3
"""attr.full per attribution type: direct, mixed and indirect.

    type_eval.py --scorer ../shared/eval/attrib_eval.py --gold GOLD_DIR --pred PRED_DIR [--json OUT]

The shared scorer gives one attr.full over all attributions; quotations,
paraphrases with quoted words in them and plain reported speech fail in
different ways, so this scores each kind on its own.  An attribution's type
comes from its content, the same way for gold and predicted ones (whatever
type whosaid itself gave): direct when at least four in five of its word
tokens lie inside quotation marks, mixed when some do, indirect when none
do.  Inside means after an opening mark (or a straight double quote that
opens) and before its closing one, read through the article.  Matching is
the scorer's own (imported from it): contents one-to-one by token Jaccard
of 0.5 or more, greedily, then source and cue agree; an article annotated
by k people weighs 1/k per annotation.  Recall counts gold attributions of
the type, precision predicted ones of the type.  Each gold attribution not
found in full is put down to its content (none matched), else its source
(the matched one's disagrees), else its cue.
"""
import argparse
import collections
import importlib.util
import json
import os
import re
import sys

OPEN = {'\u201c', '\u00ab', '\u201e'}
CLOSE = {'\u201d', '\u00bb'}


def load_scorer(path):
    spec = importlib.util.spec_from_file_location('attrib_eval', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inside_quotes(doc):
    """Per token: is it inside a quotation (marks themselves excluded)?"""
    inside, depth, out = False, 0, []
    for s, e in doc.tokens:
        t = doc.text[s:e]
        if t in OPEN:
            depth += 1
            out.append(False)
        elif t in CLOSE:
            depth = max(depth - 1, 0)
            out.append(False)
        elif t == '"':
            inside = not inside
            out.append(False)
        else:
            out.append(inside or depth > 0)
        if t in ('\n',):
            inside = False
    return out


def kind(doc, quoted, toks):
    words = [i for i in toks if re.match(r'\w', doc.text[doc.tokens[i][0]:doc.tokens[i][1]])]
    if not words:
        return 'indirect'
    share = sum(quoted[i] for i in words) / len(words)
    return 'direct' if share >= 0.8 else 'mixed' if share > 0 else 'indirect'


def score(ev, doc, quoted, gold, pred, C, w):
    g = [{r: doc.toks(a.get(r)) for r in ev.ROLES} for a in gold]
    p = [{r: doc.toks(a.get(r)) for r in ev.ROLES} for a in pred]
    pairs = []
    for i, ga in enumerate(g):
        for j, pa in enumerate(p):
            jc = ev.jaccard(ga['Content'], pa['Content'])
            if jc >= 0.5 and ga['Content']:
                pairs.append((jc, i, j))
    pairs.sort(reverse=True)
    used_g, used_p, match = set(), set(), {}
    for jc, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            match[i] = j
    full_pred = set()
    for i, ga in enumerate(g):
        ok = False
        if i in match:
            pa = p[match[i]]
            src = (not ga['Source'] and not pa['Source']) or ev.jaccard(ga['Source'], pa['Source']) >= 0.5
            cue = bool(ga['Cue'] & pa['Cue']) or (not ga['Cue'] and not pa['Cue'])
            ok = src and cue
            if ok:
                full_pred.add(match[i])
        k = kind(doc, quoted, ga['Content'])
        C[k]['gold'] += w
        C[k]['gold_full'] += w * ok
        # why a gold attribution is not found in full: no content matched,
        # or the matched one's source or cue disagrees
        if not ok:
            if i not in match:
                C[k]['miss_content'] += w
            else:
                pa = p[match[i]]
                src = (not ga['Source'] and not pa['Source']) or ev.jaccard(ga['Source'], pa['Source']) >= 0.5
                C[k]['miss_source' if not src else 'miss_cue'] += w
    for j, pa in enumerate(p):
        k = kind(doc, quoted, pa['Content'])
        C[k]['pred'] += w
        C[k]['pred_full'] += w * (j in full_pred)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scorer', required=True, help='the shared attrib_eval.py, whose matching is used')
    ap.add_argument('--gold', required=True)
    ap.add_argument('--pred', required=True)
    ap.add_argument('--json')
    args = ap.parse_args()
    ev = load_scorer(args.scorer)
    by_stem = collections.defaultdict(list)
    for name in sorted(os.listdir(os.path.join(args.gold, 'attributions'))):
        if name.endswith('.ann'):
            by_stem[name[:-4].rsplit('_', 1)[0]].append(os.path.join(args.gold, 'attributions', name))
    C = collections.defaultdict(lambda: collections.Counter())
    for stem in sorted(by_stem):
        with open(os.path.join(args.gold, 'text', stem + '.txt'), encoding='utf-8') as f:
            doc = ev.Doc(f.read())
        quoted = inside_quotes(doc)
        pp = os.path.join(args.pred, stem + '.ann')
        pred = ev.parse_ann(pp) if os.path.exists(pp) else []
        w = 1.0 / len(by_stem[stem])
        for gpath in by_stem[stem]:
            score(ev, doc, quoted, ev.parse_ann(gpath), pred, C, w)
    res = {}
    for k in ('direct', 'mixed', 'indirect'):
        c = C[k]
        p = c['pred_full'] / c['pred'] if c['pred'] else 0.0
        r = c['gold_full'] / c['gold'] if c['gold'] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        res[k] = {'gold': round(c['gold'], 2), 'pred': round(c['pred'], 2), 'p': round(p, 4), 'r': round(r, 4),
                  'f1': round(f, 4), 'missed_content': round(c['miss_content'], 2),
                  'wrong_source': round(c['miss_source'], 2), 'wrong_cue': round(c['miss_cue'], 2)}
        print(f"attr.full.{k:9s} gold {c['gold']:7.2f} pred {c['pred']:7.2f}  P={p:.3f} R={r:.3f} F1={f:.3f}"
              f"  (missed: content {c['miss_content']:.1f}, source {c['miss_source']:.1f}, cue {c['miss_cue']:.1f})")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
