// The page of `whosaid serve`: paste an article, see who said what, and
// download its attributions; with a quote store, search it (words, speaker,
// kind, outlet, dates) page by page, download the hits, open a stored
// article with its attributions marked, chart the most quoted speakers and
// one speaker's attributions month by month, and follow a quote across the
// articles that carried it.
//
// Article text only ever reaches the page as text (textContent and text
// nodes), never as markup, so a "<script>" inside a quote is shown, not run;
// the server's Content-Security-Policy would refuse to run it anyway.  The
// charts are SVG made here, element by element: nothing is loaded from
// elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);

function element(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'className') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value);
  }
  for (const child of children) {
    if (child != null) el.append(child); // strings become text nodes
  }
  return el;
}

// The answer of the API as JSON, or an Error with the server's message.
async function getJSON(url, options) {
  const { body } = await getBoth(url, options);
  return body;
}

// The answer as parsed JSON and as the text it came in (for downloads).
async function getBoth(url, options) {
  const response = await fetch(url, options);
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  if (!response.ok) throw new Error(body && body.error ? body.error.message : response.statusText);
  return { body, text };
}

// Offer data as a file to save, named name.
function download(name, type, data) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = element('a', { href: url, download: name, hidden: '' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// ------------------------------------------------------------ extraction

// Offsets from the server count code points; strings here are UTF-16.
// position[k] is the UTF-16 index of code point k.
function codepointPositions(text) {
  const position = [0];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    position.push(u);
  }
  return position;
}

function speakerName(a) {
  if (a.speaker) return a.speaker.name;
  if (a.source) return a.source.text;
  return '(no speaker found)';
}

// "person, female": the kind, and for a person the gender the article
// shows (left out when it shows none).
function speakerKind(speaker) {
  if (!speaker) return '';
  const known = speaker.gender === 'female' || speaker.gender === 'male';
  return known ? `${speaker.kind}, ${speaker.gender}` : speaker.kind;
}

function describe(a) {
  const who = speakerName(a);
  const kind = a.speaker ? `, ${speakerKind(a.speaker)}` : '';
  return `${who}${kind}: ${a.type} (confidence ${a.confidence.toFixed(2)})`;
}

// The text into view, with every source, cue and content fragment of the
// record's attributions marked.  The first segment of each attribution
// gets the id PREFIX-attribution-I; returns those by attribution.
function renderArticle(view, text, record, prefix) {
  view.replaceChildren();
  const position = codepointPositions(text);
  const marks = [];
  record.attributions.forEach((a, i) => {
    const add = (span, role) => {
      if (span && span.end > span.start) marks.push({ start: span.start, end: span.end, role, i });
    };
    add(a.source, 'source');
    add(a.cue, 'cue');
    a.content.forEach((span) => add(span, 'content'));
  });
  const cuts = new Set([0, position.length - 1]);
  for (const m of marks) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const bounds = [...cuts].sort((x, y) => x - y);
  const firstSegment = new Map();
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k], to = bounds[k + 1];
    const piece = text.slice(position[from], position[to]);
    const covering = marks.filter((m) => m.start <= from && m.end >= to);
    if (!covering.length) {
      view.append(piece);
      continue;
    }
    // A cue or source inside a content fragment shows as cue or source.
    const order = { cue: 0, source: 1, content: 2 };
    covering.sort((x, y) => order[x.role] - order[y.role]);
    const top = covering[0];
    const a = record.attributions[top.i];
    const seg = element('span', {
      className: `seg ${top.role} ${a.type}`,
      title: describe(a),
      dataset: { attribution: String(top.i), attributions: covering.map((m) => m.i).join(' ') },
    }, piece);
    if (!firstSegment.has(top.i)) {
      firstSegment.set(top.i, seg);
      seg.id = `${prefix}-attribution-${top.i}`;
    }
    view.append(seg);
  }
  return firstSegment;
}

function segmentsOf(view, i) {
  return [...view.querySelectorAll('.seg')].filter((s) => s.dataset.attributions.split(' ').includes(String(i)));
}

// Bring attribution i of view into sight and flash it.
function flash(view, firstSegment, i) {
  const seg = firstSegment.get(i);
  if (!seg) return;
  seg.scrollIntoView({ block: 'center', behavior: 'smooth' });
  segmentsOf(view, i).forEach((s) => {
    s.classList.remove('flash');
    void s.offsetWidth; // restart the animation
    s.classList.add('flash');
  });
}

// The side list: attributions grouped by speaker, most quoted first.  With
// a view (the text), each entry marks and flashes its attribution there.
function renderSpeakers(list, record, view, firstSegment) {
  list.replaceChildren();
  const groups = new Map();
  record.attributions.forEach((a, i) => {
    const name = speakerName(a);
    if (!groups.has(name)) groups.set(name, { kind: speakerKind(a.speaker), items: [] });
    groups.get(name).items.push(i);
  });
  if (!groups.size) {
    list.append(element('p', { className: 'status' }, 'No attributions found.'));
    return;
  }
  const sorted = [...groups.entries()].sort((x, y) => y[1].items.length - x[1].items.length);
  for (const [name, group] of sorted) {
    const count = group.items.length;
    list.append(element('h4', {}, name, ' ',
      element('span', { className: 'kind' }, `${group.kind ? group.kind + ', ' : ''}${plural(count, 'attribution')}`)));
    const items = element('ul');
    for (const i of group.items) {
      const a = record.attributions[i];
      const words = a.content.map((s) => s.text).join(' … ');
      const show = (on) => view && segmentsOf(view, i).forEach((s) => s.classList.toggle('active', on));
      const button = element('button', {
        type: 'button',
        className: 'attribution',
        title: describe(a),
        dataset: { attribution: String(i) },
        onclick: () => view && flash(view, firstSegment, i),
        onmouseenter: () => show(true),
        onmouseleave: () => show(false),
        onfocus: () => show(true),
        onblur: () => show(false),
      }, element('span', { className: `badge ${a.type}` }, a.type),
      words.length > 140 ? words.slice(0, 137) + '…' : words);
      items.append(element('li', {}, button));
    }
    list.append(items);
  }
}

// The last article analysed: its text and the record's text as it came.
let analysed = null;

async function extract(event) {
  event.preventDefault();
  const text = $('article').value;
  const status = $('extract-status');
  status.classList.remove('error');
  if (!text.trim()) {
    status.textContent = 'Paste an article first.';
    return;
  }
  status.textContent = 'Reading…';
  $('extract-button').disabled = true;
  try {
    const { body: record, text: json } = await getBoth('/v1/extract', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: text,
    });
    analysed = { text, json };
    const view = $('article-view');
    const firstSegment = renderArticle(view, text, record, 'pasted');
    renderSpeakers($('speaker-list'), record, view, firstSegment);
    $('result').hidden = false;
    status.textContent = `${plural(record.attributions.length, 'attribution')}, ${plural(record.entities.length, 'speaker')}.`;
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Could not analyse the article: ${e.message}`;
  } finally {
    $('extract-button').disabled = false;
  }
}

// The analysed article's attributions as CSV: the server writes it (the
// same columns as `whosaid -f tsv`, cells guarded against spreadsheet
// formulas), from the same text.
async function exportArticleCSV() {
  if (!analysed) return;
  const status = $('extract-status');
  try {
    const response = await fetch('/v1/extract?format=csv', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: analysed.text,
    });
    if (!response.ok) throw new Error((await response.json()).error.message);
    download('whosaid-article.csv', 'text/csv', await response.blob());
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Could not export the article: ${e.message}`;
  }
}

function exportArticleJSON() {
  if (analysed) download('whosaid-article.json', 'application/json', analysed.json);
}

// ---------------------------------------------------------------- corpus

const PAGE = 20;        // hits per page
const MOST_HITS = 10000; // the API's largest limit: what a download holds

// The search being paged through: its parameters and where it stands.
const searching = { params: null, offset: 0, next: null };

// The form's filters as the API's parameters (empty ones left out).
function searchParams() {
  const params = new URLSearchParams();
  const fields = { q: 'search-q', speaker: 'search-speaker', kind: 'search-kind', outlet: 'search-outlet',
    since: 'search-since', until: 'search-until' };
  for (const [name, id] of Object.entries(fields)) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

async function search(event) {
  if (event) event.preventDefault();
  searching.params = searchParams();
  searching.offset = 0;
  const csv = new URLSearchParams(searching.params);
  csv.set('limit', String(MOST_HITS));
  const json = new URLSearchParams(csv);
  csv.set('format', 'csv');
  $('export-search-csv').href = `/v1/search?${csv}`;
  $('export-search-json').href = `/v1/search?${json}`;
  await showPage();
}

// One page of hits of the current search, from searching.offset.
async function showPage() {
  const params = new URLSearchParams(searching.params);
  params.set('limit', String(PAGE));
  if (searching.offset) params.set('offset', String(searching.offset));
  const status = $('search-status');
  const results = $('search-results');
  status.classList.remove('error');
  status.textContent = 'Searching…';
  try {
    const { hits, next_offset: next } = await getJSON(`/v1/search?${params}`);
    searching.next = next;
    results.replaceChildren();
    results.start = searching.offset + 1;
    for (const hit of hits) results.append(hitItem(hit));
    const first = searching.offset + 1, last = searching.offset + hits.length;
    const where = hits.length ? `Hits ${first}–${last}${next == null ? ` of ${last}` : ''}` : '';
    status.textContent = hits.length ? `${where}, best first.`
      : searching.offset ? 'No more hits.' : 'Nothing found.';
    $('search-page').textContent = where;
    $('search-prev').disabled = searching.offset === 0;
    $('search-next').disabled = next == null;
    $('search-pages').hidden = !hits.length && !searching.offset;
    $('search-exports').hidden = !hits.length;
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Search failed: ${e.message}`;
  }
}

function pageBy(step) {
  if (step > 0 && searching.next == null) return;
  searching.offset = step > 0 ? searching.next : Math.max(0, searching.offset - PAGE);
  showPage().then(() => $('search-status').scrollIntoView({ block: 'nearest' }));
}

function hitItem(hit) {
  const a = hit.attribution;
  const about = [hit.article.outlet, hit.article.date, hit.article.id].filter(Boolean).join(' · ');
  const item = element('li', { className: 'hit', dataset: { article: hit.article.id } },
    element('div', {}, element('span', { className: `badge ${a.type}` }, a.type), speakerName(a)),
    element('blockquote', {}, a.content.map((s) => s.text).join(' … ')),
    element('div', { className: 'meta' }, about));
  const actions = element('div', { className: 'actions' });
  actions.append(element('button', {
    type: 'button', className: 'open-article',
    onclick: () => openArticle(hit.article.id, a),
  }, 'open the article'));
  const q = hit.quote;
  if (q && q.articles > 1) {
    const others = q.articles - 1;
    const since = q.first_seen ? ` since ${q.first_seen}` : '';
    actions.append(element('button', {
      type: 'button', className: 'also',
      onclick: (e) => openCluster(q.cluster, item, e.currentTarget),
    }, `also in ${others} other article${others === 1 ? '' : 's'}${since}`));
  }
  item.append(actions);
  return item;
}

// The attribution of record equal to a (a search hit's), or -1.
function indexOf(record, a) {
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  return record.attributions.findIndex((b) => same(b.content, a.content) && same(b.source, a.source) && same(b.cue, a.cue));
}

// A stored article, opened from a hit: its text with every attribution
// marked and the hit's flashed, or, when the store holds no text for it,
// its attributions alone and why.
async function openArticle(id, attribution) {
  const panel = $('stored');
  const status = $('stored-status');
  status.classList.remove('error');
  status.textContent = 'Opening…';
  panel.hidden = false;
  const path = `/v1/articles/${encodeURIComponent(id)}`;
  $('export-stored-csv').href = `${path}?format=csv`;
  $('export-stored-json').href = path;
  const view = $('stored-view');
  try {
    const article = await getJSON(path);
    const m = article.article;
    $('stored-title').textContent = m.title || m.id;
    $('stored-about').textContent = [m.outlet, m.date, m.id].filter(Boolean).join(' · ');
    let firstSegment = new Map();
    if (article.text != null) {
      view.hidden = false;
      firstSegment = renderArticle(view, article.text, article, 'stored');
      status.textContent = `${plural(article.attributions.length, 'attribution')}, ${plural(article.entities.length, 'speaker')}.`;
    } else {
      view.hidden = true;
      view.replaceChildren();
      status.textContent = article.error
        ? `This article could not be analysed: ${article.error}`
        : 'The store holds no text for this article: it was indexed before whosaid kept article texts ' +
          '(store schema 6) or with --no-text. Its attributions are listed here; index it again to add the text.';
    }
    renderSpeakers($('stored-speaker-list'), article, article.text != null ? view : null, firstSegment);
    panel.scrollIntoView({ block: 'start' });
    const i = attribution ? indexOf(article, attribution) : -1;
    if (i >= 0 && article.text != null) flash(view, firstSegment, i);
  } catch (e) {
    view.replaceChildren();
    status.classList.add('error');
    status.textContent = `Could not open the article: ${e.message}`;
  }
}

// A quote cluster's members under the element it was opened from: where
// the quote ran, when, and whom each article credited.
async function openCluster(id, under, button) {
  const open = under.querySelector('.cluster');
  if (open) {
    open.remove();
    return;
  }
  button.disabled = true;
  try {
    const c = await getJSON(`/v1/quotes/${id}`);
    const split = c.speakers.map((s) => `${s.speaker} (${s.attributions})`).join(', ');
    const panel = element('div', { className: 'cluster' },
      element('p', { className: c.conflicting ? 'meta conflict' : 'meta' },
        `${c.articles} articles from ${c.first_seen || '?'} to ${c.last_seen || '?'}; credited to ${split || 'no one'}` +
        (c.conflicting ? ' — the credits disagree' : '')));
    const members = element('ul', {});
    for (const m of c.members) {
      const about = [m.article.date, m.article.outlet, m.article.id].filter(Boolean).join(' · ');
      members.append(element('li', {}, element('strong', {}, m.speaker || '(no speaker)'), ` — ${about}: `,
        element('q', {}, m.content)));
    }
    panel.append(members);
    under.append(panel);
  } catch (e) {
    under.append(element('p', { className: 'cluster status error' }, `Could not open the quote: ${e.message}`));
  } finally {
    button.disabled = false;
  }
}

async function listConflicts() {
  const status = $('conflicts-status');
  const list = $('conflicts');
  status.classList.remove('error');
  status.textContent = 'Looking…';
  try {
    const { quotes } = await getJSON('/v1/quotes?conflicting=true&limit=50');
    list.replaceChildren();
    for (const c of quotes) {
      const item = element('li', { className: 'hit' },
        element('blockquote', {}, c.text),
        element('div', { className: 'meta' },
          `${c.articles} articles; credited to ${c.speakers.map((s) => `${s.speaker} (${s.attributions})`).join(', ')}`));
      item.append(element('button', {
        type: 'button', className: 'also', onclick: (e) => openCluster(c.id, item, e.currentTarget),
      }, 'show the articles'));
      list.append(item);
    }
    status.textContent = quotes.length
      ? `${plural(quotes.length, 'quote')} credited to more than one speaker, the most carried first.`
      : 'No quote is credited to more than one speaker.';
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Could not list them: ${e.message}`;
  }
}

// ---------------------------------------------------------------- charts

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  if (text != null) el.textContent = text;
  return el;
}

// A name cut into lines of at most width characters, at spaces, a word
// longer than a line in pieces: the whole name stays readable.
function wrapped(name, width) {
  const lines = [];
  let line = '';
  for (let word of name.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      line = '';
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

// The chart's outlet and month as the API's filters.
function chartFilters() {
  const params = new URLSearchParams();
  const outlet = $('chart-outlet').value, month = $('chart-month').value;
  if (outlet) params.set('outlet', outlet);
  if (month) {
    params.set('since', month);
    params.set('until', month);
  }
  return params;
}

// How many speakers the chart shows, from its control (1 to 100).
function chartCount() {
  const n = Math.round(Number($('chart-count').value));
  return Number.isFinite(n) ? Math.min(100, Math.max(1, n)) : 10;
}

// A horizontal bar per speaker: the whole bar their attributions, the
// darker part the direct quotes among them.  Names are wrapped, never cut;
// a bar, chosen, searches for that speaker's attributions.
async function drawChart() {
  const params = chartFilters();
  params.set('limit', String(chartCount()));
  const chart = $('chart');
  try {
    const { speakers } = await getJSON(`/v1/speakers?${params}`);
    chart.replaceChildren();
    if (!speakers.length) {
      chart.append(element('p', { className: 'status' }, 'No speakers for this choice.'));
      return;
    }
    const lineHeight = 16, labelWidth = 190, width = 640, barMax = width - labelWidth - 60, barHeight = 18;
    const rows = speakers.map((s) => ({ s, lines: wrapped(s.speaker, 24) }));
    const heights = rows.map((r) => Math.max(barHeight, r.lines.length * lineHeight) + 8);
    const height = heights.reduce((x, y) => x + y, 0) + 10;
    const most = Math.max(...speakers.map((s) => s.attributions));
    const label = speakers.map((s) => `${s.speaker}: ${s.attributions}`).join('; ');
    // a group, not an image: its bars are buttons a screen reader must reach
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Most quoted speakers: ${label}` });
    let y = 5;
    rows.forEach(({ s, lines }, k) => {
      const h = heights[k];
      const w = Math.max(1, (s.attributions / most) * barMax);
      const row = svg('g', { class: 'row', tabindex: '0', role: 'button', 'data-key': s.key,
        'aria-label': `${s.speaker}: ${s.attributions} attributions; search for them` });
      row.append(svg('title', {}, `${s.speaker} (${s.kind}): ${s.attributions} attributions, ${Math.round(s.direct_share * 100)}% direct, in ${s.articles} articles`));
      row.append(svg('rect', { class: 'hit-area', x: 0, y, width, height: h - 4 }));
      const name = svg('text', { class: 'name', x: labelWidth - 8, y: y + 13, 'text-anchor': 'end' });
      lines.forEach((line, i) => name.append(svg('tspan', { x: labelWidth - 8, dy: i ? lineHeight : 0 },
        i + 1 < lines.length ? `${line} ` : line)));
      row.append(name);
      const barY = y + (h - 8 - barHeight) / 2;
      row.append(svg('rect', { class: 'bar', x: labelWidth, y: barY, width: w, height: barHeight }));
      row.append(svg('rect', { class: 'bar direct', x: labelWidth, y: barY, width: w * s.direct_share, height: barHeight }));
      row.append(svg('text', { class: 'count', x: labelWidth + w + 6, y: barY + 14 }, String(s.attributions)));
      const choose = () => searchSpeaker(s);
      row.addEventListener('click', choose);
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          choose();
        }
      });
      root.append(row);
      y += h;
    });
    chart.append(root);
  } catch (e) {
    chart.replaceChildren(element('p', { className: 'status error' }, `Chart failed: ${e.message}`));
  }
}

// A bar chosen: the search lists that speaker's attributions, within the
// chart's outlet and month, and the time series shows the speaker.
function searchSpeaker(s) {
  $('search-q').value = '';
  $('search-kind').value = '';
  $('search-speaker').value = s.speaker;
  $('search-outlet').value = $('chart-outlet').value;
  $('search-since').value = $('chart-month').value;
  $('search-until').value = $('chart-month').value;
  search().then(() => $('search-form').scrollIntoView({ block: 'start' }));
  chooseMonthsSpeaker(s.key, s.speaker);
}

function chooseMonthsSpeaker(key, name) {
  const select = $('months-speaker');
  if (![...select.options].some((o) => o.value === key)) select.append(element('option', { value: key }, name));
  select.value = key;
  drawMonths();
}

// One speaker's attributions per month, a bar each (direct quotes in the
// darker part), every month from the first to the last, empty ones too.
async function drawMonths() {
  const key = $('months-speaker').value;
  const chart = $('months-chart');
  const status = $('months-status');
  status.classList.remove('error');
  chart.replaceChildren();
  if (!key) {
    status.textContent = '';
    return;
  }
  try {
    const m = await getJSON(`/v1/speakers/${encodeURIComponent(key)}/months`);
    const months = m.months;
    const undated = m.undated ? `, and ${m.undated} in undated articles` : '';
    status.textContent = `${m.speaker}: ${plural(m.attributions, 'attribution')} in ${plural(m.articles, 'article')}` +
      (months.length ? `, ${months[0].month} to ${months[months.length - 1].month}${undated}.` : `${undated}.`);
    if (!months.length) return;
    const width = 640, height = 200, left = 36, bottom = 44, top = 16;
    const slot = (width - left - 10) / months.length, barWidth = Math.max(2, Math.min(40, slot * 0.7));
    const most = Math.max(1, ...months.map((x) => x.attributions));
    const plot = height - bottom - top;
    const label = months.map((x) => `${x.month}: ${x.attributions}`).join('; ');
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Attributions of ${m.speaker} per month: ${label}` });
    root.append(svg('line', { class: 'axis', x1: left, y1: top + plot, x2: width - 10, y2: top + plot }));
    root.append(svg('text', { class: 'tick', x: left - 6, y: top + 4, 'text-anchor': 'end' }, String(most)));
    root.append(svg('text', { class: 'tick', x: left - 6, y: top + plot, 'text-anchor': 'end' }, '0'));
    const every = Math.ceil(months.length / 12); // at most about 12 month labels
    months.forEach((x, k) => {
      const cx = left + slot * (k + 0.5);
      const h = (x.attributions / most) * plot, hd = (x.direct / most) * plot;
      const g = svg('g', { class: 'month', 'data-month': x.month, 'data-attributions': String(x.attributions) });
      g.append(svg('title', {}, `${x.month}: ${plural(x.attributions, 'attribution')}, ${x.direct} direct, in ${plural(x.articles, 'article')}`));
      g.append(svg('rect', { class: 'bar', x: cx - barWidth / 2, y: top + plot - h, width: barWidth, height: h }));
      g.append(svg('rect', { class: 'bar direct', x: cx - barWidth / 2, y: top + plot - hd, width: barWidth, height: hd }));
      if (x.attributions) g.append(svg('text', { class: 'count', x: cx, y: top + plot - h - 3, 'text-anchor': 'middle' }, String(x.attributions)));
      if (k % every === 0) g.append(svg('text', { class: 'tick', x: cx, y: top + plot + 16, 'text-anchor': 'middle' }, x.month));
      root.append(g);
    });
    chart.append(root);
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Could not draw the months: ${e.message}`;
  }
}

async function openCorpus() {
  const version = await getJSON('/v1/version');
  if (!version.store) return;
  const overview = await getJSON('/v1/store');
  $('corpus').hidden = false;
  $('corpus-summary').textContent =
    `${overview.articles} articles, ${overview.attributions} attributions in the store.`;
  for (const o of overview.outlets) {
    $('chart-outlet').append(element('option', { value: o.outlet }, `${o.outlet} (${o.articles})`));
    $('search-outlet').append(element('option', { value: o.outlet }, o.outlet));
  }
  for (const m of overview.months) {
    $('chart-month').append(element('option', { value: m.month }, `${m.month} (${m.articles})`));
  }
  $('chart-outlet').addEventListener('change', drawChart);
  $('chart-month').addEventListener('change', drawChart);
  $('chart-count').addEventListener('change', drawChart);
  $('chart-form').addEventListener('submit', (e) => {
    e.preventDefault();
    drawChart();
  });
  $('search-form').addEventListener('submit', search);
  $('search-prev').addEventListener('click', () => pageBy(-1));
  $('search-next').addEventListener('click', () => pageBy(1));
  $('stored-close').addEventListener('click', () => { $('stored').hidden = true; });
  $('conflicts-button').addEventListener('click', listConflicts);
  $('months-speaker').addEventListener('change', drawMonths);
  $('months-form').addEventListener('submit', (e) => e.preventDefault());
  const { speakers } = await getJSON('/v1/speakers?limit=100');
  for (const s of speakers) $('months-speaker').append(element('option', { value: s.key }, s.speaker));
  await drawChart();
}

document.addEventListener('DOMContentLoaded', () => {
  $('extract-form').addEventListener('submit', extract);
  $('article').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) extract(e);
  });
  $('export-article-csv').addEventListener('click', exportArticleCSV);
  $('export-article-json').addEventListener('click', exportArticleJSON);
  openCorpus().catch((e) => {
    $('corpus-summary').textContent = `The store could not be read: ${e.message}`;
  });
});
