#!/usr/bin/env python3
"""make_corpus.py — a made-up news corpus in JSON Lines for the store's tests.

    make_corpus.py [--articles N] [--seed S] [--bad K] > corpus.jsonl

Each record has id, text, outlet, date, url and title.  The articles are
built from a few sentence patterns about invented people, so that the same
speaker turns up under several spellings ("T.J. Okafor", "TJ Okafor",
"Sen. T.J. Okafor") across outlets and months.  --bad K adds K broken
records (invalid JSON, a text that is not a string) at fixed places, which
must become error rows.  The output depends only on the arguments.
"""
import argparse
import json
import random

# Each person: the spellings an article may use for them.
PEOPLE = [
    ["T.J. Okafor", "TJ Okafor", "Sen. T.J. Okafor"],
    ["Elena Marsh", "Gov. Elena Marsh"],
    ["Rafael Quint", "Dr. Rafael Quint"],
    ["Ingrid Solberg", "Prime Minister Ingrid Solberg"],
]
OUTLETS = ["Eastport Courier", "Harbour Herald", "Valley Ledger"]
TOPICS = ["the ceasefire talks", "the bridge budget", "the water tariff", "the school reform",
          "the port strike", "the housing plan"]
VERBS_PAST = ["stalled", "moved forward", "needed more time", "would cost more than planned",
              "had broad support", "faced a legal challenge"]

def article(rng, n):
    speaker = rng.choice(PEOPLE)
    other = rng.choice([p for p in PEOPLE if p is not speaker])
    name = rng.choice(speaker)
    topic, topic2 = rng.sample(TOPICS, 2)
    verb, verb2 = rng.sample(VERBS_PAST, 2)
    sentences = [
        f'"We expect {topic} to conclude soon," {name} said on {rng.choice(["Monday", "Tuesday", "Friday"])}.',
        f"{rng.choice(other)} said that {topic2} {verb}.",
        f"The council met for {rng.randint(2, 9)} hours, and the vote was delayed again.",
        f'"Nobody should be surprised," {rng.choice(other)} told reporters.',
        f"Officials said {topic} {verb2}.",
    ]
    rng.shuffle(sentences[1:4])
    month = rng.choice(["2031-03", "2031-04", "2031-05"])
    return {
        "id": f"story-{n:05d}",
        "text": " ".join(sentences[: rng.randint(3, 5)]),
        "outlet": rng.choice(OUTLETS),
        "date": f"{month}-{rng.randint(1, 28):02d}",
        "url": f"https://news.example/{n}",
        "title": f"Update on {topic}",
    }

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bad", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    bad_every = args.articles // args.bad if args.bad else 0
    for n in range(args.articles):
        if bad_every and n % bad_every == bad_every - 1:
            if (n // bad_every) % 2:
                print('{"id": "broken-%d", "text": ' % n)
            else:
                print(json.dumps({"id": f"not-text-{n}", "text": 42}))
            continue
        print(json.dumps(article(rng, n), ensure_ascii=False))

if __name__ == "__main__":
    main()
