// GET /v2/ui in a real browser (issue 9 item 5): open /v2/ui?streams=recentchange on the
// embedded demo, see events appear, pick another stream, apply a filter, keep a screenshot;
// then an EventSource on a gzip stream (issue 13 item 5).
// Usage: node ui_test.mjs BASE_URL SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const [base, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const failures = [];
let refusalsExpected = false;  // the last step asks for a refused stream on purpose
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  if (refusalsExpected && /status of 400/.test(m.text())) return;
  failures.push(`console: ${m.text()}`);
});

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    console.log(`not ok - ${name}: ${e.message}`);
    await page.screenshot({ path: `${shots}/ui-failed.png`, fullPage: true }).catch(() => {});
    await browser.close();
    process.exit(1);
  }
}

const lines = () => page.locator('#events li');

await step('the page lists the streams of /?spec and shows the chosen one live', async () => {
  await page.goto(`${base}/v2/ui?streams=recentchange`);
  await page.waitForSelector('input[name=stream][value="revision-create"]');
  assert.equal(await page.isChecked('input[name=stream][value="recentchange"]'), true);
  await page.waitForFunction(() => document.querySelectorAll('#events li').length >= 3, null,
                             { timeout: 20000 });
  const text = await lines().first().locator('summary').innerText();
  assert.match(text, /\d{4}-\d\d-\d\dT/, 'a line starts with the event time');
  assert.match(await page.innerText('#state'), /Live: recentchange/);
  assert.ok(Number(await page.innerText('#count')) >= 3);
});

await step('a line expands to the event JSON', async () => {
  // This very line, though newer ones keep arriving above it.
  const line = await lines().first().elementHandle();
  await (await line.$('summary')).click();
  const json = JSON.parse(await (await line.$('pre')).innerText());
  assert.equal(json.meta.stream, 'mediawiki.recentchange');
});

await step('picking another stream and a filter changes the stream and the address', async () => {
  await page.check('input[name=stream][value="revision-create"]');
  await page.fill('#filters', 'meta.stream=mediawiki.revision-create');
  await page.click('#apply');
  await page.waitForFunction(() => document.querySelectorAll('#events li').length >= 2, null,
                             { timeout: 20000 });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('streams'), 'recentchange,revision-create');
  assert.equal(url.searchParams.get('meta.stream'), 'mediawiki.revision-create');
  for (const summary of await lines().locator('pre').allTextContents()) {
    assert.equal(JSON.parse(summary).meta.stream, 'mediawiki.revision-create');
  }
  await page.screenshot({ path: `${shots}/ui.png`, fullPage: false });
});

await step('pause holds new lines back and resume shows them', async () => {
  await page.click('#pause');
  const before = await lines().count();
  const counted = Number(await page.innerText('#count'));
  await page.waitForFunction((n) => Number(document.getElementById('count').textContent) > n,
                             counted, { timeout: 20000 });
  assert.equal(await lines().count(), before, 'no new line while paused');
  await page.click('#pause');
  assert.ok(await lines().count() > before, 'the held lines come on resume');
});

await step('clear empties the list and the counter', async () => {
  const before = Number(await page.innerText('#count'));
  await page.click('#clear');
  // Events keep coming: a handful may already be counted again.
  const after = Number(await page.innerText('#count'));
  assert.ok(after < before && after <= 3, `count ${before} -> ${after}`);
  await page.waitForFunction(() => document.querySelectorAll('#events li').length >= 1, null,
                             { timeout: 20000 });
});

await step('a link opens the same view', async () => {
  const link = page.url();
  const second = await browser.newPage();
  await second.goto(link);
  await second.waitForSelector('input[name=stream][value="revision-create"]:checked');
  assert.equal(await second.inputValue('#filters'), 'meta.stream=mediawiki.revision-create');
  await second.close();
});

await step('a refused filter shows the problem', async () => {
  refusalsExpected = true;
  await page.fill('#filters', 'bad name=1');
  await page.click('#apply');
  await page.waitForSelector('#error:not([hidden])', { timeout: 20000 });
  assert.match(await page.innerText('#error'), /Invalid Filter/);
});

await step('EventSource receives events from a gzip stream', async () => {
  // Chromium asks for gzip on its own (Accept-Encoding: gzip, deflate, br...): the server
  // answers gzip, which the browser inflates under EventSource.
  const gz = await browser.newPage();
  await gz.goto(`${base}/robots.txt`);  // same origin
  const [response, events] = await Promise.all([
    gz.waitForResponse((r) => r.url().includes('/v2/stream/recentchange'), { timeout: 20000 }),
    gz.evaluate(() => new Promise((resolve, reject) => {
      const got = [];
      const source = new EventSource('/v2/stream/recentchange');
      source.onmessage = (e) => {
        got.push({ id: e.lastEventId, data: JSON.parse(e.data) });
        if (got.length === 5) { source.close(); resolve(got); }
      };
      setTimeout(() => { source.close(); reject(new Error(`${got.length} events`)); }, 20000);
    })),
  ]);
  assert.match((await response.request().allHeaders())['accept-encoding'] || '', /gzip/);
  const headers = await response.allHeaders();
  assert.equal(headers['content-encoding'], 'gzip');
  assert.equal(headers['vary'], 'Accept-Encoding');
  assert.equal(events.length, 5);
  for (const e of events) {
    assert.equal(e.data.meta.stream, 'mediawiki.recentchange');
    assert.ok(e.id.length > 0, 'each event has its id');
  }
  await gz.close();
});

await browser.close();
if (failures.length) {
  console.log(`not ok - the page logged errors:\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('ui: all steps passed');
