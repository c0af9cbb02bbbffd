/*
 * 7_output.h — the renderer of 7_output.c, apart from stages.h because the
 * renderer reads a document through the public accessors only.
 * ws_doc_render() (pipeline.c) counts its time and calls it.
 */
#ifndef WS_STAGE_OUTPUT_H
#define WS_STAGE_OUTPUT_H

#include "whosaid.h"

ws_status ws_output_render(const ws_doc *doc, const ws_render_options *options, ws_buffer *out,
			   ws_error *err);

#endif
