// The page of `whosaid serve`: paste an article, see who said what; with a
// quote store, search it, chart its most quoted speakers, and follow a quote
// across the articles that carried it.
//
// Article text only ever reaches the page as text (textContent and text
// nodes), never as markup, so a "<script>" inside a quote is shown, not run;
// the server's Content-Security-Policy would refuse to run it anyway.
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

async function getJSON(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  if (!response.ok) throw new Error(body && body.error ? body.error.message : response.statusText);
  return body;
}

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

// The article with every source, cue and content fragment marked.
function renderArticle(text, record) {
  const view = $('article-view');
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
      seg.id = `attribution-${top.i}`;
    }
    view.append(seg);
  }
  return firstSegment;
}

function segmentsOf(i) {
  return [...document.querySelectorAll('#article-view .seg')].filter((s) =>
    s.dataset.attributions.split(' ').includes(String(i)));
}

// The side list: attributions grouped by speaker, most quoted first.
function renderSpeakers(record, firstSegment) {
  const list = $('speaker-list');
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
      element('span', { className: 'kind' }, `${group.kind ? group.kind + ', ' : ''}${count} attribution${count > 1 ? 's' : ''}`)));
    const items = element('ul');
    for (const i of group.items) {
      const a = record.attributions[i];
      const words = a.content.map((s) => s.text).join(' … ');
      const show = (on) => segmentsOf(i).forEach((s) => s.classList.toggle('active', on));
      const button = element('button', {
        type: 'button',
        className: 'attribution',
        title: describe(a),
        onclick: () => {
          const seg = firstSegment.get(i);
          if (!seg) return;
          seg.scrollIntoView({ block: 'center', behavior: 'smooth' });
          segmentsOf(i).forEach((s) => {
            s.classList.remove('flash');
            void s.offsetWidth; // restart the animation
            s.classList.add('flash');
          });
        },
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
    const record = await getJSON('/v1/extract', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: text,
    });
    const firstSegment = renderArticle(text, record);
    renderSpeakers(record, firstSegment);
    $('result').hidden = false;
    const n = record.attributions.length;
    status.textContent = `${n} attribution${n === 1 ? '' : 's'}, ${record.entities.length} speaker${record.entities.length === 1 ? '' : 's'}.`;
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Could not analyse the article: ${e.message}`;
  } finally {
    $('extract-button').disabled = false;
  }
}

// ---------------------------------------------------------------- corpus

async function search(event) {
  event.preventDefault();
  const params = new URLSearchParams({
    q: $('search-q').value, speaker: $('search-speaker').value, kind: $('search-kind').value, limit: '20',
  });
  const status = $('search-status');
  const results = $('search-results');
  status.classList.remove('error');
  status.textContent = 'Searching…';
  try {
    const { hits } = await getJSON(`/v1/search?${params}`);
    results.replaceChildren();
    for (const hit of hits) {
      const a = hit.attribution;
      const about = [hit.article.outlet, hit.article.date, hit.article.id].filter(Boolean).join(' · ');
      const item = element('li', { className: 'hit' },
        element('div', {}, element('span', { className: `badge ${a.type}` }, a.type), speakerName(a)),
        element('blockquote', {}, a.content.map((s) => s.text).join(' … ')),
        element('div', { className: 'meta' }, about));
      const q = hit.quote;
      if (q && q.articles > 1) {
        const others = q.articles - 1;
        const since = q.first_seen ? ` since ${q.first_seen}` : '';
        item.append(element('button', {
          type: 'button', className: 'also',
          onclick: (e) => openCluster(q.cluster, item, e.currentTarget),
        }, `also in ${others} other article${others === 1 ? '' : 's'}${since}`));
      }
      results.append(item);
    }
    status.textContent = hits.length ? `${hits.length} attribution${hits.length === 1 ? '' : 's'}, best first.` : 'Nothing found.';
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Search failed: ${e.message}`;
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
      ? `${quotes.length} quote${quotes.length === 1 ? '' : 's'} credited to more than one speaker, the most carried first.`
      : 'No quote is credited to more than one speaker.';
  } catch (e) {
    status.classList.add('error');
    status.textContent = `Could not list them: ${e.message}`;
  }
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  if (text != null) el.textContent = text;
  return el;
}

// A horizontal bar per speaker: the whole bar their attributions, the
// darker part the direct quotes among them.
async function drawChart() {
  const params = new URLSearchParams({ limit: '10' });
  const outlet = $('chart-outlet').value, month = $('chart-month').value;
  if (outlet) params.set('outlet', outlet);
  if (month) {
    params.set('since', month);
    params.set('until', month);
  }
  const chart = $('chart');
  try {
    const { speakers } = await getJSON(`/v1/speakers?${params}`);
    chart.replaceChildren();
    if (!speakers.length) {
      chart.append(element('p', { className: 'status' }, 'No speakers for this choice.'));
      return;
    }
    const rowHeight = 26, labelWidth = 190, width = 640, barMax = width - labelWidth - 60;
    const height = speakers.length * rowHeight + 10;
    const most = Math.max(...speakers.map((s) => s.attributions));
    const label = speakers.map((s) => `${s.speaker}: ${s.attributions}`).join('; ');
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Most quoted speakers: ${label}` });
    speakers.forEach((s, k) => {
      const y = k * rowHeight + 5;
      const w = Math.max(1, (s.attributions / most) * barMax);
      const row = svg('g', { class: 'row' });
      row.append(svg('title', {}, `${s.speaker} (${s.kind}): ${s.attributions} attributions, ${Math.round(s.direct_share * 100)}% direct, in ${s.articles} articles`));
      row.append(svg('text', { x: labelWidth - 8, y: y + 16, 'text-anchor': 'end' },
        s.speaker.length > 26 ? s.speaker.slice(0, 25) + '…' : s.speaker));
      row.append(svg('rect', { class: 'bar', x: labelWidth, y, width: w, height: rowHeight - 8 }));
      row.append(svg('rect', { class: 'bar direct', x: labelWidth, y, width: w * s.direct_share, height: rowHeight - 8 }));
      row.append(svg('text', { x: labelWidth + w + 6, y: y + 16 }, String(s.attributions)));
      root.append(row);
    });
    chart.append(root);
  } catch (e) {
    chart.replaceChildren(element('p', { className: 'status error' }, `Chart failed: ${e.message}`));
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
  }
  for (const m of overview.months) {
    $('chart-month').append(element('option', { value: m.month }, `${m.month} (${m.articles})`));
  }
  $('chart-outlet').addEventListener('change', drawChart);
  $('chart-month').addEventListener('change', drawChart);
  $('search-form').addEventListener('submit', search);
  $('conflicts-button').addEventListener('click', listConflicts);
  await drawChart();
}

document.addEventListener('DOMContentLoaded', () => {
  $('extract-form').addEventListener('submit', extract);
  $('article').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) extract(e);
  });
  openCorpus().catch((e) => {
    $('corpus-summary').textContent = `The store could not be read: ${e.message}`;
  });
});
