#!/usr/bin/env python3
"""The current build against an earlier commit, in one run: `make bench-compare BASE=REV`.

    compare.py --base REV --whosaid build/whosaid --model news \\
               --texts ../shared/data/polnear/dev/text --dir build/bench

A speed figure of a shared machine moves with whatever else runs on it, so
a change is judged by a ratio: the two binaries run turn about on the same
corpus (the 1/16 corpus of bench.py, about 3.1 MB of text, one thread), and
the ratio of their CPU times (user + system, from /usr/bin/time) is taken
run by run; the median of those ratios and their range are what to quote.
Peak resident sets are given for each binary, and whether the two wrote the
same bytes: a change meant only for speed must leave the output as it was.

REV is built once into DIR/compare/<commit> (a detached git worktree of this
repository, with its own models) and reused by later runs.

--callgrind also counts the instructions of both on the first --callgrind-docs
articles (20) under valgrind's callgrind: the measure for a change too small
to see through the noise, deterministic on any machine.

Prints Markdown.
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import build_corpus, load_articles  # noqa: E402


def git(*args):
    return subprocess.run(['git'] + list(args), check=True, capture_output=True, text=True).stdout.strip()


def build_base(rev, root):
    """Build REV's binary in a worktree under root; return its path."""
    commit = git('rev-parse', '--verify', rev + '^{commit}')
    tree = os.path.join(root, commit[:12])
    binary = os.path.join(tree, 'build', 'whosaid')
    if not os.access(binary, os.X_OK):
        if not os.path.isdir(tree):
            os.makedirs(root, exist_ok=True)
            git('worktree', 'add', '--detach', tree, commit)
        print(f'compare: building {rev} ({commit[:12]}) in {tree}', file=sys.stderr)
        subprocess.run(['make', '-C', tree, '-j2', 'all'], check=True, stdout=subprocess.DEVNULL)
    return binary, commit[:12]


def timed_run(cmd, corpus, timefile):
    """One run under /usr/bin/time: (CPU seconds, peak RSS KiB, SHA-256 of stdout)."""
    with open(corpus, 'rb') as stdin:
        p = subprocess.run(['/usr/bin/time', '-f', '%U %S %M', '-o', timefile] + cmd,
                           stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f'compare: {" ".join(cmd)} exited with {p.returncode}\n'
                 + p.stderr.decode('utf-8', 'replace')[-2000:])
    with open(timefile) as f:
        user, system, rss = f.read().split()[-3:]
    return float(user) + float(system), int(rss), hashlib.sha256(p.stdout).hexdigest()


def instructions(cmd, corpus, outfile):
    """Instructions executed by cmd on corpus, counted by callgrind."""
    with open(corpus, 'rb') as stdin:
        p = subprocess.run(['valgrind', '--tool=callgrind', f'--callgrind-out-file={outfile}'] + cmd,
                           stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    m = re.search(rb'Collected : (\d+)', p.stderr)
    if p.returncode != 0 or not m:
        sys.exit(f'compare: callgrind of {" ".join(cmd)} failed\n' + p.stderr.decode('utf-8', 'replace')[-2000:])
    return int(m.group(1))


def median(values):
    v = sorted(values)
    return v[len(v) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--base', required=True, help='the earlier commit (any git revision)')
    ap.add_argument('--whosaid', default='build/whosaid', help='the current build')
    ap.add_argument('--model', default='news')
    ap.add_argument('--texts', required=True, help='folder of .txt articles the corpus is made of')
    ap.add_argument('--dir', default='build/bench')
    ap.add_argument('--mb', type=float, default=50 / 16, help='text MB of the corpus (3.1, the 1/16 corpus)')
    ap.add_argument('--runs', type=int, default=5, help='timed runs of each binary, after one warm-up each')
    ap.add_argument('--callgrind', action='store_true', help='also count instructions under callgrind')
    ap.add_argument('--callgrind-docs', type=int, default=20)
    ap.add_argument('--extra', default='', help='more whosaid options, space-separated')
    args = ap.parse_args()

    if not os.access('/usr/bin/time', os.X_OK):
        sys.exit('compare: /usr/bin/time not found (Debian package "time"; scripts/install.sh installs it)')
    if not os.access(args.whosaid, os.X_OK):
        sys.exit(f'compare: {args.whosaid} is not an executable; run make first')
    os.makedirs(args.dir, exist_ok=True)
    base_binary, base_commit = build_base(args.base, os.path.join(os.path.abspath(args.dir), 'compare'))
    arts = load_articles(args.texts)
    corpus = os.path.join(args.dir, 'corpus-1of16.jsonl')
    nbytes, _, ndocs = build_corpus(corpus, arts, int(args.mb * 1e6))
    options = ['--model', args.model, '--format', 'jsonl', '--jsonl', '-j', '1'] + args.extra.split() + ['-']
    current = [os.path.abspath(args.whosaid)] + options
    base = [os.path.abspath(base_binary)] + options
    timefile = os.path.join(args.dir, 'compare-time.txt')

    timed_run(base, corpus, timefile)
    timed_run(current, corpus, timefile)
    runs = {'base': [], 'current': []}
    for _ in range(args.runs):
        runs['base'].append(timed_run(base, corpus, timefile))
        runs['current'].append(timed_run(current, corpus, timefile))
    ratios = sorted(c[0] / b[0] for b, c in zip(runs['base'], runs['current']))
    same = {r[2] for r in runs['base']} == {r[2] for r in runs['current']} and len({r[2] for r in runs['base']}) == 1
    head = git('rev-parse', '--short=12', 'HEAD')
    if git('status', '--porcelain', '--untracked-files=no'):
        head += ' (modified)'

    print(f'`{args.model}`, {ndocs} articles, {nbytes / 1e6:.1f} MB of text, one thread, '
          f'{args.runs} runs each turn about; load average {open("/proc/loadavg").read().split()[0]}')
    print()
    print('| build | median CPU s | MB/s (CPU) | peak RSS MiB |')
    print('| --- | ---: | ---: | ---: |')
    for label, name in (('base', f'{args.base} ({base_commit})'), ('current', f'current {head}')):
        cpu = median([r[0] for r in runs[label]])
        rss = median([r[1] for r in runs[label]])
        print(f'| {name} | {cpu:.3f} | {nbytes / 1e6 / cpu:.2f} | {rss / 1024:.1f} |')
    print()
    print(f'Current / base CPU time: median {median(ratios):.3f} (from {ratios[0]:.3f} to {ratios[-1]:.3f}); '
          f'output {"identical" if same else "DIFFERENT"}.')

    if args.callgrind:
        small = os.path.join(args.dir, f'corpus-first{args.callgrind_docs}.jsonl')
        with open(corpus, 'rb') as f, open(small, 'wb') as out:
            for _, line in zip(range(args.callgrind_docs), f):
                out.write(line)
        outfile = os.path.join(args.dir, 'compare-callgrind.out')
        base_ir = instructions(base, small, outfile)
        current_ir = instructions(current, small, outfile)
        print()
        print(f'Instructions (callgrind, first {args.callgrind_docs} articles): base {base_ir:,}, '
              f'current {current_ir:,}, ratio {current_ir / base_ir:.4f}.')


if __name__ == '__main__':
    main()
