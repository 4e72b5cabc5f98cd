#!/usr/bin/env node
// The operator's status page (/nimbus/status) in headless Debian Chromium against a running
// Nimbus server that a kit load run has just exercised: the six plots are drawn (an SVG
// polyline with points each), the figures shown match what the run produced (--expect-handshakes
// sessions opened, both as the "now" figure and as the area under the handshakes/s plot), the
// secrets are masked, and a configuration value carrying markup shows as text, not as markup.
// Saves a screenshot (--screenshot).
//
//   node status.e2e.mjs --base http://127.0.0.1:5080 --user U --password P --expect-handshakes N
//                       --probe TEXT --screenshot FILE
//
// Exit 0 only when every step passed.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { launch, steps } from './browser.mjs';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' },
    'expect-handshakes': { type: 'string' }, probe: { type: 'string' }, screenshot: { type: 'string' },
    secret: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    timeout: { type: 'string', default: '30000' },
  },
});
if (!opt.base || !opt['expect-handshakes'] || !opt.screenshot || !opt.probe) {
  console.error('usage: status.e2e.mjs --base URL --user U --password P --expect-handshakes N --probe TEXT --screenshot FILE');
  process.exit(2);
}
const fail = m => { console.log(`E2E FAIL: ${m}`); process.exitCode = 1; throw new Error(m); };
const { step } = steps();
const expected = Number(opt['expect-handshakes']);
const browser = await launch(opt.chromium);
try {
  const context = await browser.newContext({ httpCredentials: { username: opt.user, password: opt.password },
    viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('dialog', d => { errors.push('dialog: ' + d.message()); d.dismiss(); });
  await page.goto(`${opt.base.replace(/\/$/, '')}/nimbus/status`, { timeout: Number(opt.timeout) });
  await page.waitForFunction(() => document.body.dataset.updated, null, { timeout: Number(opt.timeout) });
  // The run's handshakes must have reached a sample: wait until the plot's area says so.
  const sampleSeconds = 5;
  const deadline = Date.now() + Number(opt.timeout);
  let seen;
  for (;;) {
    seen = await page.evaluate(() => {
      const plots = [...document.querySelectorAll('.plot')].map(p => {
        const line = p.querySelector('svg polyline.series');
        const pts = line ? line.getAttribute('points').trim().split(/\s+/).filter(Boolean) : [];
        return { id: p.id, n: pts.length, max: line ? Number(line.dataset.max) : NaN };
      });
      const f = id => { const e = document.getElementById('f-' + id); return e ? e.textContent : null; };
      return { plots, handshakes: f('handshakes'), sessions: f('sessions'), updated: document.body.dataset.updated };
    });
    const json = await page.evaluate(async () => (await fetch('status.json')).json());
    // each sample's rate covers the time since the sample before (the first: one interval)
    const area = json.history.reduce((a, h, i) => a + h[2] * (i ? (h[0] - json.history[i - 1][0]) / 1000 : sampleSeconds), 0);
    seen.area = area;
    if ((Math.round(area) >= expected && seen.handshakes === String(expected)) || Date.now() > deadline) break;
    await page.waitForTimeout(1000);
  }
  console.log(JSON.stringify(seen));
  if (seen.plots.length !== 6) fail(`6 plots expected, ${seen.plots.length} drawn`);
  for (const p of seen.plots) if (p.n < 2) fail(`plot ${p.id} has ${p.n} points`);
  step('six plots drawn, each an SVG polyline of at least 2 points');
  if (Number(seen.handshakes.replace(/\s/g, '')) !== expected) fail(`handshakes figure ${seen.handshakes}, the run made ${expected}`);
  step(`handshakes figure ${seen.handshakes} = sessions the kit established`);
  if (Math.abs(seen.area - expected) > 0.5) fail(`the handshakes/s plot sums to ${seen.area}, the run made ${expected}`);
  const hs = seen.plots.find(p => p.id === 'p-handshakes');
  if (!(hs.max > 0)) fail('the handshakes/s plot shows no peak');
  step(`handshakes/s plot: peak ${hs.max}/s, area ${seen.area.toFixed(1)} handshakes = the run's ${expected}`);
  const config = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#config tbody tr')]
    .map(tr => [tr.children[0].textContent, tr.children[1].textContent])));
  if (config['registry.secret'] !== '********' || config['status.password'] !== '********') fail('secrets not masked: ' + JSON.stringify(config));
  const html = await page.content();
  if (opt.secret && html.includes(opt.secret)) fail('registry.secret appears in the page');
  if (html.includes(opt.password)) fail('status.password appears in the page');
  step('registry.secret and status.password masked');
  if (config['status.user'] !== opt.probe) fail(`status.user shown as ${config['status.user']}`);
  const injected = await page.evaluate(() => document.querySelectorAll('#config img, #config script, #config b').length + (window.pwned ? 100 : 0));
  if (injected) fail('markup from the configuration became DOM');
  step('a value with markup is shown as text');
  const sources = await page.evaluate(() => [...document.querySelectorAll('#sources tbody tr')].map(tr => tr.children[0].textContent));
  if (!sources.includes('127.0.0.1')) fail('busiest sources lack 127.0.0.1: ' + sources);
  const apps = await page.evaluate(() => [...document.querySelectorAll('#apps tbody tr')].map(tr => tr.children[0].textContent));
  if (!apps.includes('nimbus')) fail('applications lack nimbus: ' + apps);
  step(`busiest sources ${sources.join(', ')}; applications ${apps.join(', ')}`);
  if (errors.length) fail('page errors: ' + errors.join('; '));
  fs.mkdirSync(path.dirname(opt.screenshot), { recursive: true });
  await page.screenshot({ path: opt.screenshot, fullPage: true });
  step(`screenshot ${opt.screenshot}`);
  console.log('E2E PASS');
} catch (e) {
  if (!process.exitCode) { console.log(`E2E FAIL: ${e.message}`); process.exitCode = 1; }
} finally {
  await browser.close();
}
