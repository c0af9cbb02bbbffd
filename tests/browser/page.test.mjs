// page.test.mjs — the page of `whosaid serve`, driven in a real headless
// Chromium (Debian's) with playwright-core: paste an article, extract, see
// the highlights and the speakers; search a store and see its chart and
// its quote clusters; at
// phone width too.  A <script> inside a quote must be shown, not run.
//
//   WHOSAID=build/whosaid STORE=quotes.db OUT=build/browser node page.test.mjs
//
// STORE is a quote store made by `whosaid index` from the corpus of
// tests/corpus/make_corpus.py; OUT receives the screenshots.  Prints one
// line per check and "N passed, N failed"; exits 1 when a check fails.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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
    await page.screenshot({ path: `${out}/page-corpus.png`, fullPage: true });
  }

  await check('readable at phone width: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
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
