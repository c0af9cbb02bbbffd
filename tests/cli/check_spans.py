#!/usr/bin/env python3
"""check_spans.py INPUT RECORDS [--offsets bytes] — the offsets of whosaid's
JSON Lines output against its input, as docs/schema.md ("Offsets") says.

INPUT is the text file that was analysed, RECORDS the output of
`whosaid --format jsonl INPUT` (one record).  Every span (sources, cues,
contents, addressees, entity mentions) must lie inside the input and its
"text" must equal the input between its offsets, decoded with one U+FFFD
per invalid byte and NULs (and U+001A) shown as U+FFFD; every warning's
position must lie inside the input.  Prints one summary line, or every
mismatch and exits 1.
"""
import codecs
import json
import sys

codecs.register_error('perbyte', lambda e: ('\ufffd', e.start + 1))


def spans(record):
    for a in record['attributions']:
        for key in ('source', 'cue', 'addressee'):
            if a[key] is not None:
                yield key, a[key]
        for c in a['content']:
            yield 'content', c
    for e in record['entities']:
        for m in e['mentions']:
            yield 'mention', m


def shown(text):
    return text.replace('\0', '\ufffd').replace('\x1a', '\ufffd')


def main():
    path, records = sys.argv[1], sys.argv[2]
    unit = 'bytes' if '--offsets' in sys.argv[3:] and 'bytes' in sys.argv[3:] else 'codepoints'
    raw = open(path, 'rb').read()
    text = raw.decode('utf-8', 'perbyte')
    # byte offsets: the decoded text of raw[start:end] (the spans never cut a character)
    length = len(raw) if unit == 'bytes' else len(text)
    bad = []
    nspans = nwarnings = 0
    with open(records, encoding='utf-8') as f:
        for line in f:
            record = json.loads(line)
            for role, s in spans(record):
                nspans += 1
                if not 0 <= s['start'] <= s['end'] <= length:
                    bad.append(f'{role} {s["start"]}..{s["end"]} outside 0..{length}')
                    continue
                if unit == 'bytes':
                    got = raw[s['start']:s['end']].decode('utf-8', 'perbyte')
                else:
                    got = text[s['start']:s['end']]
                if shown(got) != s['text']:
                    bad.append(f'{role} {s["start"]}..{s["end"]}: {s["text"]!r} != {shown(got)!r}')
            for w in record['warnings']:
                nwarnings += 1
                if not 0 <= w['position'] <= length:
                    bad.append(f'warning at {w["position"]} outside 0..{length}')
    for b in bad:
        print(b)
    print(f'{"spans ok" if not bad else "SPANS WRONG"}: {nspans} spans, {nwarnings} warnings, '
          f'{length} {unit}')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
