/*
 * counting_allocator.h — an allocator for the tests that counts the blocks
 * it holds and can fail the allocation numbered fail_at (from 1; 0 never
 * fails), so that a test can prove the library uses the allocator it is
 * given, leaks nothing, and survives running out of memory at any point.
 * Blocks come from cmocka, which also reports any left over.
 */
#ifndef WS_TEST_COUNTING_ALLOCATOR_H
#define WS_TEST_COUNTING_ALLOCATOR_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "whosaid.h"

typedef struct counting {
	size_t calls;       /* alloc and resize calls so far */
	size_t fail_at;     /* the call that returns NULL, or 0 */
	long live;          /* blocks not yet released */
} counting;

static inline void *count_alloc(void *ctx, size_t size)
{
	counting *c = ctx;
	if (++c->calls == c->fail_at)
		return NULL;
	void *p = test_malloc(size);
	if (p)
		c->live++;
	return p;
}

static inline void *count_resize(void *ctx, void *ptr, size_t size)
{
	counting *c = ctx;
	if (++c->calls == c->fail_at)
		return NULL;
	void *p = test_realloc(ptr, size);
	if (p && !ptr)
		c->live++;
	return p;
}

static inline void count_release(void *ctx, void *ptr)
{
	counting *c = ctx;
	if (ptr)
		c->live--;
	test_free(ptr);
}

/* The allocator that counts into c. */
static inline ws_allocator counting_allocator(counting *c)
{
	return (ws_allocator){count_alloc, count_resize, count_release, c};
}

#endif /* WS_TEST_COUNTING_ALLOCATOR_H */
