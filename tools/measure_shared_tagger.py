#!/usr/bin/python3
"""Measures whether one BiLSTM with a part-of-speech head and a name head could
replace whosaid's two perceptron taggers: trains it on PolNeAR's silver CoreNLP
tags (train split), reports dev part-of-speech accuracy and exact name F1 per
epoch, the same figures `whosaid train` reports for the perceptrons.

    /usr/bin/python3 tools/measure_shared_tagger.py --data ../shared/data/polnear \\
        [--hidden 32] [--epochs 3] [--seed 1] [--cache ~/.cache/whosaid]

The network reads what the neural labeller's encoder reads of a word alone (its
GloVe-initialised vector, its last three letters, its capitalisation), so its
cost in the C encoder would be that of a labeller of the same size.  Nothing is
exported: it is a measurement (docs/accuracy.md, "One encoder for the taggers")."""
import argparse, os, sys, time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_neural import FORM_MAX, fetch_vectors, initial_vectors  # noqa: E402

NAME_CLASSES = ['PERSON', 'ORGANIZATION', 'LOCATION', 'MISC']  # as train/train_corpus.c reads them
SUFFIX_BUCKETS = 1024


def suffix_bucket(form):
    """FNV-1a of the last three bytes, as ws_encoder_suffix computes it."""
    h = 2166136261
    for c in form[-3:]:
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h % SUFFIX_BUCKETS


def shape(form, first):
    """Punctuation, number, all capitals, capitalised, other; + 5 at a sentence start."""
    s = form.decode('utf-8', 'replace')
    if not any(ch.isalnum() for ch in s):
        k = 0
    elif any(ch.isdigit() for ch in s):
        k = 1
    elif s.isupper():
        k = 2
    elif s[0].isupper():
        k = 3
    else:
        k = 4
    return k + 5 * first


def read_silver(path, pos_names):
    """Sentences of (forms, part-of-speech ids, name labels: O, then B-/I- per class)."""
    sentences, forms, pos, names = [], [], [], []
    previous = 0
    with open(path, 'rb') as f:
        for line in f:
            line = line.rstrip(b'\n')
            if line.startswith(b'#'):
                continue
            if not line:
                if forms:
                    sentences.append((forms, pos, names))
                forms, pos, names, previous = [], [], [], 0
                continue
            cols = line.split(b'\t')
            forms.append(cols[1])
            tag = cols[3].decode()
            pos.append(pos_names.setdefault(tag, len(pos_names)))
            ner = cols[4].decode()
            cls = NAME_CLASSES.index(ner) + 1 if ner in NAME_CLASSES else 0
            names.append(0 if cls == 0 else 2 * cls - 1 if cls != previous else 2 * cls)
            previous = cls
    if forms:
        sentences.append((forms, pos, names))
    return sentences


def encode(sentences, index):
    out = []
    for forms, pos, names in sentences:
        lower = [w.lower()[:FORM_MAX] for w in forms]
        words = torch.tensor([index.get(w, 0) for w in lower])
        suffixes = torch.tensor([suffix_bucket(w) for w in lower])
        shapes = torch.tensor([shape(w, i == 0) for i, w in enumerate(forms)])
        out.append((words, suffixes, shapes, torch.tensor(pos), torch.tensor(names)))
    return out


class SharedTagger(nn.Module):
    def __init__(self, vectors, hidden, npos, nnames):
        super().__init__()
        self.words = nn.Embedding.from_pretrained(vectors, freeze=False, padding_idx=0)
        self.suffixes = nn.Embedding(SUFFIX_BUCKETS, 16)
        self.shapes = nn.Embedding(10, 8)
        self.lstm = nn.LSTM(vectors.shape[1] + 24, hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.3)
        self.pos = nn.Linear(2 * hidden, npos)
        self.names = nn.Linear(2 * hidden, nnames)

    def forward(self, words, suffixes, shapes):
        x = torch.cat([self.words(words), self.suffixes(suffixes), self.shapes(shapes)], dim=-1)
        h, _ = self.lstm(self.drop(x))
        h = self.drop(h)
        return self.pos(h), self.names(h)


def batches(data, size, order):
    for start in range(0, len(order), size):
        chunk = [data[i] for i in order[start:start + size]]
        cols = list(zip(*chunk))
        padded = [nn.utils.rnn.pad_sequence(c, batch_first=True, padding_value=-1 if k >= 3 else 0)
                  for k, c in enumerate(cols)]
        yield padded


def name_spans(labels):
    """Exact names: a run that starts with B-X, or I-X after another class, and goes on with I-X."""
    spans, i, n = set(), 0, len(labels)
    while i < n:
        if labels[i] == 0:
            i += 1
            continue
        cls = (labels[i] + 1) // 2
        j = i + 1
        while j < n and labels[j] == 2 * cls:
            j += 1
        spans.add((i, j, cls))
        i = j
    return spans


def rate(model, data):
    model.eval()
    right = total = 0
    gold_names = pred_names = right_names = 0
    with torch.no_grad():
        for words, suffixes, shapes, pos, names in batches(data, 64, list(range(len(data)))):
            pos_scores, name_scores = model(words, suffixes, shapes)
            mask = pos >= 0
            right += ((pos_scores.argmax(-1) == pos) & mask).sum().item()
            total += mask.sum().item()
            predicted = name_scores.argmax(-1)
            for b in range(words.shape[0]):
                n = int(mask[b].sum())
                g = name_spans(names[b, :n].tolist())
                p = name_spans(predicted[b, :n].tolist())
                gold_names += len(g)
                pred_names += len(p)
                right_names += len(g & p)
    precision = right_names / pred_names if pred_names else 0
    recall = right_names / gold_names if gold_names else 0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    return right / total, f1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', required=True, help='the folder holding silver/train.conllu and silver/dev.conllu')
    ap.add_argument('--hidden', type=int, default=32)
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--cache', default=os.path.expanduser('~/.cache/whosaid'))
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    pos_names = {}
    train = read_silver(os.path.join(args.data, 'silver', 'train.conllu'), pos_names)
    dev = read_silver(os.path.join(args.data, 'silver', 'dev.conllu'), pos_names)
    glove_words, glove = fetch_vectors(args.cache)
    counts = {}
    for forms, _, _ in train:
        for w in forms:
            w = w.lower()[:FORM_MAX]
            counts[w] = counts.get(w, 0) + 1
    known = set(w.encode('utf-8') for w in glove_words)
    vocab = [b'\x01'] + sorted((w for w in counts if counts[w] >= 2 or w in known), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    vectors, found = initial_vectors(vocab, glove_words, glove, torch.Generator().manual_seed(args.seed))
    train_data, dev_data = encode(train, index), encode(dev, index)
    tokens = sum(len(s[0]) for s in train)
    print(f'measure_shared_tagger: {tokens} training tokens, {len(vocab)} words ({found} with a vector), '
          f'{len(pos_names)} parts of speech, BiLSTM {args.hidden}+{args.hidden}', file=sys.stderr)
    model = SharedTagger(vectors, args.hidden, len(pos_names), 1 + 2 * len(NAME_CLASSES))
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_of = nn.CrossEntropyLoss(ignore_index=-1)
    generator = torch.Generator().manual_seed(args.seed)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        model.train()
        order = torch.randperm(len(train_data), generator=generator).tolist()
        for words, suffixes, shapes, pos, names in batches(train_data, 32, order):
            pos_scores, name_scores = model(words, suffixes, shapes)
            loss = loss_of(pos_scores.flatten(0, 1), pos.flatten()) + loss_of(name_scores.flatten(0, 1), names.flatten())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        accuracy, f1 = rate(model, dev_data)
        print(f'measure_shared_tagger: epoch {epoch}: dev part-of-speech accuracy {accuracy:.4f}, '
              f'name F1 {f1:.4f} ({time.time() - started:.0f} s)', file=sys.stderr)


if __name__ == '__main__':
    main()
