/*
 * export.h — the server's CSV answers (export.c): search hits and the
 * attributions of one article, for the page's downloads and for anyone
 * who asks an endpoint for format=csv.
 */
#ifndef WHOSAID_SERVER_EXPORT_H
#define WHOSAID_SERVER_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* The attributions of an analysis record (its "attributions" array, with
 * the offsets it was rendered with) as CSV on out: a header line, then
 * one line per attribution in the columns of the analysis's CSV format
 * for a document without passed-through members (docs/schema.md), id being the article's id (NULL: empty).  false
 * when out fails. */
bool export_record_csv(FILE *out, const char *id, json_t *attributions);

#endif /* WHOSAID_SERVER_EXPORT_H */
