#!/usr/bin/env python3
"""Propose candidates for tests/speaker_resolution_gold.tsv.

Reads the PolNeAR dev split (one annotator file per article: the lexically
first .ann for its stem) and the silver CoreNLP annotations, and proposes every
gold Source span that is

  pronoun       a personal or possessive pronoun ("he", "they", "his", ...);
                the referent is taken from the silver coreference chain that
                holds the source, else the nearest full name before it;
  partial_name  one word of a name, possibly after a title, where the
                article also gives a fuller name that ends with it (a
                surname, "Sen." + surname) or, for an organization, holds it
                ("the Courier").

The referent is one mention of the full name: of the fuller names that fit,
the one written most often, at its first mention.  At most --per-article
proposals per category and article are kept, spread over the article, so that
the gold file covers many articles.  Proposals are only proposals: each one
must be read in its article and kept, corrected (another referent mention) or
dropped by hand before it goes into the gold file.  --review writes the
context a reader needs for that; it holds article text and belongs outside the
repository, like the candidate file.

    tools/build_speaker_gold.py --polnear ../shared/data/polnear \
        --candidates /tmp/candidates.tsv --review /tmp/review.txt
"""

import argparse
import glob
import json
import os
import re
import sys
from collections import defaultdict

PRONOUNS = set(
    "he she they we i it you him her them us me his hers its their theirs our "
    "ours my mine your himself herself itself themselves ourselves myself".split())

# Titles that may precede a partial name ("Sen. Lindqvist"); they are not
# part of the name that is compared.
TITLES = set(
    "mr mr. mrs mrs. ms ms. miss dr dr. sen sen. senator rep rep. gov gov. "
    "governor president pres. secretary gen gen. general judge justice "
    "speaker mayor vice chairman chairwoman the".split())

NAME_TAGS = ("PERSON", "ORGANIZATION")

# Candidates per category and article: enough to cover many articles without
# one long article dominating the gold file.
DEFAULT_PER_ARTICLE = 3


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_sources(ann_path):
    """Continuous gold Source spans of one brat file, as (start, end)."""
    spans = []
    with open(ann_path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[0].startswith("T"):
                continue
            kind, _, ranges = fields[1].partition(" ")
            if kind != "Source" or ";" in ranges:
                continue
            start, end = (int(x) for x in ranges.split())
            spans.append((start, end))
    return sorted(set(spans))


def read_conllu(path):
    """Sentences (lists of token dicts) per article stem."""
    docs = defaultdict(list)
    stem = None
    sentence = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# doc = "):
                stem = line[len("# doc = "):]
                continue
            if not line:
                if sentence:
                    docs[stem].append(sentence)
                sentence = []
                continue
            cols = line.split("\t")
            sentence.append({"form": cols[1], "pos": cols[3], "ner": cols[4],
                             "start": int(cols[7]), "end": int(cols[8])})
    if sentence:
        docs[stem].append(sentence)
    return docs


def read_coref(path):
    chains = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            chains[record["doc"]] = record["chains"]
    return chains


def name_spans(sentences):
    """Runs of PERSON or ORGANIZATION tokens: (start, end, tag, forms)."""
    spans = []
    for sentence in sentences:
        run = []
        for token in sentence + [None]:
            if run and (token is None or token["ner"] != run[0]["ner"]):
                spans.append((run[0]["start"], run[-1]["end"], run[0]["ner"],
                              [t["form"] for t in run]))
                run = []
            if token is not None and token["ner"] in NAME_TAGS:
                run.append(token)
    return spans


def name_words(text):
    """The words of a name without titles, possessive 's and punctuation."""
    words = re.findall(r"[\w][\w.'\-’]*", text)
    while words and words[0].lower() in TITLES:
        words = words[1:]
    words = [re.sub(r"(['’]s|['’])$", "", w) for w in words]
    return [w for w in words if w]


def is_name(words):
    return bool(words) and all(w[0].isupper() for w in words)


def full_names_containing(words, spans, text, tag=None):
    """Full names longer than `words` that end with them (a surname) or, for
    organizations, contain them, most often written first; each maps to its
    first mention.  NER runs sometimes swallow a neighbouring capitalised
    word ("Meanwhile Lindqvist"), and such a run is rarer than the real name."""
    first, count = {}, {}
    for start, end, span_tag, _ in spans:
        if tag and span_tag != tag:
            continue
        full = name_words(text[start:end])
        if len(full) <= len(words):
            continue
        suffix = full[-len(words):] == words
        inside = span_tag == "ORGANIZATION" and any(
            full[i:i + len(words)] == words for i in range(len(full)))
        if suffix or inside:
            key = " ".join(full)
            first.setdefault(key, (start, end, span_tag))
            count[key] = count.get(key, 0) + 1
    order = sorted(first, key=lambda k: (-count[k], first[k][0]))
    return {key: first[key] for key in order}


def first_mention(key, spans, text):
    for start, end, tag, _ in spans:
        if " ".join(name_words(text[start:end])) == key:
            return start, end, tag
    return None


def chain_referent(stem, source, sentences, chains, spans, text):
    """The full name of the coreference chain that holds the source."""
    for chain in chains.get(stem, []):
        mentions = []
        for sent, start_tok, end_tok, _head, _rep in chain:
            if sent - 1 >= len(sentences):
                continue
            toks = sentences[sent - 1][start_tok - 1:end_tok - 1]
            if toks:
                mentions.append((toks[0]["start"], toks[-1]["end"]))
        if not any(s < source[1] and source[0] < e for s, e in mentions):
            continue
        best = None
        for ms, me in mentions:
            for start, end, tag, _ in spans:
                if ms <= start and end <= me:
                    words = name_words(text[start:end])
                    if best is None or len(words) > len(best[0]):
                        best = (words, tag)
        if best is None:
            return None, "chain without a name"
        words, tag = best
        if tag == "PERSON":
            fuller = full_names_containing(words[-1:], spans, text, "PERSON")
            if fuller:
                how = "chain" if len(fuller) == 1 else "chain; full names: " + " | ".join(fuller)
                return next(iter(fuller.values())), how
            return None, "chain name is a single word"
        return first_mention(" ".join(words), spans, text), "chain"
    return None, "no chain"


def nearest_full_name_before(position, spans, text):
    best = None
    for start, end, tag, _ in spans:
        if end <= position and (tag == "ORGANIZATION" or len(name_words(text[start:end])) >= 2):
            best = (start, end, tag)
    if best is None:
        return None
    return first_mention(" ".join(name_words(text[best[0]:best[1]])), spans, text)


def spread(items, limit):
    """At most `limit` items, evenly spread over the article."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def paragraph_around(text, position):
    start = text.rfind("\n\n", 0, position)
    end = text.find("\n\n", position)
    return (0 if start < 0 else start + 2), (len(text) if end < 0 else end)


def marked(text, spans, window_start, window_end):
    out, at = [], window_start
    for start, end, mark in sorted(spans):
        if start < window_start or end > window_end:
            continue
        out.append(text[at:start] + "[[" + text[start:end] + "]]" + mark)
        at = end
    out.append(text[at:window_end])
    return "".join(out).replace("\n", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polnear", default="../shared/data/polnear")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--per-article", type=int, default=DEFAULT_PER_ARTICLE,
                    help="candidates per category and article (default %(default)s)")
    ap.add_argument("--candidates", required=True, help="TSV of proposals (offsets only)")
    ap.add_argument("--review", help="context of every proposal, to read before keeping it")
    args = ap.parse_args()

    root = os.path.join(args.polnear, args.split)
    sentences_of = read_conllu(os.path.join(args.polnear, "silver", args.split + ".conllu"))
    chains = read_coref(os.path.join(args.polnear, "silver", args.split + ".coref.jsonl"))
    stems = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(root, "text", "*.txt")))

    rows, reviews = [], []
    for stem in stems:
        anns = sorted(glob.glob(os.path.join(root, "attributions", stem + "_*.ann")))
        if not anns or stem not in sentences_of:
            continue
        text = read_text(os.path.join(root, "text", stem + ".txt"))
        sentences = sentences_of[stem]
        spans = name_spans(sentences)
        found = {"pronoun": [], "partial_name": []}
        for source in read_sources(anns[0]):
            written = text[source[0]:source[1]].strip()
            if written.lower() in PRONOUNS:
                ref, how = chain_referent(stem, source, sentences, chains, spans, text)
                if ref is None:
                    guess = nearest_full_name_before(source[0], spans, text)
                    if guess:
                        ref, how = guess, how + "; nearest full name before"
                found["pronoun"].append((source, ref, how))
                continue
            words = name_words(written)
            # A surname or one word of an organization's name, after any
            # title: two words are usually a full name already.
            if not is_name(words) or len(words) != 1:
                continue
            fuller = full_names_containing(words, spans, text)
            if not fuller:
                continue
            how = "one full name" if len(fuller) == 1 else "full names: " + " | ".join(fuller)
            found["partial_name"].append((source, next(iter(fuller.values())), how))
        for category, items in found.items():
            for source, ref, how in spread(items, args.per_article):
                rows.append((stem, source, ref, category, how))

    with open(args.candidates, "w", encoding="utf-8") as out:
        out.write("# stem\tsource_start\tsource_end\treferent_start\treferent_end\tcategory\n")
        for stem, source, ref, category, _ in rows:
            if ref is None:
                continue
            out.write(f"{stem}\t{source[0]}\t{source[1]}\t{ref[0]}\t{ref[1]}\t{category}\n")

    if args.review:
        with open(args.review, "w", encoding="utf-8") as out:
            for n, (stem, source, ref, category, how) in enumerate(rows, 1):
                text = read_text(os.path.join(root, "text", stem + ".txt"))
                out.write(f"=== {n} {stem} {source[0]} {source[1]} {category} ({how})\n")
                if ref is None:
                    out.write("referent: none proposed\n")
                else:
                    out.write(f"referent {ref[0]} {ref[1]}: {text[ref[0]:ref[1]]}\n")
                # The paragraph before the source's and the source's own hold
                # the antecedent of nearly every pronoun.
                p_start, p_end = paragraph_around(text, source[0])
                before_start, _ = paragraph_around(text, max(0, p_start - 3))
                out.write(marked(text, [(source[0], source[1], "<SRC")], before_start, p_end) + "\n")
                if ref is not None and not (before_start <= ref[0] < p_end):
                    r_start, r_end = paragraph_around(text, ref[0])
                    out.write("  ref: " + marked(text, [(ref[0], ref[1], "<REF")], r_start, r_end) + "\n")
    kept = sum(1 for r in rows if r[2] is not None)
    print(f"{len(rows)} proposals, {kept} with a referent, from {len({r[0] for r in rows})} articles",
          file=sys.stderr)


if __name__ == "__main__":
    main()
