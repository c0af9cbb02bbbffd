"""whosaid: who said what, to whom, in news articles.

    import whosaid
    model = whosaid.Model()                 # load once; share between threads
    record = model.extract(text)            # one article -> one dict
    records = model.extract_many(articles, threads=4)   # str, (id, text) or {"id", "text", ...}
    frame = whosaid.to_dataframe(records)   # with pandas: a row per attribution

A record is the dict that `whosaid --format jsonl` prints for the article
(docs/schema.md): "id", "attributions", "entities", "warnings", "errors".
Offsets count code points, as Python's str indices do, unless
offsets="bytes" is asked for.

The C library does the work without holding the GIL, so extract_many()
scales with threads, and so do your own threads calling extract() on one
shared Model.  Failures raise WhosaidError with the library's message.
"""
import collections
import concurrent.futures
import ctypes
import itertools
import json
import threading

from . import _native

__all__ = ["Model", "WhosaidError", "speaker_key", "to_dataframe", "__version__"]
__version__ = "0.1.0"

_lib = _native.load()


class WhosaidError(Exception):
    """A failure of the library: a model that cannot be opened, an article it refuses."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def _text_bytes(text):
    if isinstance(text, bytes):
        return text  # invalid UTF-8 is accepted: replaced by U+FFFD and reported in "warnings"
    if isinstance(text, str):
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"whosaid: the text holds a lone surrogate at {e.start}; it is not UTF-8") from None
    raise TypeError(f"whosaid: text must be str or bytes, not {type(text).__name__}")


class _Document:
    """A ws_doc, lent to one call at a time from its model's pool and reused."""

    def __init__(self):
        self.handle = ctypes.c_void_p()
        status = _lib.ws_doc_new(None, ctypes.byref(self.handle))
        if status != _native.OK:
            raise WhosaidError(_lib.ws_status_message(status).decode(), status)

    def close(self):
        if self.handle:
            _lib.ws_doc_free(self.handle)
            self.handle = ctypes.c_void_p()

    def __del__(self):
        self.close()


class Model:
    """A loaded analysis model.

    name is None for the shipped model, "rules" for the rule-based one, the
    name of a model in $WHOSAID_MODEL_DIR, or a path to a .wsm file.  A
    Model is immutable once loaded and may be used from any number of
    threads at once.
    """

    def __init__(self, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"whosaid: the model name must be a str, not {type(name).__name__}")
        # a name the package ships is its file in the package
        if name is None or "/" not in name:
            name = _native.bundled_model(name or "news") or name
        self._handle = ctypes.c_void_p()
        err = _native.Error()
        status = _lib.ws_model_open(name.encode() if name else None, None, ctypes.byref(self._handle),
                                    ctypes.byref(err))
        if status != _native.OK:
            self._handle = None
            raise WhosaidError(err.message.decode("utf-8", "replace"), status)
        # Documents not in use: an extract() takes one (or makes one) and
        # gives it back, so there are as many as calls ever ran at once.
        self._free_documents = []
        self._lock = threading.Lock()

    @property
    def name(self):
        return _lib.ws_model_name(self._handle).decode()

    def _take_document(self):
        with self._lock:
            if self._free_documents:
                return self._free_documents.pop()
        return _Document()

    def _give_document(self, doc):
        with self._lock:
            if self._handle is not None:
                self._free_documents.append(doc)
                return
        doc.close()

    def extract(self, text, id=None, offsets="codepoints"):
        """The record of one article (str, or bytes of UTF-8) as a dict."""
        if self._handle is None:
            raise WhosaidError("whosaid: the model is closed")
        if offsets not in ("codepoints", "bytes"):
            raise ValueError(f"whosaid: offsets must be 'codepoints' or 'bytes', not {offsets!r}")
        if id is not None and not isinstance(id, str):
            raise TypeError(f"whosaid: id must be a str, not {type(id).__name__}")
        data = _text_bytes(text)
        options = _native.RenderOptions(
            format=_native.FORMAT_JSONL,
            offsets=_native.OFFSETS_BYTES if offsets == "bytes" else _native.OFFSETS_CODEPOINTS,
            id=id.encode() if id is not None else None)
        err = _native.Error()
        buffer = _native.Buffer()
        doc = self._take_document()
        try:
            status = _lib.ws_doc_analyze(doc.handle, self._handle, data, len(data), ctypes.byref(err))
            if status == _native.OK:
                status = _lib.ws_doc_render(doc.handle, ctypes.byref(options), ctypes.byref(buffer),
                                            ctypes.byref(err))
            if status != _native.OK:
                raise WhosaidError(err.message.decode("utf-8", "replace"), status)
            return json.loads(ctypes.string_at(buffer.data, buffer.len))
        finally:
            _lib.ws_buffer_free(ctypes.byref(buffer))
            self._give_document(doc)

    def extract_record(self, record, position=1, offsets="codepoints", text_field="text", id_field="id"):
        """The record of one article given as a dict, {"id": ..., "text": ...,
        and any other members}, exactly as `whosaid --jsonl --format jsonl`
        writes it for that object as a line of its input: the other members
        pass through after the id, and an object that cannot be used (no
        text, a text that is not a string) gives an error record instead of
        raising.  A record without an id gets "item:POSITION"."""
        if self._handle is None:
            raise WhosaidError("whosaid: the model is closed")
        if offsets not in ("codepoints", "bytes"):
            raise ValueError(f"whosaid: offsets must be 'codepoints' or 'bytes', not {offsets!r}")
        line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        buffer = _native.Buffer()
        doc = self._take_document()
        try:
            status = _lib.whosaid_py_record(self._handle, doc.handle, b"item", position, line, len(line),
                                            text_field.encode(), id_field.encode(), offsets == "bytes",
                                            ctypes.byref(buffer))
            if status < 0:
                raise WhosaidError("whosaid: out of memory", _native.ERR_NOMEM)
            return json.loads(ctypes.string_at(buffer.data, buffer.len))
        finally:
            _lib.ws_buffer_free(ctypes.byref(buffer))
            self._give_document(doc)

    def extract_many(self, articles, threads=None, offsets="codepoints", text_field="text", id_field="id"):
        """Records of many articles, in order, analysed on `threads` threads.

        articles is any iterable of str or bytes, of (id, text) pairs, or of
        dicts {"id": ..., "text": ..., ...} whose other members pass through
        as on the command line (extract_record()); it is read lazily, a few
        articles per thread ahead, so an endless stream takes bounded
        memory.  Yields one dict per article.
        """
        threads = threads or 1
        if not isinstance(threads, int) or threads < 1:
            raise ValueError("whosaid: threads must be a positive int")

        def one(numbered):
            position, item = numbered
            if isinstance(item, dict):
                return self.extract_record(item, position, offsets, text_field, id_field)
            if isinstance(item, tuple):
                id_, text = item
                return self.extract(text, id=id_, offsets=offsets)
            return self.extract(item, offsets=offsets)

        numbered = enumerate(articles, 1)

        if threads == 1:
            for item in numbered:
                yield one(item)
            return
        items = numbered
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            pending = collections.deque(pool.submit(one, item) for item in itertools.islice(items, 4 * threads))
            while pending:
                result = pending.popleft().result()
                for item in itertools.islice(items, 1):
                    pending.append(pool.submit(one, item))
                yield result

    def close(self):
        """Release the model and every thread's document now (otherwise when collected)."""
        if getattr(self, "_handle", None) is None:
            return
        with self._lock:
            for doc in self._free_documents:
                doc.close()
            self._free_documents.clear()
            handle, self._handle = self._handle, None
        _lib.ws_model_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


# The members of a record that are the analysis; any other passed through.
_RECORD_MEMBERS = ("id", "attributions", "entities", "warnings", "errors")


def speaker_key(name):
    """The normalised name under which `whosaid speakers` merges a speaker
    across articles ("Sen. J.D. Vance" -> "jd vance"; docs/store.md)."""
    p = _lib.whosaid_py_speaker_key(name.encode("utf-8"))
    if not p:
        raise MemoryError("whosaid: out of memory")
    try:
        return ctypes.string_at(p).decode("utf-8")
    finally:
        _lib.whosaid_py_free(p)


def to_dataframe(records):
    """A pandas DataFrame with one row per attribution of the records.

    Columns: id; every member a record passed through (outlet, date, url,
    ...), in the order first seen; type; speaker, speaker_role,
    speaker_kind, speaker_gender (female, male or unknown for a person,
    None otherwise) and speaker_key (the store's merging key);
    source, cue, content (the fragments joined by " … "), addressee; the
    offsets source_start, source_end, cue_start, cue_end, content_start and
    content_end (of the first and last fragment); confidence.  Offsets are
    those of the records (code points unless asked otherwise).  Needs
    pandas (Debian: python3-pandas).
    """
    try:
        import pandas
    except ImportError:
        raise ImportError("whosaid.to_dataframe needs pandas (Debian: python3-pandas)") from None
    rows, passed = [], []
    keys = {}
    for record in records:
        extra = {k: v for k, v in record.items() if k not in _RECORD_MEMBERS}
        for k in extra:
            if k not in passed:
                passed.append(k)
        for a in record["attributions"]:
            speaker = a.get("speaker") or {}
            name = speaker.get("name")
            if name is not None and name not in keys:
                keys[name] = speaker_key(name)
            span = lambda s, part: s[part] if s else None  # noqa: E731
            rows.append(dict(extra, **{
                "id": record.get("id"),
                "type": a["type"],
                "speaker": name,
                "speaker_role": speaker.get("role"),
                "speaker_kind": speaker.get("kind"),
                "speaker_gender": speaker.get("gender"),
                "speaker_key": keys.get(name),
                "source": span(a["source"], "text"),
                "cue": span(a["cue"], "text"),
                "content": " … ".join(s["text"] for s in a["content"]),
                "addressee": span(a["addressee"], "text"),
                "source_start": span(a["source"], "start"),
                "source_end": span(a["source"], "end"),
                "cue_start": span(a["cue"], "start"),
                "cue_end": span(a["cue"], "end"),
                "content_start": a["content"][0]["start"] if a["content"] else None,
                "content_end": a["content"][-1]["end"] if a["content"] else None,
                "confidence": a["confidence"],
            }))
    columns = (["id"] + passed + ["type", "speaker", "speaker_role", "speaker_kind", "speaker_gender",
                                  "speaker_key", "source", "cue", "content", "addressee", "source_start",
                                  "source_end", "cue_start", "cue_end", "content_start", "content_end",
                                  "confidence"])
    return pandas.DataFrame(rows, columns=columns)
