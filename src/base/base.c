/*
 * base.c — memory, growable arrays, word hashing and word lists, and the
 * public names of the status codes.
 *
 * Every allocation of the library goes through the caller's allocator
 * (whosaid.h), which is what lets the tests fail each allocation in turn
 * and check that every failure is reported and nothing leaks.  Arrays
 * double when they grow, with each size computation checked for
 * overflow, so a stage never has to.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *ctx, size_t size) { (void)ctx; return malloc(size); }
static void *default_resize(void *ctx, void *p, size_t size) { (void)ctx; return realloc(p, size); }
static void default_release(void *ctx, void *p) { (void)ctx; free(p); }

static const ws_allocator default_allocator = {default_alloc, default_resize, default_release, NULL};

const ws_allocator *ws_allocator_or_default(const ws_allocator *a)
{
	if (!a)
		return &default_allocator;
	return a->alloc && a->resize && a->release ? a : NULL;
}

void *ws_mem_alloc(const ws_allocator *a, size_t size) { return a->alloc(a->ctx, size ? size : 1); }
void *ws_mem_resize(const ws_allocator *a, void *p, size_t size) { return a->resize(a->ctx, p, size ? size : 1); }
void ws_mem_release(const ws_allocator *a, void *p) { if (p) a->release(a->ctx, p); }

bool ws_grow(const ws_allocator *a, void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return false;
	void *p = ws_mem_resize(a, *items, ncap * elem);
	if (!p)
		return false;
	*items = p;
	*cap = ncap;
	return true;
}

uint32_t ws_word_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
			c = '\''; /* ’ hashes as ' so that both spellings look alike */
			i += 2;
		} else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h ? h : 1;
}

bool ws_word_listed(const char *w, size_t n, const char *const *list)
{
	for (size_t k = 0; list[k]; k++) {
		size_t j = 0;
		while (j < n && list[k][j]) {
			char c = w[j];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != list[k][j])
				break;
			j++;
		}
		if (j == n && !list[k][j])
			return true;
	}
	return false;
}

const char *ws_status_message(ws_status status)
{
	switch (status) {
	case WS_OK: return "success";
	case WS_ERR_NOMEM: return "out of memory";
	case WS_ERR_ARGUMENT: return "invalid argument";
	case WS_ERR_TOO_LARGE: return "input too large";
	case WS_ERR_MODEL: return "model error";
	case WS_ERR_IO: return "input/output error";
	}
	return "unknown status";
}
