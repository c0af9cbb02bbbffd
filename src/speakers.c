#include "internal.h"
ws_status ws_speakers_resolve(ws_doc *doc) { (void)doc; return WS_OK; }
