"""Scale-out on a real Dask LocalCluster: 2 worker processes, a sharded
corpus, output equal to the command line's byte for byte, and a worker
killed in the middle of a shard without losing or doubling anything."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

distributed = pytest.importorskip("distributed")

import whosaid.dask  # noqa: E402
from conftest import WHOSAID, make_corpus  # noqa: E402

SHARDS = 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    shards = []
    for k in range(SHARDS):
        path = folder / f"part-{k:03d}.jsonl"
        make_corpus(path, 1500, seed=10 + k, bad=3)
        shards.append(str(path))
    return shards


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        with distributed.Client(c) as client:
            yield client


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def cli_bytes(shard):
    """What `whosaid --jsonl --format jsonl SHARD` prints, as bytes."""
    return subprocess.run([WHOSAID, "--jsonl", "--format", "jsonl", "-q", shard], capture_output=True).stdout


def test_output_equals_the_command_line(cluster, corpus, tmp_path):
    results = whosaid.dask.run(cluster, corpus, str(tmp_path / "out"))
    assert [os.path.basename(p) for p, _ in results] == [os.path.basename(s) for s in corpus]
    for shard, (path, count) in zip(corpus, results):
        expected = cli_bytes(shard)
        # byte for byte, error records (3 a shard) and their messages included
        assert read_bytes(path) == expected
        assert count == expected.count(b"\n") == 1500
        assert sum(bool(json.loads(line)["errors"]) for line in expected.splitlines()) == 3
    # each worker process loaded the model once, for all its shards
    loaded = cluster.run(lambda: len(whosaid.dask._models))
    assert sorted(loaded.values()) == [1, 1]


def test_a_worker_killed_mid_shard_loses_and_doubles_nothing(cluster, corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    killed = []

    def kill_a_writer():
        # the first worker seen writing a shard (its partial file names its pid) dies
        deadline = time.time() + 60
        while time.time() < deadline and not killed:
            for name in os.listdir(out):
                if ".partial-" in name:
                    pid = int(name.split(".partial-")[1].split("-")[0])
                    os.kill(pid, signal.SIGKILL)
                    killed.append(name)
                    return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_writer)
    killer.start()
    results = whosaid.dask.run(cluster, corpus, str(out), retries=2)
    killer.join()
    assert killed, "no worker was caught writing"
    for shard, (path, _) in zip(corpus, results):
        assert read_bytes(path) == cli_bytes(shard)
    # whole shards only: nothing half-written left beside them
    assert sorted(os.listdir(out)) == sorted(os.path.basename(s) for s in corpus)
