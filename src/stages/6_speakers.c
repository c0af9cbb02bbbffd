/*
 * 6_speakers.c — from sources as written to the people and organizations
 * who speak.
 *
 * A source is written many ways in one article: "Vice President Jane Doe"
 * first, then "Doe", "the vice president", "she".  Resolution runs in
 * three steps:
 *
 *   1. Names.  Before any source is read, every name in the article is
 *      collected (the name tagger's persons and organizations with a
 *      learned model, runs of capitalized words with the rules), titles in
 *      front split off as the role ("Ohio Gov." of "Mark Dell"), and the
 *      names grouped into candidates: full names first, then short forms,
 *      so that "Hale", "Mrs. Hale" and "Ann M. Hale" join "Ann Hale", and
 *      "the RNC" its expansion.  A candidate's canonical name is its
 *      fullest form without titles, initials or suffixes.  Names the
 *      tagger cut or mislabelled are mended first (an acronym in
 *      parentheses, a title tagged an organization, a person run into
 *      an outlet), and names are compared in Unicode's composed form.
 *   2. Gender.  Each person's gender is read from the article: the he or
 *      she after each mention, honorifics, gendered nouns, a common first
 *      name; then from the sources resolved to them.
 *   3. Sources.  A source with names speaks for the person among them (not
 *      a possessor: "Ferrell's communications director, Dana Ruiz"), a
 *      description for the candidate whose titles or appositive hold its
 *      head noun ("the senator"), else the latest speaker who fits it;
 *      kin, organizations' nouns ("the union"), campaigns and the police
 *      by rules of their own; "his statement" for whoever "his" is.  He
 *      and she are ranked by a model learned from silver coreference
 *      chains (see the ranker below); it, they and relatives follow rules.
 *      A candidate that speaks becomes an entity.
 *
 * What resolves to no name becomes an entity of its own named as written
 * ("officials", kind group).  Then one pass over the tokens collects every
 * other mention of each entity, by the hash of its last word.  Every
 * choice here was kept only where it measured better on PolNeAR dev
 * (docs/accuracy.md); the lists of words are English news usage.
 */
#include "stages/stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Titles that precede a name and belong to the role, not the name. */
static const char *const titles[] = {
	"president", "vice", "sen", "sen.", "senator", "rep", "rep.", "representative", "gov", "gov.",
	"governor", "secretary", "chairman", "chairwoman", "chair", "speaker", "mayor", "attorney",
	"general", "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "gen", "gen.", "lt", "lt.", "col.",
	"judge", "justice", "chief", "minister", "prime", "director", "rev", "rev.", "the", "former",
	"leader", "majority", "minority", "democratic", "republican", "candidate", "nominee",
	"presidential", "press", "spokesman", "spokeswoman", "spokesperson", "house", "senate", "state",
	"deputy", "acting", "ambassador", "commissioner", "sheriff", "officer", "professor", "prof.",
	"chancellor", "king", "queen", "pope", "sgt.", "capt.", "adm.", "first", "lady", "u.s.", "gop",
	"campaign", "manager", "adviser", "advisor", "aide", "strategist", "analyst", "economist",
	"pollster", "retired", "interim", "executive", "ceo", "founder", "co-founder", NULL};

static const char *const honorifics[] = {"mr.", "mrs.", "ms.", "mr", "mrs", "ms", "dr.", "dr", NULL};

/* Words that make a name an organization's. */
static const char *const organization_words[] = {
	"party", "committee", "department", "ministry", "post", "times", "news", "council", "campaign",
	"agency", "authority", "association", "union", "inc.", "corp.", "university", "institute", "foundation",
	"center", "centre", "court", "senate", "congress", "administration", "office", "service",
	"bureau", "commission", "network", "journal", "press", "group", "company", "bank", "police",
	"fbi", "cia", "cnn", "nbc", "abc", "cbs", "fox", "msnbc", "reuters", "politico", "gop", "nato",
	"white", "league", "board", "organization", "coalition", "fund", "alliance", "club", "church",
	"army", "navy", "pentagon", "kremlin", "government", "parliament", "tribune", "herald",
	"magazine", "poll", "survey", "report", "study", "statement", "website", "blog", "twitter",
	"hotels", "airlines", "motors", "media", "industries", "systems", "technologies", "energy", "partners",
	"holdings", "capital", "labs", "pictures", "studios", "records", "communications", "consult", "research",
	"strategies", "inc", "llc", "ltd", "co.", "corporation", "companies", "foods", "stores", "brands",
	"entertainment", "insurance", "institution", "society", "ledger", "gazette", "courier", "chronicle",
	"daily", "weekly", "radio", "television", "channel", "tv", "broadcasting", "fargo", "sachs", "coal", "oil",
	"mining", "steel", "electric", "utilities", "railroad", "airways", NULL};

/* Plurals that name a group, not a person, even capitalized. */
static const char *const group_nouns[] = {
	"officials", "sources", "aides", "critics", "analysts", "experts", "advocates", "supporters",
	"opponents", "protesters", "police", "voters", "residents", "democrats", "republicans",
	"lawmakers", "authorities", "investigators", "prosecutors", "observers", "economists",
	"scientists", "researchers", "people", "witnesses", "organizers", "leaders", "members", NULL};

static const char *const person_pronouns[] = {"he", "she", "him", "her", "his", "i", "me", NULL};
static const char *const group_pronouns[] = {"they", "it", "we", "them", NULL};
static const char *const relative_pronouns[] = {"who", "which", "that", NULL};

/* Capitalized words that are not names when they open a sentence. */
static const char *const not_names[] = {
	"the", "a", "an", "but", "and", "in", "on", "at", "this", "that", "these", "those", "it", "he",
	"she", "they", "we", "i", "his", "her", "their", "its", "our", "my", "some", "many", "other",
	"another", "one", "two", "three", "according", "meanwhile", "however", "still", "yet", "so", "said",
	"says", "told", "added", "asked", "say", "not", "no", "if", "when", "whether", "while", "after", "before",
	"as", "what", "why", "how", "where", "there", "here", "now", "then",
	"even", "also", "only", "like", "both", "all", "each", "every", "everyone", "everything", "nothing", "nobody",
	"someone", "something", "anyone", "anything", "most", "few", "several", "neither", "either", NULL};

/* Days and months: capitalized, never a speaker's name ("an ABC7 poll
 * published on Sunday").  May stays out: it is a surname too often. */
static const char *const calendar_words[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
	"april", "june", "july", "august", "september", "october", "november", "december", "jan.", "feb.",
	"aug.", "sept.", "oct.", "nov.", "dec.", NULL};

static bool listed(const ws_doc *doc, size_t i, const char *const *list)
{
	const ws_token *t = &doc->tokens[i];
	return ws_word_listed(doc->text + t->start, t->end - t->start, list);
}

/* What mark_words found each token to be (held in doc->scratch while the
 * speakers are resolved). */
enum { WORD_TITLE = 1, WORD_ORG = 2, WORD_CALENDAR = 4, WORD_NOT_NAME = 8, WORD_SOURCE_NAME = 16 };

/* Does token i hold a letter beyond ASCII? */
static bool beyond_ascii(const ws_doc *doc, size_t i)
{
	for (size_t k = doc->tokens[i].start; k < doc->tokens[i].end; k++)
		if ((unsigned char)doc->text[k] >= 0x80)
			return true;
	return false;
}

static bool capitalized_word(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_WORD && (t->flags & WS_TF_CAPITALIZED) && !(doc->scratch[i] & WORD_CALENDAR);
}

static bool not_name(const ws_doc *doc, size_t i) { return doc->scratch[i] & WORD_NOT_NAME; }

/* Append text[start..end) to the string pool with runs of whitespace made
 * single spaces and a possessive 's dropped; returns its offset. */
static bool pool_add(ws_doc *doc, size_t start, size_t end, size_t *offset)
{
	size_t n = end - start;
	if (!ws_grow(&doc->allocator, (void **)&doc->strings, &doc->strings_cap, doc->strings_len + n + 1, 1))
		return false;
	*offset = doc->strings_len;
	char *out = doc->strings + doc->strings_len;
	size_t k = 0;
	bool space = false;
	for (size_t i = start; i < end; i++) {
		char c = doc->text[i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			space = k > 0;
			continue;
		}
		if (space)
			out[k++] = ' ';
		space = false;
		out[k++] = c == WS_SUBSTITUTE ? '?' : c;
	}
	if (k >= 2 && out[k - 1] == 's' && out[k - 2] == '\'')
		k -= 2;
	else if (k >= 4 && out[k - 1] == 's' && (unsigned char)out[k - 2] == 0x99 && (unsigned char)out[k - 4] == 0xE2)
		k -= 4; /* ’s */
	out[k] = '\0';
	doc->strings_len += k + 1;
	return true;
}

static bool pool_empty_string(ws_doc *doc, size_t *offset)
{
	if (!ws_grow(&doc->allocator, (void **)&doc->strings, &doc->strings_cap, doc->strings_len + 1, 1))
		return false;
	*offset = doc->strings_len;
	doc->strings[doc->strings_len++] = '\0';
	return true;
}

static const char *pool(const ws_doc *doc, size_t offset) { return doc->strings + offset; }

/* Names are compared in Unicode's composed form (NFC, by utf8proc), so
 * that one name typed two ways in one article ("Zoë" with U+00EB, and
 * "Zoe" + U+0308 from another source's copy) is one person.  The token
 * hashes of stage 1 are of the bytes as written; for ASCII, which has one
 * form only, the two agree, so the conversion runs for the rare word
 * beyond ASCII only. */

/* s[0..n) in NFC into out (cap bytes): its length, or SIZE_MAX when it
 * does not fit or is no valid UTF-8 (then it is compared as written). */
static size_t nfc(const char *s, size_t n, char *out, size_t cap)
{
	utf8proc_int32_t cps[64];
	utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, cps, 64,
						UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k < 0 || k > 64)
		return SIZE_MAX;
	k = utf8proc_normalize_utf32(cps, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k < 0)
		return SIZE_MAX;
	size_t len = 0;
	for (utf8proc_ssize_t i = 0; i < k; i++) {
		if (len + 4 > cap)
			return SIZE_MAX;
		len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)out + len);
	}
	return len;
}

static bool ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* The hash of a name word, as ws_word_hash of its NFC form. */
static uint32_t name_hash(const char *s, size_t n)
{
	char buf[256];
	size_t m = ascii(s, n) ? SIZE_MAX : nfc(s, n, buf, sizeof buf);
	return m == SIZE_MAX ? ws_word_hash(s, n) : ws_word_hash(buf, m);
}

static bool same_ascii_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* Are two names the same, letter case in ASCII and Unicode's forms
 * aside? */
static bool same_text_ci(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (ascii(a, na) && ascii(b, nb))
		return same_ascii_ci(a, b);
	char x[256], y[256];
	size_t mx = nfc(a, na, x, sizeof x - 1), my = nfc(b, nb, y, sizeof y - 1);
	if (mx == SIZE_MAX || my == SIZE_MAX)
		return same_ascii_ci(a, b);
	x[mx] = y[my] = '\0';
	return same_ascii_ci(x, y);
}

/* The last word of a pooled name (after its last space). */
static const char *last_word(const char *name)
{
	const char *sp = strrchr(name, ' ');
	return sp ? sp + 1 : name;
}

/* What a source says of its speaker, as token ranges. */
typedef struct source_parts {
	size_t name_first, name_last;   /* the capitalized name, or empty */
	size_t role_first, role_last;   /* titles before it, or an appositive */
	bool pronoun_person, pronoun_group, relative;
} source_parts;

static source_parts read_source(const ws_doc *doc, size_t first, size_t last)
{
	source_parts p = {0};
	if (last == first + 1) {
		p.pronoun_person = listed(doc, first, person_pronouns);
		p.pronoun_group = listed(doc, first, group_pronouns);
		p.relative = listed(doc, first, relative_pronouns);
		if (p.pronoun_person || p.pronoun_group || p.relative)
			return p;
	}
	/* the head part ends at the first comma: "Doe, the party's chair" */
	size_t head_end = first;
	while (head_end < last && !(doc->tokens[head_end].kind == WS_TOK_PUNCT &&
				    (doc->text[doc->tokens[head_end].start] == ',' ||
				     doc->text[doc->tokens[head_end].start] == '(')))
		head_end++;
	/* the last run of capitalized words of the head is the name; with
	 * none, the appositive may name the speaker: "a spokeswoman, Ann Lee" */
	size_t run_first = head_end, run_last = head_end;
	size_t name_end = head_end;
	bool head_has_capital = false;
	for (size_t i = first; i < head_end; i++)
		head_has_capital |= capitalized_word(doc, i) && !(doc->tokens[i].flags & WS_TF_SENT_START);
	if (!head_has_capital && head_end + 1 < last && capitalized_word(doc, head_end + 1)) {
		name_end = head_end + 1;
		while (name_end < last && capitalized_word(doc, name_end))
			name_end++;
		run_first = run_last = name_end;
	}
	for (size_t i = name_end; i-- > first;) {
		/* "Ministry of Harbors": a lowercase "of" between capitals */
		bool joiner = run_last > run_first && run_first == i + 1 && i > first && capitalized_word(doc, i - 1) &&
			      listed(doc, i, (const char *const[]){"of", "for", "and", "de", NULL});
		if (capitalized_word(doc, i) || joiner ||
		    (run_last > run_first && doc->tokens[i].kind == WS_TOK_WORD && (doc->tokens[i].flags & WS_TF_ABBREV))) {
			if (run_last == run_first || run_first != i + 1)
				run_last = i + 1, run_first = i;
			run_first = i;
		} else if (run_last > run_first)
			break;
	}
	/* titles in front of the name are the role: "Vice President" */
	size_t n = run_first;
	/* and so are the words that open a sentence: "An ABC7 poll" */
	while (n < run_last && ((n + 1 < run_last && listed(doc, n, titles)) || not_name(doc, n)))
		n++;
	if (n < run_last && !(run_last == n + 1 && listed(doc, n, group_nouns))) {
		p.name_first = n;
		p.name_last = run_last;
		/* a name never ends in a possessive of something else: keep it */
	}
	if (p.name_first < p.name_last && name_end > head_end) {
		p.role_first = first, p.role_last = head_end; /* the role came first */
	} else if (p.name_first < p.name_last) {
		if (n > first)
			p.role_first = first, p.role_last = n;
		if (head_end + 1 < last && p.role_first == p.role_last)
			p.role_first = head_end + 1, p.role_last = last;
	} else {
		p.role_first = first;
		p.role_last = last;
	}
	/* an honorific alone is no role: "Mr. Obama" */
	if (p.role_last == p.role_first + 1 && listed(doc, p.role_first, honorifics))
		p.role_last = p.role_first;
	/* a role never starts with an article nor ends in a linking word:
	 * "a report from the Port Authority" has the role "report"; and it
	 * neither starts nor ends with punctuation: "Jane Doe, the city
	 * engineer," has the role "city engineer" */
	while (p.role_first < p.role_last && (doc->tokens[p.role_first].kind == WS_TOK_PUNCT ||
					      listed(doc, p.role_first, (const char *const[]){"the", "a", "an", NULL})))
		p.role_first++;
	while (p.role_first < p.role_last &&
	       (doc->tokens[p.role_last - 1].kind == WS_TOK_PUNCT ||
		listed(doc, p.role_last - 1, (const char *const[]){"the", "a", "an", "of", "from", "for", "at", "by", NULL})))
		p.role_last--;
	return p;
}

static ws_entity_kind kind_of(const ws_doc *doc, const source_parts *p, size_t first, size_t last)
{
	/* a named speaker's kind comes from the name alone: "Tom Brenn, a
	 * lawyer for the Authority" is a person */
	size_t from = p->name_first < p->name_last ? p->name_first : first;
	size_t to = p->name_first < p->name_last ? p->name_last : last;
	for (size_t i = from; i < to; i++)
		if (listed(doc, i, organization_words))
			return WS_ENTITY_ORGANIZATION;
	if (p->name_first < p->name_last) {
		if (p->role_first < p->role_last || p->name_last - p->name_first >= 2)
			return WS_ENTITY_PERSON;
		return WS_ENTITY_UNKNOWN;
	}
	/* an unnamed plural: "officials", "sources", "aides" */
	const ws_token *head = &doc->tokens[last - 1];
	if (listed(doc, last - 1, group_nouns) ||
	    (head->kind == WS_TOK_WORD && doc->text[head->end - 1] == 's' &&
	     (!(head->flags & WS_TF_CAPITALIZED) || (head->flags & WS_TF_SENT_START))))
		return WS_ENTITY_GROUP;
	return WS_ENTITY_UNKNOWN;
}


/* How many of the latest entities a name or role is looked up among: all
 * of them in any real article, and a bound that keeps a pathological
 * document with a million names linear. */
#define LOOKUP_REACH 512

static long find_by_name(const ws_doc *doc, const char *name)
{
	size_t floor = doc->nentities > LOOKUP_REACH ? doc->nentities - LOOKUP_REACH : 0;
	/* full name first, then a short form: "Doe" for "Jane Doe" */
	for (size_t i = doc->nentities; i-- > floor;)
		if (doc->entities[i].pub.kind != WS_ENTITY_GROUP && same_text_ci(pool(doc, doc->entities[i].name_off), name))
			return (long)i;
	if (!strchr(name, ' '))
		for (size_t i = doc->nentities; i-- > floor;) {
			const char *full = pool(doc, doc->entities[i].name_off);
			if (strchr(full, ' ') && same_text_ci(last_word(full), name))
				return (long)i;
		}
	return -1;
}

static long find_by_role(const ws_doc *doc, const char *role)
{
	if (!*role)
		return -1;
	size_t floor = doc->nentities > LOOKUP_REACH ? doc->nentities - LOOKUP_REACH : 0;
	for (size_t i = doc->nentities; i-- > floor;) {
		const char *r = pool(doc, doc->entities[i].role_off);
		size_t rn = strlen(r), n = strlen(role);
		/* "vice president" matches the role "Vice President" and
		 * "Democratic Vice President" */
		if (*r && rn >= n && same_text_ci(r + rn - n, role) && (rn == n || r[rn - n - 1] == ' '))
			return (long)i;
	}
	return -1;
}

static ws_status new_entity(ws_doc *doc, size_t name_start, size_t name_end, size_t role_start, size_t role_end,
			    ws_entity_kind kind, long *out)
{
	if (!WS_PUSH(doc, doc->entities, doc->nentities, doc->entities_cap))
		return WS_ERR_NOMEM;
	ws_entity_work *e = &doc->entities[doc->nentities];
	memset(e, 0, sizeof *e);
	if (!pool_add(doc, name_start, name_end, &e->name_off))
		return WS_ERR_NOMEM;
	bool ok = role_start < role_end ? pool_add(doc, role_start, role_end, &e->role_off)
					: pool_empty_string(doc, &e->role_off);
	if (!ok)
		return WS_ERR_NOMEM;
	e->pub.kind = kind;
	e->cand = -1;
	e->last_word = name_hash(last_word(pool(doc, e->name_off)), strlen(last_word(pool(doc, e->name_off))));
	*out = (long)doc->nentities++;
	return WS_OK;
}

/* ------------------------------------------------------------ the names
 *
 * Before any source is read, every name in the article is collected (the
 * name tagger's persons and organizations with a learned model, runs of
 * capitalized words without one) and grouped into candidates: "Ann Hale",
 * "Hale", "Mrs. Hale" and "Ann M. Hale" are one person; "the Republican
 * National Committee" and "the RNC" one organization.  A source is then
 * resolved to a candidate, and a candidate that speaks becomes an entity.
 * Reading the whole article first is what lets "Hale" in the first
 * attribution take the full name given three paragraphs later, a pronoun
 * reach back to a person who was named but has not spoken, and a gender be
 * read from every pronoun that follows a person's name. */

enum { CLS_UNKNOWN, CLS_PERSON, CLS_ORG };

typedef struct name_mention {
	uint32_t first, last;           /* the name proper, tokens, last exclusive */
	uint32_t role_first, role_last; /* the titles before it: "Ohio Gov." */
	int32_t cand;
	uint32_t nth;                   /* how many of its candidate's mentions come before it, and it */
	uint8_t cls;
	int8_t honorific;               /* +1 Mr., -1 Mrs./Ms./Miss, 0 none */
	uint32_t apos_first, apos_last; /* an appositive that describes it, or empty */
} name_mention;

typedef struct name_cand {
	uint32_t best_first, best_last; /* its fullest form, tokens */
	uint32_t role_first, role_last; /* the first titles seen with it */
	uint32_t words;                 /* name words of the fullest form */
	uint32_t count;                 /* mentions */
	uint32_t first_key, last_key;   /* hashes of its first and last words */
	uint32_t second_last_key;       /* of the word before the last, or 0 */
	uint32_t acronym;               /* hash of an organization's initials, or 0 */
	uint32_t seen;                  /* token of its latest mention so far */
	int32_t entity;                 /* the entity it became, or -1 */
	int32_t campaign;               /* the entity "<surname> campaign", or -1 */
	int32_t female, male;           /* evidence */
	int8_t party;                   /* party_of its titles, -1 until asked */
	uint8_t cls;
} name_cand;

typedef struct names {
	name_mention *m;
	size_t nm;
	name_cand *c;
	size_t nc;
	int32_t *entity_cand;           /* per entity, its candidate or -1 */
	size_t entity_cap;
	bool rule_pronouns;             /* the ranker off: how its training rows are made */
	bool police_read;               /* police_first, police_last found (police_phrase) */
	size_t police_first, police_last;
} names;

/* Titles, offices and descriptive words that stand before a person's name
 * in news ("Homeland Security Secretary", "Activist", "Rival") and so are
 * the role, never the name. */
static const char *const person_titles[] = {
	"president", "vice", "sen", "sen.", "senator", "rep", "rep.", "representative", "gov", "gov.",
	"governor", "secretary", "sec.", "chairman", "chairwoman", "chair", "speaker", "mayor", "attorney",
	"general", "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "gen", "gen.", "lt", "lt.",
	"col.", "col", "maj.", "del.", "delegate", "judge", "justice", "chief", "minister", "prime", "director",
	"rev", "rev.", "former", "leader", "candidate", "nominee", "spokesman", "spokeswoman", "spokesperson",
	"deputy", "acting", "ambassador", "commissioner", "sheriff", "officer", "professor", "prof.", "chancellor",
	"king", "queen", "pope", "prince", "princess", "sgt.", "capt.", "adm.", "lady", "manager", "adviser",
	"advisor", "aide", "strategist", "analyst", "economist", "pollster", "retired", "interim", "executive",
	"ceo", "founder", "co-founder", "congressman", "congresswoman", "councilman", "councilwoman",
	"assemblyman", "assemblywoman", "activist", "rival", "democrat", "republican", "host", "anchor",
	"correspondent", "reporter", "columnist", "writer", "editor", "author", "actor", "actress", "singer",
	"rapper", "comedian", "commentator", "businessman", "businesswoman", "billionaire", "lawyer",
	"counsel", "prosecutor", "treasurer", "superintendent", "principal", "coach", "pastor", "bishop",
	"cardinal", "rabbi", "imam", "sister", "brother", "father", "dean", "provost", "chairperson",
	"premier", "attorney-general", "surgeon", "dictator", "strongman", "envoy", "lt.gov.", "u.s.",
	"presidential", "libertarian", "gop", "independent", "nominee", NULL};

/* The long lists above are asked about for nearly every token of every
 * name, so each token's membership is worked out once per document
 * (mark_words) through a small hash table of the lists' words, and kept in
 * doc->scratch until collect_mentions reuses it.  A hash hit is confirmed
 * against the word itself, so the answers are exactly ws_word_listed's. */
#define WORD_TABLE 1024 /* a power of two, over twice the lists' length */

static void table_add(uint32_t *hashes, int16_t *entries, uint32_t hash, int16_t entry)
{
	uint32_t slot = hash & (WORD_TABLE - 1);
	while (entries[slot] >= 0)
		slot = (slot + 1) & (WORD_TABLE - 1);
	hashes[slot] = hash;
	entries[slot] = entry;
}

static ws_status mark_words(ws_doc *doc)
{
	static const char *const *const lists[] = {person_titles, organization_words, calendar_words, not_names};
	static const int32_t bit[] = {WORD_TITLE, WORD_ORG, WORD_CALENDAR, WORD_NOT_NAME};
	uint32_t hashes[WORD_TABLE];
	int16_t entries[WORD_TABLE]; /* list << 12 | index, -1 empty */
	for (size_t i = 0; i < WORD_TABLE; i++)
		entries[i] = -1;
	for (int16_t l = 0; l < 4; l++)
		for (int16_t k = 0; lists[l][k]; k++)
			table_add(hashes, entries, ws_word_hash(lists[l][k], strlen(lists[l][k])), (int16_t)(l << 12 | k));
	if (doc->ntokens && !ws_grow(&doc->allocator, (void **)&doc->scratch, &doc->scratch_cap, doc->ntokens,
				     sizeof *doc->scratch))
		return WS_ERR_NOMEM;
	for (size_t i = 0; i < doc->ntokens; i++) {
		const ws_token *t = &doc->tokens[i];
		int32_t bits = 0;
		if (t->kind == WS_TOK_WORD)
			for (uint32_t slot = t->word & (WORD_TABLE - 1); entries[slot] >= 0;
			     slot = (slot + 1) & (WORD_TABLE - 1)) {
				if (hashes[slot] != t->word)
					continue;
				int l = entries[slot] >> 12, k = entries[slot] & 0xFFF;
				if (ws_word_listed(doc->text + t->start, t->end - t->start,
						   (const char *const[]){lists[l][k], NULL}))
					bits |= bit[l];
			}
		doc->scratch[i] = bits;
	}
	return WS_OK;
}

static bool title_word(const ws_doc *doc, size_t i) { return doc->scratch[i] & WORD_TITLE; }
static bool org_word(const ws_doc *doc, size_t i) { return doc->scratch[i] & WORD_ORG; }

static const char *const male_words[] = {
	"mr", "mr.", "he", "him", "his", "himself", "congressman", "spokesman", "chairman", "businessman",
	"councilman", "assemblyman", "actor", "king", "prince", "father", "husband", "son", "brother",
	"grandfather", "uncle", "nephew", "boyfriend", "sir", "lord", "man", "gentleman", NULL};
static const char *const female_words[] = {
	"mrs", "mrs.", "ms", "ms.", "miss", "she", "her", "hers", "herself", "congresswoman", "spokeswoman",
	"chairwoman", "businesswoman", "councilwoman", "assemblywoman", "actress", "queen", "princess",
	"lady", "mother", "wife", "daughter", "sister", "grandmother", "aunt", "niece", "girlfriend",
	"woman", "madam", NULL};

/* First names whose bearers in English-language news are nearly all of
 * one gender: weak evidence, outweighed by a single pronoun or honorific. */
static const char *const male_first_names[] = {
	"donald", "barack", "bernie", "mike", "michael", "john", "james", "robert", "william", "david",
	"richard", "joseph", "thomas", "charles", "christopher", "daniel", "matthew", "anthony", "mark",
	"paul", "steven", "steve", "andrew", "kenneth", "joshua", "kevin", "brian", "george", "edward",
	"ronald", "timothy", "jason", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric", "jonathan",
	"stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "frank", "gregory", "raymond",
	"alexander", "patrick", "jack", "dennis", "jerry", "tyler", "aaron", "jose", "adam", "henry",
	"nathan", "douglas", "zachary", "peter", "kyle", "walter", "ethan", "jeremy", "harold", "keith",
	"christian", "roger", "noah", "gerald", "carl", "terry", "sean", "austin", "arthur", "lawrence",
	"jesse", "dylan", "bryan", "joe", "jordan", "billy", "bruce", "albert", "willie", "gabriel",
	"logan", "alan", "juan", "wayne", "roy", "ralph", "randy", "eugene", "vincent", "russell",
	"elijah", "louis", "bobby", "philip", "johnny", "bill", "ted", "newt", "rudy", "chris", "tom",
	"tim", "jim", "jeb", "marco", "rand", "ben", "tony", "vladimir", "dan", "ed", "rick", "ron",
	"reince", "corey", "kellyanne", "sean", "jeh", "josh", "harry", "mitch", "chuck", "lindsey",
	"hugh", "ian", "jon", "ken", "nick", "pat", "phil", "sam", "stan", "vince", "bob", "doug", "greg",
	"jake", "jeff", "matt", "pete", "ray", "rob", "andy", "fred", "howard", "martin", "michel",
	"francois", "emmanuel", "nigel", "boris", "tucker", "rush", "glenn", "bret", "wolf", "anderson",
	"lester", "chad", "cory", "tim", "jared", "eric", "rex", "reid", "paul", "mohammed", "muhammad",
	"ahmed", "ali", "omar", "xi", "recep", "benjamin", "bashar", "robby", "bobby", "robbie", "trey", "travis",
	"derek", "marcus", "darren", "luke", "evan", "ivan", "hector", "carlos", "luis", "miguel", "pedro", "jorge",
	"antonio", "francisco", "ricardo", "raul", "mario", "sergio", "hans", "klaus", "pierre", "jacques",
	"giuseppe", "paolo", "sergei", "dmitry", "alexei", "mitt", NULL};
static const char *const female_first_names[] = {
	"hillary", "michelle", "melania", "ivanka", "chelsea", "elizabeth", "mary", "patricia",
	"jennifer", "linda", "barbara", "susan", "jessica", "sarah", "karen", "nancy", "lisa", "betty",
	"margaret", "sandra", "ashley", "kimberly", "emily", "donna", "michelle", "dorothy", "carol",
	"amanda", "melissa", "deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen",
	"amy", "angela", "shirley", "anna", "brenda", "pamela", "emma", "nicole", "helen", "samantha",
	"katherine", "christine", "debra", "rachel", "carolyn", "janet", "catherine", "maria", "heather",
	"diane", "ruth", "julie", "olivia", "joyce", "virginia", "victoria", "kelly", "lauren", "christina",
	"joan", "evelyn", "judith", "megan", "andrea", "cheryl", "hannah", "jacqueline", "martha", "gloria",
	"teresa", "ann", "sara", "madison", "frances", "kathryn", "janice", "jean", "abigail", "alice",
	"judy", "sophia", "grace", "denise", "amber", "doris", "marilyn", "danielle", "beverly", "isabella",
	"theresa", "diana", "natalie", "brittany", "charlotte", "marie", "kayla", "alexis", "lori",
	"kellyanne", "nikki", "sarah", "elaine", "condoleezza", "madeleine", "debbie", "kirsten", "tammy",
	"claire", "kamala", "dianne", "huma", "jill", "gennifer", "juanita", "kathy", "paula", "rosie",
	"megyn", "katy", "beyonce", "oprah", "angela", "theresa", "marine", "jane", "tess", "rita",
	"dana", "kate", "katie", "meg", "sue", "liz", "beth", "ellen", "eva", "irene", "lynn", "rose",
	"ruby", "tina", "wendy", "zoe", "valerie", "carly", "susana", "loretta", "janet", "hope", "robin",
	"sheila", "connie", "cathy", "nina", "gwen", "stacey", "stacy", "tracy", "erin", "kristen", "kristin",
	"allison", "alison", "monica", "vanessa", "veronica", "yvonne", "gina", "tara", "jenna", "jenny", "leah",
	"sonia", "sonya", "carmen", "rosa", "ana", "angelina", "nora", "sofia", "olga", "ingrid", "greta", "nadia",
	"fatima", "aisha", "priya", NULL};

/* Suffixes and particles that are no part of a canonical name. */
static const char *const name_suffixes[] = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", NULL};

/* Nouns that head a description of a person ("the Republican nominee",
 * "the Vermont senator") and of an organization ("the company"). */
static const char *const person_nouns[] = {
	"president", "senator", "sen.", "governor", "gov.", "nominee", "candidate", "businessman",
	"businesswoman", "judge", "chairman", "chairwoman", "chair", "secretary", "spokesman", "spokeswoman",
	"spokesperson", "mayor", "congressman", "congresswoman", "lawmaker", "representative", "rep.",
	"billionaire", "mogul", "lawyer", "attorney", "minister", "leader", "director", "commissioner",
	"chief", "executive", "host", "anchor", "pollster", "strategist", "adviser", "advisor", "aide",
	"founder", "ceo", "author", "star", "actor", "actress", "singer", "general", "sheriff",
	"prosecutor", "counsel", "manager", "speaker", "democrat", "republican", "justice", "officer",
	"economist", "professor", "ambassador", "analyst", "treasurer", "superintendent", "mogul",
	"tycoon", "star", "celebrity", "incumbent", "challenger", "contender", "frontrunner",
	"front-runner", "veteran", "councilman", "councilwoman", "reporter", "columnist", "writer",
	"editor", "journalist", "correspondent", "commentator", "comedian", "rapper", "activist", NULL};
static const char *const org_nouns[] = {
	"company", "firm", "bank", "network", "newspaper", "paper", "magazine", "agency", "union",
	"commission", "committee", "panel", "group", "organization", "organisation", "department", "office",
	"court", "university", "institute", "center", "centre", "party", "poll", "survey", "study", "report",
	"ad", "advertisement", "clip", "video", "station", "channel", "website", "site", "outlet",
	"publication", "council", "board", "government", "ministry", "foundation", "association",
	"coalition", "league", "club", "school", "hospital", "airline", "retailer", "service", "bureau",
	"administration", "campaign", "watchdog", "think", "tank", "corporation", "giant", "maker",
	"manufacturer", "carrier", "broadcaster", "daily", "tabloid", "journal", "statement", "memo",
	"letter", "analysis", "review", "fact-checker", "fund", "charity", "nonprofit", "team", "police",
	"military", "army", "navy", "church", "sheriff's", NULL};
/* Of those, the ones a campaign or an administration is named by:
 * "the Trump campaign", "Clinton's campaign", "the Obama administration". */
static const char *const campaign_nouns[] = {"campaign", "administration", NULL};
/* Things made rather than organizations: their speaker is whoever the
 * article says made them. */
static const char *const document_nouns[] = {
	"poll", "survey", "study", "report", "ad", "advertisement", "clip", "video", "statement", "memo",
	"letter", "analysis", "review", "website", "site", "tweet", "post", "email", "e-mail", "release",
	"list", "book", "speech", "plan", "op-ed", "editorial", "article", "story", "interview", "data",
	"complaint", "lawsuit", "filing", "ruling", "document", "documents", "records", "footage", NULL};

static const char *const possessive_pronouns[] = {"his", "her", "its", "their", NULL};

static bool in_list(const ws_doc *doc, size_t i, const char *const *list)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_WORD && ws_word_listed(doc->text + t->start, t->end - t->start, list);
}

/* The length of token i without a possessive ending ('s, ’s, or the
 * plural's lone apostrophe). */
static size_t bare_length(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	const char *w = doc->text + t->start;
	size_t n = t->end - t->start;
	if (n > 2 && w[n - 1] == 's' && w[n - 2] == '\'')
		return n - 2;
	if (n > 4 && w[n - 1] == 's' && (unsigned char)w[n - 2] == 0x99 && (unsigned char)w[n - 3] == 0x80 &&
	    (unsigned char)w[n - 4] == 0xE2)
		return n - 4;
	if (n > 1 && w[n - 1] == '\'')
		return n - 1;
	if (n > 3 && (unsigned char)w[n - 1] == 0x99 && (unsigned char)w[n - 2] == 0x80 && (unsigned char)w[n - 3] == 0xE2)
		return n - 3;
	return n;
}

static bool possessive(const ws_doc *doc, size_t i)
{
	return doc->tokens[i].kind == WS_TOK_WORD && bare_length(doc, i) < doc->tokens[i].end - doc->tokens[i].start;
}

/* The hash of token i's word without its possessive ending and periods:
 * "Hale’s" and "Hale", "S.E.C." and "SEC" are the same key. */
static uint32_t key_of(const ws_doc *doc, size_t i)
{
	if (i >= doc->ntokens)
		return 0; /* no word: a key no word has (ws_word_hash is never 0) */
	char buf[64];
	size_t n = bare_length(doc, i), k = 0;
	const char *w = doc->text + doc->tokens[i].start;
	for (size_t j = 0; j < n && k < sizeof buf; j++)
		if (w[j] != '.')
			buf[k++] = w[j];
	return name_hash(buf, k);
}

/* A middle initial ("M." in "Ann M. Hale"): one letter, with or without its
 * period. */
static bool initial(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	size_t n = t->end - t->start;
	const char *w = doc->text + t->start;
	return t->kind == WS_TOK_WORD && w[0] >= 'A' && w[0] <= 'Z' && (n == 1 || (n == 2 && w[1] == '.'));
}

/* Does token i count as a word of a name (not an initial, a suffix or
 * punctuation)? */
static bool name_word(const ws_doc *doc, size_t i)
{
	return doc->tokens[i].kind == WS_TOK_WORD && !initial(doc, i) && !in_list(doc, i, name_suffixes);
}

static size_t count_name_words(const ws_doc *doc, size_t first, size_t last)
{
	size_t n = 0;
	for (size_t i = first; i < last; i++)
		n += name_word(doc, i);
	return n;
}

static size_t first_name_word(const ws_doc *doc, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		if (name_word(doc, i))
			return i;
	return last;
}

static size_t last_name_word(const ws_doc *doc, size_t first, size_t last)
{
	for (size_t i = last; i-- > first;)
		if (name_word(doc, i))
			return i;
	return last;
}

static bool capitalized_at(const ws_doc *doc, size_t i)
{
	return i < doc->ntokens && capitalized_word(doc, i);
}

static bool has_org_word(const ws_doc *doc, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		if (org_word(doc, i))
			return true;
	return false;
}

/* The initials of an organization's capitalized words ("Alliance to
 * Reclaim Our Schools" -> "aros"), hashed; 0 for fewer than two. */
static uint32_t acronym_of(const ws_doc *doc, size_t first, size_t last)
{
	char buf[16];
	size_t k = 0;
	for (size_t i = first; i < last && k < sizeof buf; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind == WS_TOK_WORD && (t->flags & WS_TF_CAPITALIZED))
			buf[k++] = doc->text[t->start];
	}
	return k >= 2 && k < sizeof buf ? ws_word_hash(buf, k) : 0;
}

/* Append a name in its canonical form: the words of tokens [first, last)
 * with initials, suffixes and possessive endings left out.  Middle names
 * stay: dropping them ("Donna Rawlings" for "Donna Sampson Rawlings")
 * lost more than it won on PolNeAR dev. */
static bool pool_add_name(ws_doc *doc, size_t first, size_t last, size_t *offset)
{
	size_t need = 1;
	for (size_t i = first; i < last; i++)
		need += doc->tokens[i].end - doc->tokens[i].start + 1;
	if (!ws_grow(&doc->allocator, (void **)&doc->strings, &doc->strings_cap, doc->strings_len + need, 1))
		return false;
	*offset = doc->strings_len;
	char *out = doc->strings + doc->strings_len;
	size_t k = 0;
	for (size_t i = first; i < last; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind == WS_TOK_PUNCT && !(t->flags & WS_TF_SPACE_AFTER) && i + 1 < last) {
			out[k++] = doc->text[t->start]; /* "Urban-Brookings" tokenized apart */
			continue;
		}
		if (!name_word(doc, i))
			continue;
		if (k > 0 && out[k - 1] != '-')
			out[k++] = ' ';
		size_t n = i + 1 == last ? bare_length(doc, i) : t->end - t->start;
		for (size_t j = 0; j < n; j++) {
			char c = doc->text[t->start + j];
			out[k++] = c == WS_SUBSTITUTE ? '?' : c;
		}
	}
	out[k] = '\0';
	doc->strings_len += k + 1;
	return true;
}

static bool pool_add_cstr(ws_doc *doc, const char *s, size_t *offset)
{
	size_t n = strlen(s);
	if (!ws_grow(&doc->allocator, (void **)&doc->strings, &doc->strings_cap, doc->strings_len + n + 1, 1))
		return false;
	*offset = doc->strings_len;
	memcpy(doc->strings + doc->strings_len, s, n + 1);
	doc->strings_len += n + 1;
	return true;
}

static bool push_mention(ws_doc *doc, names *nm, size_t *cap, name_mention m)
{
	if (nm->nm == *cap && !ws_grow(&doc->allocator, (void **)&nm->m, cap, nm->nm + 1, sizeof *nm->m))
		return false;
	nm->m[nm->nm++] = m;
	return true;
}

/* Cut a name run [*first, last) after its last title ("Homeland Security
 * Secretary Jeh Johnson" -> "Jeh Johnson") or, for a person, after an
 * organization's word ("Washington Post Trump"), leaving what was cut as
 * the role; an honorific gives the gender. */
static void split_titles(const ws_doc *doc, name_mention *m)
{
	size_t first = m->first, last = m->last;
	size_t cut = first;
	if (m->cls == CLS_ORG) {
		/* "Manhattan Supreme Court Justice Frank Nervo", "Air Force Gen.
		 * Norman Ham": an organization's name, a title, and a person's
		 * name of two words or more after it */
		size_t t = last;
		for (size_t i = first; i + 2 < last; i++)
			if (title_word(doc, i) && !in_list(doc, i, (const char *const[]){"general", "state", NULL}))
				t = i;
		if (t < last && count_name_words(doc, t + 1, last) >= 2 && !has_org_word(doc, t + 1, last))
			m->cls = CLS_PERSON;
		/* "Washington Post Trump": the tagger ran an outlet into the
		 * surname after it; the last word is the person's */
		else if (last - first >= 3 && org_word(doc, last - 2) && !org_word(doc, last - 1) &&
			 capitalized_word(doc, last - 1) &&
			 !(doc->tokens[last - 1].flags & WS_TF_ALLCAPS)) {
			m->first = (uint32_t)(last - 1);
			m->cls = CLS_UNKNOWN;
			return;
		}
	}
	for (size_t i = first; i + 1 < last; i++) {
		bool title = title_word(doc, i) && m->cls != CLS_ORG;
		if (in_list(doc, i, (const char *const[]){"mr", "mr.", NULL}))
			m->honorific = 1;
		else if (in_list(doc, i, (const char *const[]){"mrs", "mrs.", "ms", "ms.", "miss", NULL}))
			m->honorific = -1;
		/* "Speaker of the House Ann Hale": the chamber of an
		 * office named before a person's name of two words */
		bool chamber = m->cls != CLS_ORG && i + 2 < last && count_name_words(doc, i + 1, last) >= 2 &&
			       in_list(doc, i, (const char *const[]){"house", "senate", NULL});
		if (title || chamber || (m->cls == CLS_PERSON && org_word(doc, i)))
			cut = i + 1;
		else if (not_name(doc, i) && i == cut)
			cut = i + 1;
	}
	/* "Secretary of State Ann Hale": an office named with "of" keeps
	 * its words, as long as two name words are left */
	if (cut > first && cut < last && in_list(doc, cut, (const char *const[]){"of", NULL})) {
		cut++;
		while (cut < last && last - cut > 2 &&
		       (capitalized_word(doc, cut) || in_list(doc, cut, (const char *const[]){"the", NULL})))
			cut++;
	}
	/* a title run never swallows the whole name */
	while (cut < last && doc->tokens[cut].kind != WS_TOK_WORD)
		cut++;
	if (cut >= last)
		return;
	if (cut > first) {
		if (m->role_first == m->role_last)
			m->role_first = first;
		m->role_last = (uint32_t)cut;
	}
	m->first = (uint32_t)cut;
	if (m->cls != CLS_ORG && !has_org_word(doc, cut, last))
		m->cls = count_name_words(doc, cut, last) >= 2 || m->honorific ? CLS_PERSON : m->cls;
}

/* Titles just before a tagged name that the tagger left out: "Ohio Gov."
 * before "Mark Dell", "Secretary of State" before "Ann Hale". */
static void titles_before(const ws_doc *doc, name_mention *m)
{
	size_t i = m->first;
	size_t start = i;
	bool any_title = false;
	while (i > 0) {
		size_t j = i - 1;
		const ws_token *t = &doc->tokens[j];
		bool title = title_word(doc, j);
		/* "Secretary of State", "Speaker of the House" */
		bool joiner = (in_list(doc, j, (const char *const[]){"of", NULL}) && j > 0 && title_word(doc, j - 1)) ||
			      (in_list(doc, j, (const char *const[]){"the", NULL}) && j > 1 &&
			       in_list(doc, j - 1, (const char *const[]){"of", NULL}) && title_word(doc, j - 2));
		if (!(title || joiner || (capitalized_word(doc, j) && !possessive(doc, j) && any_title)))
			break;
		if (t->flags & WS_TF_SENT_START && !title && !capitalized_word(doc, j))
			break;
		any_title |= title;
		i = j;
		if (title || joiner)
			start = i;
		else
			start = i;
		if (t->flags & WS_TF_SENT_START)
			break;
	}
	if (start < m->first && any_title) {
		m->role_first = (uint32_t)start;
		m->role_last = m->first;
		for (size_t k = start; k < m->first; k++) {
			if (in_list(doc, k, (const char *const[]){"mr", "mr.", NULL}))
				m->honorific = 1;
			else if (in_list(doc, k, (const char *const[]){"mrs", "mrs.", "ms", "ms.", "miss", NULL}))
				m->honorific = -1;
		}
	}
}

/* A headline or a title in title case ("Gold Star Mom Corners Obama"),
 * where every word is capitalized and runs of them are no names: three
 * in four of its longer words capitalized, and no sentence-final period. */
static bool headline_sentence(const ws_doc *doc, int32_t sentence)
{
	if (sentence < 0 || (size_t)sentence >= doc->nsentences)
		return false;
	const ws_sentence *s = &doc->sentences[sentence];
	size_t words = 0, capitals = 0;
	for (size_t i = s->first; i < s->last && i < doc->ntokens; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind == WS_TOK_WORD && t->end - t->start >= 4) {
			words++;
			capitals += (t->flags & WS_TF_CAPITALIZED) != 0;
		}
	}
	if (s->last > s->first && s->last <= doc->ntokens) {
		const ws_token *end = &doc->tokens[s->last - 1];
		if (end->kind == WS_TOK_PUNCT && doc->text[end->start] == '.')
			return false;
	}
	return words >= 3 && 4 * capitals >= 3 * words;
}

/* "Alliance to Save Our Harbors (ASOH)": where a name that the
 * tagger or the capitalized run cut short ("Alliance") really ends, when
 * the acronym in parentheses after it spells the initials of its words;
 * else last. */
static size_t acronym_extent(const ws_doc *doc, size_t first, size_t last)
{
	static const char *const joiners[] = {"to", "of", "for", "and", "the", "on", "in", "a", NULL};
	size_t k = last;
	while (k < doc->ntokens && k - last < 8 && (capitalized_word(doc, k) || in_list(doc, k, joiners)))
		k++;
	if (k == last || k + 2 >= doc->ntokens || !capitalized_word(doc, k - 1) ||
	    doc->tokens[k].kind != WS_TOK_PUNCT || doc->text[doc->tokens[k].start] != '(' ||
	    doc->tokens[k + 1].kind != WS_TOK_WORD || !(doc->tokens[k + 1].flags & WS_TF_ALLCAPS) ||
	    doc->tokens[k + 2].kind != WS_TOK_PUNCT || doc->text[doc->tokens[k + 2].start] != ')')
		return last;
	const ws_token *a = &doc->tokens[k + 1];
	size_t n = 0;
	for (size_t i = first; i < k; i++) {
		if (!capitalized_word(doc, i))
			continue;
		while (a->start + n < a->end && doc->text[a->start + n] == '.')
			n++;
		if (a->start + n >= a->end || doc->text[a->start + n] != doc->text[doc->tokens[i].start])
			return last;
		n++;
	}
	while (a->start + n < a->end && doc->text[a->start + n] == '.')
		n++;
	return a->start + n == a->end ? k : last;
}

/* A source of nothing but capitalized words ("Trump said") is a name
 * even where the tagger missed it, as it often does at the start of a
 * sentence: marked, so that it is collected with the others and can be
 * what a later he or she refers to. */
static void mark_source_names(ws_doc *doc)
{
	for (size_t a = 0; a < doc->nattrs; a++) {
		ws_span src = doc->attrs[a].pub.source;
		if (src.start >= src.end)
			continue;
		size_t first = ws_token_at(doc, src.start), last = ws_token_at(doc, src.end);
		bool name = first < last && last - first <= 3 && !(doc->scratch[first] & (WORD_NOT_NAME | WORD_TITLE));
		for (size_t i = first; name && i < last; i++)
			name = capitalized_word(doc, i) && !in_list(doc, i, person_nouns) && !in_list(doc, i, org_nouns) &&
			       !in_list(doc, i, group_nouns) && !in_list(doc, i, document_nouns);
		if (name)
			doc->scratch[first] |= WORD_SOURCE_NAME;
	}
}

/* Every name of the article, in text order. */
static ws_status collect_names(ws_doc *doc, names *nm)
{
	size_t cap = 0;
	int32_t sentence = -1;
	bool headline = false;
	mark_source_names(doc);
	for (size_t i = 0; i < doc->ntokens;) {
		size_t j = i;
		uint8_t cls = CLS_UNKNOWN;
		if (doc->tokens[i].sentence != sentence) {
			sentence = doc->tokens[i].sentence;
			headline = headline_sentence(doc, sentence);
		}
		if (headline) {
			i++;
			continue;
		}
		if (doc->tagged && !(doc->ner[i] == 0 && (doc->scratch[i] & WORD_SOURCE_NAME))) {
			uint8_t tag = doc->ner[i];
			uint8_t c = (uint8_t)((tag + 1) / 2); /* 1 person, 2 organization */
			if (tag == 0 || tag % 2 == 0 || c == 3 || c > 4) {
				i++;
				continue;
			}
			j = i + 1;
			while (j < doc->ntokens && doc->ner[j] == tag + 1 && !possessive(doc, j - 1))
				j++;
			/* a miscellaneous name with an organization's word in it is
			 * an organization the tagger called otherwise ("the
			 * Urban-Vale Tax Policy Center") */
			if (c == 4 && !has_org_word(doc, i, j)) {
				i = j;
				continue;
			}
			cls = c == 1 ? CLS_PERSON : CLS_ORG;
			/* the tagger, trained on English news, misses a first
			 * name spelled beyond ASCII before a surname it tags:
			 * "Łukasz Nowak", "Zoë Ní Bhriain" */
			while (cls == CLS_PERSON && i > 0 && doc->ner[i - 1] == 0 && capitalized_word(doc, i - 1) &&
			       beyond_ascii(doc, i - 1) && !title_word(doc, i - 1) && !possessive(doc, i - 1) &&
			       doc->tokens[i - 1].sentence == doc->tokens[i].sentence)
				i--;
			if (cls == CLS_ORG) {
				/* ...and leaves out its head before "for a": "Committee
				 * for a Responsible Federal Budget" */
				size_t b = i;
				if (b >= 2 && in_list(doc, b - 1, (const char *const[]){"a", "the", NULL}))
					b--;
				if (b >= 2 && in_list(doc, b - 1, (const char *const[]){"for", "on", "of", NULL}) &&
				    capitalized_word(doc, b - 2) && org_word(doc, b - 2) &&
				    (b - 2 == 0 || doc->ner[b - 3] == 0))
					i = b - 2;
				/* "Central and East European Coalition" */
				else if (b == i && i >= 2 && in_list(doc, i - 1, (const char *const[]){"and", NULL}) &&
					 capitalized_word(doc, i - 2) && doc->ner[i - 2] == 0 &&
					 !in_list(doc, i - 2, not_names) &&
					 (i - 2 == 0 || !capitalized_word(doc, i - 3) || not_name(doc, i - 3)))
					i = i - 2;
			}
			if (cls == CLS_ORG) {
				/* the tagger cuts an organization at "for a" and
				 * "on": "Committee for a Responsible Federal Budget" */
				size_t k = j;
				while (k + 1 < doc->ntokens && in_list(doc, k, (const char *const[]){"for", "on", "of", NULL})) {
					size_t n = k + 1;
					if (n < doc->ntokens && in_list(doc, n, (const char *const[]){"a", "the", NULL}))
						n++;
					if (n >= doc->ntokens || doc->ner[n] != 3)
						break;
					k = n + 1;
					while (k < doc->ntokens && doc->ner[k] == 4 && !possessive(doc, k - 1))
						k++;
					j = k;
				}
			}
			/* a first name mistaken for an organization or a place
			 * just before a person's name: "Cornell William Brooks" */
			bool titled = false; /* "Chief Justice Mara" before "K. Olsen" */
			for (size_t k = i; k + 1 < j && !titled; k++)
				titled = title_word(doc, k);
			if (cls == CLS_ORG && (j == i + 1 || titled) && j < doc->ntokens && doc->ner[j] == 1 &&
			    !has_org_word(doc, i, j) && capitalized_word(doc, j - 1) && !possessive(doc, j - 1) &&
			    !title_word(doc, j - 1) && !(doc->tokens[j - 1].flags & WS_TF_ALLCAPS)) {
				j++;
				while (j < doc->ntokens && doc->ner[j] == 2)
					j++;
				cls = CLS_PERSON;
			}
			/* ...and a name ending in an organization's word ("Lyle
			 * Hotels", "Valley Ledger") is no person's */
			if (cls == CLS_PERSON && j - i >= 2 && org_word(doc, j - 1))
				cls = CLS_ORG;
			/* the tagger calls many a two- or three-word person's name
			 * an organization; without an organization's word or an
			 * acronym in it, the name decides */
			if (cls == CLS_ORG && j - i >= 2 && j - i <= 3 && !has_org_word(doc, i, j)) {
				bool plain = true;
				for (size_t k = i; k < j; k++)
					plain &= capitalized_word(doc, k) && (!(doc->tokens[k].flags & WS_TF_ALLCAPS) ||
									   doc->tokens[k].end - doc->tokens[k].start <= 2);
				if (plain)
					cls = CLS_UNKNOWN;
			}
		} else {
			/* a run of capitalized words, "of" between them, and
			 * abbreviated titles: "Secretary of State Ann Hale" */
			if (!capitalized_word(doc, i) ||
			    ((doc->tokens[i].flags & WS_TF_SENT_START) && not_name(doc, i))) {
				i++;
				continue;
			}
			j = i + 1;
			while (j < doc->ntokens && !possessive(doc, j - 1) &&
			       (capitalized_word(doc, j) ||
				(in_list(doc, j, (const char *const[]){"of", "for", "and", "de", "van", "von", "da", "del", "der",
									"la", "le", "du", "bin", "al", NULL}) &&
				 capitalized_at(doc, j + 1) &&
				 !(doc->tokens[j + 1].flags & WS_TF_SENT_START))) &&
			       !(doc->tokens[j].flags & WS_TF_SENT_START))
				j++;
			cls = has_org_word(doc, i, j) ? CLS_ORG : CLS_UNKNOWN;
		}
		/* a person's name and the organization they write or work
		 * for run together: "Dana Kirby for Morning Ledger" is
		 * Dana Kirby */
		if (cls == CLS_ORG)
			for (size_t k = i + 2; k + 1 < j && k <= i + 3; k++)
				if (in_list(doc, k, (const char *const[]){"for", "of", "at", NULL})) {
					if (!has_org_word(doc, i, k) && has_org_word(doc, k + 1, j) &&
					    !(doc->tokens[i].flags & WS_TF_ALLCAPS)) {
						bool plain = true;
						for (size_t w = i; w < k; w++)
							plain &= capitalized_word(doc, w) && !title_word(doc, w);
						if (plain) {
							j = k;
							cls = CLS_UNKNOWN;
						}
					}
					break;
				}
		size_t spelled = acronym_extent(doc, i, j);
		if (spelled > j) {
			j = spelled;
			cls = CLS_ORG;
		}
		name_mention m = {(uint32_t)i, (uint32_t)j, (uint32_t)i, (uint32_t)i, -1, 0, cls, 0, 0, 0};
		split_titles(doc, &m);
		if (m.role_first == m.role_last)
			titles_before(doc, &m);
		else if (m.role_first > 0) {
			name_mention before = m;
			before.first = m.role_first;
			titles_before(doc, &before);
			if (before.role_first < before.role_last)
				m.role_first = before.role_first;
		}
		if (m.role_first == m.role_last && m.first > 0 &&
		    in_list(doc, m.first - 1, (const char *const[]){"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", NULL}))
			m.honorific = in_list(doc, m.first - 1, (const char *const[]){"mr", "mr.", NULL}) ? 1 : -1;
		if (m.honorific && m.cls == CLS_UNKNOWN)
			m.cls = CLS_PERSON;
		bool group = m.last == m.first + 1 && (in_list(doc, m.first, group_nouns) ||
						       in_list(doc, m.first, calendar_words));
		if (count_name_words(doc, m.first, m.last) > 0 && !group && !not_name(doc, m.first) &&
		    !push_mention(doc, nm, &cap, m))
			return WS_ERR_NOMEM;
		i = j;
	}
	return WS_OK;
}

/* The appositive that describes each person's mention, between commas
 * after it ("Mike Dell, the Ohio governor,") or before it ("An attorney
 * for Hale, Mark Dell, said"): what "the governor" and "Hale's lawyer"
 * are matched against beside the titles.  It must open with a determiner
 * or a possessive and hold a person's noun. */
static size_t head_noun(const ws_doc *doc, size_t first, size_t last);

static void read_appositives(const ws_doc *doc, names *nm)
{
	static const char *const openers[] = {"the", "a", "an", "his", "her", "their", "its", NULL};
	for (size_t i = 0; i < nm->nm; i++) {
		name_mention *m = &nm->m[i];
		size_t f = 0, l = 0;
		if (m->last + 2 < doc->ntokens && doc->tokens[m->last].kind == WS_TOK_PUNCT &&
		    doc->text[doc->tokens[m->last].start] == ',' &&
		    (in_list(doc, m->last + 1, openers) || possessive(doc, m->last + 1))) {
			f = m->last + 1;
			l = f;
			while (l < doc->ntokens && l - f < 12 && doc->tokens[l].kind != WS_TOK_PUNCT &&
			       doc->tokens[l].kind != WS_TOK_QUOTE)
				l++;
			if (l >= doc->ntokens || l - f >= 12 || !strchr(",.)", doc->text[doc->tokens[l].start]))
				l = f;
		} else if (m->first >= 3 && doc->tokens[m->first - 1].kind == WS_TOK_PUNCT &&
			   doc->text[doc->tokens[m->first - 1].start] == ',') {
			l = m->first - 1;
			f = l;
			while (f > 0 && l - f < 12 && doc->tokens[f - 1].kind != WS_TOK_PUNCT &&
			       doc->tokens[f - 1].kind != WS_TOK_QUOTE && !(doc->tokens[f].flags & WS_TF_SENT_START))
				f--;
			if (f == l || !in_list(doc, f, openers))
				f = l;
		}
		size_t h = f < l ? head_noun(doc, f, l) : l;
		if (h < l && in_list(doc, h, person_nouns)) {
			m->apos_first = (uint32_t)f;
			m->apos_last = (uint32_t)l;
		}
	}
}

/* How many of the latest candidates a mention is compared with: every one
 * in any real article, and linear time on a pathological one. */
#define CAND_REACH 512

static int gender_sign(const name_cand *c)
{
	return c->male > c->female ? 1 : c->female > c->male ? -1 : 0;
}

/* Do the name words of [f, l) end with those of [mf, ml)? */
static bool ends_with_words(const ws_doc *doc, size_t f, size_t l, size_t mf, size_t ml)
{
	size_t i = l, j = ml;
	for (;;) {
		while (j > mf && !name_word(doc, j - 1))
			j--;
		while (i > f && !name_word(doc, i - 1))
			i--;
		if (j == mf)
			return true;
		if (i == f || key_of(doc, i - 1) != key_of(doc, j - 1))
			return false;
		i--, j--;
	}
}

/* The candidate a mention joins, or -1 for a new one. */
static long match_cand(const ws_doc *doc, const names *nm, const name_mention *m, int hint)
{
	size_t words = count_name_words(doc, m->first, m->last);
	size_t fw = first_name_word(doc, m->first, m->last), lw = last_name_word(doc, m->first, m->last);
	if (fw >= m->last)
		return -1; /* a mention without a name word joins nothing */
	uint32_t fk = key_of(doc, fw), lk = key_of(doc, lw);
	size_t floor = nm->nc > CAND_REACH ? nm->nc - CAND_REACH : 0;
	long best = -1;
	long best_score = -1;
	for (size_t k = nm->nc; k-- > floor;) {
		const name_cand *c = &nm->c[k];
		long score = -1;
		bool org = m->cls == CLS_ORG || c->cls == CLS_ORG;
		if (words >= 2) {
			if (c->words >= 2 && c->first_key == fk && c->last_key == lk)
				score = 1000; /* "Ann Hale" and "Ann M. Hale" */
			else if (c->words >= 2 && c->second_last_key == fk && c->last_key == lk && words == 2)
				score = 900;  /* "Wasserman Schultz" after "Debbie Wasserman Schultz" */
			else if (c->words == 1 && c->last_key == lk && !org)
				score = 800;  /* "Hale" first, "Ann Hale" later */
			else if (!org && c->words >= 2 && c->words < words && c->last_key == lk &&
				 ends_with_words(doc, m->first, m->last, c->best_first, c->best_last))
				score = 850;  /* "De Blasio" first, "Bill de Blasio" later */
			else if (org && c->words == 1 && c->last_key == acronym_of(doc, m->first, m->last))
				score = 700;  /* "the RNC", then its name in full */
			else if (org && c->cls == CLS_ORG && c->words > words && c->last_key == lk &&
				 ends_with_words(doc, c->best_first, c->best_last, m->first, m->last)) {
				/* "the Tax Policy Center" within a longer name of it */
				score = 600;
			}
		} else {
			/* a person's surname never joins an organization that ends
			 * in it ("Trump" and a mistagged "Washington Post Trump") */
			if (c->last_key == lk && !(c->cls == CLS_ORG && m->cls == CLS_PERSON) &&
			    (c->words >= 2 || c->cls == m->cls || m->cls == CLS_UNKNOWN || c->cls == CLS_UNKNOWN)) {
				score = 500 + (c->words >= 2 ? 100 : 0);
				int g = gender_sign(c);
				if (m->honorific && g == m->honorific)
					score += 200;
				else if (m->honorific && g == -m->honorific)
					score = -1; /* "Mr. Obama" is not Michelle Obama */
				else if (hint && g)
					score += g == hint ? 150 : -150; /* "Clinton said she" */
			} else if (c->words >= 2 && (c->cls == CLS_ORG || c->cls == CLS_UNKNOWN) && c->first_key == fk &&
				   !m->honorific)
				score = m->cls == CLS_PERSON ? 300 : 450; /* "Peabody" for "Peabody Energy" */
			else if (c->acronym && c->acronym == lk)
				score = 450; /* "AROS" for "Alliance to Reclaim Our Schools" */
			else if (c->words >= 2 && c->first_key == fk && c->cls == CLS_PERSON && m->cls != CLS_ORG &&
				 !m->honorific && (in_list(doc, m->first, male_first_names) ||
						   in_list(doc, m->first, female_first_names)))
				score = 100; /* "Hillary" for "Hillary Clinton", never "Mr. Obama" for "Obama Sees" */
			if (score > 0)
				score += c->count > 50 ? 50 : (long)c->count;
		}
		if (score > best_score) {
			best_score = score;
			best = (long)k;
		}
	}
	return best;
}

/* The gender of the first he or she after mention i, in its sentence or
 * the next, before anyone else is named: +1, -1, or 0 for none. */
static int following_pronoun(const ws_doc *doc, const names *nm, size_t i)
{
	const name_mention *m = &nm->m[i];
	size_t stop = i + 1 < nm->nm ? nm->m[i + 1].first : doc->ntokens;
	size_t sentences = 0;
	for (size_t t = m->last; t < stop && t < m->last + 40; t++) {
		if (doc->tokens[t].flags & WS_TF_SENT_START && ++sentences > 1)
			break;
		if (in_list(doc, t, (const char *const[]){"he", "him", "his", "himself", NULL}))
			return 1;
		if (in_list(doc, t, (const char *const[]){"she", "her", "hers", "herself", NULL}))
			return -1;
	}
	return 0;
}

/* A common first name is weak evidence of gender, given once per
 * candidate when its full names have been grouped. */
static void first_name_gender(const ws_doc *doc, names *nm)
{
	for (size_t k = 0; k < nm->nc; k++) {
		name_cand *c = &nm->c[k];
		if (c->cls == CLS_ORG || c->words < 2)
			continue;
		size_t fw = first_name_word(doc, c->best_first, c->best_last);
		if (in_list(doc, fw, male_first_names))
			c->male += 2;
		else if (in_list(doc, fw, female_first_names))
			c->female += 2;
	}
}

static ws_status group_names(ws_doc *doc, names *nm)
{
	size_t cap = 0;
	bool gendered = false;
	/* full names first, then the short forms, so that "Clinton" is given
	 * to whichever Clinton the article names most, with an honorific's
	 * gender and the first names' to choose between them */
	for (int pass = 0; pass < 2; pass++)
	for (size_t i = 0; i < nm->nm; i++) {
		name_mention *m = &nm->m[i];
		size_t words = count_name_words(doc, m->first, m->last);
		if (pass == 1 && !gendered) {
			first_name_gender(doc, nm);
			gendered = true;
		}
		if ((pass == 0) != (words >= 2 || m->cls == CLS_ORG))
			continue;
		long k = match_cand(doc, nm, m, words == 1 ? following_pronoun(doc, nm, i) : 0);
		if (k < 0) {
			if (nm->nc == cap && !ws_grow(&doc->allocator, (void **)&nm->c, &cap, nm->nc + 1, sizeof *nm->c))
				return WS_ERR_NOMEM;
			name_cand *c = &nm->c[nm->nc];
			memset(c, 0, sizeof *c);
			c->best_first = m->first;
			c->best_last = m->last;
			c->role_first = m->role_first;
			c->role_last = m->role_last;
			c->words = (uint32_t)words;
			c->first_key = key_of(doc, first_name_word(doc, m->first, m->last));
			c->last_key = key_of(doc, last_name_word(doc, m->first, m->last));
			c->cls = m->cls;
			c->entity = c->campaign = -1;
			c->party = -1;
			k = (long)nm->nc++;
		}
		name_cand *c = &nm->c[k];
		m->cand = (int32_t)k;
		c->count++;
		c->seen = m->first;
		/* the fullest form names it, but a person's name of five words
		 * or more is most often a run of title-case words the headline
		 * test let through, and loses to a shorter one ("Aung San Suu
		 * Kyi" keeps its four) */
		bool person_form = c->cls != CLS_ORG && m->cls != CLS_ORG;
		bool fuller = person_form ? (words > c->words && (words <= 4 || c->words < 2)) ||
						    (c->words > 4 && words >= 2 && words < c->words)
					  : words > c->words;
		if (fuller || (words == c->words && words >= 2 && c->cls == CLS_ORG && m->cls == CLS_ORG &&
			       m->last - m->first > c->best_last - c->best_first)) {
			c->best_first = m->first;
			c->best_last = m->last;
			c->words = (uint32_t)words;
			c->first_key = key_of(doc, first_name_word(doc, m->first, m->last));
		}
		if (c->words >= 2) {
			size_t lw = last_name_word(doc, c->best_first, c->best_last);
			size_t prev = lw;
			while (prev-- > c->best_first && !name_word(doc, prev))
				;
			c->second_last_key = prev < lw && prev >= c->best_first ? key_of(doc, prev) : 0;
		}
		if (c->cls == CLS_UNKNOWN)
			c->cls = m->cls;
		else if (m->cls == CLS_PERSON && c->cls == CLS_ORG && words >= 2 && c->words < 2)
			c->cls = CLS_PERSON;
		if (c->cls == CLS_ORG && c->words >= 2)
			c->acronym = acronym_of(doc, c->best_first, c->best_last);
		bool honorific_only = m->role_last == m->role_first + 1 && in_list(doc, m->role_first, honorifics);
		if (c->role_first == c->role_last && m->role_first < m->role_last && !honorific_only) {
			c->role_first = m->role_first;
			c->role_last = m->role_last;
		}
		if (m->honorific > 0)
			c->male += 3;
		else if (m->honorific < 0)
			c->female += 3;
		for (size_t r = m->role_first; r < m->role_last; r++) {
			if (in_list(doc, r, male_words))
				c->male += 2;
			else if (in_list(doc, r, female_words))
				c->female += 2;
		}
	}
	return WS_OK;
}

/* Gender from the article: after each mention of a person, the first
 * third-person singular pronoun before anyone else is named votes for it
 * (Gender Gap Tracker style); honorifics, gendered titles (group_names)
 * and a common first name add to it. */
static void read_gender(const ws_doc *doc, names *nm)
{
	/* each mention's rank among its candidate's, for the ranker's
	 * salience, counted once here rather than per pronoun */
	for (size_t k = 0; k < nm->nc; k++)
		nm->c[k].count = 0;
	for (size_t i = 0; i < nm->nm; i++)
		nm->m[i].nth = ++nm->c[nm->m[i].cand].count;
	for (size_t i = 0; i < nm->nm; i++) {
		const name_mention *m = &nm->m[i];
		name_cand *c = &nm->c[m->cand];
		if (c->cls == CLS_ORG)
			continue;
		int g = following_pronoun(doc, nm, i);
		if (g > 0)
			c->male++;
		else if (g < 0)
			c->female++;
	}
}

static ws_gender cand_gender(const name_cand *c)
{
	if (c->cls == CLS_ORG)
		return WS_GENDER_UNKNOWN;
	int g = gender_sign(c);
	return g > 0 ? WS_GENDER_MALE : g < 0 ? WS_GENDER_FEMALE : WS_GENDER_UNKNOWN;
}

static bool note_entity(ws_doc *doc, names *nm, long entity, long cand)
{
	if ((size_t)entity >= nm->entity_cap) {
		size_t old = nm->entity_cap;
		if (!ws_grow(&doc->allocator, (void **)&nm->entity_cand, &nm->entity_cap, (size_t)entity + 1,
			     sizeof *nm->entity_cand))
			return false;
		for (size_t i = old; i < nm->entity_cap; i++)
			nm->entity_cand[i] = -1;
	}
	nm->entity_cand[entity] = (int32_t)cand;
	return true;
}

static long cand_of_entity(const names *nm, long entity)
{
	return entity >= 0 && (size_t)entity < nm->entity_cap ? nm->entity_cand[entity] : -1;
}

/* The entity a candidate is, made when it first speaks. */
static ws_status cand_entity(ws_doc *doc, names *nm, long k, long *out)
{
	name_cand *c = &nm->c[k];
	if (c->entity >= 0) {
		*out = c->entity;
		return WS_OK;
	}
	if (!WS_PUSH(doc, doc->entities, doc->nentities, doc->entities_cap))
		return WS_ERR_NOMEM;
	ws_entity_work *e = &doc->entities[doc->nentities];
	memset(e, 0, sizeof *e);
	if (!pool_add_name(doc, c->best_first, c->best_last, &e->name_off))
		return WS_ERR_NOMEM;
	/* the role never opens with a word that only opened the sentence
	 * ("But Attorney General", "The"), and a person's title before an
	 * organization's name is someone else's ("executive director of
	 * ASOH") */
	size_t rf = c->role_first, rl = c->role_last;
	while (rf < rl && (not_name(doc, rf) || doc->tokens[rf].kind != WS_TOK_WORD))
		rf++;
	if (c->cls == CLS_ORG && rf < rl &&
	    in_list(doc, rl - 1, (const char *const[]){"of", "for", "at", "with", "to", "the", NULL}))
		rf = rl;
	bool ok = rf < rl ? pool_add(doc, doc->tokens[rf].start, doc->tokens[rl - 1].end, &e->role_off)
			  : pool_empty_string(doc, &e->role_off);
	if (!ok)
		return WS_ERR_NOMEM;
	e->pub.kind = c->cls == CLS_ORG ? WS_ENTITY_ORGANIZATION
		      : c->cls == CLS_PERSON || c->words >= 2 || c->role_first < c->role_last ? WS_ENTITY_PERSON
											: WS_ENTITY_UNKNOWN;
	e->pub.gender = e->pub.kind == WS_ENTITY_ORGANIZATION ? WS_GENDER_UNKNOWN : cand_gender(c);
	const char *name = pool(doc, e->name_off);
	e->last_word = name_hash(last_word(name), strlen(last_word(name)));
	c->entity = (int32_t)doc->nentities;
	e->cand = (int32_t)k;
	*out = (long)doc->nentities++;
	return note_entity(doc, nm, *out, k) ? WS_OK : WS_ERR_NOMEM;
}

/* "The Trump campaign", "Clinton's campaign": an organization of its own,
 * named by the person's surname and the noun. */
static ws_status campaign_entity(ws_doc *doc, names *nm, long k, size_t noun, long *out)
{
	name_cand *c = &nm->c[k];
	if (c->campaign >= 0) {
		*out = c->campaign;
		return WS_OK;
	}
	if (!WS_PUSH(doc, doc->entities, doc->nentities, doc->entities_cap))
		return WS_ERR_NOMEM;
	ws_entity_work *e = &doc->entities[doc->nentities];
	memset(e, 0, sizeof *e);
	size_t lw = last_name_word(doc, c->best_first, c->best_last);
	char buf[160];
	size_t n = bare_length(doc, lw);
	size_t nn = doc->tokens[noun].end - doc->tokens[noun].start;
	if (n + nn + 2 > sizeof buf)
		return cand_entity(doc, nm, k, out);
	memcpy(buf, doc->text + doc->tokens[lw].start, n);
	buf[n] = ' ';
	for (size_t j = 0; j < nn; j++) {
		char ch = doc->text[doc->tokens[noun].start + j];
		buf[n + 1 + j] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
	}
	buf[n + 1 + nn] = '\0';
	if (!pool_add_cstr(doc, buf, &e->name_off) || !pool_empty_string(doc, &e->role_off))
		return WS_ERR_NOMEM;
	e->pub.kind = WS_ENTITY_ORGANIZATION;
	e->last_word = name_hash(last_word(buf), strlen(last_word(buf)));
	e->cand = -2; /* named after a candidate, not one */
	c->campaign = (int32_t)doc->nentities;
	*out = (long)doc->nentities++;
	return note_entity(doc, nm, *out, -1) ? WS_OK : WS_ERR_NOMEM;
}

/* The first name mention at or after token t (binary search). */
static size_t mention_at(const names *nm, size_t t)
{
	size_t lo = 0, hi = nm->nm;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nm->m[mid].first < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool kind_fits(const name_cand *c, bool person)
{
	return person ? c->cls != CLS_ORG : c->cls == CLS_ORG;
}

static bool gender_fits(const name_cand *c, int want)
{
	return !want || gender_sign(c) != -want;
}

/* How far back a pronoun looks, in attributions and in name mentions. */
#define PRONOUN_REACH 16
#define MENTION_REACH 64

/* The referent of a pronoun.  He and she go to the ranker below.  Else,
 * and for it, they and I: the latest speaker of its kind and gender, else
 * the latest person or organization of its kind and gender named before
 * it: news continues with the person just quoted far more often than with
 * anyone else named in between. */
static long rank_pronoun(const ws_doc *doc, const names *nm, size_t pron, int want);

static long resolve_pronoun(ws_doc *doc, names *nm, size_t index, size_t at, bool person, int want, long *cand)
{
	*cand = -1;
	if (person && want && !nm->rule_pronouns) {
		/* he and she: the learned ranker, which on dev resolves a few
		 * more than the rule below (docs/accuracy.md); the rule stays
		 * for the rest, and for a speaker the article never names */
		long k = rank_pronoun(doc, nm, at, want);
		if (k >= 0) {
			*cand = k;
			return -2;
		}
	}
	for (size_t a = index; a-- > 0 && index - a <= PRONOUN_REACH;) {
		long sp = doc->attrs[a].pub.speaker;
		if (sp < 0)
			continue;
		long k = cand_of_entity(nm, sp);
		ws_entity_kind kind = doc->entities[sp].pub.kind;
		if (k >= 0) {
			if (kind_fits(&nm->c[k], person) && gender_fits(&nm->c[k], want)) {
				*cand = k;
				return sp;
			}
			continue;
		}
		/* a speaker the article never names ("one questioner",
		 * "some") is no antecedent of "he": an unnamed person of
		 * unknown kind is passed over */
		bool fits = person ? kind == WS_ENTITY_PERSON
				   : (kind == WS_ENTITY_ORGANIZATION || kind == WS_ENTITY_GROUP);
		if (fits && (!want || !doc->entities[sp].pub.gender ||
			     (doc->entities[sp].pub.gender == WS_GENDER_MALE) == (want > 0)))
			return sp;
	}
	size_t i = mention_at(nm, at);
	for (size_t seen = 0; i-- > 0 && seen < MENTION_REACH; seen++) {
		const name_cand *c = &nm->c[nm->m[i].cand];
		if (nm->m[i].last > at)
			continue;
		if (kind_fits(c, person) && gender_fits(c, want) && (!person || c->cls == CLS_PERSON || c->words >= 2)) {
			*cand = nm->m[i].cand;
			return -2;
		}
	}
	return -1;
}

/* ------------------------------------------------ the pronoun ranker
 *
 * He and she are resolved by a linear ranking model over the persons
 * named before the pronoun: its weights (6_speakers_ranker.h) were fitted by
 * tools/train_speaker_ranker.py to the silver CoreNLP coreference chains
 * of PolNeAR's train split, on the features below as this file computes
 * them (train/dump/speaker_features.c dumps them).  Gender and kind agreement
 * stay hard constraints: a candidate of the other gender is never scored.
 * Whether the ranker or the latest-speaker rule decides is chosen on dev
 * (docs/accuracy.md). */
#include "stages/6_speakers_ranker.h"

#define RANK_CANDIDATES 16

/* Where to start looking back from byte pos among the attributions (in
 * text order of their contents): just past the last whose content starts
 * before pos, and a few more whose source may still come before pos ("Doe
 * said that ..." puts the content after its source). */
static size_t attributions_before(const ws_doc *doc, size_t pos)
{
	size_t lo = 0, hi = doc->nattrs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->attrs[mid].sort_key < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + 8 < doc->nattrs ? lo + 8 : doc->nattrs;
}

/* The latest speaker before byte pos that a pronoun of gender want can
 * be (the rule's choice), as a candidate, or -1. */
static long compatible_speaker(const ws_doc *doc, const names *nm, size_t pos, int want)
{
	size_t seen = 0;
	for (size_t a = attributions_before(doc, pos); a-- > 0 && seen < PRONOUN_REACH;) {
		const ws_attr_work *w = &doc->attrs[a];
		if (w->pub.source.start >= w->pub.source.end || w->pub.source.end > pos || w->pub.speaker < 0)
			continue;
		seen++;
		long k = doc->entities[w->pub.speaker].cand;
		if (k >= 0 && nm->c[k].cls != CLS_ORG && gender_fits(&nm->c[k], want))
			return k;
	}
	return -1;
}

/* The latest attributions whose sources end before byte pos, newest
 * first: their speakers' candidates (-1 for none), up to n. */
static void recent_speakers(const ws_doc *doc, size_t pos, long *out, size_t n)
{
	size_t k = 0;
	for (size_t a = attributions_before(doc, pos); a-- > 0 && k < n;) {
		const ws_attr_work *w = &doc->attrs[a];
		if (w->pub.source.start >= w->pub.source.end || w->pub.source.end > pos || w->pub.speaker < 0)
			continue;
		out[k++] = doc->entities[w->pub.speaker].cand;
	}
	while (k < n)
		out[k++] = -1;
}

static void rank_features(const ws_doc *doc, const names *nm, size_t pron, int want, long k, size_t latest,
			  size_t between, const long *recent, double *f)
{
	const name_cand *c = &nm->c[k];
	const name_mention *m = &nm->m[latest];
	memset(f, 0, WS_RANK_FEATURES * sizeof *f);
	int g = gender_sign(c);
	int32_t ps = doc->tokens[pron].sentence, ms = doc->tokens[m->first].sentence;
	size_t sd = ps > ms ? (size_t)(ps - ms) : 0;
	size_t count = m->nth;
	bool opens = latest == 0 || doc->tokens[nm->m[latest - 1].first].sentence != ms;
	f[0] = 1;
	f[1] = want && g == want;
	f[2] = g == 0;
	f[3] = c->cls == CLS_PERSON;
	f[4] = log1p((double)between);
	f[5] = sd == 0;
	f[6] = sd == 1;
	f[7] = sd >= 2 ? log1p((double)sd) : 0;
	f[8] = recent[0] == k;
	f[9] = recent[1] == k || recent[2] == k;
	f[10] = log1p((double)count);
	f[11] = opens;
	f[12] = c->words >= 2;
	f[13] = doc->tokens[m->first].quote >= 0;
	f[14] = compatible_speaker(doc, nm, doc->tokens[pron].start, want) == k;
	/* parallelism: a pronoun opening its sentence continues a name that
	 * opened one */
	f[15] = opens && (doc->tokens[pron].flags & WS_TF_SENT_START);
	f[16] = doc->sentences[ps].paragraph == doc->sentences[ms].paragraph;
}

/* The candidates for a pronoun at token pron: the distinct persons among
 * the MENTION_REACH names before it, of its gender or none, latest first.
 * Returns how many; latest[i] is the index of each one's latest mention
 * and between[i] how many names stand between it and the pronoun. */
static size_t rank_candidates(const names *nm, size_t pron, int want, long *cands, size_t *latest, size_t *between)
{
	size_t n = 0, i = mention_at(nm, pron), names_between = 0;
	for (size_t seen = 0; i-- > 0 && seen < MENTION_REACH && n < RANK_CANDIDATES; seen++, names_between++) {
		long k = nm->m[i].cand;
		const name_cand *c = &nm->c[k];
		if (nm->m[i].last > pron || c->cls == CLS_ORG || !gender_fits(c, want) ||
		    !(c->cls == CLS_PERSON || c->words >= 2))
			continue;
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = cands[j] == k;
		if (dup)
			continue;
		cands[n] = k;
		latest[n] = i;
		between[n] = names_between;
		n++;
	}
	return n;
}

/* The best-ranked candidate for a he or she at token pron, or -1. */
static long rank_pronoun(const ws_doc *doc, const names *nm, size_t pron, int want)
{
	long cands[RANK_CANDIDATES], recent[3];
	size_t latest[RANK_CANDIDATES], between[RANK_CANDIDATES];
	size_t n = rank_candidates(nm, pron, want, cands, latest, between);
	recent_speakers(doc, doc->tokens[pron].start, recent, 3);
	long best = -1;
	double best_score = 0;
	for (size_t i = 0; i < n; i++) {
		double f[WS_RANK_FEATURES], score = 0;
		rank_features(doc, nm, pron, want, cands[i], latest[i], between[i], recent, f);
		for (size_t j = 0; j < WS_RANK_FEATURES; j++)
			score += ranker_weights[j] * f[j];
		if (best < 0 || score > best_score) {
			best = cands[i];
			best_score = score;
		}
	}
	return best;
}

static int pronoun_gender(const ws_doc *doc, size_t i)
{
	const char *w = doc->text + doc->tokens[i].start;
	size_t n = bare_length(doc, i); /* "He’s" too */
	if (ws_word_listed(w, n, (const char *const[]){"he", "him", "his", "himself", NULL}))
		return 1;
	if (ws_word_listed(w, n, (const char *const[]){"she", "her", "hers", "herself", NULL}))
		return -1;
	return 0;
}

/* The head noun of a description: its last word before a comma, "of",
 * "who" or "for" ("The head of Sony" -> "head"). */
static size_t head_noun(const ws_doc *doc, size_t first, size_t last)
{
	size_t head = last;
	for (size_t i = first; i < last; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind == WS_TOK_PUNCT && (doc->text[t->start] == ',' || doc->text[t->start] == '('))
			break;
		if (i > first && in_list(doc, i, (const char *const[]){"of", "who", "which", "that", "for", "at", "in", "with",
								   "from", "on", "by", NULL}))
			break;
		/* "A union representing harbor pilots": a participle after
		 * the noun starts what qualifies it */
		if (head < last && t->kind == WS_TOK_WORD && t->end - t->start > 4 &&
		    memcmp(doc->text + t->end - 3, "ing", 3) == 0 &&
		    (in_list(doc, head, person_nouns) || in_list(doc, head, org_nouns)))
			break;
		if (t->kind == WS_TOK_WORD)
			head = i;
	}
	return head;
}

/* Is the name at token name whom a person noun before it works for: "a
 * spokeswoman for Ann Hale", "an adviser to Hale"?  Then it is not the
 * speaker. */
static bool employer_at(const ws_doc *doc, size_t name)
{
	return name >= 2 && in_list(doc, name - 1, (const char *const[]){"for", "to", NULL}) &&
	       in_list(doc, name - 2, person_nouns);
}

static bool employer_mention(const ws_doc *doc, const name_mention *m) { return employer_at(doc, m->first); }

/* Do the role tokens [first, last) hold the noun at token noun (senator
 * matching "Sen.", governor "Gov.")? */
static bool role_holds(const ws_doc *doc, size_t first, size_t last, size_t noun)
{
	/* a vice president is not the president, nor a deputy the chief */
	for (size_t i = first; i < last; i++)
		if (in_list(doc, i, (const char *const[]){"vice", "deputy", "assistant", "lt.", "lieutenant", NULL}) &&
		    i + 1 < doc->ntokens && !in_list(doc, noun - 1, (const char *const[]){"vice", "deputy", "assistant",
										    "lt.", "lieutenant", NULL}))
			return false;
	static const char *const pairs[][2] = {
		{"senator", "sen."}, {"governor", "gov."}, {"representative", "rep."}, {"congressman", "rep."},
		{"congresswoman", "rep."}, {"secretary", "sec."}, {"general", "gen."}, {"nominee", "candidate"},
		{"candidate", "nominee"}, {"reverend", "rev."}, {"professor", "prof."}, {"lawyer", "attorney"},
		{"attorney", "lawyer"}, {NULL, NULL}};
	const ws_token *nt = &doc->tokens[noun];
	const char *nw = doc->text + nt->start;
	size_t nn = nt->end - nt->start;
	/* what stands before a possessive is someone else's: the role "the
	 * governor's eldest daughter" is a daughter's */
	for (size_t i = last; i-- > first;)
		if (possessive(doc, i)) {
			first = i + 1;
			break;
		}
	for (size_t i = first; i < last; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind != WS_TOK_WORD)
			continue;
		if (t->word == nt->word)
			return true;
		for (size_t p = 0; pairs[p][0]; p++)
			if (ws_word_listed(nw, nn, (const char *const[]){pairs[p][0], NULL}) &&
			    ws_word_listed(doc->text + t->start, t->end - t->start, (const char *const[]){pairs[p][1], NULL}))
				return true;
	}
	return false;
}

/* The party a run of words names: 1 Republican (GOP), 2 Democratic, 3
 * Libertarian, 4 Green; 0 for none.  "The Republican nominee" must not be
 * the Democrat the article also calls a nominee. */
static int party_of(const ws_doc *doc, size_t first, size_t last)
{
	for (size_t i = first; i < last && i < doc->ntokens; i++) {
		if (in_list(doc, i, (const char *const[]){"republican", "republicans", "gop", "r", NULL}))
			return 1;
		if (in_list(doc, i, (const char *const[]){"democratic", "democrat", "democrats", "d", NULL}))
			return 2;
		if (in_list(doc, i, (const char *const[]){"libertarian", NULL}))
			return 3;
		if (in_list(doc, i, (const char *const[]){"green", NULL}))
			return 4;
	}
	return 0;
}

/* The party a candidate's titles give it, over all its mentions: read
 * for all candidates at the first question, so that descriptions stay
 * linear in a long document. */
static int cand_party(const ws_doc *doc, names *nm, long k)
{
	if (nm->c[k].party < 0) {
		for (size_t j = 0; j < nm->nc; j++)
			nm->c[j].party = 0;
		for (size_t i = 0; i < nm->nm; i++) {
			name_cand *c = &nm->c[nm->m[i].cand];
			if (!c->party && nm->m[i].role_first < nm->m[i].role_last)
				c->party = (int8_t)party_of(doc, nm->m[i].role_first, nm->m[i].role_last);
		}
	}
	return nm->c[k].party;
}

/* The gender of a description's nouns: "the former first lady and
 * senator" is a woman; its pronouns are someone else's ("his ex-wife"). */
static int description_gender(const ws_doc *doc, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		if (!in_list(doc, i, (const char *const[]){"he", "him", "his", "she", "her", "hers", NULL})) {
			if (in_list(doc, i, male_words))
				return 1;
			if (in_list(doc, i, female_words))
				return -1;
		}
	return 0;
}

/* The words in an organization's name that an organization's noun may
 * stand for: "the union" for the Association of Harbor Pilots or the
 * United Dock Workers, "the panel" for a committee, "the newspaper"
 * for the Times.  Each row: the nouns, NULL, the name words, NULL. */
static const char *const org_kinds[][24] = {
	{"union", NULL, "union", "workers", "federation", "brotherhood", "teamsters", "association", "afl-cio", NULL},
	{"panel", "committee", "subcommittee", NULL, "committee", "subcommittee", "panel", "commission", "council", NULL},
	{"agency", NULL, "agency", "administration", "department", "service", "bureau", "office", "commission",
	 "authority", NULL},
	{"newspaper", "paper", "daily", "tabloid", "publication", NULL, "times", "post", "journal", "tribune", "herald",
	 "gazette", "chronicle", "ledger", "courier", "globe", "inquirer", "examiner", "daily", NULL},
	{"network", "channel", "station", "broadcaster", "outlet", NULL, "news", "network", "cnn", "nbc", "abc", "cbs",
	 "fox", "msnbc", "tv", "channel", "radio", "broadcasting", "pbs", "npr", NULL},
	{"bank", "lender", NULL, "bank", "fargo", "sachs", "chase", "citigroup", "citibank", NULL},
	{"school", "university", "college", NULL, "university", "college", "school", "institute", NULL},
	{"alliance", "coalition", NULL, "alliance", "coalition", "nato", NULL},
	{"government", NULL, "government", "administration", "ministry", NULL},
};

/* Does the name of candidate c hold the noun at token head, or a word the
 * noun may stand for? */
static bool org_name_fits(const ws_doc *doc, const name_cand *c, size_t head)
{
	for (size_t t = c->best_first; t < c->best_last; t++)
		if (doc->tokens[t].word == doc->tokens[head].word)
			return true;
	for (size_t r = 0; r < sizeof org_kinds / sizeof org_kinds[0]; r++) {
		size_t k = 0;
		bool noun = false;
		for (; org_kinds[r][k]; k++)
			noun |= in_list(doc, head, (const char *const[]){org_kinds[r][k], NULL});
		if (!noun)
			continue;
		for (size_t t = c->best_first; t < c->best_last; t++)
			if (in_list(doc, t, &org_kinds[r][k + 1]))
				return true;
	}
	return false;
}

/* How many of the words of [first, last) other than its head and little
 * words the name of candidate c holds: "harbor pilots' union" and the
 * Association of Harbor Pilots share two. */
static size_t shared_words(const ws_doc *doc, const name_cand *c, size_t first, size_t last, size_t head)
{
	size_t n = 0;
	for (size_t i = first; i < last; i++) {
		if (i == head || doc->tokens[i].kind != WS_TOK_WORD || not_name(doc, i) ||
		    in_list(doc, i, (const char *const[]){"of", "for", "and", "the", "a", "an", "in", "on", "at", NULL}))
			continue;
		uint32_t k = key_of(doc, i);
		for (size_t t = c->best_first; t < c->best_last; t++)
			if (key_of(doc, t) == k) {
				n++;
				break;
			}
	}
	return n;
}

/* The organization a description of one names ("the union", "A House
 * panel"): among those named before it (else after it), the one whose
 * name fits the noun and shares most words with the description, the
 * latest of equals; never the one excluded.  -1 when none fits or shares
 * a word, and need_both asks for both. */
static long org_by_description(const ws_doc *doc, const names *nm, size_t first, size_t last, size_t head,
			       long exclude, bool need_both)
{
	long best = -1;
	size_t best_score = 0;
	size_t at = mention_at(nm, first);
	for (size_t n = 0; n < 2 * MENTION_REACH; n++) {
		/* the names before it, latest first, then the names after it */
		if (n == MENTION_REACH && best >= 0)
			break;
		size_t i = n < MENTION_REACH ? at - 1 - n : at + (n - MENTION_REACH);
		if (n < MENTION_REACH ? n >= at : i >= nm->nm)
			continue;
		const name_mention *m = &nm->m[i];
		const name_cand *c = &nm->c[m->cand];
		if (c->cls != CLS_ORG || m->cand == exclude || (m->first >= first && m->last <= last))
			continue;
		bool fits = org_name_fits(doc, c, head);
		size_t shared = shared_words(doc, c, first, last, head);
		if (need_both ? !(fits && shared) : !(fits || shared))
			continue;
		size_t score = 2 * fits + shared;
		if (score > best_score) {
			best_score = score;
			best = m->cand;
		}
	}
	return best;
}

/* A description's referent: "the senator" is the person the article calls
 * a senator (the latest so called before it, else the first after it);
 * "the company" the latest organization whose name holds the noun, else
 * the latest organization named; "the nominee" with no title to match
 * the article's most mentioned person. */
static long resolve_description(ws_doc *doc, names *nm, size_t index, size_t first, size_t last, bool *campaign)
{
	*campaign = false;
	size_t head = head_noun(doc, first, last);
	if (head >= last)
		return -1;
	bool person = in_list(doc, head, person_nouns);
	bool org = !person && in_list(doc, head, org_nouns);
	if (!person && !org && in_list(doc, first, (const char *const[]){"the", NULL}) &&
	    in_list(doc, head, document_nouns)) {
		/* "the data", "the ruling" that no source before named: the
		 * latest named speaker's, who made it ("The center said 98
		 * percent were...  According to the data, ...") */
		for (size_t a = index; a-- > 0 && index - a <= PRONOUN_REACH;) {
			long k = cand_of_entity(nm, doc->attrs[a].pub.speaker);
			if (k >= 0 && (nm->c[k].cls == CLS_ORG || nm->c[k].words >= 2))
				return k;
		}
		return -1;
	}
	if (!person && !org)
		return -1;
	if (in_list(doc, head, campaign_nouns)) {
		*campaign = true;
		return -1;
	}
	size_t at = mention_at(nm, first);
	if (person) {
		int want = description_gender(doc, first, last);
		/* "the Republican nominee", and "the Republican" itself */
		int party = party_of(doc, first, head + 1);
		/* "Hale's lawyer" is not Hale */
		long owner = -1;
		for (size_t i = at; i < nm->nm && nm->m[i].last <= last; i++)
			if (possessive(doc, nm->m[i].last - 1) || employer_mention(doc, &nm->m[i]))
				owner = nm->m[i].cand;
		for (size_t i = at, seen = 0; i-- > 0 && seen < MENTION_REACH; seen++) {
			const name_mention *m = &nm->m[i];
			const name_cand *c = &nm->c[m->cand];
			if (c->cls != CLS_ORG && m->cand != owner && gender_fits(c, want) &&
			    (role_holds(doc, m->role_first, m->role_last, head) ||
			     role_holds(doc, c->role_first, c->role_last, head) ||
			     role_holds(doc, m->apos_first, m->apos_last, head))) {
				int p = party ? cand_party(doc, nm, m->cand) : 0;
				if (!p || p == party)
					return m->cand;
			}
		}
		for (size_t i = at, seen = 0; i < nm->nm && seen < MENTION_REACH; i++, seen++) {
			const name_mention *m = &nm->m[i];
			if (nm->c[m->cand].cls != CLS_ORG && m->cand != owner && gender_fits(&nm->c[m->cand], want) &&
			    (role_holds(doc, m->role_first, m->role_last, head) ||
			     role_holds(doc, m->apos_first, m->apos_last, head))) {
				int p = party ? cand_party(doc, nm, m->cand) : 0;
				if (!p || p == party)
					return m->cand;
			}
		}
		/* no title to match: the person who spoke last, of its gender
		 * and party (on dev, 70 of 93 found descriptions right against
		 * 66 with the article's most named person first) */
		for (size_t a = index; a-- > 0 && index - a <= PRONOUN_REACH;) {
			long sp = doc->attrs[a].pub.speaker;
			long k = cand_of_entity(nm, sp);
			if (sp < 0 || k < 0 || nm->c[k].cls == CLS_ORG || k == owner || !gender_fits(&nm->c[k], want) ||
			    nm->c[k].words < 2)
				continue;
			int p = party ? cand_party(doc, nm, k) : 0;
			if (!p || p == party)
				return k;
		}
		/* no title to match: the article's main person */
		long best = -1;
		uint32_t most = 1;
		for (size_t k = nm->nc > CAND_REACH ? nm->nc - CAND_REACH : 0; k < nm->nc; k++) {
			const name_cand *c = &nm->c[k];
			if (c->cls != CLS_ORG && c->words >= 2 && (long)k != owner && gender_fits(c, want) && c->count > most &&
			    (!party || !cand_party(doc, nm, (long)k) || cand_party(doc, nm, (long)k) == party)) {
				most = c->count;
				best = (long)k;
			}
		}
		return best;
	}
	long k = org_by_description(doc, nm, first, last, head, -1, false);
	if (k >= 0)
		return k;
	for (size_t i = at, seen = 0; i-- > 0 && seen < MENTION_REACH; seen++)
		if (nm->c[nm->m[i].cand].cls == CLS_ORG)
			return nm->m[i].cand;
	return -1;
}

/* Which name of a source is its speaker: a person before an organization,
 * and never a possessor ("Ferrell's communications director, Dana Ruiz"
 * is Dana Ruiz) unless nothing else is named ("an ABC7 poll", "ABC7's
 * poll").  Returns a mention index or -1; *possessed is the noun after
 * a possessor that was taken. */
static long head_mention(const ws_doc *doc, const names *nm, size_t first, size_t last, size_t *possessed)
{
	long person = -1, unknown = -1, org = -1, owner = -1;
	bool employer = false;
	*possessed = last;
	for (size_t i = mention_at(nm, first); i < nm->nm && nm->m[i].first < last; i++) {
		const name_mention *m = &nm->m[i];
		if (m->last > last)
			break;
		const name_cand *c = &nm->c[m->cand];
		bool owns = possessive(doc, m->last - 1) ||
			    (m->last < last && doc->tokens[m->last].kind == WS_TOK_NUMBER &&
			     bare_length(doc, m->last) < doc->tokens[m->last].end - doc->tokens[m->last].start);
		bool modifier = !owns && m->last < last && doc->tokens[m->last].kind == WS_TOK_WORD &&
				!capitalized_word(doc, m->last) && !in_list(doc, m->last, (const char *const[]){
					"of", "for", "at", "and", "who", "which", "in", "with", "from", "on", "to", NULL});
		if (modifier && c->cls != CLS_ORG) {
			/* "a speech Mrs. Clinton delivered": a verb after a
			 * person's name, not a noun she modifies */
			const ws_token *t = &doc->tokens[m->last];
			size_t n = t->end - t->start;
			if (n > 3 && doc->text[t->end - 1] == 'd' && doc->text[t->end - 2] == 'e')
				modifier = false;
		}
		if (owns && i == mention_at(nm, first) && m->last < last && in_list(doc, m->last, document_nouns))
			return (long)i; /* "The GOP’s complaint to the Board": its maker */
		if (employer_mention(doc, m)) {
			employer = true;
			continue;
		}
		if (owns || modifier) {
			if (owner < 0) {
				owner = (long)i;
				*possessed = m->last < last && !owns ? m->last : m->last;
			}
			continue;
		}
		if (c->cls == CLS_ORG) {
			if (org < 0)
				org = (long)i;
		} else if (c->cls == CLS_PERSON && (!doc->tagged || doc->ner[m->first] == 1 || doc->ner[m->first] == 2)) {
			if (person < 0)
				person = (long)i;
		} else if (unknown < 0)
			unknown = (long)i;
	}
	/* a name that opens the source and ends its head ("Dell, appearing
	 * after Hale at the forum,", "Pell -- co-editor of a book about Hale
	 * --") is the speaker; the names after it are an aside */
	long lead = mention_at(nm, first) < nm->nm ? (long)mention_at(nm, first) : -1;
	if (lead >= 0 && lead != owner) {
		const name_mention *m = &nm->m[lead];
		size_t k = first;
		while (k < m->first && not_name(doc, k))
			k++;
		if (k == m->first && m->last <= last &&
		    (m->last == last || doc->tokens[m->last].kind == WS_TOK_PUNCT) &&
		    (m->last == last || strchr(",(-", doc->text[doc->tokens[m->last].start]))) {
			*possessed = last;
			return lead;
		}
	}
	/* a person the tagger called one before a name taken for a person
	 * by its form ("Air Force" in "U.S. Air Force Gen. Norman Ham"),
	 * before an organization */
	if (person >= 0 || unknown >= 0 || org >= 0) {
		*possessed = last;
		return person >= 0 ? person : unknown >= 0 ? unknown : org;
	}
	if (employer)
		return -1; /* a person described by whom they work for */
	if (owner >= 0) {
		/* the thing possessed or modified: "Trump’s presidential
		 * campaign", "A Quinnipiac University poll" */
		size_t t = nm->m[owner].last;
		while (t < last && doc->tokens[t].kind == WS_TOK_WORD && !in_list(doc, t, org_nouns) &&
		       !in_list(doc, t, document_nouns) && !in_list(doc, t, person_nouns) && t - nm->m[owner].last < 3)
			t++;
		*possessed = t < last ? t : last;
		/* "Pagliano's lawyer", "a former DNC chairman", "Hale's
		 * campaign manager": a person described by whom they work
		 * for, not the possessor */
		if (t < last && (in_list(doc, t, person_nouns) ||
				 (t + 1 < last && in_list(doc, t, org_nouns) && in_list(doc, t + 1, person_nouns))))
			return -1;
		return owner;
	}
	return -1;
}

/* The role a source gives its speaker beside the name: the titles before
 * it, the words before it ("Ferrell's communications director"), or an
 * appositive after it ("Jane Doe, the city engineer,"). */
static void source_role(const ws_doc *doc, const name_mention *m, size_t first, size_t last, size_t *rf, size_t *rl)
{
	*rf = *rl = 0;
	if (m->role_first < m->role_last && m->role_first >= first) {
		*rf = m->role_first;
		*rl = m->role_last;
	} else if (m->first > first) {
		*rf = first;
		*rl = m->role_first < m->role_last && m->role_first > first ? m->role_first : m->first;
		if (m->role_first < m->role_last && m->role_first >= first)
			*rl = m->role_last;
	} else if (m->last + 1 < last && in_list(doc, m->last, (const char *const[]){"of", "at", "for", "with", "from", NULL})) {
		/* "Paul Aske of the Policy Institute in Denver": the employer */
		*rf = m->last + 1;
		size_t e = *rf;
		while (e < last && !in_list(doc, e, (const char *const[]){"who", "which", NULL}) &&
		       !(doc->tokens[e].kind == WS_TOK_PUNCT && doc->text[doc->tokens[e].start] == ','))
			e++;
		*rl = e;
	} else {
		size_t t = m->last;
		while (t < last && !(doc->tokens[t].kind == WS_TOK_PUNCT && doc->text[doc->tokens[t].start] == ','))
			t++;
		if (t + 1 < last) {
			*rf = t + 1;
			size_t e = *rf;
			while (e < last && !in_list(doc, e, (const char *const[]){"who", "which", NULL}) &&
			       !(doc->tokens[e].kind == WS_TOK_PUNCT && doc->text[doc->tokens[e].start] == ','))
				e++;
			*rl = e;
		}
	}
	while (*rf < *rl && (doc->tokens[*rf].kind == WS_TOK_PUNCT || doc->tokens[*rf].kind == WS_TOK_QUOTE ||
			     not_name(doc, *rf)))
		(*rf)++;
	while (*rf < *rl && (doc->tokens[*rl - 1].kind == WS_TOK_PUNCT || doc->tokens[*rl - 1].kind == WS_TOK_QUOTE ||
			     in_list(doc, *rl - 1, (const char *const[]){"the", "a", "an", "of", "from", "for", "at", "by", NULL})))
		(*rl)--;
	if (*rl == *rf + 1 && in_list(doc, *rf, honorifics))
		*rl = *rf;
	/* "A memo by Rita Lane": the thing said is no role of its maker */
	for (size_t i = *rf; i < *rl; i++)
		if (in_list(doc, i, document_nouns)) {
			*rl = *rf;
			break;
		}
}

/* A name that opens a source and ends its head, which the tagger did
 * not find there ("Pell -- co-editor of a book about Hale --", "Ivo Pell,
 * the secretary general of the Harbor Council,"): its tokens in *lf,
 * *ll, or false. */
static bool lead_name(const ws_doc *doc, const names *nm, size_t first, size_t last, size_t *lf, size_t *ll)
{
	size_t k = first;
	while (k < last && not_name(doc, k))
		k++;
	size_t e = k;
	while (e < last && (capitalized_word(doc, e) || initial(doc, e)) && !title_word(doc, e) && !possessive(doc, e) &&
	       (!(doc->tokens[e].flags & WS_TF_ABBREV) || initial(doc, e))) /* "Md., who watched" is no name */
		e++;
	if (e == k || e >= last || doc->tokens[e].kind != WS_TOK_PUNCT || !strchr(",(-", doc->text[doc->tokens[e].start]))
		return false;
	size_t i = mention_at(nm, k);
	if (i < nm->nm && nm->m[i].first < e)
		return false;
	*lf = k;
	*ll = e;
	return true;
}

/* "The campaign", "the administration": whose.  The person named just
 * before the noun ("the Dell campaign" where the tagger took Dell for a
 * place); else whichever comes later before the source: a campaign that
 * spoke, or "<person> campaign" / "<person>'s campaign" in the text. */
static ws_status resolve_campaign(ws_doc *doc, names *nm, size_t index, size_t first, size_t last, long *entity)
{
	*entity = -1;
	size_t head = head_noun(doc, first, last);
	if (head >= last)
		return WS_OK;
	if (head > first && capitalized_word(doc, head - 1) && !not_name(doc, head - 1)) {
		name_mention probe = {(uint32_t)(head - 1), (uint32_t)head, 0, 0, -1, 0, CLS_UNKNOWN, 0, 0, 0};
		long k = match_cand(doc, nm, &probe, 0);
		if (k >= 0 && nm->c[k].cls != CLS_ORG)
			return campaign_entity(doc, nm, k, head, entity);
	}
	uint32_t noun = doc->tokens[head].word;
	/* "Ann Hale said ... The campaign said": the campaign of the
	 * person who spoke just before */
	for (size_t a = index; a-- > 0;) {
		long sp = doc->attrs[a].pub.speaker;
		if (sp < 0)
			continue;
		long k = cand_of_entity(nm, sp);
		if (k >= 0 && nm->c[k].cls == CLS_PERSON && nm->c[k].words >= 2)
			return campaign_entity(doc, nm, k, head, entity);
		break;
	}
	long phrase = -1;
	size_t phrase_at = 0;
	for (size_t i = mention_at(nm, first), seen = 0; i-- > 0 && seen < MENTION_REACH; seen++) {
		const name_mention *m = &nm->m[i];
		size_t t = m->last;
		if (t < doc->ntokens && doc->tokens[t].kind == WS_TOK_WORD && !capitalized_word(doc, t) &&
		    doc->tokens[t].word != noun && t + 1 < doc->ntokens)
			t++; /* "Hale's presidential campaign" */
		if (nm->c[m->cand].cls != CLS_ORG && t < first && doc->tokens[t].word == noun) {
			phrase = m->cand;
			phrase_at = doc->tokens[t].start;
			break;
		}
	}
	for (size_t a = index; a-- > 0 && index - a <= PRONOUN_REACH;) {
		long sp = doc->attrs[a].pub.speaker;
		if (sp < 0 || cand_of_entity(nm, sp) >= 0 || doc->entities[sp].pub.kind != WS_ENTITY_ORGANIZATION ||
		    doc->entities[sp].last_word != noun)
			continue;
		if (phrase < 0 || doc->attrs[a].pub.source.start > phrase_at) {
			*entity = sp;
			return WS_OK;
		}
		break;
	}
	return phrase >= 0 ? campaign_entity(doc, nm, phrase, head, entity) : WS_OK;
}

/* A definite description whose noun an earlier source held ("A new ad
 * from the Harbor Party said ... The ad said", "An Ohio judge ... The
 * judge"): that source's speaker, or -1.  The kind must agree: a
 * person's noun for a person, an organization's for an organization, and a
 * thing made for whoever made it. */
static long same_noun_speaker(const ws_doc *doc, size_t index, size_t first, size_t last)
{
	if (!in_list(doc, first, (const char *const[]){"the", "this", "that", NULL}))
		return -1;
	size_t head = head_noun(doc, first, last);
	if (head >= last)
		return -1;
	bool person = in_list(doc, head, person_nouns), made = in_list(doc, head, document_nouns);
	if (!person && !made && !in_list(doc, head, org_nouns))
		return -1;
	size_t start = doc->tokens[first].start;
	int want = person ? description_gender(doc, first, last) : 0;
	for (size_t a = index, seen = 0; a-- > 0 && seen < PRONOUN_REACH; seen++) {
		const ws_attr_work *w = &doc->attrs[a];
		long sp = w->pub.speaker;
		if (sp < 0 || w->pub.source.end > start || w->pub.source.start >= w->pub.source.end)
			continue;
		size_t f = ws_token_at(doc, w->pub.source.start), l = ws_token_at(doc, w->pub.source.end);
		size_t h = head_noun(doc, f, l);
		/* only a speaker the article names: "a union representing
		 * harbor pilots" is no better a name for "the union" */
		if (doc->entities[sp].cand == -1 ||
		    !((h < l && doc->tokens[h].word == doc->tokens[head].word) || role_holds(doc, f, l, head)))
			continue;
		ws_entity_kind kind = doc->entities[sp].pub.kind;
		ws_gender g = doc->entities[sp].pub.gender;
		if (want && g != WS_GENDER_UNKNOWN && (g == WS_GENDER_MALE) != (want > 0))
			continue;
		if (made || (person ? kind == WS_ENTITY_PERSON : kind == WS_ENTITY_ORGANIZATION))
			return sp;
	}
	return -1;
}

/* Kin, and the gender each names. */
static const struct kin_word {
	const char *word;
	int gender;
} kin_words[] = {
	{"wife", -1}, {"ex-wife", -1}, {"widow", -1}, {"husband", 1}, {"ex-husband", 1}, {"widower", 1},
	{"son", 1}, {"daughter", -1}, {"mother", -1}, {"father", 1}, {"brother", 1}, {"sister", -1},
	{"niece", -1}, {"nephew", 1}, {"grandson", 1}, {"granddaughter", -1}, {"grandmother", -1},
	{"grandfather", 1}, {"uncle", 1}, {"aunt", -1}, {"stepson", 1}, {"stepdaughter", -1},
	{"stepmother", -1}, {"stepfather", 1}, {NULL, 0}};

/* The gender of the kin noun at token i (+1, -1), or 0 when it is none. */
static int kin_gender(const ws_doc *doc, size_t i)
{
	for (size_t k = 0; kin_words[k].word; k++)
		if (in_list(doc, i, (const char *const[]){kin_words[k].word, NULL}))
			return kin_words[k].gender;
	return 0;
}

/* "Mark Dell's wife", "his ex-wife": a relative of a person named in the
 * source or by its possessive pronoun.  The relative is the person of the
 * same surname and the kin's gender whom the article names most ("Rita
 * Dell"), never the possessor; *kin says whether the source is such a
 * description at all (then, unresolved, it is nobody the article names). */
static long resolve_kin(ws_doc *doc, names *nm, size_t index, size_t first, size_t last, bool *kin)
{
	*kin = false;
	size_t head = head_noun(doc, first, last);
	int g = head < last ? kin_gender(doc, head) : 0;
	if (!g)
		return -1;
	long owner = -1;
	for (size_t i = mention_at(nm, first); i < nm->nm && nm->m[i].last <= head; i++)
		if (possessive(doc, nm->m[i].last - 1))
			owner = nm->m[i].cand;
	if (owner < 0 && in_list(doc, first, (const char *const[]){"his", "her", NULL})) {
		long cand = -1;
		resolve_pronoun(doc, nm, index, first, true, pronoun_gender(doc, first), &cand);
		owner = cand;
	}
	if (owner < 0 || nm->c[owner].cls == CLS_ORG)
		return -1;
	*kin = true;
	long best = -1;
	for (size_t k = nm->nc > CAND_REACH ? nm->nc - CAND_REACH : 0; k < nm->nc; k++) {
		const name_cand *c = &nm->c[k];
		if ((long)k == owner || c->cls == CLS_ORG || c->last_key != nm->c[owner].last_key || c->words < 2 ||
		    gender_sign(c) != g)
			continue;
		if (best < 0 || c->count > nm->c[best].count)
			best = (long)k;
	}
	return best;
}

/* "Police said": the force the article names as "<Place> police" or
 * "<Place> Police" ("Brackton police"), its tokens in *pf,
 * *pl; false for none.  Read once per document, so that many police
 * sources stay linear. */
static bool police_phrase(const ws_doc *doc, names *nm, size_t *pf, size_t *pl)
{
	if (!nm->police_read) {
		nm->police_read = true;
		nm->police_first = nm->police_last = 0;
		for (size_t i = 1; i < doc->ntokens; i++) {
			if (!in_list(doc, i, (const char *const[]){"police", NULL}) || !capitalized_word(doc, i - 1) ||
			    (doc->tokens[i - 1].flags & WS_TF_SENT_START) || title_word(doc, i - 1) ||
			    not_name(doc, i - 1) || possessive(doc, i - 1))
				continue;
			size_t f = i - 1;
			while (f > 0 && capitalized_word(doc, f - 1) && !(doc->tokens[f].flags & WS_TF_SENT_START) &&
			       !title_word(doc, f - 1) && !not_name(doc, f - 1) && !possessive(doc, f - 1) && i - f < 4)
				f--;
			nm->police_first = f;
			nm->police_last = i + 1;
			break;
		}
	}
	*pf = nm->police_first;
	*pl = nm->police_last;
	return *pl > *pf;
}

/* Is the source [first, last) the police and nothing more ("Police",
 * "the police")? */
static bool bare_police(const ws_doc *doc, size_t first, size_t last)
{
	while (first < last && not_name(doc, first))
		first++;
	return last == first + 1 && in_list(doc, first, (const char *const[]){"police", NULL});
}

/* The source's words [first, last) as its role, with no name, past the
 * little words that open it ("a", "the"): how a relative or someone's
 * employee is written when the article names no one. */
static void role_as_written(const ws_doc *doc, source_parts *p, size_t first, size_t last)
{
	p->name_first = p->name_last = 0;
	p->role_first = first;
	p->role_last = last;
	while (p->role_first < p->role_last && not_name(doc, p->role_first))
		p->role_first++;
}

static ws_status resolve_source(ws_doc *doc, names *nm, size_t index)
{
	ws_attr_work *w = &doc->attrs[index];
	ws_span src = w->pub.source;
	if (src.start >= src.end) {
		/* no source: news goes on quoting whoever spoke last (a quote
		 * in a paragraph of its own, a sentence of paraphrase after a
		 * quote); on dev this is right more often than leaving it
		 * unresolved (who_said_what 1,037 -> 1,054 of 1,575), and a
		 * bound of one paragraph on the distance only lost */
		if (index > 0 && doc->attrs[index - 1].pub.speaker >= 0) {
			w->pub.speaker = doc->attrs[index - 1].pub.speaker;
			doc->entities[w->pub.speaker].pub.attribution_count++;
		}
		return WS_OK;
	}
	size_t first = ws_token_at(doc, src.start), last = ws_token_at(doc, src.end);
	if (first >= last)
		return WS_OK;
	source_parts p = read_source(doc, first, last);
	if (last == first + 1 && possessive(doc, first) && !p.pronoun_person && !p.pronoun_group) {
		/* "He’s", "It’s": a contraction, the pronoun all the same */
		const ws_token *t = &doc->tokens[first];
		size_t n = bare_length(doc, first);
		p.pronoun_person = ws_word_listed(doc->text + t->start, n, person_pronouns);
		p.pronoun_group = ws_word_listed(doc->text + t->start, n, group_pronouns);
	}
	long entity = -1, cand = -1;
	ws_status st = WS_OK;
	size_t possessed = last, lead_first = 0, lead_last = 0;
	long hm = -1;
	bool kin = false;
	if (!p.pronoun_person && !p.pronoun_group && !p.relative && last - first >= 2 &&
	    ((cand = resolve_kin(doc, nm, index, first, last, &kin)) >= 0 || kin)) {
		/* a relative: the person found, else as written below */
		role_as_written(doc, &p, first, last);
	} else if (p.pronoun_person || p.pronoun_group) {
		int want = pronoun_gender(doc, first);
		entity = resolve_pronoun(doc, nm, index, first, p.pronoun_person, want, &cand);
	} else if (p.relative) {
		/* "Doe, who ..., said", "the Post, which reported": the name
		 * just before the pronoun */
		size_t i = mention_at(nm, first);
		/* who is a person: past an organization in an appositive
		 * ("John Bentel, a former State Department official, who");
		 * which is not */
		bool who = in_list(doc, first, (const char *const[]){"who", NULL});
		for (size_t j = i; j-- > 0 && first - nm->m[j].last < 12 && cand < 0;) {
			const name_cand *c = &nm->c[nm->m[j].cand];
			/* a name that qualifies a noun is not who: "Ann Lee, a
			 * Hale campaign aide who" is Ann Lee */
			size_t after = nm->m[j].last;
			if (who && after < first && doc->tokens[after].kind == WS_TOK_WORD && !capitalized_word(doc, after) &&
			    !possessive(doc, after - 1))
				continue;
			if (j + 1 == i && first - nm->m[j].last < 6 && (!who || c->cls != CLS_ORG))
				cand = nm->m[j].cand;
			else if (who && c->cls == CLS_PERSON)
				cand = nm->m[j].cand;
		}
		if (cand < 0 && i > 0 && first - nm->m[i - 1].last < 6)
			cand = nm->m[i - 1].cand;
		else if (cand < 0 && index > 0 && doc->attrs[index - 1].pub.speaker >= 0 &&
			 doc->attrs[index - 1].pub.source.end <= src.start &&
			 src.start - doc->attrs[index - 1].pub.source.end < 40)
			entity = doc->attrs[index - 1].pub.speaker;
	} else if (last - first >= 2 && in_list(doc, first, possessive_pronouns) &&
		   (hm = head_mention(doc, nm, first, last, &possessed)) < 0 &&
		   !in_list(doc, head_noun(doc, first, last), person_nouns)) {
		/* "His guest list", "its report": whoever the possessive is;
		 * "her campaign" is her campaign's */
		int want = pronoun_gender(doc, first);
		bool person = !in_list(doc, first, (const char *const[]){"its", "their", NULL});
		entity = resolve_pronoun(doc, nm, index, first, person, want, &cand);
		size_t noun = head_noun(doc, first, last);
		if (person && entity == -2 && cand >= 0 && noun < last && in_list(doc, noun, campaign_nouns) &&
		    nm->c[cand].cls != CLS_ORG) {
			st = campaign_entity(doc, nm, cand, noun, &entity);
			if (st != WS_OK)
				return st;
			cand = -1;
		}
	} else if ((hm = head_mention(doc, nm, first, last, &possessed)) >= 0 &&
		   (!lead_name(doc, nm, first, last, &lead_first, &lead_last) || nm->m[hm].first < lead_last)) {
		const name_mention *m = &nm->m[hm];
		cand = m->cand;
		size_t noun = possessed;
		long part = -1;
		if (noun < last && in_list(doc, noun, org_nouns) && !in_list(doc, noun, document_nouns) &&
		    !in_list(doc, noun, campaign_nouns))
			part = org_by_description(doc, nm, first, last, noun, cand, true);
		if (part >= 0) {
			/* "A House panel": the committee the article names, not
			 * the House */
			st = cand_entity(doc, nm, part, &entity);
			if (st != WS_OK)
				return st;
			cand = -1;
		} else if (noun < last && in_list(doc, noun, campaign_nouns) && nm->c[cand].cls != CLS_ORG) {
			st = campaign_entity(doc, nm, cand, noun, &entity);
			if (st != WS_OK)
				return st;
			cand = -1;
		} else {
			size_t rf, rl;
			source_role(doc, m, first, last, &rf, &rl);
			st = cand_entity(doc, nm, cand, &entity);
			if (st != WS_OK)
				return st;
			cand = -1;
			if (!*pool(doc, doc->entities[entity].role_off) && rf < rl &&
			    !pool_add(doc, doc->tokens[rf].start, doc->tokens[rl - 1].end, &doc->entities[entity].role_off))
				return WS_ERR_NOMEM;
		}
	} else if (lead_last > lead_first) {
		/* the name that opens the source, looked up below */
		p.name_first = lead_first;
		p.name_last = lead_last;
	} else if (p.name_first < p.name_last && p.name_first > head_noun(doc, first, last) &&
		   doc->tokens[p.name_first - 1].kind == WS_TOK_PUNCT && doc->text[doc->tokens[p.name_first - 1].start] == ',') {
		/* "The minister, Alexis Rigas,": the name in the appositive,
		 * which the tagger missed, looked up below */
	} else if (bare_police(doc, first, last) && police_phrase(doc, nm, &lead_first, &lead_last)) {
		size_t off;
		if (!pool_add(doc, doc->tokens[lead_first].start, doc->tokens[lead_last - 1].end, &off))
			return WS_ERR_NOMEM;
		entity = find_by_name(doc, pool(doc, off));
		doc->strings_len = off;
		if (entity < 0)
			st = new_entity(doc, doc->tokens[lead_first].start, doc->tokens[lead_last - 1].end, 0, 0,
					WS_ENTITY_ORGANIZATION, &entity);
		if (st != WS_OK)
			return st;
	} else if ((entity = same_noun_speaker(doc, index, first, last)) >= 0) {
		/* the thing or the person a source before it named */
	} else {
		bool campaign = false;
		cand = resolve_description(doc, nm, index, first, last, &campaign);
		if (campaign) {
			st = resolve_campaign(doc, nm, index, first, last, &entity);
			if (st != WS_OK)
				return st;
		}
	}
	if (entity == -2 || (entity < 0 && cand >= 0)) {
		st = cand_entity(doc, nm, cand, &entity);
		if (st != WS_OK)
			return st;
	}
	/* what the source says of a person is evidence of gender: a pronoun
	 * resolved to them, a gendered noun around the name ("a spokeswoman
	 * for Lyle hotels, Tess Moor") */
	long ek = cand_of_entity(nm, entity);
	if (ek >= 0 && nm->c[ek].cls != CLS_ORG) {
		int g = p.pronoun_person ? pronoun_gender(doc, first) : 0;
		/* nouns only: the pronouns of a source are someone else's
		 * ("Donald Trump, her Republican opponent") */
		static const char *const other_pronouns[] = {"he", "him", "his", "himself", "she", "her", "hers",
							     "herself", NULL};
		for (size_t i = first; !g && !p.pronoun_person && i < last; i++)
			if (!in_list(doc, i, other_pronouns))
				g = in_list(doc, i, male_words) ? 1 : in_list(doc, i, female_words) ? -1 : 0;
		if (g > 0)
			nm->c[ek].male++;
		else if (g < 0)
			nm->c[ek].female++;
	}
	if (entity < 0 && !p.pronoun_person && !p.pronoun_group && !p.relative) {
		/* nothing in the article's names: the source as written, the old
		 * way (a name the tagger missed, a role, a group); "a
		 * spokeswoman for Reller" as a role, never as Reller */
		if (p.name_first < p.name_last && p.name_first >= first + 2 && employer_at(doc, p.name_first))
			role_as_written(doc, &p, first, p.name_last);
		/* a place the tagger named ("Ruritania said") speaks as its
		 * government: an organization, never a person of its last word */
		bool place = doc->tagged && p.name_first < p.name_last;
		for (size_t i = p.name_first; place && i < p.name_last; i++)
			place = doc->ner[i] == 5 || doc->ner[i] == 6;
		name_mention probe = {(uint32_t)p.name_first, (uint32_t)p.name_last, 0, 0, -1, 0,
				      (uint8_t)(place || has_org_word(doc, p.name_first, p.name_last) ? CLS_ORG : CLS_UNKNOWN), 0, 0, 0};
		long k = p.name_first < p.name_last ? match_cand(doc, nm, &probe, 0) : -1;
		if (k >= 0) {
			/* a name the tagger missed here but found elsewhere */
			st = cand_entity(doc, nm, k, &entity);
		} else if (p.name_first < p.name_last) {
			size_t off;
			if (!pool_add(doc, doc->tokens[p.name_first].start, doc->tokens[p.name_last - 1].end, &off))
				return WS_ERR_NOMEM;
			entity = find_by_name(doc, pool(doc, off));
			doc->strings_len = off;
			if (entity < 0) {
				size_t rs = p.role_first < p.role_last ? doc->tokens[p.role_first].start : 0;
				size_t re = p.role_first < p.role_last ? doc->tokens[p.role_last - 1].end : 0;
				st = new_entity(doc, doc->tokens[p.name_first].start, doc->tokens[p.name_last - 1].end, rs, re,
						place ? WS_ENTITY_ORGANIZATION : kind_of(doc, &p, first, last), &entity);
			}
		} else if (p.role_first < p.role_last) {
			size_t off;
			if (!pool_add(doc, doc->tokens[p.role_first].start, doc->tokens[p.role_last - 1].end, &off))
				return WS_ERR_NOMEM;
			entity = find_by_role(doc, pool(doc, off));
			doc->strings_len = off;
			if (entity < 0)
				st = new_entity(doc, doc->tokens[p.role_first].start, doc->tokens[p.role_last - 1].end, 0, 0,
						kind_of(doc, &p, first, last), &entity);
		}
	}
	if (st != WS_OK || entity < 0)
		return st;
	w->pub.speaker = entity;
	doc->entities[entity].pub.attribution_count++;
	return WS_OK;
}

typedef struct name_key {
	uint32_t hash;
	int32_t entity;
} name_key;

static int compare_keys(const void *a, const void *b)
{
	const name_key *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->entity > y->entity) - (x->entity < y->entity);
}

/* Every mention of every entity: its name's last word wherever it stands
 * capitalized in the text, and the sources that resolved to it.  The
 * tokens are read once and looked up by hash among the sorted names, so
 * a long document with many names stays linear. */
static ws_status collect_mentions(ws_doc *doc)
{
	size_t n = doc->nentities;
	if (!n)
		return WS_OK;
	if (doc->ntokens > SIZE_MAX / 2 - 1 ||
	    !ws_grow(&doc->allocator, (void **)&doc->scratch, &doc->scratch_cap, 2 * doc->ntokens + 1,
		     sizeof *doc->scratch))
		return WS_ERR_NOMEM;
	int32_t *owner = doc->scratch;                  /* entity a token mentions, or -1 */
	int32_t *extent = doc->scratch + doc->ntokens;  /* end token of a source starting there */
	name_key *keys = ws_mem_alloc(&doc->allocator, n * sizeof *keys);
	if (!keys)
		return WS_ERR_NOMEM;
	size_t nkeys = 0;
	for (size_t e = 0; e < n; e++)
		if (doc->entities[e].pub.kind != WS_ENTITY_GROUP)
			keys[nkeys++] = (name_key){doc->entities[e].last_word, (int32_t)e};
	qsort(keys, nkeys, sizeof *keys, compare_keys);
	for (size_t i = 0; i < doc->ntokens; i++) {
		bool capitalized = capitalized_word(doc, i); /* before owner[i] takes its mark */
		owner[i] = -1;
		extent[i] = 0;
		if (!capitalized)
			continue;
		const ws_token *t = &doc->tokens[i];
		uint32_t word = beyond_ascii(doc, i) ? name_hash(doc->text + t->start, t->end - t->start) : t->word;
		size_t lo = 0, hi = nkeys;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (keys[mid].hash < word)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nkeys && keys[lo].hash == word)
			owner[i] = keys[lo].entity; /* the first entity of that name */
	}
	ws_mem_release(&doc->allocator, keys);
	/* sources resolved to an entity are mentions too (pronouns, roles),
	 * and a source mentions its speaker over its whole span */
	for (size_t a = 0; a < doc->nattrs; a++) {
		const ws_attr_work *w = &doc->attrs[a];
		if (w->pub.speaker < 0)
			continue;
		size_t first = ws_token_at(doc, w->pub.source.start), last = ws_token_at(doc, w->pub.source.end);
		for (size_t i = first; i < last; i++)
			if (owner[i] == (int32_t)w->pub.speaker)
				owner[i] = -1;
		if (first < doc->ntokens) {
			owner[first] = (int32_t)w->pub.speaker;
			extent[first] = (int32_t)last;
		}
	}
	/* group the mentions by entity: count, then place */
	for (size_t e = 0; e < n; e++)
		doc->entities[e].pub.mention_count = 0;
	size_t total = 0;
	for (size_t i = 0; i < doc->ntokens; i++)
		if (owner[i] >= 0) {
			doc->entities[owner[i]].pub.mention_count++;
			total++;
		}
	if (!ws_grow(&doc->allocator, (void **)&doc->mentions, &doc->mentions_cap, total, sizeof *doc->mentions))
		return WS_ERR_NOMEM;
	size_t at = 0;
	for (size_t e = 0; e < n; e++) {
		doc->entities[e].mention_first = at;
		at += doc->entities[e].pub.mention_count;
		doc->entities[e].pub.mention_count = 0;
	}
	doc->nmentions = total;
	for (size_t i = 0; i < doc->ntokens; i++) {
		if (owner[i] < 0)
			continue;
		ws_entity_work *e = &doc->entities[owner[i]];
		size_t end = extent[i] ? doc->tokens[extent[i] - 1].end : doc->tokens[i].end;
		doc->mentions[e->mention_first + e->pub.mention_count++] = (ws_span){doc->tokens[i].start, end};
	}
	return WS_OK;
}

ws_status ws_speakers_rank_rows(ws_doc *doc, ws_rank_row_fn *row, void *ctx)
{
	/* The speakers are resolved again with the rule for pronouns, so
	 * that the features that depend on who spoke before do not depend on
	 * the weights being fitted: the rows are the same whatever the
	 * weights in 6_speakers_ranker.h. */
	names nm = {0};
	nm.rule_pronouns = true;
	doc->nentities = 0;
	for (size_t a = 0; a < doc->nattrs; a++)
		doc->attrs[a].pub.speaker = -1;
	ws_status st = mark_words(doc);
	if (st == WS_OK)
		st = collect_names(doc, &nm);
	if (st == WS_OK)
		st = group_names(doc, &nm);
	if (st == WS_OK) {
		read_appositives(doc, &nm);
		read_gender(doc, &nm);
		for (size_t a = 0; a < doc->nattrs && st == WS_OK; a++)
			st = resolve_source(doc, &nm, a);
	}
	size_t *spans = NULL;
	if (st == WS_OK && !(spans = ws_mem_alloc(&doc->allocator, 2 * (MENTION_REACH + 1) * sizeof *spans)))
		st = WS_ERR_NOMEM;
	for (size_t t = 0; st == WS_OK && t < doc->ntokens; t++) {
		int want = pronoun_gender(doc, t);
		if (!want)
			continue;
		long cands[RANK_CANDIDATES], recent[3];
		size_t latest[RANK_CANDIDATES], between[RANK_CANDIDATES];
		size_t n = rank_candidates(&nm, t, want, cands, latest, between);
		recent_speakers(doc, doc->tokens[t].start, recent, 3);
		for (size_t i = 0; i < n; i++) {
			double f[WS_RANK_FEATURES];
			rank_features(doc, &nm, t, want, cands[i], latest[i], between[i], recent, f);
			size_t ns = 0;
			for (size_t j = mention_at(&nm, t), seen = 0; j-- > 0 && seen < MENTION_REACH; seen++)
				if (nm.m[j].cand == cands[i]) {
					spans[2 * ns] = ws_doc_codepoint_offset(doc, doc->tokens[nm.m[j].first].start);
					spans[2 * ns + 1] = ws_doc_codepoint_offset(doc, doc->tokens[nm.m[j].last - 1].end);
					ns++;
				}
			row(ctx, ws_doc_codepoint_offset(doc, doc->tokens[t].start),
			    ws_doc_codepoint_offset(doc, doc->tokens[t].end), cands[i], f, spans, ns);
		}
	}
	ws_mem_release(&doc->allocator, spans);
	ws_mem_release(&doc->allocator, nm.m);
	ws_mem_release(&doc->allocator, nm.c);
	ws_mem_release(&doc->allocator, nm.entity_cand);
	return st;
}

ws_status ws_speakers_resolve(ws_doc *doc)
{
	names nm = {0};
	ws_status st = mark_words(doc);
	if (st == WS_OK)
		st = collect_names(doc, &nm);
	if (st == WS_OK)
		st = group_names(doc, &nm);
	if (st == WS_OK) {
		read_appositives(doc, &nm);
		read_gender(doc, &nm);
		for (size_t a = 0; a < doc->nattrs && st == WS_OK; a++)
			st = resolve_source(doc, &nm, a);
	}
	/* the gender once every source has given its evidence */
	for (size_t e = 0; st == WS_OK && e < doc->nentities; e++) {
		long k = cand_of_entity(&nm, (long)e);
		if (k >= 0 && doc->entities[e].pub.kind != WS_ENTITY_ORGANIZATION)
			doc->entities[e].pub.gender = cand_gender(&nm.c[k]);
	}
	ws_mem_release(&doc->allocator, nm.m);
	ws_mem_release(&doc->allocator, nm.c);
	ws_mem_release(&doc->allocator, nm.entity_cand);
	return st == WS_OK ? collect_mentions(doc) : st;
}
