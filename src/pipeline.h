/*
 * pipeline.h — the one part of the pipeline's order that is not public:
 * the stages up to and including the rules' attributions, which is what
 * the learned labeller reads, and so what its trainer must run first.
 */
#ifndef WS_PIPELINE_H
#define WS_PIPELINE_H

#include "document/document.h"

ws_status ws_doc_prepare(ws_doc *doc, const ws_model *model, const char *text, size_t len);

#endif /* WS_PIPELINE_H */
