/*
 * test_speakers.c — 6_speakers.c through the public API: names, roles and
 * kinds; short forms, role nouns and pronouns resolved to the full name;
 * the entity list with its mentions and attribution counts.
 */
#include "fixture.h"

static const ws_entity *entity(size_t i)
{
	const ws_entity *e = ws_doc_entity(doc, i);
	assert_non_null(e);
	return e;
}

static const ws_entity *speaker_of(size_t attribution_index)
{
	const ws_attribution *a = attribution(attribution_index);
	assert_true(a->speaker >= 0);
	return entity((size_t)a->speaker);
}

static const char jane_doe[] =
	"Vice President Jane Doe said the bridge was safe.\n\n"
	"Doe said tolls would stay low. The vice president added that the ferry would run. "
	"She argued that storms were likely.";

static void test_name_and_role_split(void **state)
{
	analyze(jane_doe);
	const ws_entity *e = speaker_of(0);
	assert_string_equal(e->name, "Jane Doe");
	assert_string_equal(e->role, "Vice President");
	assert_int_equal(e->kind, WS_ENTITY_PERSON);
}

/* An appositive role, without its article, is found again by its role
 * noun.  (The learned model's sources take the commas around it too:
 * tests/cli/role_and_addressee.cmd.) */
static void test_appositive_role_found_by_role_noun(void **state)
{
	analyze("Jane Doe, the city engineer, said the work was on time. "
		"The city engineer added that the road would reopen.");
	const ws_entity *e = speaker_of(0);
	assert_string_equal(e->name, "Jane Doe");
	assert_string_equal(e->role, "city engineer");
	assert_true(speaker_of(1) == e);
}

static void test_short_form_role_noun_and_pronoun_resolve_to_full_name(void **state)
{
	analyze(jane_doe);
	assert_int_equal(ws_doc_attribution_count(doc), 4);
	assert_span(attribution(1)->source, "Doe");
	assert_span(attribution(2)->source, "The vice president");
	assert_span(attribution(3)->source, "She");
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(attribution(i)->speaker, attribution(0)->speaker);
		assert_string_equal(speaker_of(i)->name, "Jane Doe");
	}
}

static void test_entity_list_mentions_and_counts(void **state)
{
	analyze(jane_doe);
	assert_int_equal(ws_doc_entity_count(doc), 1);
	assert_null(ws_doc_entity(doc, 1));
	const ws_entity *e = entity(0);
	assert_int_equal(e->attribution_count, 4);
	assert_int_equal(e->mention_count, 4);
	assert_span(e->mentions[0], "Vice President Jane Doe");
	assert_span(e->mentions[1], "Doe");
	for (size_t i = 1; i < e->mention_count; i++)
		assert_true(e->mentions[i - 1].start < e->mentions[i].start);
}

static void test_short_form_picks_the_matching_person(void **state)
{
	analyze("Tom Reller said the bridge was safe. Ines Marrow said it was not. "
		"Reller said the tests were done.");
	assert_int_equal(ws_doc_entity_count(doc), 2);
	assert_string_equal(speaker_of(0)->name, "Tom Reller");
	assert_string_equal(speaker_of(1)->name, "Ines Marrow");
	assert_string_equal(speaker_of(2)->name, "Tom Reller");
	assert_int_equal(speaker_of(0)->attribution_count, 2);
	assert_int_equal(speaker_of(1)->attribution_count, 1);
}

static void test_role_before_name_kept_as_written(void **state)
{
	analyze("Ministry spokeswoman Lina Varo said the talks had failed.");
	const ws_entity *e = speaker_of(0);
	assert_string_equal(e->name, "Lina Varo");
	assert_string_equal(e->role, "Ministry spokeswoman");
	assert_int_equal(e->kind, WS_ENTITY_PERSON);
}

static void test_group_kind(void **state)
{
	analyze("Critics said the plan was rushed.");
	const ws_entity *e = speaker_of(0);
	assert_int_equal(e->kind, WS_ENTITY_GROUP);
	assert_string_equal(e->name, "Critics");
	assert_string_equal(e->role, "");
}

static void test_organization_kind(void **state)
{
	analyze("The Brackton Harbor Council said the pier would reopen.");
	const ws_entity *e = speaker_of(0);
	assert_int_equal(e->kind, WS_ENTITY_ORGANIZATION);
	assert_string_equal(e->name, "Brackton Harbor Council");
}

static void test_unresolved_pronoun_has_no_speaker(void **state)
{
	analyze("\"The bridge is safe,\" she said.");
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	assert_int_equal(attribution(0)->speaker, -1);
	assert_int_equal(ws_doc_entity_count(doc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_and_role_split),
		cmocka_unit_test(test_appositive_role_found_by_role_noun),
		cmocka_unit_test(test_short_form_role_noun_and_pronoun_resolve_to_full_name),
		cmocka_unit_test(test_entity_list_mentions_and_counts),
		cmocka_unit_test(test_short_form_picks_the_matching_person),
		cmocka_unit_test(test_role_before_name_kept_as_written),
		cmocka_unit_test(test_group_kind),
		cmocka_unit_test(test_organization_kind),
		cmocka_unit_test(test_unresolved_pronoun_has_no_speaker),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
