/*
 * base.h — the floor every part of the library stands on: memory through
 * the caller's allocator, arrays that grow, and word hashing and lists.
 *
 * Nothing here knows what a document, a model or a stage is, and nothing
 * here includes anything of the library but the public header, so any
 * file may use it without creating a loop.
 */
#ifndef WS_BASE_H
#define WS_BASE_H

#include "whosaid.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The byte that stands in for each invalid byte or NUL of an input, in
 * the text every stage and every rendering reads. */
#define WS_SUBSTITUTE 0x1A

/* The caller's allocator, the one built on malloc for NULL, or NULL when
 * the caller's lacks one of its three functions. */
const ws_allocator *ws_allocator_or_default(const ws_allocator *a);
void *ws_mem_alloc(const ws_allocator *a, size_t size);
void *ws_mem_resize(const ws_allocator *a, void *ptr, size_t size);
void ws_mem_release(const ws_allocator *a, void *ptr);

/* Grow *items (of elem bytes each) to hold at least need; false on
 * overflow or out of memory, leaving *items untouched. */
bool ws_grow(const ws_allocator *a, void **items, size_t *cap, size_t need, size_t elem);

/* FNV-1a of a word with ASCII letters lower-cased and ’ read as '. */
uint32_t ws_word_hash(const char *s, size_t n);

/* Is w[0..n) one of the lower-case words of the NULL-ended list, ignoring
 * ASCII case? */
bool ws_word_listed(const char *w, size_t n, const char *const *list);

#endif /* WS_BASE_H */
