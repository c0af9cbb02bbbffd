// page.test.mjs — the page of `whosaid serve`, driven in a real headless
// Chromium (Debian's) with playwright-core: paste an article, extract, see
// the highlights and the speakers, download them as CSV and JSON; search a
// store by words, speaker, kind, outlet and dates, page through every hit,
// download the hits, open a stored article with its highlights (and one
// stored without its text), see the speakers chart (as many as asked,
// names whole, a bar searching for its speaker), a speaker's months, and
// the quote clusters; at phone width too.  A <script> inside a quote must
// be shown, not run.
//
//   WHOSAID=build/whosaid STORE=quotes.db OUT=build/browser node page.test.mjs
//
// STORE is a quote store made by `whosaid index` from the corpus of
// tests/corpus/make_corpus.py and the two archive articles beside this file
// (archive-old.jsonl indexed with --no-text); OUT receives the screenshots.  Prints one
// line per check and "N passed, N failed"; exits 1 when a check fails.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const whosaid = process.env.WHOSAID || 'build/whosaid';
const store = process.env.STORE;
const out = process.env.OUT || 'build/browser';
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(out, { recursive: true });

// A made-up article.  The second quote carries markup that would run if the
// page ever put article text into the document as HTML.
const ARTICLE = [
  '"The pier is safe," harbour master Mara Lindqvist told reporters on Tuesday, "and it will reopen in June."',
  '',
  'Council member Omar Reyes said the repairs had cost twice the estimate. "I asked for <script>window.__ran = 1</script> answers <img src=x onerror="window.__ran = 2"> and got none," he said.',
  '',
  'According to the port authority, traffic fell by a third during the closure.',
].join('\n');

function startServer() {
  return new Promise((resolve, reject) => {
    const args = ['serve', '--port', '0', '-j', '2'];
    if (store) args.push('--db', store);
    const server = spawn(whosaid, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    server.stderr.on('data', (chunk) => {
      said += chunk;
      const m = said.match(/serving on (http:\/\/[^ ]+\/)/);
      if (m) resolve({ server, url: m[1] });
    });
    server.on('exit', (code) => reject(new Error(`whosaid serve exited with ${code}: ${said}`)));
  });
}

// The records of a CSV file (RFC 4180: quoted cells, doubled quotes,
// line breaks inside quotes), each an array of cells.
function parseCSV(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') continue;
    else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// What clicking locator downloads: its suggested name and its text.
async function downloaded(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

const RECORD_COLUMNS = ['id', 'type', 'speaker', 'role', 'kind', 'gender', 'speaker_key', 'source', 'cue', 'addressee',
  'content', 'source_start', 'source_end', 'cue_start', 'cue_end', 'content_start', 'content_end', 'confidence', 'error',
  'extra'];
const HIT_COLUMNS = ['rank', 'score', 'article', 'outlet', 'date', 'url', 'title', 'type', 'speaker', 'speaker_kind',
  'source', 'cue', 'content', 'confidence'];
const archive = JSON.parse(readFileSync(new URL('./archive.jsonl', import.meta.url), 'utf8'));
const archiveOld = JSON.parse(readFileSync(new URL('./archive-old.jsonl', import.meta.url), 'utf8'));
const LONG_NAME = 'Alexandrina Konstantinopoulou Vanderberghe-Lindqvist';

let passed = 0, failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
  }
}

const { server, url } = await startServer();
const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.goto(url);

  await check('the page loads from the server alone', async () => {
    assert.equal(await page.title(), 'whosaid: who said what, to whom');
    const outside = await page.evaluate(() => [...document.querySelectorAll('script[src], link[href]')]
      .map((e) => e.src || e.href).filter((u) => !u.startsWith(location.origin) && !u.startsWith('data:')));
    assert.deepEqual(outside, []);
  });

  await check('paste and extract with the keyboard (Ctrl+Enter)', async () => {
    await page.locator('#article').fill(ARTICLE);
    await page.locator('#article').press('Control+Enter');
    await page.locator('#result').waitFor({ state: 'visible' });
    assert.match(await page.locator('#extract-status').textContent(), /^\d+ attributions?, \d+ speakers?\.$/);
  });

  await check('sources, cues and contents are highlighted', async () => {
    for (const role of ['source', 'cue', 'content']) {
      const n = await page.locator(`#article-view .seg.${role}`).count();
      assert.ok(n > 0, `no ${role} highlighted`);
    }
    const direct = await page.locator('#article-view .seg.content.direct').allTextContents();
    assert.ok(direct.some((t) => t.includes('The pier is safe')), `direct contents: ${direct}`);
  });

  await check('the text is shown whole and unchanged, markup included', async () => {
    assert.equal(await page.locator('#article-view').textContent(), ARTICLE);
  });

  await check('a <script> inside a quote is shown, not run', async () => {
    assert.equal(await page.evaluate(() => window.__ran), undefined);
    assert.equal(await page.locator('#article-view script, #article-view img').count(), 0);
    assert.ok((await page.locator('#article-view').textContent()).includes('<script>window.__ran = 1</script>'));
  });

  await check('the speaker shows on hover', async () => {
    const seg = page.locator('#article-view .seg.content.direct').first();
    const title = await seg.getAttribute('title');
    assert.match(title, /Mara Lindqvist, person: direct/);
    await seg.hover();
  });

  await check('the side list groups attributions by speaker', async () => {
    const heads = await page.locator('#speaker-list h4').allTextContents();
    assert.ok(heads.some((h) => h.startsWith('Mara Lindqvist')), `groups: ${heads}`);
    assert.ok(heads.some((h) => h.startsWith('Omar Reyes')), `groups: ${heads}`);
    const badges = await page.locator('#speaker-list .badge').allTextContents();
    assert.ok(badges.includes('direct'), `types: ${badges}`);
  });

  await check('a side list entry reached by Tab and Enter flashes its attribution', async () => {
    const first = page.locator('#speaker-list button').first();
    await first.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    const flashed = await page.locator('#article-view .seg.flash').count();
    assert.ok(flashed > 0, 'nothing flashed');
    const active = await page.locator('#article-view .seg.active').count();
    assert.ok(active > 0, 'focus does not mark the attribution');
  });

  await check('the analysed article downloads as CSV: the attributions, the analysis CSV\'s columns', async () => {
    const { name, text } = await downloaded(page, page.locator('#export-article-csv'));
    assert.equal(name, 'whosaid-article.csv');
    const rows = parseCSV(text);
    assert.deepEqual(rows[0], RECORD_COLUMNS);
    const shown = await page.locator('#speaker-list button.attribution').count();
    assert.equal(rows.length - 1, shown, `${rows.length - 1} rows for ${shown} attributions`);
    const pier = rows.find((r) => r[RECORD_COLUMNS.indexOf('content')].includes('The pier is safe'));
    assert.ok(pier && pier[1] === 'direct' && pier[2] === 'Mara Lindqvist', `row: ${pier}`);
    // the <script> quote comes through as text, quotes doubled as RFC 4180 says
    assert.ok(rows.some((r) => r[RECORD_COLUMNS.indexOf('content')].includes('<script>window.__ran = 1</script>')), 'the markup quote is missing');
    assert.ok(text.includes('""I asked for'), 'quotes inside a cell are not doubled');
  });

  await check('the analysed article downloads as JSON: the record', async () => {
    const { name, text } = await downloaded(page, page.locator('#export-article-json'));
    assert.equal(name, 'whosaid-article.json');
    const record = JSON.parse(text);
    assert.equal(record.attributions.length, await page.locator('#speaker-list button.attribution').count());
    assert.ok(record.attributions.some((a) => a.speaker && a.speaker.name === 'Omar Reyes'));
  });

  await page.screenshot({ path: `${out}/page.png`, fullPage: true });

  if (store) {
    await check('the corpus section searches the store', async () => {
      await page.locator('#corpus').waitFor({ state: 'visible' });
      await page.locator('#search-q').fill('ceasefire');
      await page.locator('#search-kind').selectOption('indirect');
      await page.locator('#search-form button').click();
      await page.locator('#search-results li').first().waitFor();
      const hits = await page.locator('#search-results blockquote').allTextContents();
      assert.ok(hits.length > 0 && hits.every((h) => /ceasefire/i.test(h)), `hits: ${hits}`);
      const badges = await page.locator('#search-results .badge').allTextContents();
      assert.ok(badges.every((b) => b === 'indirect'), `kinds: ${badges}`);
    });

    await check('a hit carried by other articles opens its quote cluster', async () => {
      // the generator's corpus repeats its quotes across outlets, so a
      // search without words finds some carried more than once
      await page.locator('#search-q').fill('');
      await page.locator('#search-kind').selectOption('');
      await page.locator('#search-form button').click();
      const also = page.locator('#search-results button.also').first();
      await also.waitFor();
      assert.match(await also.textContent(), /^also in \d+ other articles? since \d{4}-\d\d-\d\d$/);
      await also.click();
      const members = page.locator('#search-results .cluster li');
      await members.first().waitFor();
      const n = Number((await also.textContent()).match(/\d+/)[0]);
      assert.ok(await members.count() >= n + 1, 'fewer members than articles');
    });

    await check('the quotes credited to different speakers are listed', async () => {
      await page.locator('#conflicts-button').click();
      await page.locator('#conflicts li').first().waitFor();
      const credits = await page.locator('#conflicts .meta').allTextContents();
      assert.ok(credits.length > 0 && credits.every((t) => /credited to .+\(\d+\), .+\(\d+\)/.test(t)), `credits: ${credits}`);
    });

    await check('the chart shows the most quoted speakers, by outlet', async () => {
      await page.locator('#chart svg').waitFor();
      const all = await page.locator('#chart svg text[text-anchor="end"]').allTextContents();
      assert.ok(all.length > 0 && all.length <= 10, `labels: ${all}`);
      const outlets = await page.locator('#chart-outlet option').allTextContents();
      assert.ok(outlets.length > 1, 'no outlets to filter by');
      const before = await page.locator('#chart svg').getAttribute('aria-label');
      await page.locator('#chart-outlet').selectOption({ index: 1 });
      await page.waitForFunction((b) => document.querySelector('#chart svg')?.getAttribute('aria-label') !== b, before);
      const months = await page.locator('#chart-month option').count();
      assert.ok(months > 1, 'no months to filter by');
      await page.locator('#chart-month').selectOption({ index: 1 });
      await page.locator('#chart svg, #chart p').first().waitFor();
    });

    // ---- search filters, paging, downloads, stored articles

    // The hits of a search as the API has them, all of them.
    const apiHits = (params) => page.evaluate(async (p) => {
      const r = await fetch(`/v1/search?${new URLSearchParams({ ...p, limit: '10000' })}`);
      return (await r.json()).hits;
    }, params);
    const search = async (fields) => {
      const all = { 'search-q': '', 'search-speaker': '', 'search-since': '', 'search-until': '', ...fields };
      for (const [id, value] of Object.entries(all)) {
        if (id === 'search-kind' || id === 'search-outlet') continue;
        await page.locator(`#${id}`).fill(value);
      }
      await page.locator('#search-kind').selectOption(fields['search-kind'] || '');
      await page.locator('#search-outlet').selectOption(fields['search-outlet'] || '');
      const before = await page.locator('#search-status').textContent();
      await page.locator('#search-form button[type=submit]').click();
      await page.waitForFunction(() => !/^Searching/.test(document.querySelector('#search-status').textContent));
      return before;
    };
    // every page of the current search, by Next: the hits' article ids
    const pageThrough = async () => {
      const seen = [];
      for (let n = 0; n < 100; n++) {
        seen.push(...await page.locator('#search-results li.hit').evaluateAll((items) => items.map((i) => i.dataset.article)));
        if (await page.locator('#search-next').isDisabled()) return seen;
        const status = await page.locator('#search-status').textContent();
        await page.locator('#search-next').click();
        await page.waitForFunction((s) => {
          const now = document.querySelector('#search-status').textContent;
          return now !== s && !/^Searching/.test(now);
        }, status);
      }
      throw new Error('more than 100 pages');
    };

    await check('search by outlet and dates: every hit of that outlet and those days', async () => {
      const outlets = await page.locator('#search-outlet option').allTextContents();
      assert.ok(outlets.includes('Harbour Herald'), `outlets: ${outlets}`);
      await search({ 'search-outlet': 'Harbour Herald', 'search-since': '2031-04', 'search-until': '2031-04-30' });
      const metas = await page.locator('#search-results .meta').allTextContents();
      assert.ok(metas.length > 0, 'no hits');
      assert.ok(metas.every((m) => /^Harbour Herald · 2031-04-\d\d · /.test(m)), `hits: ${metas.slice(0, 3)}`);
      const want = await apiHits({ outlet: 'Harbour Herald', since: '2031-04', until: '2031-04-30' });
      assert.ok(want.every((h) => h.article.outlet === 'Harbour Herald' && h.article.date.startsWith('2031-04')));
      assert.ok(want.length < (await apiHits({})).length, 'the filters filtered nothing');
      const status = await page.locator('#search-status').textContent();
      assert.match(status, want.length > 20 ? /^Hits 1–20, best first\.$/ : new RegExp(`^Hits 1–${want.length} of ${want.length}`));
    });

    await check('paging: Next goes through every hit, 20 a page, and Previous comes back', async () => {
      await search({});
      const want = await apiHits({});
      assert.ok(want.length > 40, `only ${want.length} hits in the store`);
      assert.equal(await page.locator('#search-results li.hit').count(), 20);
      assert.ok(await page.locator('#search-prev').isDisabled(), 'Previous on the first page');
      const first = await page.locator('#search-results blockquote').allTextContents();
      await page.locator('#search-next').click();
      await page.waitForFunction(() => /^Hits 21–/.test(document.querySelector('#search-status').textContent));
      assert.equal(await page.locator('#search-results').getAttribute('start'), '21');
      await page.locator('#search-prev').click();
      await page.waitForFunction(() => /^Hits 1–20/.test(document.querySelector('#search-status').textContent));
      assert.deepEqual(await page.locator('#search-results blockquote').allTextContents(), first);
      const seen = await pageThrough();
      assert.deepEqual(seen, want.map((h) => h.article.id), `${seen.length} hits paged, ${want.length} in the store`);
      assert.match(await page.locator('#search-status').textContent(), new RegExp(`of ${want.length}, best first`));
    });

    await check('the hits download as CSV (with the formula guard) and JSON, all of them', async () => {
      await search({ 'search-outlet': 'Archive Weekly' });
      const want = await apiHits({ outlet: 'Archive Weekly' });
      const csv = await downloaded(page, page.locator('#export-search-csv'));
      assert.equal(csv.name, 'whosaid-search.csv');
      const rows = parseCSV(csv.text);
      assert.deepEqual(rows[0], HIT_COLUMNS);
      assert.equal(rows.length - 1, want.length);
      const titles = rows.slice(1).map((r) => r[6]);
      // a title that a spreadsheet would run as a formula starts with a quote
      assert.ok(titles.includes(`'${archiveOld.title}`), `titles: ${titles}`);
      assert.ok(!titles.some((t) => t.startsWith('=')), 'a cell starts with =');
      const json = await downloaded(page, page.locator('#export-search-json'));
      assert.equal(json.name, 'whosaid-search.json');
      assert.deepEqual(JSON.parse(json.text).hits, want);
    });

    await check('a stored article opens with its text and its sources, cues and contents marked', async () => {
      const hit = page.locator(`#search-results li.hit[data-article="${archive.id}"]`).first();
      await hit.locator('button.open-article').click();
      await page.locator('#stored-view .seg').first().waitFor();
      // the whole text, an accent and a character beyond the BMP included:
      // offsets in code points are placed right in a UTF-16 page
      assert.equal(await page.locator('#stored-view').textContent(), archive.text);
      const article = await page.evaluate(async (id) => (await fetch(`/v1/articles/${encodeURIComponent(id)}`)).json(), archive.id);
      for (const role of ['source', 'cue', 'content']) {
        assert.ok(await page.locator(`#stored-view .seg.${role}`).count() > 0, `no ${role} marked`);
      }
      const contents = await page.locator('#stored-view .seg.content').allTextContents();
      for (const a of article.attributions) {
        for (const c of a.content) assert.ok(contents.join('').includes(c.text), `content ${c.text} not marked`);
      }
      assert.ok(contents.some((t) => t.includes('Every stone has a number now')), `contents: ${contents}`);
      const sources = await page.locator('#stored-view .seg.source').allTextContents();
      assert.ok(sources.some((t) => t.includes(LONG_NAME)), `sources: ${sources}`);
      assert.equal(await page.locator('#stored-title').textContent(), archive.title);
      assert.ok(await page.locator('#stored-view .seg.flash').count() > 0, 'the hit\'s attribution is not flashed');
      assert.equal(await page.locator('#stored-speaker-list button.attribution').count(), article.attributions.length);
    });

    await check('a stored article downloads as CSV and JSON', async () => {
      const csv = await downloaded(page, page.locator('#export-stored-csv'));
      const rows = parseCSV(csv.text);
      assert.deepEqual(rows[0], RECORD_COLUMNS);
      assert.ok(rows.length > 1 && rows.slice(1).every((r) => r[0] === archive.id), `ids: ${rows.map((r) => r[0])}`);
      const json = JSON.parse((await downloaded(page, page.locator('#export-stored-json'))).text);
      assert.equal(json.text, archive.text);
      assert.equal(json.attributions.length, rows.length - 1);
    });

    await check('an article stored without its text: the page says so and lists its attributions', async () => {
      const hit = page.locator(`#search-results li.hit[data-article="${archiveOld.id}"]`).first();
      await hit.locator('button.open-article').click();
      await page.waitForFunction(() => /holds no text/.test(document.querySelector('#stored-status').textContent));
      assert.ok(await page.locator('#stored-view').isHidden(), 'an empty article is shown');
      assert.equal(await page.locator('#stored-title').textContent(), archiveOld.title);
      const items = await page.locator('#stored-speaker-list button.attribution').allTextContents();
      assert.ok(items.length === 3 && items.some((t) => t.includes('rebuilt stone by stone')), `items: ${items}`);
    });

    // ---- the speakers chart and a speaker's months

    await check('the chart shows as many speakers as asked for, names whole', async () => {
      await page.locator('#chart-outlet').selectOption('');
      await page.locator('#chart-month').selectOption('');
      const all = await page.evaluate(async () => (await (await fetch('/v1/speakers?limit=100')).json()).speakers);
      assert.ok(all.length > 3, `${all.length} speakers`);
      for (const n of [3, all.length]) {
        await page.locator('#chart-count').fill(String(n));
        await page.locator('#chart-count').dispatchEvent('change');
        await page.waitForFunction((k) => document.querySelectorAll('#chart svg g.row').length === k, n);
      }
      const labels = await page.locator('#chart svg text.name').evaluateAll((ts) => ts.map((t) => {
        const box = t.getBBox();
        return { text: t.textContent.replace(/\s+/g, ' ').trim(), left: box.x, lines: t.querySelectorAll('tspan').length };
      }));
      assert.deepEqual(labels.map((l) => l.text), all.map((s) => s.speaker));
      const long = labels.find((l) => l.text === LONG_NAME);
      assert.ok(long && long.lines > 1, `the long name: ${JSON.stringify(long)}`);
      assert.ok(labels.every((l) => l.left >= 0), 'a name runs off the chart');
      const titles = await page.locator('#chart svg g.row > title').allTextContents();
      assert.ok(titles.some((t) => t.startsWith(`${LONG_NAME} (person)`)), 'no full name on hover');
    });

    await check('a bar searches for its speaker: every hit, and the speaker\'s months', async () => {
      const row = page.locator('#chart svg g.row').first();
      const key = await row.getAttribute('data-key');
      const s = await page.evaluate(async (k) => (await (await fetch('/v1/speakers?limit=100')).json()).speakers.find((x) => x.key === k), key);
      await row.click();
      await page.waitForFunction((name) => document.querySelector('#search-speaker').value === name
        && /^Hits /.test(document.querySelector('#search-status').textContent), s.speaker);
      const seen = await pageThrough();
      assert.equal(seen.length, s.attributions, `${seen.length} hits for a bar of ${s.attributions}`);
      await page.locator('#months-chart svg').waitFor();
      assert.equal(await page.locator('#months-speaker').inputValue(), key);
      const counts = await page.locator('#months-chart g.month').evaluateAll((gs) => gs.map((g) => Number(g.dataset.attributions)));
      assert.equal(counts.reduce((x, y) => x + y, 0), s.attributions);
    });

    await check('a bar reached by Tab and Enter searches too', async () => {
      const row = page.locator('#chart svg g.row').nth(1);
      const key = await row.getAttribute('data-key');
      await row.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((k) => document.querySelector('#months-speaker').value === k, key);
      assert.ok((await page.locator('#search-speaker').inputValue()).length > 0);
    });

    await check('a speaker\'s months: one bar a month, months without attributions too', async () => {
      const key = await page.evaluate(async (name) => (await (await fetch('/v1/speakers?limit=100')).json())
        .speakers.find((x) => x.speaker === name).key, LONG_NAME);
      await page.locator('#months-speaker').selectOption(key);
      await page.waitForFunction(() => document.querySelector('#months-chart svg')?.getAttribute('aria-label').includes('Alexandrina'));
      const bars = await page.locator('#months-chart g.month').evaluateAll((gs) => gs.map((g) => [g.dataset.month, Number(g.dataset.attributions)]));
      assert.deepEqual(bars, [['2030-11', 3], ['2030-12', 0], ['2031-01', 2]]);
      assert.match(await page.locator('#months-status').textContent(), /5 attributions in 2 articles, 2030-11 to 2031-01/);
      assert.match(await page.locator('#months-chart g.month title').first().textContent(), /^2030-11: 3 attributions, 2 direct, in 1 article$/);
    });
    await page.screenshot({ path: `${out}/page-corpus.png`, fullPage: true });
  }

  await check('readable at phone width: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.scrollWidth > 390).map((e) => `${e.tagName.toLowerCase()}#${e.id}`).slice(-3));
    assert.ok(width <= 390, `page is ${width}px wide: ${wide}`);
    await page.screenshot({ path: `${out}/page-phone.png`, fullPage: true });
  });

  await check('no errors in the page', async () => {
    assert.deepEqual(pageErrors, [], pageErrors.join(" / "));
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
