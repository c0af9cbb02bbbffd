#!/usr/bin/env python3
"""Score speaker resolution against tests/speaker_resolution_gold.tsv.

    speaker_eval.py --gold tests/speaker_resolution_gold.tsv \
        --texts ../shared/data/polnear/dev/text --pred build/speaker-eval/dev.jsonl \
        [--json FILE] [--misses]

PRED is whosaid's JSON Lines output for the articles (`whosaid --format jsonl
DIR/*.txt`); a record is matched to an article by the file name of its id.
The gold file holds offsets only: for each item, a gold Source span that is a
pronoun or a partial name, and one mention of the full name it refers to.
The full name is read from the article at scoring time.

For each item the predicted attribution whose source shares the most word
tokens with the gold source is taken (none shared: not found).  It is correct
when its speaker's name equals the referent's text after normalisation: case,
whitespace, curly apostrophes, a possessive 's, leading titles and "the", and
single-letter middle initials ("Mara J. Lindqvist" is "Mara Lindqvist") are
ignored.  Runs nothing itself; `make speaker-eval` produces PRED first.
"""

import argparse
import codecs
import json
import os
import re
import sys
from collections import OrderedDict

CATEGORIES = ("pronoun", "partial_name")

# Words that may precede a name without being part of it.  Compared after
# lower-casing and with any final period removed.
TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "reverend",
    "sen", "senator", "rep", "representative", "congressman", "congresswoman",
    "gov", "governor", "president", "pres", "vice", "secretary", "sec",
    "gen", "general", "lt", "col", "maj", "capt", "adm", "admiral", "sgt",
    "judge", "justice", "chief", "attorney", "speaker", "mayor", "chairman",
    "chairwoman", "chancellor", "minister", "prime", "the", "former", "retired",
}

WORD = re.compile(r"\w+")


def _one_replacement_per_byte(error):
    return "\ufffd", error.start + 1


codecs.register_error("whosaid_perbyte", _one_replacement_per_byte)


def read_article(path):
    """The article as whosaid counts it: one U+FFFD per invalid byte, NUL and
    U+001A shown as U+FFFD (docs/schema.md, Offsets)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "whosaid_perbyte")
    return text.replace("\0", "\ufffd").replace("\x1a", "\ufffd")


def normalise_name(name):
    name = name.replace("\u2019", "'").replace("\u2018", "'").casefold()
    words = name.split()
    if words:
        words[-1] = re.sub(r"'s?$", "", words[-1])
    while words and words[0].rstrip(".") in TITLES:
        words = words[1:]
    if len(words) > 2:
        # A middle initial ("j." or "j") between first and last name.
        words = [words[0]] + [w for w in words[1:-1] if not re.fullmatch(r"\w\.?", w)] + [words[-1]]
    return " ".join(w for w in words if w)


def tokens(text, start, end):
    """Start offsets of the word tokens of text that overlap [start, end)."""
    found = set()
    for m in WORD.finditer(text, max(0, start - 64), min(len(text), end + 64)):
        if m.start() < end and start < m.end():
            found.add(m.start())
    return found


def read_gold(path):
    items = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 6 or fields[5] not in CATEGORIES:
                sys.exit(f"speaker_eval: {path}:{number}: expected 6 tab-separated columns "
                         f"ending in {' or '.join(CATEGORIES)}")
            stem, category = fields[0], fields[5]
            try:
                source = (int(fields[1]), int(fields[2]))
                referent = (int(fields[3]), int(fields[4]))
            except ValueError:
                sys.exit(f"speaker_eval: {path}:{number}: offsets must be integers")
            items.append({"stem": stem, "source": source, "referent": referent,
                          "category": category, "line": number})
    return items


def read_predictions(path):
    """Attributions per article stem."""
    by_stem = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"speaker_eval: {path}:{number}: not JSON: {e}")
            doc_id = record.get("id")
            if not isinstance(doc_id, str):
                continue
            stem = os.path.basename(doc_id)
            if stem.endswith(".txt"):
                stem = stem[:-4]
            if stem in by_stem:
                print(f"speaker_eval: {path}:{number}: a second record for {stem}; the last one counts",
                      file=sys.stderr)
            by_stem[stem] = record.get("attributions") or []
    return by_stem


def best_overlap(text, gold_source, attributions):
    """The attribution whose source shares most tokens with the gold source;
    ties go to the one whose source length is closest to the gold's."""
    gold_tokens = tokens(text, *gold_source)
    best, best_key = None, None
    for attribution in attributions:
        source = attribution.get("source")
        if not source:
            continue
        shared = len(gold_tokens & tokens(text, source["start"], source["end"]))
        if shared == 0:
            continue
        key = (shared, -abs((source["end"] - source["start"]) - (gold_source[1] - gold_source[0])))
        if best_key is None or key > best_key:
            best, best_key = attribution, key
    return best


def share(part, whole):
    return round(part / whole, 3) if whole else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="Figures: items, found (a predicted source overlaps the gold "
                                        "source), correct (its speaker is the referent's full name).")
    ap.add_argument("--gold", required=True, help="tests/speaker_resolution_gold.tsv")
    ap.add_argument("--texts", required=True, help="folder of <stem>.txt articles")
    ap.add_argument("--pred", required=True, help="whosaid --format jsonl output for those articles")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--misses", action="store_true",
                    help="list every item not resolved correctly (prints article text: keep it out of the repository)")
    args = ap.parse_args()

    items = read_gold(args.gold)
    predictions = read_predictions(args.pred)
    counts = OrderedDict((c, {"items": 0, "found": 0, "correct": 0}) for c in CATEGORIES + ("all",))
    texts = {}
    missing_articles = set()
    misses = []

    for item in items:
        stem = item["stem"]
        if stem not in texts:
            path = os.path.join(args.texts, stem + ".txt")
            if not os.path.exists(path):
                sys.exit(f"speaker_eval: {path} not found (line {item['line']} of {args.gold})")
            texts[stem] = read_article(path)
        text = texts[stem]
        expected = text[item["referent"][0]:item["referent"][1]]
        if stem not in predictions:
            missing_articles.add(stem)
        match = best_overlap(text, item["source"], predictions.get(stem, []))
        speaker = (match or {}).get("speaker") or {}
        predicted = speaker.get("name")
        correct = predicted is not None and normalise_name(predicted) == normalise_name(expected)
        for key in (item["category"], "all"):
            counts[key]["items"] += 1
            counts[key]["found"] += match is not None
            counts[key]["correct"] += correct
        if not correct:
            misses.append((item, expected, match, predicted))

    if missing_articles:
        print(f"speaker_eval: no prediction for {len(missing_articles)} article(s) of the gold, "
              f"e.g. {sorted(missing_articles)[0]}; their items count as not found", file=sys.stderr)

    figures = OrderedDict()
    for key, c in counts.items():
        figures[key] = OrderedDict([
            ("items", c["items"]), ("found", c["found"]), ("correct", c["correct"]),
            ("correct_of_items", share(c["correct"], c["items"])),
            ("correct_of_found", share(c["correct"], c["found"])),
        ])
    figures["articles"] = len({item["stem"] for item in items})

    print(f"speaker resolution: {len(items)} gold items in {figures['articles']} articles ({args.gold})")
    print(f"{'category':<14}{'items':>7}{'found':>7}{'correct':>9}{'correct/items':>15}{'correct/found':>15}")
    for key in counts:
        f = figures[key]
        print(f"{key:<14}{f['items']:>7}{f['found']:>7}{f['correct']:>9}"
              f"{_fmt(f['correct_of_items']):>15}{_fmt(f['correct_of_found']):>15}")

    if args.misses:
        for item, expected, match, predicted in misses:
            source = texts[item["stem"]][item["source"][0]:item["source"][1]]
            got = "no overlapping source" if match is None else repr(predicted)
            print(f"miss {item['category']:<12} {item['stem']} {item['source'][0]}-{item['source'][1]} "
                  f"{source!r} -> expected {expected!r}, got {got}")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=2)
            f.write("\n")


def _fmt(value):
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
