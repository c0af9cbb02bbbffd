/*
 * serve_page.c — the files of the page `whosaid serve` shows, built into
 * the binary so that the server needs no folder of its own and the page
 * works offline: index.html, app.js and app.css of server/page/, each
 * taken whole by the assembler's .incbin when this file is compiled (the
 * Makefile makes this file depend on them).
 */
#include "server/server.h"

#include <string.h>

/* Each file between a start and an end symbol, in read-only data. */
#define EMBED(name, path)                                                         \
	__asm__(".section .rodata\n"                                              \
		".global " #name "_start\n"                                       \
		".global " #name "_end\n"                                         \
		".balign 16\n" #name "_start:\n"                                  \
		".incbin \"" path "\"\n" #name "_end:\n"                          \
		".previous\n");                                                   \
	extern const char name##_start[], name##_end[]

EMBED(page_html, "server/page/index.html");
EMBED(page_js, "server/page/app.js");
EMBED(page_css, "server/page/app.css");

static const struct {
	const char *path;
	const char *type;
	const char *start, *end;
} assets[] = {
	{"/index.html", "text/html; charset=utf-8", page_html_start, page_html_end},
	{"/app.js", "text/javascript; charset=utf-8", page_js_start, page_js_end},
	{"/app.css", "text/css; charset=utf-8", page_css_start, page_css_end},
};

const char *serve_asset(const char *path, const char **type, size_t *len)
{
	for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++) {
		if (strcmp(path, assets[i].path) == 0) {
			if (type)
				*type = assets[i].type;
			if (len)
				*len = (size_t)(assets[i].end - assets[i].start);
			return assets[i].start;
		}
	}
	return NULL;
}
