#!/usr/bin/env python3
"""Indexing throughput, peak memory and store size of `whosaid index`.

    index_bench.py --whosaid build/whosaid --texts ../shared/data/polnear/dev/text --dir build/bench

Corpora: the articles in --texts repeated into JSON Lines files of 1,000,
4,000 and 16,000 records (sizes 1x, 4x, 16x), each record
{"id": "<stem>#<copy>", "text": ..., "outlet": ..., "date": ..., "url": ...,
"title": ...} with made-up metadata, written under --dir and reused.

For each corpus: `whosaid index --db NEW.db --jsonl FILE -j J` into a new
store, under /usr/bin/time for the peak resident set; the table gives wall
time (model load included), articles/s, text MB/s (10^6 bytes of UTF-8
article text), peak RSS, and the store's size in total and per 1,000
articles (after the run, WAL checkpointed).  Then, on the middle corpus:
the same command again (every article unchanged and skipped), and the
analysis alone (`whosaid --jsonl -j J --format jsonl FILE > /dev/null`), to
show what the store adds to the analysis.  What the quote clusters cost: the
size of their three tables in each store (SQLite's dbstat), and, on the
middle corpus, the time to cluster every stored attribution afresh (the
migration from schema 4, on a copy whose cluster tables are dropped), set
against the whole index run.  What the articles' texts cost: the size of
article_texts in each store.  One run each, after a warm-up of the page
cache on the smallest corpus.  Prints Markdown.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from bench import load_articles, run_once

OUTLETS = ['Eastport Courier', 'Harbour Herald', 'Valley Ledger', 'Northfield Post']


def build_corpus(path, arts, ndocs):
    """ndocs records from whole copies of the articles; return text bytes."""
    meta = path + '.meta.json'
    if os.path.exists(path) and os.path.exists(meta):
        with open(meta) as f:
            m = json.load(f)
        if m.get('docs') == ndocs and m.get('articles') == len(arts):
            return m['bytes']
    nbytes = 0
    with open(path + '.tmp', 'w', encoding='utf-8') as out:
        for n in range(ndocs):
            stem, text, b, _ = arts[n % len(arts)]
            copy = n // len(arts)
            record = {'id': f'{stem}#{copy}', 'text': text, 'outlet': OUTLETS[n % len(OUTLETS)],
                      'date': f'2031-{1 + n % 12:02d}-{1 + n % 28:02d}', 'url': f'https://news.example/{n}',
                      'title': f'Article {n}'}
            out.write(json.dumps(record, ensure_ascii=False) + '\n')
            nbytes += b
    os.replace(path + '.tmp', path)
    with open(meta, 'w') as f:
        json.dump({'docs': ndocs, 'articles': len(arts), 'bytes': nbytes}, f)
    return nbytes


def store_size(db):
    # checkpoint so that the size is the database's, not a WAL's
    con = sqlite3.connect(db)
    con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    con.close()
    return sum(os.path.getsize(db + ext) for ext in ('', '-wal') if os.path.exists(db + ext))


QUOTE_TABLES = ('quote_clusters', 'quote_members', 'quote_shingles')


def cluster_size(db):
    """Bytes of the quote clusters' tables and indexes, and the number of clusters."""
    con = sqlite3.connect(db)
    try:
        size = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN (?, ?, ?) OR name LIKE 'quote_members_%'"
                           " OR name LIKE 'sqlite_autoindex_quote_%'", QUOTE_TABLES).fetchone()[0] or 0
    except sqlite3.OperationalError:  # an SQLite without dbstat
        size = float('nan')
    clusters = con.execute('SELECT count(DISTINCT cluster_id) FROM quote_members').fetchone()[0]
    con.close()
    return size, clusters


def text_size(db):
    """Bytes of the articles' texts (article_texts, store schema 6)."""
    con = sqlite3.connect(db)
    try:
        size = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'article_texts'").fetchone()[0] or 0
    except sqlite3.OperationalError:
        size = float('nan')
    con.close()
    return size


def clustering_alone(whosaid, db, copy, timefile):
    """Seconds to cluster every attribution of db afresh: a copy without the
    cluster tables, at schema 4, is migrated by opening it."""
    shutil.copyfile(db, copy)
    con = sqlite3.connect(copy)
    con.executescript('DROP TABLE quote_members; DROP TABLE quote_shingles; DROP TABLE quote_clusters;'
                      ' DROP TABLE article_texts; PRAGMA user_version = 4; VACUUM;')
    con.close()
    wall, _ = run_once([whosaid, 'quotes', '--db', copy, '--limit', '1', '-f', 'jsonl'], timefile)
    return wall


def fresh(db):
    for ext in ('', '-wal', '-shm'):
        if os.path.exists(db + ext):
            os.remove(db + ext)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--whosaid', default='build/whosaid')
    ap.add_argument('--model', default='news')
    ap.add_argument('--texts', required=True)
    ap.add_argument('--dir', default='build/bench')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--sizes', default='1000,4000,16000', help='articles per corpus, comma-separated')
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    arts = load_articles(args.texts)
    timefile = os.path.join(args.dir, 'time.txt')
    jobs = ['-j', str(args.jobs)]
    sizes = [int(s) for s in args.sizes.split(',')]
    corpora = []
    for n in sizes:
        path = os.path.join(args.dir, f'index-{n}.jsonl')
        corpora.append((n, path, build_corpus(path, arts, n)))

    def index(path, db):
        return run_once([args.whosaid, 'index', '--db', db, '--model', args.model, '--jsonl', path, '-q'] + jobs,
                        timefile)

    warm = os.path.join(args.dir, 'index-warm.db')
    fresh(warm)
    index(corpora[0][1], warm)
    fresh(warm)

    rows = []
    for n, path, nbytes in corpora:
        db = os.path.join(args.dir, f'index-{n}.db')
        fresh(db)
        wall, rss = index(path, db)
        size = store_size(db)
        qsize, clusters = cluster_size(db)
        rows.append((n, nbytes, wall, rss, size, qsize, clusters, text_size(db)))
        print(f'bench: index {n} articles: {wall:.2f} s', file=sys.stderr)

    mid_docs, mid_path, mid_bytes = corpora[len(corpora) // 2]
    again_wall, again_rss = index(mid_path, os.path.join(args.dir, f'index-{mid_docs}.db'))
    analysis_wall, analysis_rss = run_once([args.whosaid, '--model', args.model, '--jsonl', '--format', 'jsonl',
                                            mid_path] + jobs, timefile)
    mid_db = os.path.join(args.dir, f'index-{mid_docs}.db')
    copy = os.path.join(args.dir, 'index-recluster.db')
    fresh(copy)
    recluster_wall = clustering_alone(args.whosaid, mid_db, copy, timefile)
    fresh(copy)
    mid_wall = next(r[2] for r in rows if r[0] == mid_docs)

    print(f'`whosaid index --model {args.model} -j {args.jobs}` into a new store:')
    print()
    print('| articles | text MB | s | articles/s | MB/s | peak RSS MiB | store MB | store MB per 1,000 articles |'
          ' quote clusters | their MB (share of the store) | texts MB (share) |')
    print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for n, nbytes, wall, rss, size, qsize, clusters, tsize in rows:
        print(f'| {n:,} | {nbytes / 1e6:.1f} | {wall:.2f} | {n / wall:,.0f} | {nbytes / 1e6 / wall:.2f} | '
              f'{rss / 1024:.1f} | {size / 1e6:.1f} | {size / 1e6 / n * 1000:.2f} | {clusters:,} | '
              f'{qsize / 1e6:.1f} ({100 * qsize / size:.1f}%) | {tsize / 1e6:.1f} ({100 * tsize / size:.1f}%) |')
    print()
    print(f'On {mid_docs:,} articles: indexed again with every article unchanged, {again_wall:.2f} s '
          f'({mid_docs / again_wall:,.0f} articles/s, peak RSS {again_rss / 1024:.1f} MiB); the analysis alone '
          f'to /dev/null, {analysis_wall:.2f} s ({mid_bytes / 1e6 / analysis_wall:.2f} MB/s, peak RSS '
          f'{analysis_rss / 1024:.1f} MiB). Clustering all its attributions afresh (the migration from '
          f'schema 4): {recluster_wall:.2f} s, {100 * recluster_wall / mid_wall:.0f}% of the index run.')


if __name__ == '__main__':
    main()
