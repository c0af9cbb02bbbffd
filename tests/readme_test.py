#!/usr/bin/env python3
"""readme_test.py — `make readme-test`: every command of the README, run as a
new user would run it, on a fresh clone of the committed tree.

    tests/readme_test.py [--keep]

The clone goes to a temporary folder with the shared data folder linked
beside it (../shared, as beside a checkout), and HOME pointed into it, so
that nothing outside is touched.  A command is a line of an indented block
(or of a ```sh block) that starts like a command: ./scripts/, make, build/,
curl, python3; an indented block of anything else is output, not run.  A
```python block runs with the virtual environment the README made.  A line
that starts a server (`whosaid serve`) runs in the background until the
lines after it in its block are done, then gets SIGTERM and must exit 0.
Every command must exit 0; the few that are not run say why.  Prints a line
per command and "N passed, N failed".
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
COMMAND = re.compile(r"^(\./scripts/|make( |$)|build/|curl |(/usr/bin/)?python3 )")
NOT_RUN = {
    "make models": "it retrains the shipped model for many minutes and rewrites it",
}
counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    key = "passed" if ok else "failed"
    counts[key] += 1
    print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}"[:600] if not ok else ""), flush=True)


def blocks(readme):
    """(kind, [(line number, text)]) for each code block: "shell" or "python"."""
    found, current, fence = [], [], None
    for n, line in enumerate(readme.splitlines(), 1):
        if fence is not None:
            if line.startswith("```"):
                found.append((fence, current))
                current, fence = [], None
            else:
                current.append((n, line))
            continue
        if line.startswith("```"):
            if current:
                found.append(("shell", current))
                current = []
            fence = "python" if "python" in line else "shell"
            continue
        if line.startswith("    "):
            current.append((n, line[4:]))
        elif current and line.strip():
            found.append(("shell", current))
            current = []
    if current:
        found.append(("shell", current))
    return found


def command_of(text):
    """The command of a line without its trailing comment."""
    return re.sub(r"\s+#\s.*$", "", text).strip()


def run(cmd, clone, env, timeout=900):
    p = subprocess.run(["bash", "-c", cmd], cwd=clone, env=env, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, (p.stdout[-300:] + p.stderr[-600:]).decode("utf-8", "replace")


def wait_for_server(timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:8080/healthz", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def run_shell_block(lines, clone, env):
    server = None
    for n, text in lines:
        cmd = command_of(text)
        if not COMMAND.match(cmd):
            return  # an output block, or prose indented
        if cmd in NOT_RUN:
            print(f"SKIP README line {n}: {cmd}: not run, {NOT_RUN[cmd]}")
            continue
        if "whosaid serve" in cmd:
            server = subprocess.Popen(["bash", "-c", "exec " + cmd], cwd=clone, env=env,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
            check(f"README line {n}: {cmd} (answers on port 8080)", wait_for_server())
            continue
        rc, said = run(cmd, clone, env)
        check(f"README line {n}: {cmd}", rc == 0, f"exit {rc}: {said}")
    if server:
        server.send_signal(signal.SIGTERM)
        try:
            rc = server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            rc = "did not stop"
        server.stderr.close()
        check("  the server stops on SIGTERM with exit 0", rc == 0, rc)


def main():
    keep = "--keep" in sys.argv
    top = tempfile.mkdtemp(prefix="readme-")
    clone = os.path.join(top, "whosaid")
    subprocess.run(["git", "clone", "-q", ROOT, clone], check=True)
    shared = os.path.join(os.path.dirname(ROOT), "shared")
    if os.path.isdir(shared):
        os.symlink(shared, os.path.join(top, "shared"))
    home = os.path.join(top, "home")
    os.mkdir(home)
    env = dict(os.environ, HOME=home, CI=os.environ.get("CI", "true"))
    with open(os.path.join(clone, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    try:
        for kind, lines in blocks(readme):
            if kind == "python":
                script = "\n".join(text for _, text in lines) + "\n"
                python = os.path.join(clone, ".venv/bin/python")
                if not os.path.exists(python):
                    check(f"README lines {lines[0][0]}-{lines[-1][0]}: the Python example", False,
                          "no .venv: the README's commands before it did not make one")
                    continue
                p = subprocess.run([python, "-c", script], cwd=clone, env=env, capture_output=True, timeout=300)
                check(f"README lines {lines[0][0]}-{lines[-1][0]}: the Python example", p.returncode == 0,
                      (p.stdout[-300:] + p.stderr[-600:]).decode("utf-8", "replace"))
            else:
                run_shell_block(lines, clone, env)
    finally:
        if keep:
            print(f"the clone is kept in {clone}")
        else:
            shutil.rmtree(top, ignore_errors=True)
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    sys.exit(1 if counts["failed"] else 0)


if __name__ == "__main__":
    main()
