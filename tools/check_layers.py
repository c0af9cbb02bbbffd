#!/usr/bin/env python3
"""check_layers.py — hold the code to the layering of docs/architecture.md.

Every #include "..." of the C sources is read and checked against what its
folder may include; then, in src/stages/, every call is checked against the
rule that a stage never calls a function another stage defines (what one
stage leaves for the next travels in the document).  Prints one line per
folder, "ok FOLDER" or each offence, and exits 1 on any offence.

Usage: tools/check_layers.py [--root DIR]
"""
import argparse
import os
import re
import sys

LIBRARY_INTERNALS = ['base/', 'model/', 'document/', 'stages/', 'pipeline.h']

# folder -> the include prefixes it may use (besides the public header and
# the system's <...> headers, which are never checked)
ALLOWED = {
    'include': [],
    'src/base': ['base/'],
    'src/model': ['base/', 'model/', 'cue_lexicon.inc'],
    'src/document': ['base/', 'model/', 'document/'],
    'src/stages': ['base/', 'model/', 'document/', 'stages/'],
    'src': LIBRARY_INTERNALS,
    'front': ['front/'],
    'store': ['front/', 'store/'],
    'server': ['front/', 'store/', 'server/'],
    'train': ['front/', 'train/'] + LIBRARY_INTERNALS,
    'train/dump': LIBRARY_INTERNALS,
    'cli': ['front/', 'store/', 'server/', 'train/train_commands.h', 'cli/'],
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
DEFINITION = re.compile(r'^(?!static\b)[A-Za-z_][\w \*]*?\b(ws_\w+)\s*\([^;{]*\)\s*\{', re.M)


def sources(root, folder):
    path = os.path.join(root, folder)
    for name in sorted(os.listdir(path)):
        if name.endswith(('.c', '.h')):
            yield os.path.join(folder, name)


def strip_comments(text):
    return re.sub(r'/\*.*?\*/|//[^\n]*', ' ', text, flags=re.S)


def check_includes(root, folder, allowed):
    offences = []
    for rel in sources(root, folder):
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            text = f.read()
        for target in INCLUDE.findall(text):
            if target == 'whosaid.h':
                continue
            if not any(target == a or (a.endswith('/') and target.startswith(a)) for a in allowed):
                offences.append(f'{rel}: includes "{target}", which {folder}/ may not')
    return offences


def check_stage_calls(root):
    """A stage is a number: 3_tagging.c and 3_parsing.c are one stage."""
    folder = 'src/stages'
    texts, defined = {}, {}
    for rel in sources(root, folder):
        if not rel.endswith('.c'):
            continue
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            texts[rel] = strip_comments(f.read())
        for name in DEFINITION.findall(texts[rel]):
            defined[name] = rel
    stage = lambda rel: os.path.basename(rel).split('_', 1)[0]
    offences = []
    for rel, text in texts.items():
        for name, home in defined.items():
            if stage(home) != stage(rel) and re.search(r'\b' + name + r'\s*\(', text):
                offences.append(f'{rel}: calls {name}() of {home}: stages talk through the document')
    return offences


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    args = ap.parse_args()
    failed = False
    for folder, allowed in ALLOWED.items():
        offences = check_includes(args.root, folder, allowed)
        if folder == 'src/stages':
            offences += check_stage_calls(args.root)
        for o in offences:
            print(o)
        if not offences:
            print(f'ok {folder}')
        failed |= bool(offences)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
