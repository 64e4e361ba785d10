// The checker page (crates/wasm/www, with pkg/ from scripts/build-wasm.sh) in Debian's headless
// Chromium through playwright-core: paste a broken policy, see the underline on the right line,
// fix it, ask can-assume, measure the check time, and save crates/wasm/www/screenshot.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';

const www = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www');
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const broken = (op) => `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/${ISSUER}"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "${op}": {
          "${ISSUER}:aud": "sts.amazonaws.com",
          "${ISSUER}:sub": "system:serviceaccount:payments:*"
        }
      }
    }
  ]
}
`;

let server, browser, url;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

before(async () => {
  const port = await freePort();
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', www], { stdio: 'ignore' });
  url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test('the module is served as application/wasm', async () => {
  const r = await fetch(`${url}pkg/trustlint_wasm_bg.wasm`);
  assert.equal(r.headers.get('content-type'), 'application/wasm');
});

test('paste, see the underline, fix, ask can-assume', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');

  // Paste a broken policy: the wildcard in StringEquals (TL203) is on line 11.
  const editor = page.locator('#input');
  await editor.fill('');
  await editor.focus();
  await page.keyboard.insertText(broken('StringEquals'));
  const mark = page.locator('mark[data-code=TL203]');
  await mark.waitFor();
  assert.equal(await mark.getAttribute('data-line'), '11');
  assert.match(await mark.textContent(), /system:serviceaccount:payments:\*/);
  // Drawn on line 11: the underline sits at the height of gutter line 11.
  const [m, g] = [await mark.boundingBox(), await page.locator('#gutter span[data-line="11"]').boundingBox()];
  assert.ok(Math.abs(m.y - g.y) < 4, `underline at y=${m.y}, line 11 at y=${g.y}`);
  assert.equal(await page.locator('#findings li[data-code=TL203]').count(), 1);
  assert.match(await page.locator('#findings li[data-code=TL203]').textContent(), /line 11/);

  // Fix it: StringLike.
  await editor.fill(broken('StringLike'));
  await page.waitForFunction(() => !document.querySelector('#findings li[data-code=TL203]'));
  assert.equal(await page.locator('mark[data-code=TL203]').count(), 0);
  assert.equal(await page.locator('#findings li[data-code=TL208]').count(), 1);

  // Can payments/api assume it?
  await page.check('input[name=mode][value=web]');
  await page.fill('#issuer', `https://${ISSUER}`);
  await page.fill('#sub', '');
  await page.fill('#ns', 'payments');
  await page.fill('#sa', 'api');
  await page.fill('#aud', 'sts.amazonaws.com');
  await page.keyboard.press('Tab');
  await page.click('#run');
  await page.waitForSelector('#decision.allow');
  assert.match(await page.textContent('#decision'), /ALLOWED/);
  assert.ok(await page.locator('#trace .trace').count() >= 1);
  // And kube-system/x cannot.
  await page.fill('#ns', 'kube-system');
  await page.press('#sa', 'Enter');
  await page.waitForSelector('#decision.deny');
  assert.match(await page.textContent('#who'), /payments/);

  // Re-checking is fast: the median of 50 checks of this policy.
  const times = await page.evaluate(async (text) => {
    const { check } = await import('./pkg/trustlint_wasm.js');
    const out = [];
    for (let i = 0; i < 50; i++) { const t = performance.now(); check(text); out.push(performance.now() - t); }
    return out.sort((a, b) => a - b);
  }, broken('StringEquals'));
  const median = times[25];
  console.log(`# check() of a 15-line policy in Chromium: median ${median.toFixed(2)} ms, max ${times[49].toFixed(2)} ms`);
  assert.ok(median < 5, `median ${median} ms`);

  await page.fill('#ns', 'payments');
  await page.click('#run');
  await page.waitForSelector('#decision.allow');
  await editor.fill(broken('StringEquals'));
  await mark.waitFor();
  await page.click('#run');
  await page.waitForSelector('#decision.deny');
  // Scroll the editor to the underline for the screenshot.
  await page.evaluate(() => {
    const t = document.querySelector('#input');
    t.scrollLeft = document.querySelector('mark[data-code=TL203]').offsetLeft - 120;
    t.dispatchEvent(new Event('scroll'));
  });
  await page.screenshot({ path: path.join(www, 'screenshot.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('examples load and the keyboard reaches the findings', async () => {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  const options = await page.locator('#example option').count();
  assert.ok(options >= 5);
  for (let i = 0; i < options - 1; i++) {
    await page.selectOption('#example', String(i));
    await page.waitForFunction(() => document.querySelector('#findings').children.length > 0);
  }
  // Every form control has a label.
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=radio]), select, textarea')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id));
  assert.deepEqual(unlabeled, []);
  // Enter on a finding selects its span in the editor.
  await page.selectOption('#example', '0');
  await page.locator('#findings li button').first().focus();
  await page.keyboard.press('Enter');
  const selected = await page.evaluate(() => { const t = document.querySelector('#input'); return [document.activeElement.id, t.selectionEnd - t.selectionStart]; });
  assert.equal(selected[0], 'input');
  assert.ok(selected[1] > 0);
  await page.close();
});
