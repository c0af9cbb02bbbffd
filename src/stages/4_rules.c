/*
 * 4_rules.c — the rule-based attributor: cues, sources and contents.
 *
 * News English reports speech in a handful of shapes, and this stage reads
 * each sentence for them (cue = a word of the cue lexicon, outside quotes):
 *
 *   SOURCE CUE [ADDRESSEE] [that] CONTENT.     Doe said (that) the plan failed.
 *   SOURCE CUE: "QUOTE"                        Doe said: "It failed."
 *   CONTENT, SOURCE CUE [tail].                The plan failed, Doe said Monday.
 *   "QUOTE," SOURCE CUE.                       "It failed," Doe told reporters.
 *   "QUOTE," CUE SOURCE.                       "It failed," said Doe.
 *   "A," SOURCE CUE, "B."                      one attribution, two fragments
 *   According to SOURCE, CONTENT.              and CONTENT, according to SOURCE.
 *
 * The source is the noun phrase next to the cue, found without a parser:
 * words back to the nearest clause boundary (a comma, a quotation, a
 * conjunction or complementizer), with an appositive between commas kept
 * ("Doe, the party's chair, said").  The content runs from the cue to the
 * sentence end, or from the sentence start to the comma before the source.
 *
 * Then quotes that no cue claimed are given to a speaker: a quote that
 * continues a multi-paragraph quote joins its attribution, and a floating
 * quote (a quoted sentence with no cue of its own) continues the nearest
 * attribution before it in its paragraph or, when the quote opens its
 * paragraph, the nearest direct or mixed one in the previous paragraph.
 * A pull quote signed with a dash (“...” ― Jane Doe) is an attribution too.
 */
#include "stages/stages.h"

#include <stdlib.h>
#include <string.h>

/* A word is taken as a cue at or above this probability (cues.c).  Tuned
 * on the dev split of PolNeAR for attr.full F1. */
#define CUE_THRESHOLD 0.42

/* ------------------------------------------------------------ helpers */

static bool word_in(const ws_doc *doc, size_t i, const char *const *list)
{
	const ws_token *t = &doc->tokens[i];
	if (t->kind == WS_TOK_PUNCT || t->kind == WS_TOK_QUOTE)
		return false;
	return ws_word_listed(doc->text + t->start, t->end - t->start, list);
}

static bool word_eq(const ws_doc *doc, size_t i, const char *w)
{
	const char *const list[] = {w, NULL};
	return word_in(doc, i, list);
}

static bool punct_eq(const ws_doc *doc, size_t i, char c)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_PUNCT && doc->text[t->start] == c && t->end - t->start == 1;
}

static bool is_dash(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	const unsigned char *s = (const unsigned char *)doc->text + t->start;
	return t->kind == WS_TOK_PUNCT && (s[0] == '-' || (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x93 && s[2] <= 0x95)); /* – — ― */
}

static bool is_word(const ws_doc *doc, size_t i)
{
	return doc->tokens[i].kind == WS_TOK_WORD || doc->tokens[i].kind == WS_TOK_NUMBER;
}

static bool is_closing_quote(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_QUOTE && (t->flags & WS_TF_QUOTE_CLOSE);
}

static bool is_opening_quote(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_QUOTE && (t->flags & WS_TF_QUOTE_OPEN);
}

/* An opening mark of a quotation that holds speech, not a title. */
static bool is_speech(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return is_opening_quote(doc, i) && t->quote >= 0 && doc->quotes[t->quote].words;
}

/* Words that end a noun phrase when read leftwards from a cue: the source
 * starts after them. */
static const char *const clause_boundaries[] = {
	"that", "which", "and", "but", "because", "while", "when", "if", "as", "although", "though",
	"after", "before", "since", "so", "where", "whether", "than", "or", "until", "unless", "once",
	"what", "how", "why", "then", "also", "yet", "nor", "even", "in", "on", "at", "during", "with",
	"by", "from", "into", "over", "about", "against", "is", "was", "are", "were", "be", "been",
	"not", "to", "this", "there", "here", "ago", "earlier", "later", "now", "today",
	"yesterday", "week", "month", "year", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday", "sunday", "has", "have", "had", "will", "would", "could", "should", "can", "may",
	"might", "must", "did", "does", "do", NULL};

/* Words that open the subject of a reported clause. */
static const char *const subject_words[] = {"he", "she", "they", "it", "we", "i", "there", "the", "his",
					    "her", "their", "its", "this", "those", "these", NULL};

static const char *const relative_words[] = {"who", "which", "whose", NULL};

/* Conjunctions that join two attributions in one sentence. */
static const char *const clause_conjunctions[] = {"but", "and", "while", "whereas", NULL};

/* Words between a source and its cue that belong to the cue: "has said",
 * "also told", "previously argued". */
static const char *const cue_modifiers[] = {
	"has", "have", "had", "also", "previously", "later", "repeatedly", "recently", "reportedly",
	"publicly", "again", "then", "once", "earlier", "often", "never", "would", "will", "could",
	"did", "does", "do", "not", "may", "might", "can", "should", "must", "already", "further",
	"flatly", "privately", "openly", "specifically", "quickly", "simply", "first", "still",
	"just", "frequently", "initially", "ultimately", "explicitly", "famously", "bluntly", NULL};

/* Cues whose object is the addressee: "told reporters that ...". */
static const char *const addressee_cues[] = {
	"told", "tell", "tells", "telling", "assured", "reminded", "informed", "warned", "urged",
	"asked", "briefed", "wrote", NULL};

/* Words that start an adverbial after a cue: "said in a statement". */
static const char *const adverbial_starts[] = {
	"as", "while", "when", "after", "before", "during", "in", "at", "on", "to", "from", "about",
	"of", "outside", "inside", "following", "amid", "ahead", "via", "through", "with", "without",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
	"yesterday", "tonight", "last", "this", "earlier", "later", "recently", NULL};

/* Words that can start a noun phrase after an inverted cue ("said Doe"). */
static const char *const np_starters[] = {
	"he", "she", "they", "we", "i", "it", "the", "a", "an", "his", "her", "their", "its", "one",
	"another", "two", "three", "several", "many", "some", "officials", "sources", "aides", NULL};

/* --------------------------------------------------------- the result */

typedef struct range {
	size_t first, last; /* token indices, last exclusive; first == last: none */
} range;

static ws_span span_of(const ws_doc *doc, range r)
{
	if (r.first >= r.last)
		return (ws_span){0, 0};
	return (ws_span){doc->tokens[r.first].start, doc->tokens[r.last - 1].end};
}

/* Trim commas, colons and dashes from both ends of a range, and a final
 * period outside quotes: the content of "X said Y." is "Y". */
static range trim(const ws_doc *doc, range r)
{
	while (r.first < r.last && (punct_eq(doc, r.first, ',') || punct_eq(doc, r.first, ':') ||
				    punct_eq(doc, r.first, ';') || is_dash(doc, r.first)))
		r.first++;
	while (r.first < r.last) {
		size_t i = r.last - 1;
		if (punct_eq(doc, i, ',') || punct_eq(doc, i, ':') || punct_eq(doc, i, ';') || is_dash(doc, i) ||
		    ((punct_eq(doc, i, '.') || punct_eq(doc, i, '?') || punct_eq(doc, i, '!')) &&
		     doc->tokens[i].quote < 0))
			r.last--;
		else
			break;
	}
	return r;
}

static ws_status add_attribution(ws_doc *doc, range source, range cue, range addressee, const range *content,
				 size_t ncontent, int32_t sentence, double confidence)
{
	ws_span spans[8];
	if (ncontent > sizeof spans / sizeof spans[0])
		ncontent = sizeof spans / sizeof spans[0];
	for (size_t k = 0; k < ncontent; k++)
		spans[k] = span_of(doc, content[k]);
	return ws_attribution_push(doc, span_of(doc, source), span_of(doc, cue), span_of(doc, addressee), spans,
				   ncontent, sentence, confidence);
}

/* ------------------------------------------------------ noun phrases */

/* The noun phrase that ends just before token `end`, within [floor, end). */
static size_t np_left(const ws_doc *doc, size_t floor, size_t end)
{
	size_t j = end, words = 0;
	while (j > floor) {
		size_t i = j - 1;
		const ws_token *t = &doc->tokens[i];
		if (t->quote >= 0)
			break;
		if (is_word(doc, i)) {
			if (!(t->flags & WS_TF_CAPITALIZED) && word_in(doc, i, clause_boundaries))
				break;
			/* a capitalized boundary word starts the sentence: "But Doe said" */
			if ((t->flags & WS_TF_CAPITALIZED) && (t->flags & WS_TF_SENT_START) &&
			    word_in(doc, i, clause_boundaries))
				break;
			words++;
		} else if (!(punct_eq(doc, i, '(') || punct_eq(doc, i, ')') || punct_eq(doc, i, '&') ||
			     (punct_eq(doc, i, '.') && i + 1 < end && punct_eq(doc, i + 1, ')')) ||
			     (is_dash(doc, i) && doc->tokens[i].end - doc->tokens[i].start == 1 &&
			      !(t->flags & WS_TF_SPACE_AFTER))))
			break;
		j = i;
		if (words >= 12)
			break;
	}
	/* never start on a parenthesis or dash */
	while (j < end && !is_word(doc, j))
		j++;
	return j;
}

/* The noun phrase that starts at token `start`, within [start, limit). */
static size_t np_right(const ws_doc *doc, size_t start, size_t limit)
{
	size_t j = start, words = 0;
	while (j < limit && words < 12) {
		const ws_token *t = &doc->tokens[j];
		if (t->quote >= 0 || t->kind == WS_TOK_QUOTE)
			break;
		if (is_word(doc, j)) {
			if (j > start && !(t->flags & WS_TF_CAPITALIZED) && word_in(doc, j, clause_boundaries) &&
			    !word_eq(doc, j, "of"))
				break;
			words++;
		} else if (!(punct_eq(doc, j, '(') || punct_eq(doc, j, ')') || punct_eq(doc, j, '&')))
			break;
		j++;
	}
	while (j > start && !is_word(doc, j - 1) && !punct_eq(doc, j - 1, ')'))
		j--;
	return j;
}

/* ---------------------------------------------------------- sentences */

/* The cue probability of token i (0 for words that cannot be cues here). */
static double cue_probability(const ws_doc *doc, const ws_model *model, size_t i, size_t sentence_end)
{
	const ws_token *t = &doc->tokens[i];
	if (t->kind != WS_TOK_WORD || t->quote >= 0)
		return 0.0;
	if (word_eq(doc, i, "according"))
		return i + 1 < sentence_end && word_eq(doc, i + 1, "to") ? 0.93 : 0.0;
	/* A capitalized word in mid-sentence is a name, not a verb. */
	if ((t->flags & WS_TF_CAPITALIZED) && !(t->flags & WS_TF_SENT_START))
		return 0.0;
	return ws_cue_probability(model, doc->text + t->start, t->end - t->start, t->word);
}

static bool is_participle(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	size_t n = t->end - t->start;
	return n > 4 && memcmp(doc->text + t->end - 3, "ing", 3) == 0;
}

/* True when the tokens [from, end) after a cue are a short tail such as
 * "Monday" or "in a statement", not a reported clause. */
static bool short_tail(const ws_doc *doc, size_t from, size_t end)
{
	/* an adverbial clause may be long: "said as the crowd moved on" */
	bool adverbial = from < end && word_in(doc, from, adverbial_starts);
	size_t words = 0;
	for (size_t i = from; i < end; i++) {
		if (is_speech(doc, i) || punct_eq(doc, i, ':') || word_eq(doc, i, "that"))
			return false;
		if (punct_eq(doc, i, ','))
			break;
		if (adverbial)
			continue;
		words += is_word(doc, i);
	}
	return words <= 8;
}

/* The first token of the reported clause after a cue ending at `from`:
 * past "on Monday" to "that", or past a colon. */
static size_t content_start(const ws_doc *doc, size_t from, size_t end)
{
	/* "said on Monday she believes": past a short time adverbial to the
	 * clause's subject */
	if (from < end && word_in(doc, from, adverbial_starts) && !word_eq(doc, from, "that")) {
		for (size_t i = from + 1; i < end && i < from + 5; i++) {
			if (!is_word(doc, i))
				break;
			if (word_eq(doc, i, "that"))
				return i;
			if (word_in(doc, i, subject_words))
				return i;
		}
	}
	for (size_t i = from; i < end && i < from + 10; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind == WS_TOK_QUOTE || t->quote >= 0)
			break;
		if (word_eq(doc, i, "that"))
			return i;
		if (punct_eq(doc, i, ':'))
			return i + 1;
		if (!is_word(doc, i))
			break;
	}
	return from;
}

/* The noun phrase that opens the sentence [f, limit), with an appositive
 * between commas: "Dan Trom, her rival, bemoaned ... and said". */
static range sentence_subject(const ws_doc *doc, size_t f, size_t limit)
{
	size_t k = f;
	while (k < limit && (!is_word(doc, k) || (word_in(doc, k, clause_boundaries) &&
						   (doc->tokens[k].flags & WS_TF_SENT_START))))
		k++;
	size_t e = np_right(doc, k, limit);
	if (e > k && e + 1 < limit && punct_eq(doc, e, ',')) {
		size_t j = e + 1;
		while (j < limit && j < e + 16 && !punct_eq(doc, j, ',') && doc->tokens[j].kind != WS_TOK_QUOTE)
			j++;
		if (j < limit && punct_eq(doc, j, ','))
			e = j;
	}
	return (range){k, e};
}

/* Words that name a time, not a speaker, after an inverted cue. */
static const char *const time_words[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
	"yesterday", "tonight", "last", "this", "earlier", "later", "in", "on", "at", "during", NULL};

/* An attribution in the making: token ranges, turned into spans at the end. */
typedef struct draft {
	range source, cue, addressee;
	range content[2];
	double confidence;
} draft;

/* The relative pronoun in "who in 2010 said", or `before` when there is
 * none: up to four tokens back, followed by an adverbial. */
static size_t relative_before_adverbial(const ws_doc *doc, size_t f, size_t before)
{
	for (size_t j = before - 1; j > f && before - j <= 4; j--) {
		if (!is_word(doc, j) || doc->tokens[j].quote >= 0)
			break;
		if (word_in(doc, j - 1, relative_words) && word_in(doc, j, adverbial_starts))
			return j - 1;
	}
	return before;
}

/* "In his speech on Monday, Doe said ...": a short opening adverbial
 * before the comma is not what was said. */
static bool introductory_phrase(const ws_doc *doc, size_t f, size_t boundary)
{
	size_t k = f;
	while (k < boundary && !is_word(doc, k))
		k++;
	if (k >= boundary || !word_in(doc, k, adverbial_starts) || doc->tokens[k].quote >= 0)
		return false;
	size_t words = 0;
	for (size_t i = k; i < boundary; i++)
		words += is_word(doc, i);
	return words <= 12;
}

/* Read the attribution around the cue at token c of sentence [f, l) into d.
 * Returns false when the cue has no content. */
static bool read_cue(const ws_doc *doc, size_t si, size_t c, size_t f, size_t l, draft *d)
{
	memset(d, 0, sizeof *d);
	d->cue = (range){c, c + 1};
	range whole = trim(doc, (range){f, l});
	size_t end = whole.last;

	if (word_eq(doc, c, "according")) {
		d->cue.last = c + 2;
		/* the source runs to the comma: "according to a report from the
		 * port authority, ..."; a relative clause after it is its own */
		size_t src_end = d->cue.last;
		while (src_end < end && src_end < d->cue.last + 25 && !punct_eq(doc, src_end, ',') &&
		       doc->tokens[src_end].kind != WS_TOK_QUOTE)
			src_end++;
		if (src_end + 1 < end && punct_eq(doc, src_end, ',') && word_in(doc, src_end + 1, relative_words))
			src_end = end;
		d->source = (range){d->cue.last, src_end};
		bool leading = c == f || (c == f + 1 && !is_word(doc, f));
		if (leading)
			d->content[0] = trim(doc, (range){src_end, end});
		else {
			d->content[0] = trim(doc, (range){f, c});
			if (punct_eq(doc, c - 1, ',') && src_end < end)
				d->content[1] = trim(doc, (range){src_end, end}); /* "X, according to Y, Z" */
		}
		return true;
	}

	/* the cue's modifiers: "has also said" */
	while (d->cue.first > f && word_in(doc, d->cue.first - 1, cue_modifiers) &&
	       !(doc->tokens[d->cue.first - 1].flags & WS_TF_CAPITALIZED))
		d->cue.first--;
	if (d->cue.last < l && (word_eq(doc, d->cue.last, "out") || word_eq(doc, d->cue.last, "to")) &&
	    (word_eq(doc, c, "pointed") || word_eq(doc, c, "referring") || word_eq(doc, c, "pointing")))
		d->cue.last++;

	size_t before = d->cue.first; /* the token just before the cue is before - 1 */
	bool after_quote = before > f && (is_closing_quote(doc, before - 1) ||
					  (before > f + 1 && punct_eq(doc, before - 1, ',') &&
					   is_closing_quote(doc, before - 2)));
	bool after_comma = before > f && punct_eq(doc, before - 1, ',');
	bool np_follows = d->cue.last < end && !word_in(doc, d->cue.last, time_words) &&
			  ((doc->tokens[d->cue.last].flags & WS_TF_CAPITALIZED) ||
			   word_in(doc, d->cue.last, np_starters));

	/* "Doe, the party's chair, said": an appositive between commas */
	size_t src_start = before;
	bool aside_source = false;
	if (after_comma && !after_quote) {
		size_t k = before - 1;
		while (k > f && !punct_eq(doc, k - 1, ',') && doc->tokens[k - 1].quote < 0 && before - k < 16)
			k--;
		/* a second appositive: "Doe, the minister, a party veteran, said" */
		if (k > f + 1 && punct_eq(doc, k - 1, ',') && np_left(doc, f, k - 1) < k - 1 &&
		    word_in(doc, np_left(doc, f, k - 1), (const char *const[]){"a", "an", "the", "one", NULL})) {
			size_t j = k - 1;
			while (j > f && !punct_eq(doc, j - 1, ',') && doc->tokens[j - 1].quote < 0 && k - j < 16)
				j--;
			if (j > f && punct_eq(doc, j - 1, ',') && np_left(doc, f, j - 1) < j - 1 &&
			    (doc->tokens[np_left(doc, f, j - 1)].flags & WS_TF_CAPITALIZED))
				k = j;
		}
		if (k > f && punct_eq(doc, k - 1, ',')) {
			size_t name = np_left(doc, f, k - 1);
			if (name < k - 1 && ((doc->tokens[name].flags & WS_TF_CAPITALIZED) ||
					     (doc->tokens[k].flags & WS_TF_CAPITALIZED))) {
				/* "Doe, speaking on Monday, said": an aside, not a title */
				src_start = name;
				if (is_participle(doc, k) || word_in(doc, k, clause_boundaries)) {
					d->source = (range){name, k - 1};
					src_start = before;
					aside_source = true;
				}
			}
		}
	}

	if (src_start == before && (after_quote || after_comma) && np_follows) {
		/* "...," said Doe.  Content before, source after. */
		size_t src_end = np_right(doc, d->cue.last, end);
		/* "said Tomas Brenn, a lawyer for the authority." keeps its
		 * appositive, up to a quotation that may follow */
		if (src_end + 1 < end && punct_eq(doc, src_end, ',') && !is_opening_quote(doc, src_end + 1)) {
			size_t k = src_end + 1;
			while (k < end && doc->tokens[k].kind != WS_TOK_QUOTE)
				k++;
			src_end = trim(doc, (range){d->cue.last, k}).last;
		}
		d->source = (range){d->cue.last, src_end};
		d->content[0] = trim(doc, (range){f, before});
		if (src_end + 1 < end && punct_eq(doc, src_end, ',') && is_opening_quote(doc, src_end + 1))
			d->content[1] = trim(doc, (range){src_end + 1, l});
		return true;
	}

	if (src_start == before && !aside_source) {
		if (before > f && (word_eq(doc, before - 1, "who") || word_eq(doc, before - 1, "which") ||
				   word_eq(doc, before - 1, "that")))
			src_start = before - 1; /* a relative pronoun is the source as written */
		else if (before > f + 2 && relative_before_adverbial(doc, f, before) < before)
			src_start = relative_before_adverbial(doc, f, before); /* "who in 2010 said" */
		else if ((is_participle(doc, c) && (after_comma || before == f)) ||
			 (before > f && word_eq(doc, before - 1, "and"))) {
			/* "..., saying ..." and "... and said ...": the subject of
			 * the sentence speaks */
			d->source = sentence_subject(doc, f, before);
			src_start = before;
		} else
			src_start = np_left(doc, f, before);
	}
	if (src_start < before)
		d->source = (range){src_start, punct_eq(doc, before - 1, ',') ? before - 1 : before};

	/* tokens before the source */
	size_t boundary = d->source.first < d->source.last ? d->source.first : src_start;
	bool content_before = boundary > f + 2 &&
			      (punct_eq(doc, boundary - 1, ',') || is_closing_quote(doc, boundary - 1) ||
			       is_dash(doc, boundary - 1)) &&
			      !introductory_phrase(doc, f, boundary);
	if (content_before && short_tail(doc, d->cue.last, end)) {
		/* CONTENT, SOURCE CUE [tail]. */
		d->content[0] = trim(doc, (range){f, boundary});
		if (word_in(doc, c, addressee_cues) && d->cue.last < end && !word_in(doc, d->cue.last, adverbial_starts))
			d->addressee = (range){d->cue.last, np_right(doc, d->cue.last, end)};
		/* "A," she said, "B." */
		size_t k = d->cue.last;
		while (k < end && !punct_eq(doc, k, ',') && doc->tokens[k].kind != WS_TOK_QUOTE)
			k++;
		if (k + 1 < l && punct_eq(doc, k, ',') && is_speech(doc, k + 1))
			d->content[1] = trim(doc, (range){k + 1, l});
		else if (k < l && is_speech(doc, k))
			d->content[1] = trim(doc, (range){k, l});
		return true;
	}

	/* SOURCE CUE [ADDRESSEE] [that] CONTENT. */
	size_t from = d->cue.last;
	if (word_in(doc, c, addressee_cues) && from < end && !word_eq(doc, from, "that") &&
	    !word_in(doc, from, adverbial_starts) &&
	    doc->tokens[from].kind != WS_TOK_QUOTE && !punct_eq(doc, from, ',') && !punct_eq(doc, from, ':')) {
		size_t a_end = np_right(doc, from, end);
		d->addressee = (range){from, a_end};
		from = a_end;
	}
	from = content_start(doc, from, end);
	if (from < l && punct_eq(doc, from, ','))
		from++;
	d->content[0] = trim(doc, (range){from, l});
	if (d->content[0].first >= d->content[0].last && si > 0) {
		/* "Doe said." after the sentence it reports */
		const ws_sentence *prev = &doc->sentences[si - 1];
		if (prev->paragraph == doc->sentences[si].paragraph)
			d->content[0] = trim(doc, (range){prev->first, prev->last});
		d->confidence = 0.8;
	}
	return d->content[0].first < d->content[0].last;
}

static bool later_cue(const ws_doc *doc, const ws_model *model, size_t from, size_t end)
{
	for (size_t i = from; i < end; i++)
		if (cue_probability(doc, model, i, end) >= CUE_THRESHOLD)
			return true;
	return false;
}

static bool inside(range r, size_t i) { return r.first <= i && i < r.last; }

static ws_status attribute_sentence(ws_doc *doc, const ws_model *model, size_t si)
{
	const ws_sentence *s = &doc->sentences[si];
	draft prev;
	bool have_prev = false;
	for (size_t c = s->first; c < s->last; c++) {
		double p = cue_probability(doc, model, c, s->last);
		if (p < CUE_THRESHOLD)
			continue;
		if (c == s->first && later_cue(doc, model, c + 1, s->last))
			continue; /* "Asked about it, Doe said ...": Doe said is the cue */
		if (have_prev) {
			/* A cue inside the previous attribution is nested in it and
			 * flattened into it, except a participle after a comma, which
			 * starts a second attribution: "Doe said X, adding that Y." */
			bool in_prev = inside(prev.source, c) || inside(prev.cue, c) || inside(prev.addressee, c) ||
				       inside(prev.content[0], c) || inside(prev.content[1], c);
			bool split = in_prev && inside(prev.content[0], c) && prev.content[1].first == prev.content[1].last;
			if (in_prev && !split)
				continue;
			if (split && c > 0 && punct_eq(doc, c - 1, ',') && is_participle(doc, c)) {
				prev.content[0] = trim(doc, (range){prev.content[0].first, c});
			} else if (split) {
				/* "X said A, but Y said B": a new clause with its own
				 * source ends the content before it */
				draft d;
				if (!read_cue(doc, si, c, s->first, s->last, &d) || d.source.first == d.source.last)
					continue;
				size_t b = d.source.first;
				if (!(b > prev.content[0].first + 1 &&
				      ((punct_eq(doc, b - 1, ';')) ||
				       (word_in(doc, b - 1, clause_conjunctions) && punct_eq(doc, b - 2, ',')))))
					continue;
				prev.content[0] = trim(doc, (range){prev.content[0].first, b - 1});
			} else if (in_prev)
				continue;
		}
		draft d;
		if (!read_cue(doc, si, c, s->first, s->last, &d))
			continue;
		if (have_prev && d.source.first == d.source.last && is_participle(doc, c))
			d.source = prev.source; /* "Vell said X, adding that Y": Vell adds */
		d.confidence = p * (d.confidence ? d.confidence : 1.0);
		if (have_prev) {
			ws_status st = add_attribution(doc, prev.source, prev.cue, prev.addressee, prev.content, 2,
						       (int32_t)si, prev.confidence);
			if (st != WS_OK)
				return st;
		}
		prev = d;
		have_prev = true;
		c = d.cue.last - 1;
	}
	if (!have_prev)
		return WS_OK;
	return add_attribution(doc, prev.source, prev.cue, prev.addressee, prev.content, 2, (int32_t)si,
			       prev.confidence);
}

/* ------------------------------------------------- quotes left over */

/* Which attribution's content holds token i, or -1. */
static long owner_of(const ws_doc *doc, size_t i)
{
	size_t pos = doc->tokens[i].start;
	for (size_t a = doc->nattrs; a-- > 0;) {
		const ws_attr_work *w = &doc->attrs[a];
		for (size_t k = 0; k < w->pub.content_count; k++) {
			const ws_span *f = &doc->fragments[w->content_first + k];
			if (f->start <= pos && pos < f->end)
				return (long)a;
		}
		/* attributions are in text order: only near ones can hold it */
		if (doc->nattrs - a > 64)
			break;
	}
	return -1;
}

/* Append a fragment to attribution a; fragments of one attribution are
 * stored together, so this moves the fragments of later attributions. */
static ws_status append_fragment(ws_doc *doc, size_t a, ws_span span)
{
	if (!WS_PUSH(doc, doc->fragments, doc->nfragments, doc->fragments_cap))
		return WS_ERR_NOMEM;
	ws_attr_work *w = &doc->attrs[a];
	size_t at = w->content_first + w->pub.content_count;
	memmove(doc->fragments + at + 1, doc->fragments + at, (doc->nfragments - at) * sizeof *doc->fragments);
	doc->fragments[at] = span;
	doc->nfragments++;
	w->pub.content_count++;
	for (size_t b = 0; b < doc->nattrs; b++)
		if (b != a && doc->attrs[b].content_first >= at)
			doc->attrs[b].content_first++;
	return WS_OK;
}

/* Does a quote of a following paragraph continue quote q?  Its
 * continuation is among the next few quotes, after q's nested ones. */
static bool continued_later(const ws_doc *doc, size_t q)
{
	for (size_t k = q + 1; k < doc->nquotes && k <= q + 8; k++)
		if (doc->quotes[k].continues == (int32_t)q)
			return true;
	return false;
}

static ws_status claim_floating_quotes(ws_doc *doc)
{
	for (size_t q = 0; q < doc->nquotes; q++) {
		const ws_quote *quote = &doc->quotes[q];
		if (quote->parent >= 0 || !quote->words)
			continue;
		if (owner_of(doc, quote->open) >= 0 || continued_later(doc, q))
			continue; /* a continued quote goes with its continuation */
		const ws_token *open = &doc->tokens[quote->open];
		int32_t para = doc->sentences[open->sentence].paragraph;
		/* The nearest attribution before the quote, in this or the
		 * previous paragraph, that quoted someone. */
		long chosen = -1;
		for (size_t a = doc->nattrs; a-- > 0;) {
			const ws_attr_work *w = &doc->attrs[a];
			if (!w->pub.content_count || doc->fragments[w->content_first].start > open->start)
				continue;
			/* the paragraph where the attribution's content ends, so that
			 * a run of quoted paragraphs chains to one speaker */
			const ws_span *last = &doc->fragments[w->content_first + w->pub.content_count - 1];
			int32_t apara = doc->sentences[doc->tokens[ws_token_at(doc, last->start)].sentence].paragraph;
			/* from the previous paragraph only into a paragraph that
			 * opens with the quote */
			if (apara < para - 1 || (apara < para && !(open->flags & WS_TF_PARA_START)))
				break;
			if (w->pub.type != WS_ATTRIBUTION_INDIRECT || apara == para)
				chosen = (long)a;
			break;
		}
		/* A quote that continues one from the previous paragraph joins
		 * the attribution of what it continues. */
		if (quote->continues >= 0) {
			long prev = owner_of(doc, doc->quotes[quote->continues].open);
			if (prev >= 0)
				chosen = prev;
		}
		if (chosen < 0)
			continue;
		/* the fragment: the quote, and the rest of its sentence when the
		 * sentence is nothing but the quote */
		ws_span span = {open->start, doc->tokens[quote->close].end};
		ws_status st = append_fragment(doc, (size_t)chosen, span);
		if (st != WS_OK)
			return st;
	}
	/* The earlier paragraphs of a multi-paragraph quote whose cue comes
	 * at its end: walk each chain back from the part that was claimed. */
	for (size_t q = doc->nquotes; q-- > 0;) {
		const ws_quote *quote = &doc->quotes[q];
		if (quote->continues < 0)
			continue;
		long owner = owner_of(doc, quote->open);
		const ws_quote *prev = &doc->quotes[quote->continues];
		if (owner < 0 || owner_of(doc, prev->open) >= 0)
			continue;
		ws_span span = {doc->tokens[prev->open].start, doc->tokens[prev->close].end};
		ws_status st = append_fragment(doc, (size_t)owner, span);
		if (st != WS_OK)
			return st;
	}
	return WS_OK;
}

/* A pull quote signed with a dash: “QUOTE” ― Jane Doe.  The dash is the
 * cue and the capitalized words after it the source. */
static ws_status attribute_signed_quotes(ws_doc *doc)
{
	for (size_t q = 0; q < doc->nquotes; q++) {
		const ws_quote *quote = &doc->quotes[q];
		size_t dash = quote->close + 1;
		if (quote->parent >= 0 || !quote->closed || !quote->words || dash + 1 >= doc->ntokens ||
		    !is_dash(doc, dash) || !(doc->tokens[dash + 1].flags & WS_TF_CAPITALIZED))
			continue;
		size_t end = dash + 1;
		while (end < doc->ntokens && (doc->tokens[end].flags & WS_TF_CAPITALIZED) && end < dash + 6 &&
		       !(doc->tokens[end].flags & WS_TF_QUOTE_OPEN))
			end++;
		range content = {quote->open, quote->close + 1};
		ws_status st = add_attribution(doc, (range){dash + 1, end}, (range){dash, dash + 1}, (range){0, 0},
					       &content, 1, doc->tokens[quote->open].sentence, 0.7);
		if (st != WS_OK)
			return st;
	}
	return WS_OK;
}

ws_status ws_attributions_find(ws_doc *doc, const ws_model *model)
{
	for (size_t si = 0; si < doc->nsentences; si++) {
		ws_status st = attribute_sentence(doc, model, si);
		if (st != WS_OK)
			return st;
	}
	ws_status signed_st = attribute_signed_quotes(doc);
	if (signed_st != WS_OK)
		return signed_st;
	for (size_t a = 0; a < doc->nattrs; a++)
		doc->attrs[a].pub.type = ws_attribution_type_of(doc, &doc->attrs[a]);
	ws_status st = claim_floating_quotes(doc);
	if (st != WS_OK)
		return st;
	ws_attributions_order(doc);
	return WS_OK;
}
