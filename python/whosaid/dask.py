"""Scale-out on Dask distributed: a sharded JSON Lines corpus in, JSON Lines out.

    from dask.distributed import Client
    import whosaid.dask
    client = Client("tcp://scheduler:8786")           # or LocalCluster()
    whosaid.dask.run(client, ["corpus/part-000.jsonl", ...], "out/")

Each shard is one partition, handled by one task: the worker reads the
shard's records ({"id", "text", ...} per line, as `whosaid --jsonl` reads
them), analyses them with a model it loads once (per worker process) and
writes out/<shard name> with one record per input line, in order.  The file
is written under a temporary name and renamed when complete, so a task that
fails half-way and is retried (Dask's `retries`) leaves no partial or
doubled output: what a reader finds in out/ is always whole shards (a
worker killed while writing leaves a partial file, which run() removes
once every task is done).  A
record that cannot be used becomes an error record, as on the command line
(its id FILE:LINE when it has none; the wording of its message may differ
from the command line's, which uses another JSON parser).

The workers need this package and the library; the records are the same as
`whosaid --jsonl --format jsonl SHARD` prints (tests/test_dask.py checks it
on a real LocalCluster).
"""
import json
import os
import threading

import whosaid

_models = {}
_models_lock = threading.Lock()


def _model(name):
    """The worker's model, loaded on its first task and kept for the next."""
    with _models_lock:
        if name not in _models:
            _models[name] = whosaid.Model(name)
        return _models[name]


def _error_record(id_, message):
    return {"id": id_, "attributions": [], "entities": [], "warnings": [], "errors": [{"message": message}]}


def _records(model, path, text_field, id_field):
    with open(path, "rb") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                record = json.loads(line)
            except ValueError as e:
                yield _error_record(where, f"{where}: invalid JSON: {e}")
                continue
            if not isinstance(record, dict):
                yield _error_record(where, f"{where}: the record is not a JSON object")
                continue
            id_ = record.get(id_field)
            id_ = where if id_ is None else str(id_) if not isinstance(id_, str) else id_
            text = record.get(text_field)
            if not isinstance(text, str):
                yield _error_record(id_, f"{where}: field \"{text_field}\" is "
                                    + ("missing" if text is None else "not a string"))
                continue
            try:
                result = model.extract(text, id=id_)
            except whosaid.WhosaidError as e:
                yield _error_record(id_, f"{where}: {e}")
                continue
            # the other members pass through, after the id, as on the command line
            passed = {k: v for k, v in record.items()
                      if k not in (text_field, id_field, "id", "attributions", "entities", "warnings", "errors")}
            yield {"id": result["id"], **passed, **{k: v for k, v in result.items() if k != "id"}}


def process_shard(path, out_dir, model=None, text_field="text", id_field="id"):
    """Analyse one shard into out_dir/<basename>; returns (output path, records)."""
    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, os.path.basename(path))
    partial = f"{target}.partial-{os.getpid()}-{threading.get_ident()}"
    count = 0
    try:
        with open(partial, "w", encoding="utf-8") as out:
            for record in _records(_model(model), path, text_field, id_field):
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
                count += 1
        os.replace(partial, target)  # whole or not at all
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target, count


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
