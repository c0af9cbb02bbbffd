#!/usr/bin/env python3
"""check_store.py — checks of a whosaid quote store, for the store's tests.

    check_store.py consistent DB            the store is whole and self-consistent
    check_store.py same DB1 DB2             both hold the same articles, results and texts
    check_store.py agree CORPUS JSONL SEARCH SPEAKERS
                                            `whosaid search` and `whosaid speakers`
                                            output agree with the analysis' JSON Lines

Prints what it checked; exits 1 with the first difference found.
"""
import collections
import json
import re
import sqlite3
import sys

import make_corpus


def fail(msg):
    print(f"check_store: {msg}", file=sys.stderr)
    sys.exit(1)


def connect(path):
    # read-only: a check must not change (or recover) what it checks
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def consistent(path):
    db = connect(path)
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        fail(f"{path}: integrity_check failed")
    # The schema is created in one transaction: a run killed before it
    # committed leaves a store with no schema at all, which holds nothing
    # to be out of step (the next run creates it).  A part of a schema is
    # not that, and fails below.
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0 and \
            db.execute("PRAGMA user_version").fetchone()[0] == 0:
        return
    # FTS5 checks its index against the attributions on an INSERT, which
    # needs a writable connection; it changes nothing.
    rw = sqlite3.connect(path)
    try:
        rw.execute("INSERT INTO attribution_text(attribution_text) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as e:
        fail(f"{path}: full-text index out of step: {e}")
    rw.rollback()
    rw.close()
    if db.execute("PRAGMA foreign_key_check").fetchall():
        fail(f"{path}: rows without their article or entity")
    bad = db.execute(
        "SELECT doc_id FROM articles ar WHERE error IS NULL AND attribution_count <>"
        " (SELECT count(*) FROM attributions a WHERE a.article_id = ar.id)").fetchall()
    if bad:
        fail(f"{path}: article {bad[0][0]} lost some of its attributions")
    bad = db.execute("SELECT doc_id FROM articles ar WHERE error IS NOT NULL AND EXISTS"
                     " (SELECT 1 FROM attributions a WHERE a.article_id = ar.id)").fetchall()
    if bad:
        fail(f"{path}: error row {bad[0][0]} has attributions")
    # every attribution of four words or more is in exactly one cluster
    # (the primary key makes it at most one), and no member outlives its
    # attribution or points at another article
    bad = db.execute("SELECT m.attribution_id FROM quote_members m LEFT JOIN attributions a"
                     " ON a.id = m.attribution_id WHERE a.id IS NULL OR a.article_id <> m.article_id").fetchall()
    if bad:
        fail(f"{path}: quote member {bad[0][0]} without its attribution")
    for aid, text in db.execute("SELECT a.id, a.content FROM attributions a WHERE NOT EXISTS"
                                " (SELECT 1 FROM quote_members m WHERE m.attribution_id = a.id)"):
        if len(re.findall(r"\w+", text.replace("'", "").replace("\u2019", ""))) >= 6:
            fail(f"{path}: attribution {aid} ({text!r}) is in no quote cluster")


def content(path):
    db = connect(path)
    articles = db.execute(
        "SELECT doc_id, origin, fingerprint, model, outlet, published, day, url, title, bytes,"
        " attribution_count, error FROM articles ORDER BY doc_id").fetchall()
    attributions = db.execute(
        "SELECT ar.doc_id, a.position, a.type, a.source, a.cue, a.content, a.speaker_name, a.speaker_key,"
        " a.confidence, a.record FROM attributions a JOIN articles ar ON ar.id = a.article_id"
        " ORDER BY ar.doc_id, a.position").fetchall()
    entities = db.execute(
        "SELECT ar.doc_id, e.position, e.name, e.role, e.kind, e.speaker_key, e.attribution_count,"
        " (SELECT group_concat(m.start || '-' || m.\"end\" || ':' || m.text, '|') FROM mentions m"
        "  WHERE m.entity_id = e.id) FROM entities e JOIN articles ar ON ar.id = e.article_id"
        " ORDER BY ar.doc_id, e.position").fetchall()
    # Quote clusters by what they hold, not by their ids: each cluster's
    # text and its members (article, position, speaker group, similarity).
    clusters = {}
    for cid, text, doc, pos, group, sim in db.execute(
            "SELECT c.id, c.text, ar.doc_id, a.position, m.speaker_group, m.similarity FROM quote_members m"
            " JOIN quote_clusters c ON c.id = m.cluster_id JOIN attributions a ON a.id = m.attribution_id"
            " JOIN articles ar ON ar.id = m.article_id"):
        clusters.setdefault(cid, [text, []])[1].append((doc, pos, group, sim))
    quotes = sorted((text, tuple(sorted(members))) for text, members in clusters.values())
    # the articles' texts (schema 6)
    texts = db.execute("SELECT ar.doc_id, t.text FROM article_texts t JOIN articles ar ON ar.id = t.article_id"
                       " ORDER BY ar.doc_id").fetchall()
    return {"articles": articles, "attributions": attributions, "entities": entities, "quote clusters": quotes,
            "texts": texts}


def same(path1, path2):
    a, b = content(path1), content(path2)
    for table in a:
        if a[table] != b[table]:
            for x, y in zip(a[table], b[table]):
                if x != y:
                    fail(f"{table} differ: {x} in {path1}, {y} in {path2}")
            fail(f"{table}: {len(a[table])} rows in {path1}, {len(b[table])} in {path2}")
    print(f"same: {len(a['articles'])} articles, {len(a['attributions'])} attributions, "
          f"{len(a['entities'])} entities, {len(a['quote clusters'])} quote clusters, {len(a['texts'])} texts")


def person_of(name):
    """The generator's person for a speaker name: every spelling of one
    person is one speaker, which is what the store's normalisation must find."""
    for spellings in make_corpus.PEOPLE:
        if any(s == name or s.endswith(" " + name) for s in spellings):
            return spellings[0]
    return name


def agree(corpus_path, jsonl_path, search_path, speakers_path):
    corpus = {}
    with open(corpus_path, encoding="utf-8") as f:
        for line in f:
            try:
                r = json.loads(line)
                corpus[r["id"]] = r
            except (ValueError, KeyError):
                pass
    expected = []
    by_person = collections.defaultdict(lambda: {"attributions": 0, "direct": 0, "articles": set(), "days": []})
    with open(jsonl_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            for a in r["attributions"]:
                expected.append((r["id"], json.dumps(a, sort_keys=True)))
                if a["speaker"]:
                    p = by_person[person_of(a["speaker"]["name"])]
                    p["attributions"] += 1
                    p["direct"] += a["type"] == "direct"
                    p["articles"].add(r["id"])
                    p["days"].append(r.get("date"))
    got = []
    with open(search_path, encoding="utf-8") as f:
        for line in f:
            hit = json.loads(line)
            got.append((hit["article"]["id"], json.dumps(hit["attribution"], sort_keys=True)))
            meta = corpus.get(hit["article"]["id"], {})
            for key in ("outlet", "date", "url", "title"):
                if hit["article"][key] != meta.get(key):
                    fail(f"search: article {hit['article']['id']} has {key} {hit['article'][key]!r}, "
                         f"the corpus {meta.get(key)!r}")
    if sorted(got) != sorted(expected):
        missing = set(expected) - set(got)
        extra = set(got) - set(expected)
        fail(f"search: {len(missing)} attributions of the JSON Lines output missing, {len(extra)} extra")
    rows = {}
    with open(speakers_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            person = person_of(row["speaker"])
            if person in rows:
                fail(f"speakers: {person} listed twice ({rows[person]['speaker']}, {row['speaker']})")
            rows[person] = row
    if set(rows) != set(by_person):
        fail(f"speakers: {sorted(rows)} against {sorted(by_person)} in the JSON Lines output")
    for person, want in by_person.items():
        row = rows[person]
        days = sorted(d for d in want["days"] if d)
        if (row["attributions"], row["direct"], row["articles"], row["first_seen"], row["last_seen"]) != (
                want["attributions"], want["direct"], len(want["articles"]), days[0], days[-1]):
            fail(f"speakers: {person}: {row} against {want} in the JSON Lines output")
    print(f"agree: {len(got)} attributions found by search, {len(rows)} speakers, "
          f"{sum(r['attributions'] for r in rows.values())} attributions counted by speakers")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "consistent":
        consistent(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "same":
        same(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "agree":
        agree(*sys.argv[2:])
    else:
        fail(__doc__.strip().splitlines()[2])


if __name__ == "__main__":
    main()
