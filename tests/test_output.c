/*
 * test_output.c — the tables (CSV and TSV) through the public API: one
 * cell's quoting, escaping and formula guard (ws_render_cell(), which the
 * quote store's commands write with too), the columns of passed-through
 * members, the error row, and what the renderer refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "whosaid.h"

/* One cell (the last of its row) as ws_render_cell() writes it, compared
 * with want; text is n bytes. */
static void check_cell(ws_format format, const char *text, size_t n, const char *want)
{
	ws_buffer out = {0};
	assert_int_equal(ws_render_cell(format, text, n, 1, &out, NULL), WS_OK);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	ws_buffer_free(&out);
}

#define CSV(text, want) check_cell(WS_FORMAT_CSV, text, sizeof text - 1, want)
#define TSV(text, want) check_cell(WS_FORMAT_TSV, text, sizeof text - 1, want)

static void test_csv_quoting(void **state)
{
	CSV("plain words", "plain words\r\n");
	CSV("", "\r\n");
	CSV("a,b", "\"a,b\"\r\n");
	CSV("the \"new\" pier", "\"the \"\"new\"\" pier\"\r\n");
	CSV("\"", "\"\"\"\"\r\n");
	CSV("two\nlines", "\"two\nlines\"\r\n");
	CSV("two\r\nlines", "\"two\r\nlines\"\r\n");
	CSV("a\tb", "a\tb\r\n"); /* a tab needs no quotes in CSV */
	/* other controls are spaces, invalid UTF-8 and NULs U+FFFD or spaces */
	CSV("a\x1b[31mb", "a [31mb\r\n");
	CSV("a\xff" "b", "a\xEF\xBF\xBD" "b\r\n");
	CSV("a\0b", "a b\r\n");
	CSV("caf\xC3\xA9, \xE2\x80\xA6", "\"caf\xC3\xA9, \xE2\x80\xA6\"\r\n");
}

static void test_formula_guard(void **state)
{
	CSV("=SUM(A1)", "'=SUM(A1)\r\n");
	CSV("+3", "'+3\r\n");
	CSV("-40 degrees", "'-40 degrees\r\n");
	CSV("@Harbour", "'@Harbour\r\n");
	CSV("\tx", "'\tx\r\n");
	/* the ' goes inside the quotes, or a reader would split the cell */
	CSV("=SUM(A1,A9)", "\"'=SUM(A1,A9)\"\r\n");
	CSV("\rx", "\"'\rx\"\r\n");
	CSV("a=b", "a=b\r\n");
	CSV(" =1", " =1\r\n");
	TSV("=SUM(A1,A9)", "'=SUM(A1,A9)\n");
	TSV("\tx", "' x\n");
	TSV("-3", "'-3\n");
}

static void test_tsv_escaping(void **state)
{
	TSV("a,b \"c\"", "a,b \"c\"\n");
	TSV("a\tb\nc\rd", "a b c d\n");
	TSV("a\xC2\x85" "b", "a b\n"); /* U+0085, a C1 control */
	ws_buffer out = {0};
	assert_int_equal(ws_render_cell(WS_FORMAT_TSV, "a", 1, 0, &out, NULL), WS_OK);
	assert_int_equal(ws_render_cell(WS_FORMAT_TSV, NULL, 0, 1, &out, NULL), WS_OK);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "a\t\n", 3);
	ws_buffer_free(&out);
	assert_int_equal(ws_render_cell(WS_FORMAT_CSV, "a", 1, 0, &out, NULL), WS_OK);
	assert_int_equal(out.len, 2);
	assert_memory_equal(out.data, "a,", 2);
	ws_buffer_free(&out);
}

static void test_cell_bad_arguments(void **state)
{
	ws_buffer out = {0};
	ws_error err;
	assert_int_equal(ws_render_cell(WS_FORMAT_JSONL, "a", 1, 1, &out, &err), WS_ERR_ARGUMENT);
	assert_int_equal(ws_render_cell(WS_FORMAT_CSV, NULL, 1, 1, &out, &err), WS_ERR_ARGUMENT);
	assert_int_equal(ws_render_cell(WS_FORMAT_CSV, "a", 1, 1, NULL, &err), WS_ERR_ARGUMENT);
	assert_int_equal(out.len, 0);
	ws_buffer_free(&out);
}

/* The failure row of options as a string (the caller frees it), or NULL
 * when rendering fails with the status in *status. */
static char *failure_row(const ws_render_options *opt, ws_status *status)
{
	ws_buffer out = {0};
	*status = ws_render_failure(opt, "it broke", &out, NULL);
	if (*status != WS_OK) {
		assert_int_equal(out.len, 0);
		ws_buffer_free(&out);
		return NULL;
	}
	char *s = malloc(out.len + 1);
	assert_non_null(s);
	memcpy(s, out.data, out.len);
	s[out.len] = '\0';
	ws_buffer_free(&out);
	return s;
}

static const char empty_results[] = ",,,,,,,,,,,,,,,,,";

static void test_member_columns(void **state)
{
	static const char *const columns[] = {"outlet", "name", "count", "none", "tags", "type", "outlet", "gone"};
	ws_render_options opt = {
		.format = WS_FORMAT_CSV,
		.id = "d1",
		.extra_json = " \"outlet\" : \"Shore, Post\" , \"n\\u0061me\":\"caf\\u00e9 \\ud83d\\ude00 \\ud800 \\\"x\\\"\","
			      "\"count\":-3,\"none\":null,\"tags\":[\"a\\\"]\", {\"b\": 1}],\"type\":\"brief\",\"more\":{\"k\": [1, 2]}",
		.tsv_header = 1,
		.columns = columns,
		.column_count = sizeof columns / sizeof columns[0],
	};
	ws_status st;
	char *row = failure_row(&opt, &st);
	assert_int_equal(st, WS_OK);
	/* type is a column of the row's own and outlet a repeat: neither gets
	 * a column of its own; gone is a column that this record leaves empty */
	const char header[] = "id,outlet,name,count,none,tags,gone,type,speaker,role,kind,gender,speaker_key,source,"
			      "cue,addressee,content,source_start,source_end,cue_start,cue_end,content_start,"
			      "content_end,confidence,error,extra\r\n";
	assert_memory_equal(row, header, sizeof header - 1);
	char want[512];
	snprintf(want, sizeof want,
		 "d1,\"Shore, Post\",\"caf\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD \"\"x\"\"\",'-3,,\"[\"\"a\\\"\"]\"\",{\"\"b\"\":1}]\",,%s"
		 "it broke,\"{\"\"type\"\":\"\"brief\"\",\"\"more\"\":{\"\"k\"\":[1,2]}}\"\r\n",
		 empty_results);
	assert_string_equal(row + sizeof header - 1, want);
	free(row);

	/* without columns every member is in extra; TSV the same, its way */
	opt = (ws_render_options){.format = WS_FORMAT_TSV, .id = "d2", .extra_json = "\"a\":\"x\ty\""};
	row = failure_row(&opt, &st);
	assert_int_equal(st, WS_OK);
	assert_string_equal(row, "d2\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tit broke\t{\"a\":\"x y\"}\n");
	free(row);
}

static void test_bad_members_refused(void **state)
{
	static const char *const bad[] = {
		"\"a\"", "\"a\":", "a:1", "\"a\":1,", "\"a\":[1", "\"a\":1]", "\"a\":\"x", ",\"a\":1", "\"a\" 1",
	};
	static const char *const columns[] = {"a"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ws_render_options opt = {.format = WS_FORMAT_CSV, .extra_json = bad[i], .columns = columns,
					 .column_count = 1};
		ws_status st;
		assert_null(failure_row(&opt, &st));
		assert_int_equal(st, WS_ERR_ARGUMENT);
	}
}

static void test_rows_of_a_document(void **state)
{
	static const char article[] = "Ines Marrow said the pier, she thought, was =SAFE.\n\nThe ferry ran late.";
	static const char *const keys[] = {"THE KEY"};
	static const char *const columns[] = {"outlet"};
	ws_model *model;
	ws_doc *doc;
	assert_int_equal(ws_model_open("rules", NULL, &model, NULL), WS_OK);
	assert_int_equal(ws_doc_new(NULL, &doc), WS_OK);
	assert_int_equal(ws_doc_analyze(doc, model, article, sizeof article - 1, NULL), WS_OK);
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	assert_int_equal(ws_doc_entity_count(doc), 1);
	ws_render_options opt = {.format = WS_FORMAT_CSV, .id = "d1", .extra_json = "\"outlet\":\"@Shore\"",
				 .columns = columns, .column_count = 1, .speaker_keys = keys};
	ws_buffer out = {0};
	assert_int_equal(ws_doc_render(doc, &opt, &out, NULL), WS_OK);
	const char want[] = "d1,'@Shore,indirect,Ines Marrow,,person,female,THE KEY,Ines Marrow,said,,"
			    "\"the pier, she thought, was =SAFE\",0,11,12,16,17,49,0.923,,\r\n";
	assert_int_equal(out.len, sizeof want - 1);
	assert_memory_equal(out.data, want, out.len);

	/* a malformed extra_json leaves the buffer as it was */
	opt.extra_json = "\"outlet\":";
	assert_int_equal(ws_doc_render(doc, &opt, &out, NULL), WS_ERR_ARGUMENT);
	assert_int_equal(out.len, sizeof want - 1);
	ws_buffer_free(&out);

	/* no attributions, no rows: the header alone */
	assert_int_equal(ws_doc_analyze(doc, model, "The ferry ran late.", 19, NULL), WS_OK);
	opt = (ws_render_options){.format = WS_FORMAT_TSV, .tsv_header = 1};
	assert_int_equal(ws_doc_render(doc, &opt, &out, NULL), WS_OK);
	assert_int_equal(memchr(out.data, '\n', out.len), out.data + out.len - 1);
	ws_buffer_free(&out);
	ws_doc_free(doc);
	ws_model_free(model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_formula_guard),
		cmocka_unit_test(test_tsv_escaping),
		cmocka_unit_test(test_cell_bad_arguments),
		cmocka_unit_test(test_member_columns),
		cmocka_unit_test(test_bad_members_refused),
		cmocka_unit_test(test_rows_of_a_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
