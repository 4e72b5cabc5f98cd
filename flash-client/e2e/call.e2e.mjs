#!/usr/bin/env node
// Browser end-to-end test of WebRTC calls between two pages with no RTMFP (Ruffle), through the
// page API of Flash calls: A startCall()s B, B's onCall answers; on each side the remote <video>
// the page named plays, and RTCPeerConnection.getStats shows inbound video framesDecoded and
// audio packetsReceived growing (Chromium's fake camera and microphone). Then a hang-up, a
// decline, an unanswered call (callTimeoutMs), a busy page, a caller and a callee whose camera
// permission is denied (its browser context's grant withdrawn), each with its statuses on both
// pages. With --turn (the server's webrtc.turn naming a TURN server the caller started,
// with webrtc.turn_secret), a call with iceTransportPolicy 'relay' carries its media through
// the TURN server with the credentials the registry minted.
//
//   node call.e2e.mjs --base http://127.0.0.1:5080 --registry-port 1936 --registry-ws ws://127.0.0.1:5080/nimbus/registry [--turn]
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
    timeout: { type: 'string', default: '20000' },
  },
});
if (!opt.base || !opt['registry-port'] || !opt['registry-ws']) {
  console.error('usage: call.e2e.mjs --base URL --registry-port N --registry-ws URL [--turn]');
  process.exit(2);
}
if (!fs.existsSync(opt.chromium)) {
  console.error(`E2E FAIL: no Chromium at ${opt.chromium}`);
  process.exit(3);
}
const TIMEOUT = Number(opt.timeout);
const RING_MS = 20000; // callTimeoutMs of the pages; C, the one whose call goes unanswered, has SHORT_RING_MS
const SHORT_RING_MS = 4000;
const base = opt.base.replace(/\/$/, '');
const server = new URL(base).hostname;
const { since, step } = steps();
const problems = [];
// host candidates as plain addresses (this machine resolves no mDNS names); a fake camera and
// microphone (each context grants them, or not); sound may start without a click
const browser = await launch(opt.chromium, ['--disable-features=WebRtcHideLocalIpsWithMdns', '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required']);

const HOOKS = () => {
  window.got = { status: [], calls: [] };
  Nimbus.onStatus = (code, detail, info) => got.status.push({ code, detail, info });
  Nimbus.onCall = from => got.calls.push(from);
  // the elements the page names for a call's pictures
  for (const id of ['mine', 'theirs']) {
    const v = document.createElement('video');
    v.id = id;
    v.width = 160;
    v.height = 120;
    document.body.prepend(v);
  }
};

async function openPage(label) {
  const context = await browser.newContext();
  await context.grantPermissions(['camera', 'microphone'], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.addInitScript(() => {
    // every RTCPeerConnection the page makes, so the test can read its stats
    window.__pcs = [];
    const Real = window.RTCPeerConnection;
    window.RTCPeerConnection = function (...args) {
      const pc = new Real(...args);
      window.__pcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = Real.prototype;
  });
  page.on('pageerror', e => problems.push(`${label}: page error: ${e.message}`));
  page.on('console', m => {
    const t = m.text();
    if (m.type() === 'error' && !NOISE.some(n => n.test(t)) && !/^Failed to load resource/.test(t)) problems.push(`${label}: console error: ${t}`);
  });
  await page.goto(`${base}/`);
  await page.evaluate(HOOKS);
  return { label, context, page };
}

async function connect(p, extra) {
  const o = Object.assign({
    server, app: 'nimbus', container: '#player', registryPort: Number(opt['registry-port']), registryWsUrl: opt['registry-ws'],
    guest: true, localVideo: '#mine', remoteVideo: '#theirs', callTimeoutMs: RING_MS, readyTimeoutMs: 60000,
  }, extra);
  const me = await p.page.evaluate(o => Nimbus.connect(o).then(me => me, e => ({ error: e.code || e.message })), o);
  if (me.error) throw new Error(`${p.label} connect: ${me.error}`);
  return me;
}

/** Waits for a status with this code (and detail matching re) after the first `after` statuses; returns it. */
async function statusSeen(p, code, re = '', after = 0) {
  await p.page.waitForFunction(([c, r, n]) => got.status.slice(n).some(s => s.code === c && new RegExp(r).test(s.detail)), [code, re, after], { timeout: TIMEOUT })
    .catch(() => { throw new Error(`${p.label}: no ${code} /${re}/`); });
  return p.page.evaluate(([c, r, n]) => got.status.slice(n).find(s => s.code === c && new RegExp(r).test(s.detail)), [code, re, after]);
}

/** Opens and connects pages at once: [[label, connect options?]] → [[page, me]]. */
function openAll(setups) {
  return Promise.all(setups.map(async ([label, extra]) => {
    const p = await openPage(label);
    pages.push(p);
    return [p, await connect(p, extra)];
  }));
}

const mark = p => p.page.evaluate(() => got.status.length);

function check(cond, what) {
  if (!cond) throw new Error(what);
}

/** The call's peer connection: inbound video frames decoded, audio packets received, the pair's candidate types. */
function media(p) {
  return p.page.evaluate(async () => {
    const pc = window.__pcs.filter(x => x.getTransceivers().length > 0).at(-1);
    if (!pc) return null;
    const st = await pc.getStats();
    const out = { state: pc.connectionState, frames: 0, audio: 0, local: null, remote: null };
    let pair = null;
    st.forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') out.frames += r.framesDecoded || 0;
      if (r.type === 'inbound-rtp' && r.kind === 'audio') out.audio += r.packetsReceived || 0;
      if (r.type === 'transport' && r.selectedCandidatePairId) pair = st.get(r.selectedCandidatePairId);
    });
    if (pair) {
      out.local = st.get(pair.localCandidateId)?.candidateType;
      out.remote = st.get(pair.remoteCandidateId)?.candidateType;
    }
    return out;
  });
}

/** The remote picture plays: frames decoded grow, audio packets grow, the <video> advances. */
async function flowing(p, label) {
  await p.page.waitForFunction(() => {
    const v = document.querySelector('#theirs');
    return v.srcObject && !v.paused && v.readyState >= 2 && v.videoWidth > 0;
  }, null, { timeout: TIMEOUT }).catch(() => { throw new Error(`${label}: the remote video does not play`); });
  const t1 = await p.page.evaluate(() => document.querySelector('#theirs').currentTime);
  const m1 = await media(p);
  await new Promise(r => setTimeout(r, 1500));
  const m2 = await media(p);
  const t2 = await p.page.evaluate(() => document.querySelector('#theirs').currentTime);
  check(m1 && m1.frames > 0 && m2.frames > m1.frames, `${label}: video framesDecoded ${m1 && m1.frames} → ${m2 && m2.frames}`);
  check(m2.audio > m1.audio, `${label}: audio packetsReceived ${m1.audio} → ${m2.audio}`);
  check(t2 > t1, `${label}: the remote <video> stands still at ${t1}`);
  const local = await p.page.evaluate(() => { const v = document.querySelector('#mine'); return !!v.srcObject && !v.paused && v.muted; });
  check(local, `${label}: its own picture (muted) is not shown`);
  return { m1, m2 };
}

/** A calls B and B answers: call.started on both and media flowing both ways. */
async function callAndAnswer(A, a, B, b) {
  const nA = await mark(A), nB = await mark(B);
  await A.page.evaluate(n => Nimbus.startCall(n), b.name);
  await statusSeen(A, 'call.ringing', '', nA);
  await B.page.waitForFunction(n => got.calls.includes(n), a.name);
  const incoming = await statusSeen(B, 'call.incoming', '', nB);
  check(incoming.info.name === a.name && incoming.info.key === a.key, 'call.incoming names the caller: ' + JSON.stringify(incoming));
  check(await B.page.evaluate(() => !document.querySelector('#mine').srcObject), 'the callee captures nothing before answer()');
  await B.page.evaluate(() => Nimbus.answer());
  await statusSeen(A, 'call.started', '', nA);
  await statusSeen(B, 'call.started', '', nB);
  return [await flowing(A, `${A.label}'s side`), await flowing(B, `${B.label}'s side`)];
}

const pages = [];
try {
  if (!opt.turn) throw new Error('run with --turn (the IT starts coturn and points the server at it)');
  // three pages at once (Ruffle takes a while to start)
  const [[A, a], [B, b], [C, c]] = await openAll([['A'], ['B'], ['C', { callTimeoutMs: SHORT_RING_MS }]]);

  const [sa, sb] = await callAndAnswer(A, a, B, b);
  step(`A calls B, B answers: call.started on both; each remote <video> plays, video framesDecoded ${sa.m1.frames} → ${sa.m2.frames} (A) and ${sb.m1.frames} → ${sb.m2.frames} (B), audio packetsReceived growing on both`);

  // busy: a third page rings A while A and B are in a call
  let nC = await mark(C);
  await C.page.evaluate(n => Nimbus.startCall(n), a.name);
  await statusSeen(C, 'call.ended', `${a.name} is busy`, nC);
  check(await A.page.evaluate(n => !got.calls.includes(n), c.name), 'the busy page does not ring');
  check((await media(A)).state === 'connected', 'the call goes on');
  step(`a third page calling a page in a call gets call.ended '${a.name} is busy' (no ring there); the call goes on`);

  let nA = await mark(A), nB = await mark(B);
  await A.page.evaluate(() => Nimbus.hangUp());
  await statusSeen(A, 'call.ended', '^hung up$', nA);
  await statusSeen(B, 'call.ended', `${a.name} hung up`, nB);
  const released = pg => pg.page.evaluate(() => ({
    pcs: window.__pcs.filter(x => x.getTransceivers().length > 0).every(x => x.connectionState === 'closed'),
    videos: !document.querySelector('#mine').srcObject && !document.querySelector('#theirs').srcObject,
  }));
  for (const [pg, r] of [[A, await released(A)], [B, await released(B)]]) check(r.pcs && r.videos, `${pg.label} after the hang-up: ${JSON.stringify(r)}`);
  step(`hangUp(): call.ended 'hung up' on A, '${a.name} hung up' on B; both peer connections closed, the videos emptied`);

  nA = await mark(A); nB = await mark(B);
  await B.page.evaluate(n => Nimbus.startCall(n), a.name);
  await statusSeen(A, 'call.incoming', '', nA);
  await A.page.evaluate(() => Nimbus.decline());
  await statusSeen(A, 'call.ended', '^declined$', nA);
  await statusSeen(B, 'call.ended', `${a.name} declined`, nB);
  check(await A.page.evaluate(() => !document.querySelector('#mine').srcObject), 'the declining page captured nothing');
  step(`decline(): call.ended 'declined' on the callee, '${a.name} declined' on the caller, who stops its camera`);

  nC = await mark(C);
  nB = await mark(B);
  await C.page.evaluate(n => Nimbus.startCall(n), b.name);
  await statusSeen(B, 'call.incoming', '', nB);
  const t0 = Date.now();
  await statusSeen(C, 'call.ended', `no answer from ${b.name} within ${SHORT_RING_MS / 1000} s`, nC);
  await statusSeen(B, 'call.ended', `${c.name} stopped ringing`, nB);
  check(await B.page.evaluate(() => Nimbus.answer() === undefined && got.status.at(-1).code === 'error.call'), 'answer() after the ringing stopped is refused');
  step(`an unanswered call ends after callTimeoutMs (${((Date.now() - t0) / 1000).toFixed(1)} s): 'no answer from …' on the caller, '… stopped ringing' on the callee; a late answer() gets error.call`);

  // camera and microphone refused (C's context withdraws its grant): as caller nothing rings,
  // as callee the caller hears why
  await C.context.clearPermissions();
  let nCc = await mark(C);
  nA = await mark(A);
  const ringsA = await A.page.evaluate(() => got.calls.length);
  await C.page.evaluate(n => Nimbus.startCall(n), a.name);
  const denied = await statusSeen(C, 'error.call', 'permission denied', nCc);
  check(denied.info.reason === 'permission-denied', 'error.call reason: ' + JSON.stringify(denied.info));
  await new Promise(r => setTimeout(r, 1000));
  check(await A.page.evaluate(n => got.calls.length === n, ringsA), 'nothing rings when the caller has no camera permission');
  nCc = await mark(C);
  await A.page.evaluate(n => Nimbus.startCall(n), c.name);
  await statusSeen(C, 'call.incoming', '', nCc);
  await C.page.evaluate(() => Nimbus.answer());
  const refused = await statusSeen(C, 'error.call', 'permission denied', nCc);
  check(refused.info.reason === 'permission-denied', 'answer error.call reason: ' + JSON.stringify(refused.info));
  await statusSeen(A, 'call.ended', `${c.name} could not start camera and microphone \\(permission denied\\)`, nA);
  step(`camera permission denied: startCall() gives error.call (reason 'permission-denied') and nothing rings; answer() gives the same, and the caller gets call.ended '${c.name} could not start camera and microphone (permission denied)'`);
  await C.context.close();
  pages.splice(pages.indexOf(C), 1);

  // through the TURN server only: A and B connect again (the SWF stays) with relay-only ICE
  for (const p of [A, B]) await p.page.evaluate(() => Nimbus.disconnect());
  const [ta, tb] = await Promise.all([A, B].map(p => connect(p, { iceTransportPolicy: 'relay' })));
  const TA = A, TB = B;
  const ice = await TA.page.evaluate(() => got.status.findLast(s => s.code === 'connected').info.iceServers);
  check(ice.some(s => s.username && /^\d+:/.test(s.username) && s.credential), 'welcome.iceServers with minted credentials: ' + JSON.stringify(ice));
  const [ra, rb] = await callAndAnswer(TA, ta, TB, tb);
  check(ra.m2.local === 'relay' && rb.m2.local === 'relay', `the media's candidate pairs: ${ra.m2.local}/${ra.m2.remote} and ${rb.m2.local}/${rb.m2.remote}`);
  step(`iceTransportPolicy 'relay' with the minted TURN credentials: the call's media goes through the TURN server (selected pairs ${ra.m2.local}→${ra.m2.remote}, ${rb.m2.local}→${rb.m2.remote}), framesDecoded ${ra.m1.frames} → ${ra.m2.frames} and ${rb.m1.frames} → ${rb.m2.frames}`);
  await TA.page.evaluate(() => Nimbus.hangUp());
  await statusSeen(TB, 'call.ended', 'hung up');

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
