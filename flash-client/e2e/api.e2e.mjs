#!/usr/bin/env node
// Browser end-to-end test of the page API (nimbus.js) itself against a running Nimbus server:
// bare pages in headless Debian Chromium driving Nimbus.* directly. The runtime choice (a
// browser that reports a Flash Player plugin gets the <object> embed, one without gets Ruffle),
// then three pages (two guests, one account) under Ruffle: reachable the moment connect()
// resolves, text arriving exactly, 30 rapid messages in order, the length limit exact at the
// boundary with emoji, one user under two spellings, an account that disconnects and comes
// back, connect() after a failed one, and clear errors for calls that cannot be served.
//
//   node api.e2e.mjs --base http://127.0.0.1:5080 --registry-port 1936 --registry-ws ws://127.0.0.1:5080/nimbus/registry
//
// Exit 0 only when every step passed.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { NOISE, launch, steps } from './browser.mjs';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    'registry-port': { type: 'string' },
    'registry-ws': { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    timeout: { type: 'string', default: '30000' },
  },
});
if (!opt.base || !opt['registry-port'] || !opt['registry-ws']) {
  console.error('usage: api.e2e.mjs --base URL --registry-port N --registry-ws URL');
  process.exit(2);
}
if (!fs.existsSync(opt.chromium)) {
  console.error(`E2E FAIL: no Chromium at ${opt.chromium}`);
  process.exit(3);
}
const TIMEOUT = Number(opt.timeout);
const base = opt.base.replace(/\/$/, '');
const server = new URL(base).hostname;
const { since, step } = steps();
const problems = [];

const browser = await launch(opt.chromium);

// The server's own page (the demo), with its handlers replaced by recorders: a page the test
// fulfils itself would count as a public origin for Chromium's local-network checks.
const PAGE = `${base}/`;
const HOOKS = () => {
  window.got = { status: [], messages: [], presence: [], calls: [] };
  Nimbus.onStatus = (code, detail, info) => got.status.push({ code, detail, info });
  Nimbus.onMessage = (from, text, path, key) => got.messages.push({ from, text, path, key });
  Nimbus.onPresence = (name, online, key) => got.presence.push({ name, online, key });
  Nimbus.onCall = from => got.calls.push(from);
};

async function openPage(label, { fakeFlash = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  if (fakeFlash) {
    // what a browser with the Flash Player plugin reports (Chromium has none to offer)
    await page.addInitScript(() => {
      const plugin = { name: 'Shockwave Flash', description: 'Shockwave Flash 32.0 r0', filename: 'libpepflashplayer.so' };
      const types = { 'application/x-shockwave-flash': { type: 'application/x-shockwave-flash', enabledPlugin: plugin } };
      Object.defineProperty(Navigator.prototype, 'mimeTypes', { get: () => types, configurable: true });
    });
  }
  page.on('pageerror', e => problems.push(`${label}: page error: ${e.message}`));
  page.on('console', m => {
    const t = m.text();
    if (m.type() === 'error' && !NOISE.some(n => n.test(t)) && !/^Failed to load resource/.test(t)) {
      problems.push(`${label}: console error: ${t}`);
    }
  });
  await page.goto(PAGE);
  await page.evaluate(HOOKS);
  return { label, context, page };
}

const connectOpts = extra => Object.assign({
  server, app: 'nimbus', container: '#player', registryPort: Number(opt['registry-port']), registryWsUrl: opt['registry-ws'],
}, extra);

async function connect(p, extra) {
  return p.page.evaluate(o => Nimbus.connect(o).then(me => me, e => ({ error: e.code || e.message })), connectOpts(extra));
}

async function token(p, name) {
  return p.page.evaluate(async n => (await (await fetch('/demo/token?name=' + encodeURIComponent(n))).json()).token, name);
}

/** Waits until the page received messages matching pred; returns them. */
async function messages(p, pred, count = 1) {
  await p.page.waitForFunction(([src, n]) => got.messages.filter(new Function('m', 'return ' + src)).length >= n,
    [pred, count], { timeout: TIMEOUT });
  return p.page.evaluate(src => got.messages.filter(new Function('m', 'return ' + src)), pred);
}

async function statusSeen(p, code, detailRe) {
  await p.page.waitForFunction(([c, re]) => got.status.some(s => s.code === c && new RegExp(re).test(s.detail)),
    [code, detailRe || ''], { timeout: TIMEOUT });
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

const pages = [];
try {
  // ---- runtime choice ----
  const flashPage = await openPage('F', { fakeFlash: true });
  pages.push(flashPage);
  const choice = await flashPage.page.evaluate(() => ({
    installed: Nimbus.flashInstalled(), auto: Nimbus.runtimeFor({}), forced: Nimbus.runtimeFor({ runtime: 'ruffle' }),
  }));
  check(choice.installed && choice.auto === 'flash' && choice.forced === 'ruffle', 'runtime choice with a Flash plugin: ' + JSON.stringify(choice));
  const failed = flashPage.page.evaluate(o => Nimbus.connect(o).then(() => 'resolved', e => e.code), connectOpts({ guest: true, readyTimeoutMs: 4000 }));
  const embed = await flashPage.page.waitForFunction(() => {
    const o = document.querySelector('#player object');
    if (!o) return null;
    const params = Object.fromEntries([...o.querySelectorAll('param')].map(p => [p.name, p.value]));
    return { type: o.type, data: o.data, params };
  }).then(h => h.jsonValue());
  check(embed.type === 'application/x-shockwave-flash' && /\/nimbus\.swf$/.test(embed.data) && embed.params.allowScriptAccess === 'always'
    && embed.params.movie === embed.data, 'the Flash Player embed: ' + JSON.stringify(embed));
  step(`a browser reporting Flash Player gets <object type="${embed.type}" data="…/nimbus.swf"> with allowScriptAccess=always`);
  // Chromium has no Flash Player behind that fake: the SWF never starts, connect() fails clearly, the page is not stuck
  check(await failed === 'error.swf', 'connect() where the SWF cannot start: ' + await failed);
  await statusSeen(flashPage, 'error.swf', 'did not start in Flash Player');
  check(await flashPage.page.evaluate(() => !document.querySelector('#player object')), 'the dead embed is removed');
  const viaRuffle = await connect(flashPage, { guest: true, runtime: 'ruffle' });
  check(viaRuffle.name && /^guest-/.test(viaRuffle.name), 'connect() after the failed one, forced to Ruffle: ' + JSON.stringify(viaRuffle));
  step('the SWF that cannot start gives error.swf; connect() again (runtime: ruffle) succeeds');
  await flashPage.page.evaluate(() => Nimbus.disconnect());
  await flashPage.context.close();
  pages.length = 0;

  // ---- three pages under Ruffle ----
  const G1 = await openPage('G1');
  const G2 = await openPage('G2');
  const ACC = await openPage('ACC');
  pages.push(G1, G2, ACC);
  const g1 = await connect(G1, { guest: true });
  const rt = await G1.page.evaluate(() => got.status.find(s => s.code === 'runtime'));
  check(rt && rt.info.runtime === 'ruffle' && rt.info.rtmfp === false, 'runtime status without Flash Player: ' + JSON.stringify(rt));
  step(`without Flash Player: onStatus('runtime', 'ruffle', {rtmfp: false, player: "${rt.info.player}"})`);

  // connect() after a failed one: a bad token first
  const bad = await connect(ACC, { token: 'mallory:9999999999:00' });
  check(bad.error === 'error.bad-token', 'a bad token: ' + JSON.stringify(bad));
  const account = 'Straße' + (Date.now() % 100000);
  const acc = await connect(ACC, { token: await token(ACC, account) });
  check(acc.name === account && !acc.guest, 'the account after the bad token: ' + JSON.stringify(acc));
  step(`connect() with a bad token fails (error.bad-token); connect() again as ${account} succeeds`);

  // reachable the moment connect() resolves: each page looks the others up at once
  const g2 = await connect(G2, { guest: true });
  const seen = await Promise.all([
    G1.page.evaluate(n => Nimbus.lookup(n), g2.name), ACC.page.evaluate(n => Nimbus.lookup(n), g2.name),
    G2.page.evaluate(n => Nimbus.lookup(n), acc.name),
  ]);
  check(seen.every(r => r.online), 'online right after connect(): ' + JSON.stringify(seen));
  step('a lookup right after another page\'s connect() resolved finds it online (relay-only at once)');

  // one user under two spellings: the registry's key, not toLowerCase
  const upper = account.toUpperCase(); // STRASSE…: ß upper-cases to SS
  const other = await G1.page.evaluate(n => Nimbus.lookup(n), upper);
  const own = await G1.page.evaluate(n => Nimbus.lookup(n), account);
  check(other.online && other.key === own.key && other.key === acc.key, `${upper} and ${account}: ${JSON.stringify([other, own, acc.key])}`);
  await G1.page.evaluate(([a, b]) => { Nimbus.sendTo(a, 'to the upper spelling'); Nimbus.sendTo(b, 'to the written one'); }, [upper, account]);
  const both = await messages(ACC, `m.key === ${JSON.stringify(g1.key)}`, 2);
  check(both.map(m => m.text).join('|') === 'to the upper spelling|to the written one', 'both arrive from one sender key: ' + JSON.stringify(both));
  step(`${upper} and ${account} are one user (key ${acc.key}) for the page as for the server`);

  // text arrives exactly
  const exact = 'h\u00e9llo "double" \'single\' </script><script>alert(1)</script> \\ back\\slash\nline 2 \u{1F44D}\u{1F3FD} \u0000end';
  await G1.page.evaluate(([n, t]) => Nimbus.sendTo(n, t), [g2.name, exact]);
  const got1 = await messages(G2, `m.text.startsWith('h\u00e9llo')`);
  check(got1[0].text === exact && got1[0].from === g1.name && got1[0].path === 'relay', 'exact text: ' + JSON.stringify(got1[0]));
  step('unicode, quotes, </script>, backslashes, newline, emoji and NUL arrive exactly');

  // 30 rapid messages in order
  await G1.page.evaluate(n => { for (let i = 0; i < 30; i++) Nimbus.sendTo(n, 'rapid ' + i); }, g2.name);
  const rapid = await messages(G2, `m.text.startsWith('rapid ')`, 30);
  check(rapid.map(m => m.text).join(',') === [...Array(30).keys()].map(i => 'rapid ' + i).join(','), 'order: ' + rapid.map(m => m.text));
  step('30 rapid messages arrive in order');
  await G1.page.waitForFunction(k => got.status.some(s => s.code === 'path' && s.info.key === k && s.info.path === 'webrtc'), g2.key);
  await G1.page.evaluate(n => Nimbus.sendTo(n, 'page to page'), g2.name);
  const direct = await messages(G2, `m.text === 'page to page'`);
  check(direct[0].path === 'webrtc', 'path once the channel is open: ' + JSON.stringify(direct[0]));
  step("two pages without RTMFP: onStatus('path', …, {path: 'webrtc'}), then messages arrive with path webrtc");

  // the length limit, exact at the boundary with emoji (code points, as the server counts)
  const full = '\u{1F600}'.repeat(4095) + 'z';
  await G1.page.evaluate(([n, t]) => { Nimbus.sendTo(n, t); Nimbus.sendTo(n, t + '!'); }, [g2.name, full]);
  const atLimit = await messages(G2, `m.text.endsWith('\u{1F600}z')`);
  check(atLimit[0].text === full, 'the text of exactly 4096 code points arrives whole');
  await statusSeen(G1, 'error.too-long', 'at most 4096 characters');
  await new Promise(r => setTimeout(r, 500));
  check(!(await G2.page.evaluate(() => got.messages.some(m => m.text.endsWith('z!')))), 'the 4097-character one was never sent');
  step('4096 code points (4095 emoji + 1) arrive; 4097 get error.too-long');

  // the account leaves and comes back; its followers see it, and it gets the next message
  await ACC.page.evaluate(() => Nimbus.disconnect());
  await G1.page.waitForFunction(k => got.presence.some(p => p.key === k && !p.online), acc.key);
  const again = await connect(ACC, { token: await token(ACC, account) });
  check(again.name === account, 'the same account again: ' + JSON.stringify(again));
  await G1.page.waitForFunction(k => got.presence.filter(p => p.key === k).at(-1)?.online === true, acc.key);
  const back = await G1.page.evaluate(n => Nimbus.lookup(n), account);
  check(back.online, 'online again');
  await G1.page.evaluate(n => Nimbus.sendTo(n, 'welcome back'), account);
  await messages(ACC, `m.text === 'welcome back'`);
  step('an account that disconnect()s goes offline for its followers; connect() again: online, and it gets the next message');

  // calls that cannot be served say why
  await G2.page.evaluate(() => { Nimbus.answer(); Nimbus.decline(); });
  await statusSeen(G2, 'error.call', 'answer: no incoming call');
  await statusSeen(G2, 'error.call', 'decline: no incoming call');
  // a page without RTMFP calls over WebRTC; this browser context grants no camera (call.e2e.mjs has the calls themselves)
  await G2.page.evaluate(n => Nimbus.startCall(n), g1.name);
  await statusSeen(G2, 'error.call', 'camera and microphone: (permission denied|no such device)');
  step('answer()/decline() with no incoming call and startCall() without camera permission give error.call');

  // calls before connect()
  const early = await openPage('E');
  pages.push(early);
  const before = await early.page.evaluate(() => Nimbus.lookup('someone').then(() => 'resolved', e => e.code));
  check(before === 'not-connected', 'lookup before connect(): ' + before);
  await statusSeen(early, 'error.not-connected', 'lookup: not connected');
  step('lookup() before connect() is refused with error.not-connected');

  if (problems.length) throw new Error('page problems:\n  ' + problems.join('\n  '));
  console.log(`E2E PASS in ${since()}`);
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`E2E FAIL after ${since()}: ${e.message}`);
  for (const p of pages) {
    const st = await p.page.evaluate(() => JSON.stringify(window.got && got.status.slice(-15))).catch(() => '');
    console.error(`--- ${p.label}'s last statuses: ${st}`);
  }
  if (problems.length) console.error('page problems:\n  ' + problems.join('\n  '));
  await browser.close();
  process.exit(1);
}
