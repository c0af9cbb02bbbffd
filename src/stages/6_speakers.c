/*
 * 6_speakers.c — from sources as written to the people and organizations
 * who speak.
 *
 * A source is written many ways in one article: "Vice President Jane Doe"
 * first, then "Doe", "the vice president", "she".  Each attribution's
 * source is read here, in text order, into:
 *
 *   - a name: the run of capitalized words in it ("Jane Doe"), with the
 *     titles in front split off as the role ("Vice President");
 *   - or a role alone ("the vice president", "a ministry spokeswoman"),
 *     matched against the roles of the people named so far;
 *   - or a pronoun, resolved to the most recent speaker it can refer to:
 *     he and she to a person, they and it to an organization or group,
 *     who and which to the name just before them.
 *
 * A short form ("Doe") joins the entity whose name ends in it; with a
 * learned model, whose name tagger sees every name in the text, it takes
 * the full name even when the article gave it where nobody spoke.  What
 * resolves to nobody becomes an entity of its own named as written
 * ("officials", kind group).  Then one pass over the tokens collects every
 * other mention of each name, by the hash of its last word.
 *
 * This is news-style coreference: the most recent compatible speaker
 * wins.  It is right most of the time in news, where a pronoun source
 * almost always continues the person quoted just before.
 */
#include "stages/stages.h"

#include <stdlib.h>
#include <string.h>

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
	"magazine", "poll", "survey", "report", "study", "statement", "website", "blog", "twitter", NULL};

/* Plurals that name a group, not a person, even capitalized. */
static const char *const group_nouns[] = {
	"officials", "sources", "aides", "critics", "analysts", "experts", "advocates", "supporters",
	"opponents", "protesters", "police", "voters", "residents", "democrats", "republicans",
	"lawmakers", "authorities", "investigators", "prosecutors", "observers", "economists",
	"scientists", "researchers", "people", "witnesses", "organizers", "leaders", "members", NULL};

static const char *const person_pronouns[] = {"he", "she", "him", "her", "i", "me", NULL};
static const char *const group_pronouns[] = {"they", "it", "we", "them", NULL};
static const char *const relative_pronouns[] = {"who", "which", "that", NULL};

/* Capitalized words that are not names when they open a sentence. */
static const char *const not_names[] = {
	"the", "a", "an", "but", "and", "in", "on", "at", "this", "that", "these", "those", "it", "he",
	"she", "they", "we", "i", "his", "her", "their", "its", "our", "my", "some", "many", "other",
	"another", "one", "two", "three", "according", "meanwhile", "however", "still", "yet", "so", NULL};

static bool listed(const ws_doc *doc, size_t i, const char *const *list)
{
	const ws_token *t = &doc->tokens[i];
	return ws_word_listed(doc->text + t->start, t->end - t->start, list);
}

static bool capitalized_word(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_WORD && (t->flags & WS_TF_CAPITALIZED);
}

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

static bool same_text_ci(const char *a, const char *b)
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
	while (n < run_last && listed(doc, n, titles))
		n++;
	if (n < run_last && !listed(doc, n, not_names) && !(run_last == n + 1 && listed(doc, n, group_nouns))) {
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

/* How far back a pronoun looks for its speaker, in attributions. */
#define PRONOUN_REACH 16

/* The speaker of the most recent attribution before attribution `before`
 * of a fitting kind: news rarely refers back further with a pronoun. */
static long most_recent(const ws_doc *doc, size_t before, bool person)
{
	for (size_t a = before; a-- > 0 && before - a <= PRONOUN_REACH;) {
		long sp = doc->attrs[a].pub.speaker;
		if (sp < 0)
			continue;
		ws_entity_kind k = doc->entities[sp].pub.kind;
		bool fits = person ? (k == WS_ENTITY_PERSON || k == WS_ENTITY_UNKNOWN)
				   : (k == WS_ENTITY_ORGANIZATION || k == WS_ENTITY_GROUP);
		if (fits)
			return sp;
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
	e->last_word = ws_word_hash(last_word(pool(doc, e->name_off)), strlen(last_word(pool(doc, e->name_off))));
	*out = (long)doc->nentities++;
	return WS_OK;
}

/* The names of two words or more that the name tagger found (learned
 * models only), as (first, last) token pairs in doc->scratch. */
static ws_status collect_tagged_names(ws_doc *doc, size_t *count)
{
	*count = 0;
	if (!doc->tagged)
		return WS_OK;
	for (size_t i = 0; i < doc->ntokens;) {
		uint8_t tag = doc->ner[i];
		if (tag == 0 || tag % 2 == 0) { /* O, or I- without its B- */
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < doc->ntokens && doc->ner[j] == tag + 1)
			j++;
		if (j - i >= 2) {
			if (!ws_grow(&doc->allocator, (void **)&doc->scratch, &doc->scratch_cap, 2 * (*count + 1),
				     sizeof *doc->scratch))
				return WS_ERR_NOMEM;
			doc->scratch[2 * *count] = (int32_t)i;
			doc->scratch[2 * *count + 1] = (int32_t)j;
			(*count)++;
		}
		i = j;
	}
	return WS_OK;
}

/* A full name the tagger found for a one-word name ("Doe" -> "Jane Doe"):
 * the last such name before the source, else the first after it; -1 for
 * none.  Only the nearest LOOKUP_REACH names are looked at. */
static long tagged_full_name(const ws_doc *doc, size_t count, size_t name_token, size_t source_first)
{
	uint32_t word = doc->tokens[name_token].word;
	long after = -1;
	size_t seen = 0;
	for (size_t k = count; k-- > 0 && seen < LOOKUP_REACH;) {
		size_t first = (size_t)doc->scratch[2 * k], last = (size_t)doc->scratch[2 * k + 1];
		if (doc->tokens[last - 1].word != word)
			continue;
		seen++;
		if (first < source_first)
			return (long)k;
		after = (long)k;
	}
	return after;
}

/* The last person's name of two words or more the tagger found before
 * token before (among the 16 names before it), or -1. */
static long last_tagged_person(const ws_doc *doc, size_t count, size_t before)
{
	/* The names are in text order: find the last that starts before, then
	 * step back over organizations and places, a few at most. */
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((size_t)doc->scratch[2 * mid] < before)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo, seen = 0; k-- > 0 && seen < 16; seen++)
		if ((doc->ner[doc->scratch[2 * k]] + 1) / 2 == 1)
			return (long)k;
	return -1;
}

static ws_status resolve_source(ws_doc *doc, size_t index, size_t tagged_names)
{
	ws_attr_work *w = &doc->attrs[index];
	ws_span src = w->pub.source;
	if (src.start >= src.end)
		return WS_OK;
	size_t first = ws_token_at(doc, src.start), last = ws_token_at(doc, src.end);
	if (first >= last)
		return WS_OK;
	source_parts p = read_source(doc, first, last);
	long entity = -1;
	ws_status st = WS_OK;
	if (p.pronoun_person || p.pronoun_group) {
		entity = most_recent(doc, index, p.pronoun_person);
		if (entity < 0 && p.pronoun_person) {
			/* nobody spoke yet: the last person the name tagger found */
			long named = last_tagged_person(doc, tagged_names, first);
			if (named >= 0) {
				size_t nf = (size_t)doc->scratch[2 * named], nl = (size_t)doc->scratch[2 * named + 1];
				size_t off;
				if (!pool_add(doc, doc->tokens[nf].start, doc->tokens[nl - 1].end, &off))
					return WS_ERR_NOMEM;
				entity = find_by_name(doc, pool(doc, off));
				doc->strings_len = off;
				if (entity < 0)
					st = new_entity(doc, doc->tokens[nf].start, doc->tokens[nl - 1].end, 0, 0,
							WS_ENTITY_PERSON, &entity);
			}
		}
	} else if (p.relative) {
		/* "Doe, who ..., said": the name just before the pronoun */
		for (size_t i = first; i-- > 0 && first - i < 6;) {
			if (capitalized_word(doc, i)) {
				size_t off;
				if (!pool_add(doc, doc->tokens[i].start, doc->tokens[i].end, &off))
					return WS_ERR_NOMEM;
				entity = find_by_name(doc, pool(doc, off));
				doc->strings_len = off; /* a probe, not kept */
				break;
			}
		}
	} else if (p.name_first < p.name_last) {
		size_t off;
		if (!pool_add(doc, doc->tokens[p.name_first].start, doc->tokens[p.name_last - 1].end, &off))
			return WS_ERR_NOMEM;
		entity = find_by_name(doc, pool(doc, off));
		doc->strings_len = off;
		size_t name_start = doc->tokens[p.name_first].start, name_end = doc->tokens[p.name_last - 1].end;
		ws_entity_kind kind = kind_of(doc, &p, first, last);
		long full = entity < 0 && p.name_last == p.name_first + 1
				    ? tagged_full_name(doc, tagged_names, p.name_first, first)
				    : -1;
		if (full >= 0) {
			/* "Doe", whom the article named in full where she did not
			 * speak: the entity takes the full name. */
			size_t nf = (size_t)doc->scratch[2 * full], nl = (size_t)doc->scratch[2 * full + 1];
			name_start = doc->tokens[nf].start;
			name_end = doc->tokens[nl - 1].end;
			uint8_t cls = (uint8_t)((doc->ner[nf] + 1) / 2); /* 1 person, 2 organization */
			if (cls == 1)
				kind = WS_ENTITY_PERSON;
			else if (cls == 2)
				kind = WS_ENTITY_ORGANIZATION;
			if (!pool_add(doc, name_start, name_end, &off))
				return WS_ERR_NOMEM;
			entity = find_by_name(doc, pool(doc, off));
			doc->strings_len = off;
		}
		if (entity < 0) {
			size_t rs = p.role_first < p.role_last ? doc->tokens[p.role_first].start : 0;
			size_t re = p.role_first < p.role_last ? doc->tokens[p.role_last - 1].end : 0;
			st = new_entity(doc, name_start, name_end, rs, re, kind, &entity);
		} else if (!*pool(doc, doc->entities[entity].role_off) && p.role_first < p.role_last) {
			/* a role learnt from a later mention */
			if (!pool_add(doc, doc->tokens[p.role_first].start, doc->tokens[p.role_last - 1].end,
				      &doc->entities[entity].role_off))
				return WS_ERR_NOMEM;
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
		owner[i] = -1;
		extent[i] = 0;
		if (!capitalized_word(doc, i))
			continue;
		size_t lo = 0, hi = nkeys;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (keys[mid].hash < doc->tokens[i].word)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nkeys && keys[lo].hash == doc->tokens[i].word)
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

ws_status ws_speakers_resolve(ws_doc *doc)
{
	size_t tagged_names;
	ws_status names_st = collect_tagged_names(doc, &tagged_names);
	if (names_st != WS_OK)
		return names_st;
	for (size_t a = 0; a < doc->nattrs; a++) {
		ws_status st = resolve_source(doc, a, tagged_names);
		if (st != WS_OK)
			return st;
	}
	return collect_mentions(doc);
}
