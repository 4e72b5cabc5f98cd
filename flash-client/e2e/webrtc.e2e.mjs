#!/usr/bin/env node
// Browser end-to-end test of WebRTC between two pages with no RTMFP (Ruffle): nimbus.js opens a
// data channel signalled through the registry; messages then go page to page (the server's
// relayed-send counter does not move), in order, with path 'webrtc'; when one page's
// RTCPeerConnection is closed mid-conversation, every message still arrives exactly once and in
// order, through the relay. With --turn-secret (and the server's webrtc.turn set to a TURN server
// the caller started), relay-only ICE (iceTransportPolicy 'relay') opens the channel with the
// credentials the registry minted, and fails with forged ones.
//
//   node webrtc.e2e.mjs --base http://127.0.0.1:5080 --registry-port 1936 --registry-ws ws://127.0.0.1:5080/nimbus/registry [--turn]
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
    turn: { type: 'boolean', default: false },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    timeout: { type: 'string', default: '30000' },
  },
});
if (!opt.base || !opt['registry-port'] || !opt['registry-ws']) {
  console.error('usage: webrtc.e2e.mjs --base URL --registry-port N --registry-ws URL [--turn]');
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
// host candidates as plain addresses: this closed machine resolves no mDNS (.local) names
const browser = await launch(opt.chromium, ['--disable-features=WebRtcHideLocalIpsWithMdns', '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream']);

const HOOKS = () => {
  window.got = { status: [], messages: [] };
  Nimbus.onStatus = (code, detail, info) => got.status.push({ code, detail, info });
  Nimbus.onMessage = (from, text, path, key) => got.messages.push({ from, text, path, key });
};

async function openPage(label, { forge = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.addInitScript(forged => {
    // every RTCPeerConnection the page makes, so the test can kill one; forged: TURN credentials replaced
    window.__pcs = [];
    const Real = window.RTCPeerConnection;
    window.RTCPeerConnection = function (config, ...rest) {
      if (forged && config && config.iceServers) {
        config = Object.assign({}, config, { iceServers: config.iceServers.map(s => s.username ? Object.assign({}, s, { credential: 'AAAAforgedAAAA' }) : s) });
      }
      const pc = new Real(config, ...rest);
      window.__pcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = Real.prototype;
  }, forge);
  page.on('pageerror', e => problems.push(`${label}: page error: ${e.message}`));
  page.on('console', m => {
    const t = m.text();
    if (m.type() === 'error' && !NOISE.some(n => n.test(t)) && !/^Failed to load resource/.test(t)) problems.push(`${label}: console error: ${t}`);
  });
  await page.goto(`${base}/`);
  await page.evaluate(HOOKS);
  return { label, context, page };
}

const connectOpts = extra => Object.assign({
  server, app: 'nimbus', container: '#player', registryPort: Number(opt['registry-port']), registryWsUrl: opt['registry-ws'], guest: true,
}, extra);

async function connect(p, extra) {
  const me = await p.page.evaluate(o => Nimbus.connect(o).then(me => me, e => ({ error: e.code || e.message })), connectOpts(extra));
  if (me.error) throw new Error(`${p.label} connect: ${me.error}`);
  return me;
}

async function messages(p, pred, count = 1) {
  await p.page.waitForFunction(([src, n]) => got.messages.filter(new Function('m', 'return ' + src)).length >= n, [pred, count], { timeout: TIMEOUT });
  return p.page.evaluate(src => got.messages.filter(new Function('m', 'return ' + src)), pred);
}

async function pathSeen(p, key, path) {
  await p.page.waitForFunction(([k, want]) => got.status.some(s => s.code === 'path' && s.info.key === k && s.info.path === want), [key, path], { timeout: TIMEOUT });
}

/** The registry's relayed sends so far (the status page's figures; the test install shows them to this machine). */
async function relays() {
  const r = await fetch(`${base}/nimbus/status.json`);
  if (!r.ok) throw new Error(`/nimbus/status.json: HTTP ${r.status}`);
  const n = (await r.json()).now.relayed;
  if (!Number.isInteger(n)) throw new Error('/nimbus/status.json has no now.relayed');
  return n;
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

function inOrder(list, prefix, n) {
  return list.map(m => m.text).join(',') === [...Array(n).keys()].map(i => prefix + i).join(',');
}

const pages = [];
try {
  if (!opt.turn) {
    const A = await openPage('A');
    const B = await openPage('B');
    pages.push(A, B);
    const a = await connect(A);
    const b = await connect(B);
    await A.page.evaluate(n => Nimbus.lookup(n), b.name);
    await B.page.evaluate(n => Nimbus.lookup(n), a.name);
    const relayed0 = await relays();
    await A.page.evaluate(n => Nimbus.sendTo(n, 'first'), b.name);
    const first = await messages(B, `m.text === 'first'`);
    await A.page.waitForFunction(() => got.status.some(s => s.code === 'sent' && s.info.path === 'relay')); // the registry's answer
    check(await relays() === relayed0 + 1, 'the registry counts the relayed first message');
    check(first.length === 1 && first[0].path === 'relay', 'the first message, before any channel: ' + JSON.stringify(first));
    await pathSeen(A, b.key, 'webrtc');
    await pathSeen(B, a.key, 'webrtc');
    step(`the first message goes through the relay; then onStatus('path', …, {path: 'webrtc'}) on both pages`);

    const before = await relays();
    await A.page.evaluate(n => { for (let i = 0; i < 30; i++) Nimbus.sendTo(n, 'p' + i); }, b.name);
    await B.page.evaluate(n => { for (let i = 0; i < 10; i++) Nimbus.sendTo(n, 'q' + i); }, a.name);
    const ps = await messages(B, `m.text.startsWith('p')`, 30);
    const qs = await messages(A, `m.text.startsWith('q')`, 10);
    check(inOrder(ps, 'p', 30) && inOrder(qs, 'q', 10), 'order: ' + ps.map(m => m.text) + ' / ' + qs.map(m => m.text));
    check(ps.concat(qs).every(m => m.path === 'webrtc'), 'paths: ' + JSON.stringify(ps.concat(qs).map(m => m.path)));
    const after = await relays();
    check(after === before, `the registry relayed ${after - before} of the 40 messages`);
    step(`40 messages (30 one way, 10 back) arrive in order page to page, path 'webrtc'; the registry relayed none (relays ${before} → ${after})`);

    // kill A's peer connection mid-conversation: 10 messages on the channel, then it is gone, then 10 more
    await A.page.evaluate(n => {
      for (let i = 0; i < 10; i++) Nimbus.sendTo(n, 'k' + i);
      window.__pcs.forEach(pc => pc.close());
      for (let i = 10; i < 20; i++) Nimbus.sendTo(n, 'k' + i);
    }, b.name);
    const ks = await messages(B, `m.text.startsWith('k')`, 20);
    await new Promise(r => setTimeout(r, 1500)); // duplicates, if any, would arrive by now
    const all = await B.page.evaluate(() => got.messages.filter(m => m.text.startsWith('k')));
    check(all.length === 20 && inOrder(all, 'k', 20), 'after the kill: ' + all.map(m => m.text + '/' + m.path));
    check(all.slice(10).every(m => m.path === 'relay'), 'after the kill the relay: ' + all.map(m => m.path));
    await pathSeen(A, b.key, 'relay');
    check(await relays() > after, 'the relay carried the messages after the kill');
    step(`channel killed mid-conversation: 20 messages arrive exactly once, in order (${all.filter(m => m.path === 'webrtc').length} on the channel, ${all.filter(m => m.path === 'relay').length} relayed); path back to 'relay'`);
  } else {
    for (const forged of [false, true]) {
      const A = await openPage(forged ? 'FA' : 'TA', { forge: forged });
      const B = await openPage(forged ? 'FB' : 'TB', { forge: forged });
      pages.push(A, B);
      const extra = { iceTransportPolicy: 'relay', webrtcTimeoutMs: 8000 };
      const a = await connect(A, extra);
      const b = await connect(B, extra);
      const ice = await A.page.evaluate(() => got.status.find(s => s.code === 'connected').info.iceServers);
      check(ice.some(s => s.username && /^\d+:/.test(s.username)), 'welcome.iceServers with minted credentials: ' + JSON.stringify(ice));
      await A.page.evaluate(n => Nimbus.lookup(n), b.name);
      await B.page.evaluate(n => Nimbus.lookup(n), a.name);
      await A.page.evaluate(n => Nimbus.sendTo(n, 'hi'), b.name);
      await messages(B, `m.text === 'hi'`);
      if (!forged) {
        await pathSeen(A, b.key, 'webrtc');
        const kinds = await A.page.evaluate(async () => {
          const st = await window.__pcs.at(-1).getStats();
          const out = [];
          st.forEach(r => { if (r.type === 'local-candidate') out.push(r.candidateType); });
          return out;
        });
        check(kinds.length > 0 && kinds.every(k => k === 'relay'), 'only relay candidates: ' + kinds);
        await A.page.evaluate(n => { for (let i = 0; i < 5; i++) Nimbus.sendTo(n, 't' + i); }, b.name);
        const ts = await messages(B, `m.text.startsWith('t')`, 5);
        check(inOrder(ts, 't', 5) && ts.every(m => m.path === 'webrtc'), 'through TURN: ' + JSON.stringify(ts));
        step(`iceTransportPolicy 'relay' with the minted TURN credentials: the channel opens through the TURN server (candidates: ${[...new Set(kinds)]}) and 5 messages arrive in order`);
      } else {
        await A.page.waitForFunction(k => got.status.some(s => s.code === 'path' && s.info.key === k && s.info.path === 'relay' && /webrtc/.test(s.info.reason)), b.key, { timeout: TIMEOUT });
        check(!(await A.page.evaluate(k => got.status.some(s => s.code === 'path' && s.info.key === k && s.info.path === 'webrtc'), b.key)), 'no channel with forged credentials');
        await A.page.evaluate(n => Nimbus.sendTo(n, 'still here'), b.name);
        const still = await messages(B, `m.text === 'still here'`);
        check(still[0].path === 'relay', 'the relay after the failed channel');
        step('forged TURN credentials: no channel opens (the TURN server refuses them), messages go on through the relay');
      }
      await A.context.close();
      await B.context.close();
      pages.length = 0;
    }
  }
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
