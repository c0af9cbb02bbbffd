"""ctypes declarations of libwhosaid's public API (include/whosaid.h).

Functions of a ctypes.CDLL release the GIL while they run, which is what
lets threads analyse documents in parallel.  The library is the one
setup.py built into the package's _lib folder (the library, the command
front and native/records.c), or the file $WHOSAID_LIBRARY names.
"""
import ctypes
import os

_HERE = os.path.dirname(os.path.abspath(__file__))

# enum ws_format and ws_offset_unit
FORMAT_JSONL = 1
FORMAT_TSV = 4
FORMAT_CSV = 5
OFFSETS_CODEPOINTS = 0
OFFSETS_BYTES = 1
# enum ws_status
OK = 0
ERR_NOMEM = 1
ERR_ARGUMENT = 2
ERR_TOO_LARGE = 3
ERR_MODEL = 4
ERR_IO = 5


class Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("position", ctypes.c_size_t), ("message", ctypes.c_char * 256)]


class RenderOptions(ctypes.Structure):
    # ws_render_options member for member: the library reads all of them,
    # so a member missing here would be read from past the end of the struct
    _fields_ = [("format", ctypes.c_int), ("offsets", ctypes.c_int), ("id", ctypes.c_char_p),
                ("extra_json", ctypes.c_char_p), ("tsv_header", ctypes.c_int),
                ("columns", ctypes.POINTER(ctypes.c_char_p)), ("column_count", ctypes.c_size_t),
                ("speaker_keys", ctypes.POINTER(ctypes.c_char_p))]


class Buffer(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_char)), ("len", ctypes.c_size_t), ("cap", ctypes.c_size_t)]


def library_candidates():
    env = os.environ.get("WHOSAID_LIBRARY")
    if env:
        yield env
    yield os.path.join(_HERE, "_lib", "libwhosaid.so")


def bundled_model(name="news"):
    """The model file of that name shipped in the package, or None."""
    path = os.path.join(_HERE, "_lib", f"{name}.wsm")
    return path if os.path.exists(path) else None


def load():
    tried = []
    for path in library_candidates():
        if os.path.exists(path):
            lib = ctypes.CDLL(os.path.abspath(path))
            break
        tried.append(os.path.abspath(path))
    else:
        raise ImportError("whosaid: libwhosaid.so not found (looked at " + ", ".join(tried) +
                          "); install the package with `pip install ./python` from the repository, "
                          "which builds it, or set WHOSAID_LIBRARY")
    p = ctypes.c_void_p
    lib.ws_model_open.argtypes = [ctypes.c_char_p, p, ctypes.POINTER(p), ctypes.POINTER(Error)]
    lib.ws_model_open.restype = ctypes.c_int
    lib.ws_model_free.argtypes = [p]
    lib.ws_model_free.restype = None
    lib.ws_model_name.argtypes = [p]
    lib.ws_model_name.restype = ctypes.c_char_p
    lib.ws_doc_new.argtypes = [p, ctypes.POINTER(p)]
    lib.ws_doc_new.restype = ctypes.c_int
    lib.ws_doc_free.argtypes = [p]
    lib.ws_doc_free.restype = None
    lib.ws_doc_analyze.argtypes = [p, p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Error)]
    lib.ws_doc_analyze.restype = ctypes.c_int
    lib.ws_doc_render.argtypes = [p, ctypes.POINTER(RenderOptions), ctypes.POINTER(Buffer), ctypes.POINTER(Error)]
    lib.ws_doc_render.restype = ctypes.c_int
    lib.ws_buffer_free.argtypes = [ctypes.POINTER(Buffer)]
    lib.ws_buffer_free.restype = None
    lib.ws_status_message.argtypes = [ctypes.c_int]
    lib.ws_status_message.restype = ctypes.c_char_p
    # native/records.c: the command front's records
    size = ctypes.c_size_t
    lib.whosaid_py_record.argtypes = [p, p, ctypes.c_char_p, size, ctypes.c_char_p, size, ctypes.c_char_p,
                                      ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(Buffer)]
    lib.whosaid_py_record.restype = ctypes.c_int
    lib.whosaid_py_file.argtypes = [p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                    ctypes.POINTER(size), ctypes.POINTER(size), ctypes.c_char_p, size]
    lib.whosaid_py_file.restype = ctypes.c_int
    lib.whosaid_py_speaker_key.argtypes = [ctypes.c_char_p]
    lib.whosaid_py_speaker_key.restype = ctypes.c_void_p
    lib.whosaid_py_free.argtypes = [ctypes.c_void_p]
    lib.whosaid_py_free.restype = None
    return lib
