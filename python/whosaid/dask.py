"""Scale-out on Dask distributed: a sharded JSON Lines corpus in, JSON Lines out.

    from dask.distributed import Client
    import whosaid.dask
    client = Client("tcp://scheduler:8786")           # or LocalCluster()
    whosaid.dask.run(client, ["corpus/part-000.jsonl", ...], "out/")

Each shard is one partition, handled by one task: the worker reads the
shard's records ({"id", "text", ...} per line) with the command line's own
reader and renderer, in C, with a model it loads once (per worker process),
and writes out/<shard name> with one record per input line, in order: the
bytes `whosaid --jsonl --format jsonl SHARD` prints, error records and their
messages included.  The file
is written under a temporary name and renamed when complete, so a task that
fails half-way and is retried (Dask's `retries`) leaves no partial or
doubled output: what a reader finds in out/ is always whole shards (a
worker killed while writing leaves a partial file, which run() removes
once every task is done).

The workers need this package (pip install ./python on each, or one shared
environment); tests/test_dask.py checks the output against the command
line's, byte for byte, on a real LocalCluster.
"""
import ctypes
import os
import threading

import whosaid
from whosaid import _lib, _native

_models = {}
_models_lock = threading.Lock()


def _model(name):
    """The worker's model, loaded on its first task and kept for the next."""
    with _models_lock:
        if name not in _models:
            _models[name] = whosaid.Model(name)
        return _models[name]


def process_shard(path, out_dir, model=None, text_field="text", id_field="id"):
    """Analyse one shard into out_dir/<basename>; returns (output path, records)."""
    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, os.path.basename(path))
    partial = f"{target}.partial-{os.getpid()}-{threading.get_ident()}"
    records, failed = ctypes.c_size_t(), ctypes.c_size_t()
    why = ctypes.create_string_buffer(4096)
    try:
        status = _lib.whosaid_py_file(_model(model)._handle, os.fsencode(path), os.fsencode(partial),
                                      text_field.encode(), id_field.encode(), ctypes.byref(records),
                                      ctypes.byref(failed), why, len(why))
        if status != 0:
            raise whosaid.WhosaidError(f"whosaid: {path}: {why.value.decode('utf-8', 'replace')}",
                                       _native.ERR_IO)
        os.replace(partial, target)  # whole or not at all
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target, records.value


def run(client, shards, out_dir, model=None, retries=2, text_field="text", id_field="id"):
    """Every shard on the cluster, each as one task retried up to `retries`
    times; returns [(output path, records)] in the order of shards."""
    shards = list(shards)
    futures = client.map(process_shard, shards, out_dir=out_dir, model=model, text_field=text_field,
                         id_field=id_field, retries=retries, pure=False)
    results = client.gather(futures)
    # A worker killed while writing leaves its partial file behind (its
    # task ran again elsewhere); every task is done now, so any is stale.
    names = {os.path.basename(s) for s in shards}
    for name in os.listdir(out_dir):
        if ".partial-" in name and name.split(".partial-")[0] in names:
            os.remove(os.path.join(out_dir, name))
    return results
