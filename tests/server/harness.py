"""harness.py — what the server's tests share: starting `whosaid serve` on a
free loopback port, plain and raw requests (from a chosen loopback source
address when a test needs clients that look like different machines),
checks that print PASS or FAIL, and the closing "N passed, N failed".

WHOSAID is the command, from the first argument of the test (it may start
with a wrapper such as valgrind).
"""
import http.client
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WHOSAID = shlex.split(sys.argv[1] if len(sys.argv) > 1 else "build/whosaid")

ARTICLE = ('"The pier is safe," harbour master Mara Lindqvist told reporters, "and it will reopen in June." '
           'Omar Reyes said the repairs cost twice the estimate.')
ACCENTED = 'Zoë Ní Bhriain said the café would stay open. "Merci," she told them.'

counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        counts["passed"] += 1
        print(f"PASS {name}", flush=True)
    else:
        counts["failed"] += 1
        print(f"FAIL {name}: {detail}"[:400], flush=True)


def finish():
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    sys.exit(1 if counts["failed"] else 0)


def run(args, stdin=b""):
    return subprocess.run(WHOSAID + args, input=stdin, capture_output=True, check=False).stdout


def start(args, name="the server"):
    """A server on a free port: (process, port).  Its stderr stays open for stop()."""
    proc = subprocess.Popen(WHOSAID + ["serve", "--port", "0"] + args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = b""
    deadline = time.time() + 120  # valgrind takes its time
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(rb"serving on http://[^ ]*:(\d+)/", line)
        if m:
            return proc, int(m.group(1))
        if not line and proc.poll() is not None:
            break
    sys.exit(f"{name} did not start: {line!r}")


def connect(port, source="127.0.0.1", timeout=60):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def request(port, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def error_of(data):
    try:
        e = json.loads(data)["error"]
        return e["status"], e["message"]
    except (ValueError, KeyError, TypeError):
        return None, data[:200]


def read_until_closed(s, got=b"", until=None):
    """What s gives until it closes, goes silent for its timeout, or (when
    until is given) holds the bytes until."""
    try:
        while until is None or until not in got:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return got


def raw(port, data, wait=10, source="127.0.0.1"):
    """Send bytes on a new connection; what comes back before it closes
    (or before wait seconds of silence)."""
    s = connect(port, source, wait)
    s.sendall(data)
    got = read_until_closed(s)
    s.close()
    return got


def made_store(work, articles):
    """A quote store of generated articles in work: its path."""
    corpus = os.path.join(work, f"corpus-{articles}.jsonl")
    db = os.path.join(work, f"q-{articles}.db")
    with open(corpus, "w") as f:
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/corpus/make_corpus.py"), "--articles",
                        str(articles)], stdout=f, check=True)
    run(["index", "--db", db, "--jsonl", corpus, "-q"])
    return db


def stop(proc, name):
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = "did not stop"
    said = proc.stderr.read().decode("utf-8", "replace")
    check(f"{name}: SIGTERM stops it cleanly (exit 0)", rc == 0 and "stopped by SIGTERM" in said, f"{rc} {said}")
