#!/usr/bin/env python3
"""Throughput and peak memory of whosaid on a JSON Lines corpus.

    bench.py --whosaid build/whosaid --texts ../shared/data/polnear/dev/text --dir build/bench

Builds three corpora from the articles in --texts, each one JSON Lines file
with one record per article, {"id": "<stem>#<copy>", "text": ...}:

    corpus-1of16.jsonl   a sixteenth of --mb MB of text (3.1 MB)
    corpus-1of4.jsonl    a quarter (12.5 MB)
    corpus-full.jsonl    the articles repeated until the text reaches --mb MB (50)

so that the sizes go 1x, 4x, 16x, and the copies hold whole articles.  Each is run through
`whosaid --format jsonl --jsonl FILE` with output to /dev/null, once to warm
up and then --runs times (3); the table gives the median run's wall time, text MB/s
(MB = 10^6 bytes of UTF-8 article text, not counting JSON syntax), words/s
(words = \\w+ runs, counted once here in Python), and the peak resident set
of the median run as /usr/bin/time reports it.  Prints a Markdown table.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

WORD = re.compile(r'\w+')


def load_articles(texts):
    names = sorted(n for n in os.listdir(texts) if n.endswith('.txt'))
    if not names:
        sys.exit(f'bench: no .txt files in {texts}')
    arts = []
    for n in names:
        with open(os.path.join(texts, n), encoding='utf-8') as f:
            t = f.read()
        arts.append((n[:-4], t, len(t.encode('utf-8')), len(WORD.findall(t))))
    return arts


def build_corpus(path, arts, target_bytes):
    """Write whole copies of the articles until target_bytes of text; return (bytes, words, docs)."""
    meta = path + '.meta.json'
    if os.path.exists(path) and os.path.exists(meta):
        with open(meta) as f:
            m = json.load(f)
        if m.get('target') == target_bytes and m.get('articles') == len(arts):
            return m['bytes'], m['words'], m['docs']
    nbytes = nwords = ndocs = 0
    copy = 0
    with open(path + '.tmp', 'w', encoding='utf-8') as out:
        while nbytes < target_bytes:
            for stem, text, b, w in arts:
                out.write(json.dumps({'id': f'{stem}#{copy}', 'text': text}, ensure_ascii=False))
                out.write('\n')
                nbytes += b
                nwords += w
                ndocs += 1
                if nbytes >= target_bytes:
                    break
            copy += 1
    os.replace(path + '.tmp', path)
    with open(meta, 'w') as f:
        json.dump({'target': target_bytes, 'articles': len(arts), 'bytes': nbytes,
                   'words': nwords, 'docs': ndocs}, f)
    return nbytes, nwords, ndocs


def run_once(cmd, timefile):
    """Run cmd under /usr/bin/time; return (wall seconds, peak RSS in KiB)."""
    full = ['/usr/bin/time', '-f', '%M', '-o', timefile] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        err = p.stderr.decode('utf-8', 'replace')[-2000:]
        sys.exit(f'bench: {" ".join(cmd)} exited with {p.returncode}\n{err}')
    with open(timefile) as f:
        lines = [l for l in f.read().split() if l.strip()]
    return wall, int(lines[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--whosaid', default='build/whosaid')
    ap.add_argument('--texts', required=True, help='folder of .txt articles')
    ap.add_argument('--dir', default='build/bench', help='where the corpora are written')
    ap.add_argument('--mb', type=float, default=50.0, help='text size of the largest corpus, MB')
    ap.add_argument('--runs', type=int, default=3, help='timed runs after one warm-up')
    ap.add_argument('--extra', default='', help='more whosaid options, space-separated')
    args = ap.parse_args()

    if not os.access('/usr/bin/time', os.X_OK):
        sys.exit('bench: /usr/bin/time not found (Debian package "time"; scripts/install.sh installs it)')
    if not os.access(args.whosaid, os.X_OK):
        sys.exit(f'bench: {args.whosaid} is not an executable; run make first')
    os.makedirs(args.dir, exist_ok=True)
    arts = load_articles(args.texts)
    full = int(args.mb * 1e6)

    rows = []
    for div in (16, 4, 1):
        label = f'1/{div}' if div > 1 else 'full'
        path = os.path.join(args.dir, f'corpus-1of{div}.jsonl' if div > 1 else 'corpus-full.jsonl')
        nbytes, nwords, ndocs = build_corpus(path, arts, full // div)
        cmd = [args.whosaid, '--format', 'jsonl'] + args.extra.split() + ['--jsonl', path]
        timefile = os.path.join(args.dir, 'time.txt')
        run_once(cmd, timefile)  # warm-up: page cache, CPU frequency
        runs = sorted(run_once(cmd, timefile) for _ in range(args.runs))
        wall, rss = runs[len(runs) // 2]
        rows.append((label, ndocs, nbytes, nwords, wall, rss, runs))
        print(f'bench: {os.path.basename(path)} ({nbytes / 1e6:.1f} MB, {ndocs} articles): '
              f'{", ".join(f"{r[0]:.3f}" for r in runs)} s', file=sys.stderr)

    print(f'| corpus | articles | text MB | words | median s | MB/s | words/s | peak RSS MiB |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for label, ndocs, nbytes, nwords, wall, rss, runs in rows:
        print(f'| {label} | {ndocs} | {nbytes / 1e6:.1f} | {nwords} | {wall:.3f} | '
              f'{nbytes / 1e6 / wall:.1f} | {nwords / wall:,.0f} | {rss / 1024:.1f} |')


if __name__ == '__main__':
    main()
