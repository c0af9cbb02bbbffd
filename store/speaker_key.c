/*
 * speaker_key.c — the normalised speaker name that the store merges
 * counts under, so that "Sen. J.D. Vance", "JD Vance" and "jd vance" in
 * three articles count as one speaker.
 *
 * The steps, in order (docs/store.md states them for users):
 *   1. The name is normalised (NFKC), case folded and stripped of its
 *      combining marks by utf8proc, every script alike: "ŁUKASZ" and
 *      "Łukasz" are one key, and so are "Zoë" composed, decomposed and
 *      "Zoe" ("Ł" is a letter of its own, not "L" with a mark).
 *   2. The name is cut into words at spaces; a typographic apostrophe
 *      becomes "'", periods and commas are dropped, and a possessive
 *      "'s" at the end goes.
 *   3. Single letters in a row are initials and join into one word:
 *      "j. d. vance" and "j.d. vance" both become "jd vance".
 *   4. Leading titles and honorifics ("mr", "sen.", "prime minister",
 *      "the") are dropped while a name remains, and so are trailing
 *      generational suffixes ("jr", "sr", "ii", "iii").
 *
 * Whether "Vance" alone is "JD Vance" depends on the article it appears
 * in, so that step belongs to the store, which sees the whole article; it
 * is never guessed from other articles (docs/store.md says why).
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Words dropped from the front of a name.  Only words that are never a
 * given name in English-language news: "General" and "Judge" are
 * surnames too, but far more often titles before a name. */
static const char *const titles[] = {
	"the", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord",
	"lady", "sen", "senator", "rep", "representative", "gov", "governor", "president",
	"vice", "prime", "minister", "secretary", "chancellor", "mayor", "gen", "general",
	"col", "colonel", "lt", "capt", "captain", "sgt", "adm", "admiral", "judge", "justice",
	"rev", "reverend", "father", "rabbi", "imam", "king", "queen", "prince", "princess",
	"former", "foreign", "defense", "defence", "state", "chief", "deputy", "speaker",
	"attorney", "ambassador", "commissioner", "chairman", "chairwoman", "chair", "ceo",
};
static const char *const suffixes[] = {"jr", "sr", "ii", "iii", "iv"};

static bool in_list(const char *word, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], word, len) == 0)
			return true;
	return false;
}

/* Step 1: the name in Unicode's compatibility composition (NFKC), case
 * folded and without combining marks, by utf8proc: "ÅNGSTRÖM" and
 * "ångström", composed or decomposed, all become "angstrom", as SQLite's
 * FTS5 (remove_diacritics 2) matches them in search.  malloc'ed; a name
 * that is not valid UTF-8 is kept as it is, ASCII letters lower-cased. */
static char *fold_name(const char *name)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)name, 0, &folded,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
						  UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	if (n >= 0)
		return (char *)folded;
	size_t len = strlen(name);
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	for (size_t i = 0; i <= len; i++)
		copy[i] = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] + 32) : name[i];
	return copy;
}

typedef struct word {
	size_t start, len;   /* in the folded text, bytes */
	size_t letters;      /* code points */
} word;

char *speaker_key(const char *name)
{
	char *name_folded = fold_name(name);
	if (!name_folded)
		return NULL;
	size_t n = strlen(name_folded);
	/* every word gets at most one separator */
	char *folded = malloc(n + 1), *key = malloc(n + 1);
	word *words = malloc((n / 2 + 1) * sizeof *words);
	size_t nwords = 0, k = 0;
	if (!folded || !key || !words) {
		free(name_folded);
		free(folded);
		free(key);
		free(words);
		return NULL;
	}

	/* step 2: cut into words without . and , */
	const unsigned char *s = (const unsigned char *)name_folded;
	bool in_word = false;
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			in_word = false;
			i++;
			continue;
		}
		if (s[i] == '.' || s[i] == ',') {
			/* "J.D." is two initials: a period ends a one-letter word */
			if (in_word && words[nwords - 1].letters == 1)
				in_word = false;
			i++;
			continue;
		}
		if (!in_word) {
			words[nwords++] = (word){k, 0, 0};
			in_word = true;
		}
		size_t seq = 1; /* the bytes of one code point */
		while (i + seq < n && (s[i + seq] & 0xC0) == 0x80)
			seq++;
		if (seq == 3 && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x99) {
			folded[k] = '\''; /* a typographic apostrophe is "'" */
			words[nwords - 1].len++;
			k++;
		} else {
			memcpy(folded + k, s + i, seq);
			words[nwords - 1].len += seq;
			k += seq;
		}
		words[nwords - 1].letters++;
		i += seq;
	}
	if (nwords) {
		word *last = &words[nwords - 1];
		if (last->len > 2 && memcmp(folded + last->start + last->len - 2, "'s", 2) == 0) {
			last->len -= 2;
			last->letters -= 2;
		}
	}

	/* step 4: titles in front and suffixes behind, while a word remains */
	size_t first = 0, end = nwords;
	while (end - first > 1 && in_list(folded + words[first].start, words[first].len, titles,
					  sizeof titles / sizeof titles[0]))
		first++;
	while (end - first > 1 && in_list(folded + words[end - 1].start, words[end - 1].len, suffixes,
					  sizeof suffixes / sizeof suffixes[0]))
		end--;

	/* step 3: one-letter words in a row join */
	size_t out = 0;
	for (size_t w = first; w < end; w++) {
		bool initial = words[w].letters == 1;
		bool after_initial = w > first && words[w - 1].letters == 1;
		if (out && !(initial && after_initial))
			key[out++] = ' ';
		memcpy(key + out, folded + words[w].start, words[w].len);
		out += words[w].len;
	}
	key[out] = '\0';
	free(name_folded);
	free(folded);
	free(words);
	return key;
}
