"""What the tests share: the command line to compare with, and made-up texts.

WHOSAID names the command (default: build/whosaid of the repository), REPO
the repository (for examples/ and tests/corpus/).
"""
import json
import os
import subprocess

import pytest

REPO = os.environ.get("REPO") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WHOSAID = os.environ.get("WHOSAID") or os.path.join(REPO, "build", "whosaid")


def cli_records(args, stdin=b""):
    """The JSON Lines records the command prints."""
    out = subprocess.run([WHOSAID, "--format", "jsonl", "-q"] + args, input=stdin, capture_output=True,
                         check=False).stdout
    return [json.loads(line) for line in out.splitlines()]


def make_corpus(path, articles, seed=1, bad=0):
    with open(path, "w") as f:
        subprocess.run(["python3", os.path.join(REPO, "tests", "corpus", "make_corpus.py"), "--articles",
                        str(articles), "--seed", str(seed), "--bad", str(bad)], stdout=f, check=True)


@pytest.fixture(scope="session")
def example_text():
    with open(os.path.join(REPO, "examples", "article.txt"), encoding="utf-8") as f:
        return f.read()
