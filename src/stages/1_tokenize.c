/*
 * 1_tokenize.c — from raw bytes to tokens, sentences and paragraphs.
 *
 * First the input is copied and made safe: every byte that is not part of
 * a well-formed UTF-8 sequence (stray continuation bytes, overlong forms,
 * surrogates, code points past U+10FFFF, truncated sequences) and every
 * NUL becomes the substitute byte 0x1A, one for one, so byte offsets into
 * the copy are byte offsets into the input, and each bad byte counts as one
 * code point.  Each run of replaced bytes is reported as a warning.
 *
 * The tokenizer then cuts the text into words, numbers, punctuation and
 * quotation marks with exact offsets.  Two things in news text need care:
 *
 *  - Periods.  "U.S.", "Sept.", "Mr.", "p.m." and initials keep their
 *    period, so the segmenter does not end a sentence there.
 *  - Apostrophes.  A ' or ’ inside a word (He's), after a plural
 *    (Axios' reporter), or before a decade ('90s) or in rock 'n' roll is
 *    part of the word; elsewhere it is a single quotation mark.  A single
 *    quote is only taken as closing when one is open in the paragraph.
 *
 * Sentence segmentation runs after 2_quotes.c has paired the quotation
 * marks, because a sentence never ends inside a quotation: the several
 * sentences of a quote stay with the words that introduce or attribute it.
 */
#include "stages/stages.h"

#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------ UTF-8 cleaning */

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 (RFC 3629,
 * Table 3-7 of the Unicode Standard: no overlongs, no surrogates). */
static size_t utf8_valid_length(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return c ? 1 : 0;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0) lo = 0xA0;
		if (c == 0xED) hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0) lo = 0x90;
		if (c == 0xF4) hi = 0x8F;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

/* Beyond this many, further bad runs are summed up in one last warning:
 * a binary file would otherwise yield a warning per byte. */
#define MAX_ENCODING_WARNINGS 20

ws_status ws_text_prepare(ws_doc *doc, const char *input, size_t len)
{
	if (!ws_grow(&doc->allocator, (void **)&doc->text, &doc->text_cap, len + 1, 1))
		return WS_ERR_NOMEM;
	if (!ws_grow(&doc->allocator, (void **)&doc->cp_blocks, &doc->cp_blocks_cap, len / 64 + 1,
		     sizeof *doc->cp_blocks))
		return WS_ERR_NOMEM;
	const unsigned char *in = (const unsigned char *)input;
	char *out = doc->text;
	size_t runs = 0, bad_bytes_after_limit = 0;
	uint32_t cp = 0;
	size_t next_block = 0;
	size_t i = 0;
	while (i < len) {
		while (next_block <= i / 64)
			doc->cp_blocks[next_block++] = cp;
		if (in[i] >= 0x20 && in[i] < 0x80) {
			/* the common case: printable ASCII */
			out[i] = (char)in[i];
			i++;
			cp++;
			continue;
		}
		size_t n = utf8_valid_length(in + i, len - i);
		if (n) {
			memcpy(out + i, in + i, n);
			/* blocks that start inside this character see it counted */
			i += n;
			cp++;
			while (next_block * 64 < i && next_block <= (i - 1) / 64) {
				if (next_block * 64 > i - n)
					doc->cp_blocks[next_block] = cp;
				next_block++;
			}
			continue;
		}
		size_t run_start = i;
		while (i < len && !utf8_valid_length(in + i, len - i)) {
			if (i % 64 == 0 && next_block <= i / 64)
				doc->cp_blocks[next_block++] = cp;
			out[i++] = WS_SUBSTITUTE;
			cp++;
		}
		runs++;
		if (runs <= MAX_ENCODING_WARNINGS) {
			char msg[96];
			size_t bad = i - run_start;
			bool nul = bad == 1 && in[run_start] == 0;
			if (nul)
				strcpy(msg, "NUL byte replaced by U+FFFD");
			else {
				/* no snprintf: the library must not depend on the locale */
				char num[24];
				size_t k = sizeof num;
				num[--k] = '\0';
				do { num[--k] = (char)('0' + bad % 10); bad /= 10; } while (bad && k);
				strcpy(msg, "invalid UTF-8: ");
				strcat(msg, num + k);
				strcat(msg, i - run_start == 1 ? " byte replaced by U+FFFD"
							     : " bytes replaced by U+FFFD");
			}
			ws_status st = ws_doc_warn(doc, run_start, msg);
			if (st != WS_OK)
				return st;
		} else
			bad_bytes_after_limit += i - run_start;
	}
	while (next_block <= len / 64)
		doc->cp_blocks[next_block++] = cp;
	if (bad_bytes_after_limit) {
		ws_status st = ws_doc_warn(doc, len, "further invalid UTF-8 replaced by U+FFFD (warnings stopped)");
		if (st != WS_OK)
			return st;
	}
	out[len] = '\0';
	doc->len = len;
	return WS_OK;
}

/* ----------------------------------------------------------- tokenizer */

/* Decode the code point at s[i] of the sanitised text (always valid). */
static uint32_t decode(const char *text, size_t i, size_t *n)
{
	const unsigned char *s = (const unsigned char *)text + i;
	if (s[0] < 0x80) { *n = 1; return s[0]; }
	if (s[0] < 0xE0) { *n = 2; return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F); }
	if (s[0] < 0xF0) {
		*n = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*n = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
	       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

enum char_class { C_SPACE, C_NEWLINE, C_LETTER, C_UPPER, C_DIGIT, C_APOS, C_DQUOTE, C_PUNCT };

static enum char_class classify(uint32_t c)
{
	if (c < 0x80) {
		if (c == '\n') return C_NEWLINE;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c < 0x20) return C_SPACE;
		if (c >= 'a' && c <= 'z') return C_LETTER;
		if (c >= 'A' && c <= 'Z') return C_UPPER;
		if (c >= '0' && c <= '9') return C_DIGIT;
		if (c == '\'') return C_APOS;
		if (c == '"') return C_DQUOTE;
		return C_PUNCT;
	}
	switch (c) {
	case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2039: case 0x203A:
		return C_APOS;
	case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
		return C_DQUOTE;
	case 0x00A0: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
		return C_SPACE;
	}
	if (c >= 0x2000 && c <= 0x200B)
		return C_SPACE;
	/* every other code point by its Unicode category (utf8proc's tables):
	 * capitals of every script start names and sentences ("Łukasz",
	 * "Ștefan", "Владимир"), marks and joiners stay inside their word */
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT:
		return C_UPPER;
	case UTF8PROC_CATEGORY_ND:
		return C_DIGIT;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
		return C_SPACE;
	case UTF8PROC_CATEGORY_PC:
	case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI:
	case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
	case UTF8PROC_CATEGORY_SM:
	case UTF8PROC_CATEGORY_SC:
	case UTF8PROC_CATEGORY_SK:
	case UTF8PROC_CATEGORY_SO:
		return C_PUNCT;
	default:
		return C_LETTER;
	}
}

static bool is_wordish(enum char_class k) { return k == C_LETTER || k == C_UPPER || k == C_DIGIT; }

/* Abbreviations that keep their period.  Titles never end a sentence
 * ("Sen. Lee"); the others end one only before a clear sentence start. */
static const char *const title_abbrevs[] = {
	"mr", "mrs", "ms", "dr", "sen", "sens", "rep", "reps", "gov", "govs", "lt", "gen", "col", "sgt",
	"capt", "cmdr", "adm", "maj", "prof", "rev", "st", "ft", "mt", "pres", "atty", "supt", "gens",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos",
	"vs", "v", "messrs", "hon", "amb", "cpl", "pvt", "sr", "jr", "rt", "gop", NULL};
static const char *const other_abbrevs[] = {
	"inc", "corp", "co", "ltd", "bros", "etc", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla",
	"ga", "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont",
	"neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "est", "approx",
	"dept", "univ", "assn", "al", "ave", "blvd", "e.g", "i.e", NULL};

enum abbrev_kind { ABBREV_NONE, ABBREV_TITLE, ABBREV_OTHER };

static enum abbrev_kind abbreviation(const char *w, size_t n)
{
	if (n == 1 && ((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= 'a' && w[0] <= 'z')))
		return ABBREV_TITLE; /* an initial: "J." */
	if (ws_word_listed(w, n, title_abbrevs))
		return ABBREV_TITLE;
	if (ws_word_listed(w, n, other_abbrevs))
		return ABBREV_OTHER;
	return ABBREV_NONE;
}

/* Words that take an elided apostrophe at their start: 'em, 'til, 'n'. */
static bool elision_word(const char *w, size_t n)
{
	static const char *const words[] = {"em", "til", "cause", "n", "tis", "twas", "round", NULL};
	return ws_word_listed(w, n, words);
}

typedef struct tokenizer {
	ws_doc *doc;
	const char *text;
	size_t len;
	size_t pos;
	uint16_t pending_flags;
	int single_open;        /* single quotes open in this paragraph */
} tokenizer;

static ws_status emit(tokenizer *t, size_t start, size_t end, uint16_t kind, uint16_t flags)
{
	ws_doc *doc = t->doc;
	if (!WS_PUSH(doc, doc->tokens, doc->ntokens, doc->tokens_cap))
		return WS_ERR_NOMEM;
	ws_token *tok = &doc->tokens[doc->ntokens++];
	tok->start = start;
	tok->end = end;
	tok->kind = kind;
	tok->flags = (uint16_t)(flags | t->pending_flags);
	t->pending_flags = 0;
	tok->quote = -1;
	tok->sentence = -1;
	tok->word = kind == WS_TOK_WORD || kind == WS_TOK_NUMBER ? ws_word_hash(t->text + start, end - start) : 0;
	return WS_OK;
}

static enum char_class class_at(const tokenizer *t, size_t i, size_t *n)
{
	if (i >= t->len) { *n = 0; return C_SPACE; }
	return classify(decode(t->text, i, n));
}

static enum char_class class_before(const tokenizer *t, size_t i)
{
	if (i == 0)
		return C_SPACE;
	size_t j = i - 1;
	while (j > 0 && ((unsigned char)t->text[j] & 0xC0) == 0x80)
		j--;
	size_t n;
	return classify(decode(t->text, j, &n));
}

/* Scan a word from t->pos: letters and digits, joined by inner
 * apostrophes, hyphens, and periods or commas between digits. */
static size_t scan_word(const tokenizer *t, size_t i)
{
	for (;;) {
		size_t n;
		enum char_class k = class_at(t, i, &n);
		if (is_wordish(k)) { i += n; continue; }
		if (!n)
			return i;
		size_t m;
		enum char_class next = class_at(t, i + n, &m);
		uint32_t c = decode(t->text, i, &n);
		if (k == C_APOS && (c == '\'' || c == 0x2019) && (next == C_LETTER || next == C_UPPER)) {
			i += n; /* He's, O'Brien, don't */
			continue;
		}
		if ((c == '-' || c == 0x2010 || c == 0x2011) && is_wordish(next)) {
			i += n;
			continue;
		}
		if ((c == '.' || c == ',') && next == C_DIGIT && class_before(t, i) == C_DIGIT) {
			i += n; /* 3.5, 1,000 */
			continue;
		}
		return i;
	}
}

ws_status ws_text_tokenize(ws_doc *doc)
{
	tokenizer t = {doc, doc->text, doc->len, 0, WS_TF_PARA_START, 0};
	ws_status st = WS_OK;
	while (t.pos < t.len && st == WS_OK) {
		size_t n;
		uint32_t c = decode(t.text, t.pos, &n);
		enum char_class k = classify(c);
		size_t start = t.pos;
		if (k == C_SPACE || k == C_NEWLINE) {
			if (doc->ntokens)
				doc->tokens[doc->ntokens - 1].flags |= WS_TF_SPACE_AFTER;
			if (k == C_NEWLINE) {
				t.pending_flags |= WS_TF_NEWLINE_BEFORE;
				t.single_open = 0; /* single quotes do not cross lines */
			}
			t.pos += n;
			continue;
		}
		if (is_wordish(k)) {
			size_t end = scan_word(&t, t.pos);
			uint16_t flags = 0;
			if (k == C_UPPER)
				flags |= WS_TF_CAPITALIZED;
			/* Dotted acronyms and abbreviations keep their periods:
			 * U.S., D.C., a.m., Sept. */
			size_t m;
			uint32_t after = end < t.len ? decode(t.text, end, &m) : 0;
			if (after == '.') {
				size_t e = end;
				bool dotted = false;
				while (e < t.len && t.text[e] == '.' && e + 1 < t.len &&
				       is_wordish(classify((unsigned char)t.text[e + 1])) && e + 2 <= t.len &&
				       (e + 2 == t.len || t.text[e + 2] == '.')) {
					e += 2;
					dotted = true;
				}
				if (dotted && e < t.len && t.text[e] == '.') {
					end = e + 1;
					flags |= WS_TF_ABBREV;
				} else if (abbreviation(t.text + start, end - start) != ABBREV_NONE) {
					end++;
					flags |= WS_TF_ABBREV;
				}
			}
			/* A plural's possessive apostrophe: Axios' reporter, the
			 * Joneses' house; unless a single quote is open, when it
			 * is more likely that quote's end. */
			if (end < t.len && !t.single_open && (t.text[end - 1] == 's' || t.text[end - 1] == 'S')) {
				uint32_t a = decode(t.text, end, &m);
				size_t m2;
				enum char_class next = class_at(&t, end + m, &m2);
				if ((a == '\'' || a == 0x2019) && (next == C_SPACE || next == C_NEWLINE || next == C_PUNCT))
					end += m;
			}
			bool upper = true;
			for (size_t i = start; i < end; i++)
				if (t.text[i] >= 'a' && t.text[i] <= 'z') { upper = false; break; }
			if (upper && k == C_UPPER && end - start > 1)
				flags |= WS_TF_ALLCAPS;
			st = emit(&t, start, end, k == C_DIGIT ? WS_TOK_NUMBER : WS_TOK_WORD, flags);
			t.pos = end;
			continue;
		}
		if (k == C_APOS && c != 0x2039 && c != 0x203A) {
			size_t m;
			enum char_class before = class_before(&t, start);
			enum char_class next = class_at(&t, start + n, &m);
			bool space_before = before == C_SPACE || before == C_NEWLINE || before == C_DQUOTE ||
					    before == C_PUNCT || start == 0;
			if (space_before && next == C_DIGIT && c != 0x2018) {
				/* '90s */
				size_t end = scan_word(&t, start + n);
				st = emit(&t, start, end, WS_TOK_NUMBER, 0);
				t.pos = end;
				continue;
			}
			if (space_before && (next == C_LETTER || next == C_UPPER)) {
				size_t end = scan_word(&t, start + n);
				if (elision_word(t.text + start + n, end - start - n) && c != 0x2018) {
					/* 'em, 'til; 'n' takes its closing mark too */
					size_t m2;
					uint32_t a = end < t.len ? decode(t.text, end, &m2) : 0;
					if ((a == '\'' || a == 0x2019) && end - start - n == 1)
						end += m2;
					st = emit(&t, start, end, WS_TOK_WORD, 0);
					t.pos = end;
					continue;
				}
				t.single_open++;
				st = emit(&t, start, start + n, WS_TOK_QUOTE, WS_TF_QUOTE_OPEN);
				t.pos += n;
				continue;
			}
			if (t.single_open > 0 && !is_wordish(next)) {
				t.single_open--;
				st = emit(&t, start, start + n, WS_TOK_QUOTE, WS_TF_QUOTE_CLOSE);
				t.pos += n;
				continue;
			}
			if (c == 0x2018 || c == 0x201A || (space_before && c == '\'')) {
				t.single_open++;
				st = emit(&t, start, start + n, WS_TOK_QUOTE, WS_TF_QUOTE_OPEN);
				t.pos += n;
				continue;
			}
			/* a lone apostrophe: punctuation, not a quotation */
			st = emit(&t, start, start + n, WS_TOK_PUNCT, 0);
			t.pos += n;
			continue;
		}
		if (k == C_DQUOTE || c == 0x2039 || c == 0x203A) {
			uint16_t dir = 0;
			if (c == 0x201C || c == 0x00AB || c == 0x201E || c == 0x2039)
				dir = WS_TF_QUOTE_OPEN;
			else if (c == 0x201D || c == 0x00BB || c == 0x203A)
				dir = WS_TF_QUOTE_CLOSE;
			else {
				/* a straight quote: its neighbours tell its direction */
				size_t m;
				enum char_class before = class_before(&t, start);
				enum char_class next = class_at(&t, start + n, &m);
				bool space_before = start == 0 || before == C_SPACE || before == C_NEWLINE;
				bool space_after = next == C_SPACE || next == C_NEWLINE || start + n >= t.len;
				if (space_before && !space_after)
					dir = WS_TF_QUOTE_OPEN;
				else if (space_after && !space_before)
					dir = WS_TF_QUOTE_CLOSE;
				else if (before == C_PUNCT && !space_after && (next == C_LETTER || next == C_UPPER || next == C_DIGIT))
					dir = WS_TF_QUOTE_OPEN; /* (“ or —" */
				else if (next == C_PUNCT)
					dir = WS_TF_QUOTE_CLOSE;
			}
			st = emit(&t, start, start + n, WS_TOK_QUOTE, dir);
			t.pos += n;
			continue;
		}
		/* Collapse runs of the same punctuation ("...", "--") into one token */
		size_t end = start + n;
		while (end < t.len) {
			size_t m;
			uint32_t d = decode(t.text, end, &m);
			if (d != c || c == '(' || c == ')')
				break;
			end += m;
		}
		st = emit(&t, start, end, WS_TOK_PUNCT, 0);
		t.pos = end;
	}
	if (st != WS_OK)
		return st;
	/* Paragraph starts: after a blank line, or after a line break that
	 * follows the end of a sentence or precedes a quotation or capital. */
	for (size_t i = 1; i < doc->ntokens; i++) {
		ws_token *tok = &doc->tokens[i];
		if (!(tok->flags & WS_TF_NEWLINE_BEFORE))
			continue;
		const ws_token *prev = &doc->tokens[i - 1];
		size_t blank = 0;
		for (size_t j = prev->end; j < tok->start; j++)
			blank += doc->text[j] == '\n';
		char last = doc->text[prev->end - 1];
		bool ends = last == '.' || last == '!' || last == '?' || last == ':' || prev->kind == WS_TOK_QUOTE ||
			    (unsigned char)last == 0xA6 /* … */;
		if (blank >= 2 || ends || (tok->flags & (WS_TF_CAPITALIZED | WS_TF_QUOTE_OPEN)))
			tok->flags |= WS_TF_PARA_START;
	}
	return WS_OK;
}

/* ---------------------------------------------------------- sentences */

static bool is_terminal(const ws_doc *doc, const ws_token *tok)
{
	if (tok->kind != WS_TOK_PUNCT)
		return false;
	char c = doc->text[tok->start];
	if (c == '.' || c == '!' || c == '?')
		return true;
	/* … (U+2026) */
	return tok->end - tok->start == 3 && (unsigned char)c == 0xE2 &&
	       (unsigned char)doc->text[tok->start + 1] == 0x80 && (unsigned char)doc->text[tok->start + 2] == 0xA6;
}

static bool starts_sentence(const ws_doc *doc, const ws_token *tok)
{
	if (tok->flags & (WS_TF_CAPITALIZED | WS_TF_QUOTE_OPEN))
		return true;
	return tok->kind == WS_TOK_NUMBER || (tok->kind == WS_TOK_QUOTE && !(tok->flags & WS_TF_QUOTE_CLOSE)) ||
	       doc->text[tok->start] == '(';
}

/* Titles and initials never end a sentence; dotted acronyms (U.S.) and
 * the other abbreviations may. */
static bool abbreviation_ends_sentence(const ws_doc *doc, const ws_token *tok)
{
	const char *w = doc->text + tok->start;
	size_t n = tok->end - tok->start - 1;
	if (memchr(w, '.', n))
		return true;
	return abbreviation(w, n) == ABBREV_OTHER;
}

static ws_status push_sentence(ws_doc *doc, size_t first, size_t last, int32_t paragraph)
{
	if (first >= last)
		return WS_OK;
	if (!WS_PUSH(doc, doc->sentences, doc->nsentences, doc->sentences_cap))
		return WS_ERR_NOMEM;
	doc->sentences[doc->nsentences++] = (ws_sentence){first, last, paragraph};
	for (size_t i = first; i < last; i++)
		doc->tokens[i].sentence = (int32_t)(doc->nsentences - 1);
	doc->tokens[first].flags |= WS_TF_SENT_START;
	return WS_OK;
}

ws_status ws_text_segment(ws_doc *doc)
{
	size_t first = 0;
	int32_t paragraph = -1;
	ws_status st = WS_OK;
	for (size_t i = 0; i < doc->ntokens && st == WS_OK; i++) {
		ws_token *tok = &doc->tokens[i];
		if (tok->flags & WS_TF_PARA_START) {
			st = push_sentence(doc, first, i, paragraph);
			first = i;
			paragraph++;
			doc->nparagraphs++;
		}
		if (i + 1 >= doc->ntokens)
			break;
		const ws_token *next = &doc->tokens[i + 1];
		if (next->flags & WS_TF_PARA_START)
			continue;
		bool end = false;
		if (is_terminal(doc, tok) && tok->quote < 0) {
			/* after a terminal outside quotes; closing marks stay with it */
			end = starts_sentence(doc, next) && !(next->flags & WS_TF_QUOTE_CLOSE) &&
			      (tok->flags & WS_TF_SPACE_AFTER);
		} else if (tok->kind == WS_TOK_QUOTE && (tok->flags & WS_TF_QUOTE_CLOSE) && i > 0 &&
			   is_terminal(doc, &doc->tokens[i - 1]) && next->quote < 0 && tok->quote >= 0 &&
			   doc->quotes[tok->quote].parent < 0) {
			/* ."  then a new sentence */
			end = (tok->flags & WS_TF_SPACE_AFTER) && starts_sentence(doc, next);
		} else if ((tok->flags & WS_TF_ABBREV) && tok->quote < 0 && (tok->flags & WS_TF_SPACE_AFTER) &&
			   abbreviation_ends_sentence(doc, tok)) {
			/* "... in the U.S. The" : an abbreviation that ends a sentence */
			static const char *const starters[] = {"the", "he", "she", "it", "but", "and", "in", "a",
							       "this", "we", "i", "they", "that", "there", NULL};
			end = (next->flags & WS_TF_CAPITALIZED) &&
			      ws_word_listed(doc->text + next->start, next->end - next->start, starters);
		}
		if (end) {
			st = push_sentence(doc, first, i + 1, paragraph);
			first = i + 1;
		}
	}
	if (st == WS_OK)
		st = push_sentence(doc, first, doc->ntokens, paragraph < 0 ? 0 : paragraph);
	return st;
}
