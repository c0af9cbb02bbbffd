/*
 * test_quote_clusters.c — the rule that decides whether two contents are
 * one quote (store/quote_clusters.c), on invented pairs: the same words
 * written differently, a sentence quoted out of a longer passage, a word
 * changed, and pairs that must stay apart (a long shared phrase that goes
 * on differently, different quotes on one subject, short commonplaces).
 * The precision and recall on the whole set are printed, and docs/store.md
 * quotes them; the test fails when either falls below what is documented.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store/store.h"

typedef struct pair {
	const char *a, *b;
	bool same;
	const char *what;
} pair;

/* Every text was written for this test. */
static const pair pairs[] = {
	/* the same words, written differently */
	{"\"We will not sail until the rota is fixed,\"", "“We will not sail until the rota is fixed.”", true, "quotation marks"},
	{"THE LOCK GATES WERE NEVER MEANT FOR THIS", "the lock gates were never meant for this", true, "case"},
	{"The  lock gates\nwere never   meant for this", "The lock gates were never meant for this", true, "white space"},
	{"We don’t build bridges to nowhere.", "We don't build bridges to nowhere", true, "apostrophes"},
	{"Zoë said the café would reopen in spring", "Zoe said the cafe would reopen in spring", true, "composed marks"},
	{"Zoe\xCC\x88 said the cafe\xCC\x81 would reopen in spring", "Zoë said the café would reopen in spring", true, "decomposed marks"},
	{"The ﬁnal oﬀer is on the table, take it or leave it", "The final offer is on the table - take it or leave it", true, "ligatures (NFKC)"},
	{"Ten years, ten budgets, and not one new classroom.", "Ten years; ten budgets; and not one new classroom!", true, "punctuation"},
	{"No ward will close", "no ward will close!", true, "a short quote, exactly"},
	/* a sentence out of a longer passage */
	{"A bridge that is half built is just an expensive pier.",
	 "“A bridge that is half built is just an expensive pier,” … “If we start this job, we have to be able to finish it.”",
	 true, "the first sentence of two"},
	{"we have to be able to finish it",
	 "A bridge that is half built is just an expensive pier. If we start this job, we have to be able to finish it.",
	 true, "the end of a passage"},
	{"the orchard will feed the whole valley by next autumn",
	 "Nobody believed us at first. But I tell you the orchard will feed the whole valley by next autumn, and the school"
	 " will have its apples too.",
	 true, "a clause in the middle"},
	{"Our members are tired, and tired crews make mistakes.",
	 "We will not sail until the rota is fixed. Our members are tired, and tired crews make mistakes. Nobody wants a"
	 " strike, but nobody wants an accident either.",
	 true, "the middle sentence of three"},
	/* a word changed, added or dropped */
	{"The harbour is safe, but it is not ready for another storm like this one",
	 "The harbour is safe, but it is not ready for a second storm like this one", true, "one word changed"},
	{"We will reopen the library before the winter term begins",
	 "We will reopen the library before the winter term starts", true, "the last word changed"},
	{"I have never seen the river this low in thirty years of farming",
	 "I have never seen the river so low in thirty years of farming here", true, "one changed, one added"},
	{"The council has simply run out of patience with the contractor",
	 "The council has run out of patience with the contractor", true, "one word dropped"},
	{"Every month we delay, the bill goes up", "Every single month we delay, the bill goes up", true, "one word added"},
	/* a long shared phrase that goes on differently: apart */
	{"We will not raise fares this year, whatever the ministry decides",
	 "We will not raise fares this year, but next year everything is on the table", false, "shared opening"},
	{"The harbour will stay open to every ship that pays its dues",
	 "The harbour will stay open to every ship until the storm season ends", false, "shared opening, other end"},
	{"Our teachers deserve better than this, and the parents know it",
	 "Frankly the inspectors know it, and our teachers deserve better than this", false, "shared phrase, moved"},
	{"I am proud of what the volunteers did on the night of the flood",
	 "I am proud of what the volunteers did, but the council failed them badly", false, "shared start"},
	{"This plan puts the needs of drivers ahead of the needs of children",
	 "This plan puts the needs of children ahead of everything else in the town", false, "shared words, other sense"},
	/* different quotes on one subject: apart */
	{"The ferry timetable will be restored by the end of May",
	 "Passengers have waited long enough for a reliable ferry", false, "one subject"},
	{"The bridge will reopen in September if the steel arrives on time",
	 "The steel for the bridge is late and nobody can tell us why", false, "one subject, shared words"},
	{"We need two more nurses on every night shift",
	 "Night shifts are the hardest to staff in every ward we run", false, "shared words"},
	{"The school roof leaks every time it rains", "The hospital roof was repaired last summer at great cost", false, "roofs"},
	/* short contents: only the same words join */
	{"We will see", "We will see about that tomorrow morning", false, "too short to be a part"},
	{"It is not over", "It is not over yet", false, "four words, one added"},
	{"Thank you all very much", "Thank you all so much", false, "five words, one changed"},
	{"No comment", "No comment", false, "too short to cluster"},
};

static void test_measured_precision_and_recall(void **state)
{
	size_t tp = 0, fp = 0, fn = 0, tn = 0;
	double lowest_same = 1, highest_apart = 0; /* the margin on each side of the threshold */
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const pair *p = &pairs[i];
		double s = quote_similarity(p->a, p->b);
		/* symmetric: the order of the pair does not matter */
		assert_true(s == quote_similarity(p->b, p->a));
		bool said = quote_same(p->a, p->b);
		if (p->same && s < lowest_same)
			lowest_same = s;
		if (!p->same && s > highest_apart)
			highest_apart = s;
		if (said != p->same)
			print_message("  %s: %s (similarity %.3f): \"%s\" / \"%s\"\n", said ? "false match" : "missed",
				      p->what, s, p->a, p->b);
		tp += said && p->same;
		fp += said && !p->same;
		fn += !said && p->same;
		tn += !said && !p->same;
	}
	double precision = tp + fp ? (double)tp / (double)(tp + fp) : 1;
	double recall = tp + fn ? (double)tp / (double)(tp + fn) : 1;
	print_message("  quote pairs: %zu same, %zu apart; precision %.3f, recall %.3f (%zu true, %zu false matches,"
		      " %zu missed, %zu kept apart)\n",
		      tp + fn, fp + tn, precision, recall, tp, fp, fn, tn);
	print_message("  lowest similarity of a pair that is one quote %.3f, highest of a pair kept apart %.3f"
		      " (threshold %.2f)\n", lowest_same, highest_apart, QUOTE_SAME_THRESHOLD);
	assert_true(precision >= 1.0);
	assert_true(recall >= 0.94);
}

static void test_partial_quote_scores_one(void **state)
{
	/* a sentence inside a passage is kept whole by the alignment */
	double s = quote_similarity("If we start this job, we have to be able to finish it.",
				    "A bridge that is half built is just an expensive pier. If we start this job, we have"
				    " to be able to finish it. The council knows it.");
	assert_true(s == 1.0);
	/* one word of ten changed costs a tenth */
	s = quote_similarity("one two three four five six seven eight nine ten",
			     "one two three four five SIX7 seven eight nine ten");
	assert_true(s > 0.89 && s < 0.91);
}

static void test_normalised_form(void **state)
{
	char *n = quote_normalised("“Ça  VA,” she said — don’t   ﬁx it!");
	assert_non_null(n);
	assert_string_equal(n, "ca va she said dont fix it");
	free(n);
	n = quote_normalised("...");
	assert_non_null(n);
	assert_string_equal(n, "");
	free(n);
}

static void test_speaker_group_is_last_word(void **state)
{
	char *g = quote_speaker_group("tomas reyes");
	assert_string_equal(g, "reyes");
	free(g);
	g = quote_speaker_group("reyes");
	assert_string_equal(g, "reyes");
	free(g);
	assert_null(quote_speaker_group(""));
	assert_null(quote_speaker_group(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measured_precision_and_recall),
		cmocka_unit_test(test_partial_quote_scores_one),
		cmocka_unit_test(test_normalised_form),
		cmocka_unit_test(test_speaker_group_is_last_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
