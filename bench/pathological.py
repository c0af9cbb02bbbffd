#!/usr/bin/env python3
"""Run time and peak memory of whosaid on pathological inputs, at 1x, 4x and 16x.

    pathological.py --whosaid build/whosaid --dir build/pathological [--only NAME...]

Each input is generated (never committed) under --dir at three sizes, each
four times the one before, so that a linear pass shows ratios of about 4
and 16:

    quotes       straight quotation marks in a row, no space: 10,000 / 40,000 / 160,000
    nested       quotes nested 10,000 / 40,000 / 160,000 deep: the opening marks
                 “ ‘ " ' in turn, each followed by a word, then the closings
                 ” ’ " ' in reverse order
    nowords      curly marks only, nested 10,000 / 40,000 / 160,000 deep without
                 a word: “‘“‘...’”’” (quadratic before quotes.c jumped to words)
    nopunct      one paragraph of words without punctuation or newline: 3 / 12 / 48 MB
    lines        short lines: 62,500 / 250,000 / 1,000,000 lines
    apostrophes  a document of only ' (10,000 / 40,000 / 160,000 bytes)
    empty        an empty file: the cost of starting and opening the model

Every file is run, once per model (--models, default news and rules), as

    /usr/bin/time -f %M whosaid --model M --format jsonl -j 1 FILE > /dev/null

and the table gives the wall time at each size, the ratios 4x/1x and 16x/1x of
the time spent on the input (wall time minus the empty file's, the load of the
model), and the peak resident set at each size.  A ratio is shown only when
the 1x run spends at least 20 ms on its input; below that the load's noise
would decide it.  --skip M:NAME:SIZE leaves one run out (e.g. news:nopunct:16
for a quicker run); its cells show "skipped".  Prints Markdown.
"""
import argparse
import os
import random
import subprocess
import sys
import time

SCALES = (1, 4, 16)


def gen_quotes(n):
    return b'"' * (10000 * n)


def nested_marks(depth, words):
    opens = ['\u201c', '\u2018', '"', "'"]
    closes = ['\u201d', '\u2019', '"', "'"]
    head = ''.join(opens[i % 4] + ('w ' if words else '') for i in range(depth))
    tail = ''.join(closes[i % 4] for i in reversed(range(depth)))
    return (head + ('w' if words else '') + tail + '\n').encode('utf-8')


def gen_nested(n):
    return nested_marks(10000 * n, True)


def gen_nowords(n):
    # “‘“‘...’”’”: curly marks only, which the tokenizer leaves no doubt about
    half = 5000 * n
    return ('\u201c\u2018' * half + '\u2019\u201d' * half + '\n').encode('utf-8')


def gen_nopunct(n):
    # made-up words, no punctuation and no newline: one sentence, one paragraph
    rng = random.Random(1)
    vocab = ['harbour', 'ferry', 'council', 'bridge', 'lantern', 'market', 'said', 'told', 'the',
             'a', 'of', 'and', 'Mara', 'Lindqvist', 'officials', 'reporters', 'would', 'open',
             'according', 'to', 'pier', 'quietly', 'north', 'river', 'stone', 'Tuesday']
    target = 3_000_000 * n
    block = ' '.join(rng.choice(vocab) for _ in range(20000)).encode() + b' '
    out = bytearray()
    while len(out) < target:
        out += block
    return bytes(out[:target]).rstrip() + b'\n'


def gen_lines(n):
    names = ['Mara', 'Tom', 'Ines', 'Ravi', 'Olu']
    lines = []
    for i in range(62500 * n):
        lines.append(f'{names[i % 5]} said {i % 1000}.\n' if i % 3 else 'It rained.\n')
    return ''.join(lines).encode()


def gen_apostrophes(n):
    return b"'" * (10000 * n)


INPUTS = [
    ('quotes', '" in a row', gen_quotes),
    ('nested', 'nested “ ‘ " \' with words', gen_nested),
    ('nowords', 'nested “‘ without words', gen_nowords),
    ('nopunct', 'no punctuation, one paragraph', gen_nopunct),
    ('lines', 'short lines', gen_lines),
    ('apostrophes', "only '", gen_apostrophes),
]


def ensure(path, make):
    if not os.path.exists(path):
        data = make()
        with open(path + '.tmp', 'wb') as f:
            f.write(data)
        os.replace(path + '.tmp', path)
    return os.path.getsize(path)


def run(whosaid, model, path, timefile):
    cmd = ['/usr/bin/time', '-f', '%M', '-o', timefile, whosaid, '--model', model, '--format', 'jsonl',
           '-j', '1', path]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f'pathological: {" ".join(cmd[5:])} exited with {p.returncode}\n'
                 f'{p.stderr.decode("utf-8", "replace")[-2000:]}')
    with open(timefile) as f:
        rss = int(f.read().split()[-1])
    return wall, rss


def commit():
    try:
        rev = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'], capture_output=True,
                               text=True).stdout.strip()
        return (rev or 'unknown') + (' (modified)' if dirty else '')
    except OSError:
        return 'unknown'


def human(nbytes):
    if nbytes >= 1e6:
        return f'{nbytes / 1e6:.1f} MB'
    if nbytes >= 1e3:
        return f'{nbytes / 1e3:.0f} kB'
    return f'{nbytes} B'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--whosaid', default='build/whosaid')
    ap.add_argument('--dir', default='build/pathological')
    ap.add_argument('--models', default='news,rules')
    ap.add_argument('--only', nargs='*', help='input names to run (default: all)')
    ap.add_argument('--skip', action='append', default=[], help='MODEL:NAME:SIZE to leave out')
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    timefile = os.path.join(args.dir, 'time.txt')
    empty = os.path.join(args.dir, 'empty.txt')
    ensure(empty, lambda: b'')
    print(f'Commit {commit()}; `nproc` {os.cpu_count()}', flush=True)
    inputs = [i for i in INPUTS if not args.only or i[0] in args.only]
    files = {}
    for name, _, make in inputs:
        for s in SCALES:
            path = os.path.join(args.dir, f'{name}-{s}x.txt')
            files[name, s] = (path, ensure(path, lambda: make(s)))

    for model in args.models.split(','):
        run(args.whosaid, model, empty, timefile)  # warm-up
        load = sorted(run(args.whosaid, model, empty, timefile)[0] for _ in range(3))[1]
        print(f'\n**{model}** (empty file: {load:.3f} s; ratios are of the time above it)\n')
        print('| input | size 1x | s 1x | s 4x | s 16x | 4x/1x | 16x/1x | RSS MiB 1x | 4x | 16x |')
        print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
        for name, label, _ in inputs:
            walls, rss = {}, {}
            for s in SCALES:
                if f'{model}:{name}:{s}' in args.skip:
                    continue
                walls[s], rss[s] = run(args.whosaid, model, files[name, s][0], timefile)
                print(f'{model} {name} {s}x: {walls[s]:.3f} s, {rss[s] / 1024:.1f} MiB',
                      file=sys.stderr, flush=True)
            net = {s: max(w - load, 0.0) for s, w in walls.items()}

            def ratio(s):
                if s not in net or 1 not in net or net[1] < 0.02:
                    return '–'
                return f'{net[s] / net[1]:.1f}'

            cells = [f'{walls[s]:.3f}' if s in walls else 'skipped' for s in SCALES]
            mem = [f'{rss[s] / 1024:.1f}' if s in rss else 'skipped' for s in SCALES]
            print(f'| {label} | {human(files[name, 1][1])} | {" | ".join(cells)} | {ratio(4)} | {ratio(16)} '
                  f'| {" | ".join(mem)} |', flush=True)


if __name__ == '__main__':
    main()
