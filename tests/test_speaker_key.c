/*
 * test_speaker_key.c — the name normalisation that merges one speaker's
 * counts across articles (store/speaker_key.c), and the fingerprint that
 * tells an unchanged article (store/store.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store/store.h"

static void assert_key(const char *name, const char *want)
{
	char *key = speaker_key(name);
	assert_non_null(key);
	if (strcmp(key, want) != 0)
		fail_msg("speaker_key(\"%s\") is \"%s\", expected \"%s\"", name, key, want);
	free(key);
}

static void test_initials_join(void **state)
{
	assert_key("J.D. Vance", "jd vance");
	assert_key("JD Vance", "jd vance");
	assert_key("J. D. Vance", "jd vance");
	assert_key("J D Vance", "jd vance");
	/* one initial stays a word of its own */
	assert_key("Mary J. Blige", "mary j blige");
}

static void test_titles_and_suffixes_drop(void **state)
{
	assert_key("Sen. JD Vance", "jd vance");
	assert_key("Prime Minister Ingrid Solberg", "ingrid solberg");
	assert_key("former Vice President Al Gore", "al gore");
	assert_key("Martin Luther King Jr.", "martin luther king");
	assert_key("the Harbour Authority", "harbour authority");
	/* a title alone is all there is of the name: it stays */
	assert_key("the President", "president");
	assert_key("Mayor", "mayor");
}

static void test_case_spaces_and_possessives(void **state)
{
	assert_key("  Jane   DOE ", "jane doe");
	assert_key("Doe's", "doe");
	assert_key("O\xE2\x80\x99" "Brien\xE2\x80\x99s", "o'brien");
	assert_key("\xC3\x89MILE Zola", "emile zola");                      /* É -> e, as FTS5 matches it */
	assert_key("\xC5\x81UKASZ", "\xC5\x82ukasz");                      /* Ł -> ł */
	assert_key("\xD0\x98\xD0\x92\xD0\x90\xD0\x9D", "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD"); /* ИВАН */
	assert_key("\xCE\x9F\xCE\xA3", "\xCE\xBF\xCF\x83");                /* ΟΣ */
	assert_key("", "");
	assert_key("...", "");
	/* an invalid byte is kept, not lost or merged with its neighbours */
	assert_key("Ana \xFF Ruiz", "ana \xFF ruiz");
}

/* One name, one key, whatever its Unicode form: composed or decomposed
 * (NFC, NFD), upper or lower case, with or without its accents, in the
 * scripts of Polish, Romanian, Czech, Russian and Greek names. */
static void test_unicode_forms_of_one_name(void **state)
{
	/* Zoë: ë composed (U+00EB), and e + combining diaeresis (U+0308) */
	assert_key("Zo\xC3\xAB Ni Bhriain", "zoe ni bhriain");
	assert_key("Zoe\xCC\x88 Ni Bhriain", "zoe ni bhriain");
	assert_key("Zoe Ni Bhriain", "zoe ni bhriain");
	/* Ångström, and the angstrom sign U+212B that NFKC makes Å */
	assert_key("\xC3\x85ngstr\xC3\xB6m", "angstrom");
	assert_key("\xE2\x84\xABngstro\xCC\x88m", "angstrom");
	/* Łukasz Wiśniewski: Ł is a letter of its own, ś is s with a mark */
	assert_key("\xC5\x81UKASZ WI\xC5\x9ANIEWSKI", "\xC5\x82ukasz wisniewski");
	assert_key("\xC5\x81ukasz Wis\xCC\x81niewski", "\xC5\x82ukasz wisniewski");
	/* Ștefan Dumitrescu (S with comma below), Tomáš Dvořák */
	assert_key("\xC8\x98tefan Dumitrescu", "stefan dumitrescu");
	assert_key("Tom\xC3\xA1\xC5\xA1 Dvo\xC5\x99\xC3\xA1k", "tomas dvorak");
	/* Владимир Козлов, and Αλέξης Ρήγας with and without its tonos */
	assert_key("\xD0\x92\xD0\x9B\xD0\x90\xD0\x94\xD0\x98\xD0\x9C\xD0\x98\xD0\xA0 \xD0\x9A\xD0\xBE\xD0\xB7\xD0\xBB\xD0\xBE\xD0\xB2",
		   "\xD0\xB2\xD0\xBB\xD0\xB0\xD0\xB4\xD0\xB8\xD0\xBC\xD0\xB8\xD1\x80 \xD0\xBA\xD0\xBE\xD0\xB7\xD0\xBB\xD0\xBE\xD0\xB2");
	assert_key("\xCE\x91\xCE\xBB\xCE\xAD\xCE\xBE\xCE\xB7\xCF\x82 \xCE\xA1\xCE\xAE\xCE\xB3\xCE\xB1\xCF\x82",
		   "\xCE\xB1\xCE\xBB\xCE\xB5\xCE\xBE\xCE\xB7\xCF\x83 \xCF\x81\xCE\xB7\xCE\xB3\xCE\xB1\xCF\x83");
	/* initials in another script join like Latin ones */
	assert_key("\xD0\x92. \xD0\x92. \xD0\x9A\xD0\xBE\xD0\xB7\xD0\xBB\xD0\xBE\xD0\xB2",
		   "\xD0\xB2\xD0\xB2 \xD0\xBA\xD0\xBE\xD0\xB7\xD0\xBB\xD0\xBE\xD0\xB2");
}

static void test_fingerprint_separates_parts(void **state)
{
	char a[17], b[17];
	store_fingerprint("abc", 3, NULL, "news", a);
	store_fingerprint("abc", 3, "", "news", b);
	assert_string_equal(a, b); /* no metadata and empty metadata are one */
	assert_int_equal(strlen(a), 16);
	store_fingerprint("abc", 3, NULL, "rules", b);
	assert_string_not_equal(a, b);
	store_fingerprint("abd", 3, NULL, "news", b);
	assert_string_not_equal(a, b);
	/* bytes moved from the text into the metadata are a change */
	store_fingerprint("ab", 2, "c", "news", b);
	assert_string_not_equal(a, b);
	store_fingerprint("abc", 3, "\"outlet\":\"x\"", "news", b);
	assert_string_not_equal(a, b);
	/* the text is taken by length: NULs count */
	store_fingerprint("ab\0c", 4, NULL, "news", a);
	store_fingerprint("ab\0d", 4, NULL, "news", b);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initials_join),
		cmocka_unit_test(test_titles_and_suffixes_drop),
		cmocka_unit_test(test_case_spaces_and_possessives),
		cmocka_unit_test(test_unicode_forms_of_one_name),
		cmocka_unit_test(test_fingerprint_separates_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
