#!/usr/bin/env python3
"""python_threads.py — `make bench-python`: how extract_many() of the Python
package scales with threads, the C code running without the GIL.

    python_threads.py [--articles N] [--runs R]

Analyses the example article N times (default 2400) with threads=1 and
threads=2, R times each (default 3), alternating, and prints the median
seconds of each, MB/s, and their ratio: the speed-up of the second thread.
Run it with the package installed (make python-test installs it into
build/venv: build/venv/bin/python bench/python_threads.py).
"""
import argparse
import os
import statistics
import time

import whosaid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2400)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with open(os.path.join(ROOT, "examples", "article.txt"), encoding="utf-8") as f:
        text = f.read()
    texts = [text] * args.articles
    megabytes = len(text.encode()) * args.articles / 1e6
    times = {1: [], 2: []}
    with whosaid.Model() as model:
        name = model.name
        sum(1 for _ in model.extract_many(texts[:200], threads=2))  # warm-up
        for _ in range(args.runs):
            for threads in (1, 2):
                t0 = time.perf_counter()
                n = sum(1 for _ in model.extract_many(texts, threads=threads))
                times[threads].append(time.perf_counter() - t0)
                assert n == len(texts)
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"{args.articles} articles, {megabytes:.2f} MB, model {name}, {os.cpu_count()} cores")
    print("| threads | seconds (median of %d) | MB/s |" % args.runs)
    print("| ---: | ---: | ---: |")
    print(f"| 1 | {one:.3f} | {megabytes / one:.2f} |")
    print(f"| 2 | {two:.3f} | {megabytes / two:.2f} |")
    print(f"speed-up of the second thread: {one / two:.2f}x")


if __name__ == "__main__":
    main()
