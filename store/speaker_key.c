/*
 * speaker_key.c — the normalised speaker name that the store merges
 * counts under, so that "Sen. J.D. Vance", "JD Vance" and "jd vance" in
 * three articles count as one speaker.
 *
 * The steps, in order (docs/store.md states them for users):
 *   1. Letters are case folded: ASCII, Latin-1, Latin Extended-A, Greek
 *      and Cyrillic capitals; other scripts are kept as they are.
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
 * in, so that step belongs to the store, which sees the whole article.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

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

/* The lower case of code point c, for the scripts named above. */
static unsigned fold(unsigned c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
	    (c >= 0x410 && c <= 0x42F))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	/* Latin Extended-A pairs capitals with the next code point, even or
	 * odd depending on the stretch. */
	if ((c >= 0x100 && c <= 0x137 && c != 0x130 && c != 0x131 && !(c & 1)) ||
	    (c >= 0x139 && c <= 0x148 && (c & 1)) || (c >= 0x14A && c <= 0x177 && !(c & 1)) ||
	    (c >= 0x179 && c <= 0x17E && (c & 1)))
		return c + 1;
	return c;
}

/* Decode one UTF-8 sequence at s (n bytes left); *len its length.  An
 * invalid byte decodes as itself, one byte long, and is kept as it is. */
static unsigned decode(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] >= 0xC2 && s[0] <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80) {
		*len = 2;
		return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*len = 3;
		return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
	}
	*len = 1;
	return s[0];
}

static size_t encode(unsigned c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (c >> 12));
	out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

typedef struct word {
	size_t start, len;   /* in the folded text */
} word;

char *speaker_key(const char *name)
{
	size_t n = strlen(name);
	/* folding never lengthens a sequence, and every word gets at most
	 * one separator */
	char *folded = malloc(n + 1), *key = malloc(n + 1);
	word *words = malloc((n / 2 + 1) * sizeof *words);
	size_t nwords = 0, k = 0;
	if (!folded || !key || !words) {
		free(folded);
		free(key);
		free(words);
		return NULL;
	}

	/* steps 1 and 2: fold, and cut into words without . and , */
	const unsigned char *s = (const unsigned char *)name;
	bool in_word = false;
	for (size_t i = 0; i < n;) {
		size_t len;
		unsigned c = decode(s + i, n - i, &len);
		i += len;
		if (c == 0x2019)
			c = '\'';
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0) {
			in_word = false;
			continue;
		}
		if (c == '.' || c == ',') {
			/* "J.D." is two initials: a period ends a one-letter word */
			if (in_word && words[nwords - 1].len == 1)
				in_word = false;
			continue;
		}
		if (!in_word) {
			words[nwords++] = (word){k, 0};
			in_word = true;
		}
		size_t m = 1;
		if (len == 1) /* ASCII, or an invalid byte kept as it is */
			folded[k] = (char)(c < 0x80 ? fold(c) : c);
		else
			m = encode(fold(c), folded + k);
		k += m;
		words[nwords - 1].len += m;
	}
	if (nwords) {
		word *last = &words[nwords - 1];
		if (last->len > 2 && memcmp(folded + last->start + last->len - 2, "'s", 2) == 0)
			last->len -= 2;
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
		bool initial = words[w].len == 1;
		bool after_initial = w > first && words[w - 1].len == 1;
		if (out && !(initial && after_initial))
			key[out++] = ' ';
		memcpy(key + out, folded + words[w].start, words[w].len);
		out += words[w].len;
	}
	key[out] = '\0';
	free(folded);
	free(words);
	return key;
}
