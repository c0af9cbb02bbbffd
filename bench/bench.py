#!/usr/bin/env python3
"""Throughput, peak memory and load cost of whosaid with one model.

    bench.py --whosaid build/whosaid --model news --texts ../shared/data/polnear/dev/text --dir build/bench

Load cost: `whosaid --model M --format jsonl` on an empty standard input, once
to warm up and then --load-runs times (5), for the median wall time; then as
many runs under /usr/bin/time for the median peak resident set.  That is what
every process pays before its first document: start-up and opening (reading
and checking) the model.

Throughput: three corpora built from the articles in --texts, each one JSON
Lines file with one record per article, {"id": "<stem>#<copy>", "text": ...}:

    corpus-1of16.jsonl   a sixteenth of --mb MB of text (3.1 MB)
    corpus-1of4.jsonl    a quarter (12.5 MB)
    corpus-full.jsonl    the articles repeated until the text reaches --mb MB (50)

so that the sizes go 1x, 4x, 16x, and the copies hold whole articles.  Each is
run through `whosaid --model M --format jsonl --jsonl FILE` with output to
/dev/null, once to warm up and then --runs times (3); the table gives the
median run's wall time, text MB/s (MB = 10^6 bytes of UTF-8 article text, not
counting JSON syntax), words/s (words = \\w+ runs, counted once here in
Python), documents/s, and the peak resident set of the median run.  Wall time
covers the whole process, load included.  whosaid analyses on one thread, so
MB/s is also MB/s per core; the last line says whether the slowest corpus
reaches --target MB/s.

Corpus runs go under /usr/bin/time, and their peak resident set is its %M
for the median run.  Every run is on one thread (-j 1, before --extra, which
may change it).

Where the time goes: one more run of the 1x corpus with --stage-times gives
the program's own counters per stage (reading, each stage of the analysis,
writing), as milliseconds, shares and the MB/s each stage alone would allow.
For a learned model, the 1x corpus is also run with --model rules, turn about
with the model (--runs times each), and the median ratio of their wall times
says what the model costs as a multiple of reading and tokenizing.

Prints Markdown.
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


def run_once(cmd, timefile=None):
    """Run cmd on an empty standard input; return (wall seconds, peak RSS in KiB or None).

    With timefile the run goes under /usr/bin/time for its peak RSS.  The
    child's own ru_maxrss would be wrong here: Linux carries the forking
    Python's resident set over exec into it, about 15 MiB.
    """
    full = cmd if timefile is None else ['/usr/bin/time', '-f', '%M', '-o', timefile] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, input=b'', stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        err = p.stderr.decode('utf-8', 'replace')[-2000:]
        sys.exit(f'bench: {" ".join(cmd)} exited with {p.returncode}\n{err}')
    if timefile is None:
        return wall, None
    with open(timefile) as f:
        lines = [l for l in f.read().split() if l.strip()]
    return wall, int(lines[-1])


def median_run(cmd, runs, timefile=None):
    """One warm-up run (page cache, CPU frequency), then runs timed ones: (median, all walls)."""
    run_once(cmd, timefile)
    timed = sorted(run_once(cmd, timefile) for _ in range(runs))
    return timed[len(timed) // 2], [w for w, _ in timed]


def stage_times(cmd):
    """Run cmd with --stage-times; return [(stage, ms, share %, MB/s alone)] from its stderr."""
    p = subprocess.run(cmd + ['--stage-times'], input=b'', stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f'bench: {" ".join(cmd)} --stage-times exited with {p.returncode}')
    lines = p.stderr.decode('utf-8', 'replace').splitlines()
    start = next(i for i, l in enumerate(lines) if ': stage times: ' in l)
    rows = []
    for line in lines[start + 2:]:
        f = line.split()
        if len(f) != 4:
            break
        rows.append((f[0], float(f[1]), float(f[2].rstrip('%')), f[3]))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--whosaid', default='build/whosaid')
    ap.add_argument('--model', default='news', help='rules, a learned model name or a model file')
    ap.add_argument('--texts', required=True, help='folder of .txt articles')
    ap.add_argument('--dir', default='build/bench', help='where the corpora are written')
    ap.add_argument('--mb', type=float, default=50.0, help='text size of the largest corpus, MB')
    ap.add_argument('--runs', type=int, default=3, help='timed corpus runs after one warm-up')
    ap.add_argument('--load-runs', type=int, default=5, help='timed empty-input runs after one warm-up')
    ap.add_argument('--target', type=float, default=1.0, help='MB/s per core the slowest corpus should reach')
    ap.add_argument('--extra', default='', help='more whosaid options, space-separated')
    args = ap.parse_args()

    if not os.access('/usr/bin/time', os.X_OK):
        sys.exit('bench: /usr/bin/time not found (Debian package "time"; scripts/install.sh installs it)')
    if not os.access(args.whosaid, os.X_OK):
        sys.exit(f'bench: {args.whosaid} is not an executable; run make first')
    os.makedirs(args.dir, exist_ok=True)
    arts = load_articles(args.texts)
    full = int(args.mb * 1e6)
    timefile = os.path.join(args.dir, 'time.txt')
    base = [args.whosaid, '--model', args.model, '--format', 'jsonl', '-j', '1'] + args.extra.split()

    # The load figures are a few milliseconds for rules, as much as starting
    # /usr/bin/time costs, so the wall times come from runs without it and the
    # peak RSS from as many runs under it.
    (load_wall, _), load_walls = median_run(base, args.load_runs)
    (_, load_rss), _ = median_run(base, args.load_runs, timefile)
    print(f'bench: {args.model}: empty input: {", ".join(f"{w:.4f}" for w in load_walls)} s',
          file=sys.stderr)

    rows = []
    for div in (16, 4, 1):
        label = f'1/{div}' if div > 1 else 'full'
        path = os.path.join(args.dir, f'corpus-1of{div}.jsonl' if div > 1 else 'corpus-full.jsonl')
        nbytes, nwords, ndocs = build_corpus(path, arts, full // div)
        (wall, rss), walls = median_run(base + ['--jsonl', path], args.runs, timefile)
        rows.append((label, ndocs, nbytes, nwords, wall, rss))
        print(f'bench: {args.model}: {os.path.basename(path)} ({nbytes / 1e6:.1f} MB, {ndocs} articles): '
              f'{", ".join(f"{w:.3f}" for w in walls)} s', file=sys.stderr)

    print(f'Model `{args.model}`: load (empty input) {load_wall * 1000:.1f} ms, '
          f'peak RSS {load_rss / 1024:.1f} MiB')
    print()
    print('| corpus | articles | text MB | words | median s | MB/s | words/s | docs/s | peak RSS MiB |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for label, ndocs, nbytes, nwords, wall, rss in rows:
        print(f'| {label} | {ndocs} | {nbytes / 1e6:.1f} | {nwords:,} | {wall:.3f} | '
              f'{nbytes / 1e6 / wall:.2f} | {nwords / wall:,.0f} | {ndocs / wall:,.1f} | {rss / 1024:.1f} |')
    print()
    slowest = min(nbytes / 1e6 / wall for _, _, nbytes, _, wall, _ in rows)
    verdict = 'holds' if slowest >= args.target else 'does NOT hold'
    print(f'Target >= {args.target:g} MB/s per core (one thread): {verdict} '
          f'for `{args.model}` (slowest corpus {slowest:.2f} MB/s).')

    small = os.path.join(args.dir, 'corpus-1of16.jsonl')
    print()
    print(f'Where the time goes (`--stage-times`, 1/16 corpus, one thread):')
    print()
    print('| stage | ms | share | MB/s alone |')
    print('| --- | ---: | ---: | ---: |')
    for name, ms, share, alone in stage_times(base + ['--jsonl', small]):
        print(f'| {name} | {ms:,.1f} | {share:.1f}% | {alone} |')
    if args.model != 'rules':
        rules = [args.whosaid, '--model', 'rules', '--format', 'jsonl', '-j', '1'] + args.extra.split()
        run_once(base + ['--jsonl', small])
        ratios = []
        for _ in range(args.runs):
            model_wall, _ = run_once(base + ['--jsonl', small])
            rules_wall, _ = run_once(rules + ['--jsonl', small])
            ratios.append(model_wall / rules_wall)
        ratios.sort()
        print()
        print(f'`{args.model}` against `rules` on the 1/16 corpus, turn about, {args.runs} runs each: '
              f'{ratios[len(ratios) // 2]:.1f}x the wall time (from {ratios[0]:.1f}x to {ratios[-1]:.1f}x).')


if __name__ == '__main__':
    main()
