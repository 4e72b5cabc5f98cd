#!/usr/bin/env node
// Browser end-to-end test of the demo chat page against a running Nimbus server: two pages in
// headless Debian Chromium (one account, one guest), each running nimbus.swf under Ruffle.
// A messages B by name, B answers, bad input gets clear errors, closing B turns B offline on
// A's list. Screenshots go to --artifacts. Exit 0 only when every step passed.
//
//   node chat.e2e.mjs --base http://127.0.0.1:5080 --registry-port 1936 \
//        [--registry-ws ws://127.0.0.1:5080/nimbus/registry] --artifacts out/ [--account alice] [--restart]
//
// Without --registry-ws the page uses nimbus.js's default: the same-origin /nimbus/registry.
//
// With --restart it also proves reconnection: it prints "RESTART SERVER", expects whoever
// runs it to restart the server and then write a line to its stdin, and checks that both pages
// reconnect, register again and exchange messages.
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { NOISE, launch, steps } from './browser.mjs';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    'registry-port': { type: 'string' },
    'registry-ws': { type: 'string' },
    artifacts: { type: 'string', default: 'e2e-artifacts' },
    account: { type: 'string', default: 'alice' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    timeout: { type: 'string', default: '30000' },
    restart: { type: 'boolean', default: false },
  },
});
if (!opt.base || !opt['registry-port']) {
  console.error('usage: chat.e2e.mjs --base URL --registry-port N [--registry-ws URL] [--artifacts DIR] [--account NAME]');
  process.exit(2);
}
if (!fs.existsSync(opt.chromium)) {
  console.error(`E2E FAIL: no Chromium at ${opt.chromium} (Debian package chromium; ./nimbus test installs it)`);
  process.exit(3);
}
const TIMEOUT = Number(opt.timeout);
fs.mkdirSync(opt.artifacts, { recursive: true });
// screenshots of an earlier run must not pass for this one's
for (const f of fs.readdirSync(opt.artifacts)) if (f.endsWith('.png')) fs.rmSync(path.join(opt.artifacts, f));
const pageUrl = `${opt.base.replace(/\/$/, '')}/?registryPort=${opt['registry-port']}`
  + (opt['registry-ws'] ? `&registryWs=${encodeURIComponent(opt['registry-ws'])}` : '');
const { since, step } = steps();

const problems = [];
// while the server restarts, the pages' refused WebSocket attempts (and Ruffle writing the
// buffered hello into one of them) are expected
let restarting = false;

const browser = await launch(opt.chromium);

async function openPage(label) {
  const context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', e => problems.push(`${label}: page error: ${e.message}`));
  // failed loads are reported by URL below; the console line for them names none
  page.on('console', m => {
    const t = m.text();
    if (m.type() === 'error' && !NOISE.some(n => n.test(t)) && !/^Failed to load resource/.test(t)
        && !(restarting && /^WebSocket (connection to .* failed|is already in CLOSING or CLOSED state)/.test(t))) {
      problems.push(`${label}: console error: ${t}`);
    }
  });
  page.on('response', r => {
    if (r.status() >= 400 && !/favicon/.test(r.url())) problems.push(`${label}: HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', r => {
    if (!/favicon/.test(r.url())) problems.push(`${label}: request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(pageUrl);
  return { label, context, page };
}

const shot = async (p, name) => p.page.screenshot({ path: path.join(opt.artifacts, name + '.png'), fullPage: true });
const chatSel = name => `.chat[data-name="${name.toLowerCase()}"]`;
const contactSel = name => `.contact[data-name="${name.toLowerCase()}"]`;

async function send(p, to, text) {
  await p.page.fill(`${chatSel(to)} .text`, text);
  await p.page.click(`${chatSel(to)} .compose button`);
}

async function waitText(p, selector, text) {
  await p.page.waitForFunction(([s, t]) => [...document.querySelectorAll(s)].some(e => e.textContent === t),
    [selector, text], { timeout: TIMEOUT });
}

let A, B;
try {
  A = await openPage('A');
  await shot(A, 'signin');
  await A.page.fill('#account-name', opt.account);
  await A.page.click('#account-form button');
  await waitText(A, '#my-name', opt.account);
  step(`A signed in as account ${opt.account}`);

  B = await openPage('B');
  await B.page.click('#guest');
  await B.page.waitForFunction(() => /^guest-/.test(document.querySelector('#my-name')?.textContent || ''));
  let guest = await B.page.textContent('#my-name');
  step(`B continued as guest ${guest}`);

  // A opens a conversation with B by name; B shows as online once its page has registered.
  await A.page.fill('#add-name', guest);
  await A.page.click('#add-form button');
  await A.page.waitForSelector(`${contactSel(guest)}.online`);
  step(`A's list shows ${guest} online`);

  const hello = `Hello ${guest}, from ${opt.account} — ünïcødé ✓ ${Date.now()}`;
  const sentAt = Date.now();
  await send(A, guest, hello);
  await waitText(B, `${chatSel(opt.account)} .msg.theirs`, hello);
  step(`B shows A's message (${Date.now() - sentAt} ms)`);

  const answer = `Hi ${opt.account}! ${guest} here 👋`;
  const answeredAt = Date.now();
  await send(B, opt.account, answer);
  await waitText(A, `${chatSel(guest)} .msg.theirs`, answer);
  step(`A shows B's answer (${Date.now() - answeredAt} ms)`);

  // Under Ruffle RTMFP never connects; both pages lack it, so nimbus.js opens a WebRTC data channel and says so.
  await A.page.waitForFunction(s => document.querySelector(s)?.textContent === 'webrtc', `${chatSel(guest)} .path`);
  await B.page.waitForFunction(s => document.querySelector(s)?.textContent === 'webrtc', `${chatSel(opt.account)} .path`);
  const pathA = await A.page.textContent(`${chatSel(guest)} .path`);
  const pathB = await B.page.textContent(`${chatSel(opt.account)} .path`);
  step(`delivery path shown: A→B ${pathA}, B→A ${pathB}`);
  await A.page.waitForSelector(`${chatSel(guest)} .msg.mine:not(.sending)`);
  await shot(A, 'a-conversation');
  await shot(B, 'b-conversation');
  // the header keeps the path when the window is closed and opened again (it once showed "…")
  await A.page.click(`${chatSel(guest)} .close`);
  await A.page.fill('#add-name', guest);
  await A.page.click('#add-form button');
  await A.page.waitForSelector(chatSel(guest));
  const reopened = await A.page.textContent(`${chatSel(guest)} .path`);
  // the conversation's path now (it may have changed since: a WebRTC channel can fall back to the relay)
  const current = await A.page.evaluate(n => (Nimbus.pathOf(n) || {}).path, guest);
  if (reopened !== current) throw new Error(`the reopened chat shows path "${reopened}", the page's path is "${current}" (was "${pathA}")`);
  step(`a reopened chat shows its path (${reopened}) at once`);

  // Bad input: a 1 MB message and an offline user give clear errors, and the page goes on.
  await A.page.evaluate(name => Nimbus.sendTo(name, 'x'.repeat(1 << 20)), guest);
  await A.page.waitForFunction(s => [...document.querySelectorAll(s)].some(e => /at most 4096 characters/.test(e.textContent)),
    `${chatSel(guest)} .msg.note`);
  step('a 1 MB message is refused with error.too-long');
  await A.page.fill('#add-name', 'nobody-here');
  await A.page.click('#add-form button');
  await A.page.waitForSelector(`${contactSel('nobody-here')} .state:text("offline")`);
  await send(A, 'nobody-here', 'anyone?');
  await A.page.waitForSelector(`${chatSel('nobody-here')} .msg.failed`);
  await waitText(A, `${chatSel('nobody-here')} .msg.note`, 'nobody-here is not online');
  step('a message to an offline user fails with error.unknown-user');
  // Without RTMFP a call goes over WebRTC media; this browser has no camera (no fake-device flags),
  // so the page says so instead of hanging (WebRtcCallE2EIT runs calls with a fake camera).
  await A.page.click(`${chatSel(guest)} .call`);
  await A.page.waitForFunction(s => [...document.querySelectorAll(s)].some(e => /camera and microphone: no such device/.test(e.textContent)),
    `${chatSel(guest)} .msg.note`);
  step('the call button in a browser without a camera gives error.call (no such device)');
  const early = await openPage('C');
  const before = await early.page.evaluate(() => new Promise(resolve => {
    Nimbus.onStatus = (code, detail) => resolve({ code, detail });
    Nimbus.sendTo('someone', 'too early');
  }));
  if (before.code !== 'error.not-connected') throw new Error('sendTo before connect gave ' + JSON.stringify(before));
  await early.context.close();
  step(`sendTo before connect: ${before.code} (${before.detail})`);

  // The round trip still works after the errors.
  const again = `still here ${Date.now()}`;
  await send(A, guest, again);
  await waitText(B, `${chatSel(opt.account)} .msg.theirs`, again);
  step('messages still flow after the bad input');

  if (opt.restart) {
    // count from here on: the pages' own callbacks keep running underneath
    for (const p of [A, B]) {
      await p.page.evaluate(() => {
        const inner = Nimbus.onStatus;
        window.e2e = { reconnecting: 0, registered: 0 };
        Nimbus.onStatus = (code, detail, info) => {
          if (code === 'registry.reconnecting') e2e.reconnecting++;
          if (code === 'registered') e2e.registered++;
          inner(code, detail, info);
        };
      });
    }
    const stdin = createInterface({ input: process.stdin });
    const restarted = new Promise(resolve => stdin.once('line', resolve));
    restarting = true;
    console.log('RESTART SERVER');
    await Promise.all([A, B].map(p => p.page.waitForFunction(() => e2e.reconnecting > 0, null, { timeout: 120000 })));
    step('both pages saw the server go');
    await restarted;
    stdin.close();
    // reconnect backoff may have grown to 16 s while the server was down
    const registeredAgain = () => e2e.registered > 0 && document.querySelector('#my-name');
    await Promise.all([A, B].map(p => p.page.waitForFunction(registeredAgain, null, { timeout: 90000 })));
    restarting = false;
    // the server forgot its guests: B comes back under a new guest name, A under its account
    const guest2 = await B.page.textContent('#my-name');
    if (await A.page.textContent('#my-name') !== opt.account) throw new Error('A lost its account name');
    const back = `back after the restart as ${guest2}`;
    await send(B, opt.account, back);
    await waitText(A, `${chatSel(guest2)} .msg.theirs`, back);
    const reply = `welcome back ${Date.now()}`;
    await send(A, guest2, reply);
    await waitText(B, `${chatSel(opt.account)} .msg.theirs`, reply);
    step(`after a server restart both pages reconnect and register again (B as ${guest2}), and messages flow`);
    guest = guest2;
  }

  await B.context.close();
  B = null;
  await A.page.waitForSelector(`${contactSel(guest)}:not(.online) .state:text("offline")`);
  step(`closing B turns ${guest} offline on A's list`);
  await shot(A, 'a-after-b-left');

  if (problems.length) throw new Error('page problems:\n  ' + problems.join('\n  '));
  console.log(`E2E PASS in ${since()}`);
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`E2E FAIL after ${since()}: ${e.message}`);
  for (const p of [A, B]) {
    if (p) {
      await shot(p, `failure-${p.label}`).catch(() => {});
      const log = await p.page.textContent('#log').catch(() => '');
      console.error(`--- ${p.label}'s status log:\n${log}`);
    }
  }
  if (problems.length) console.error('page problems:\n  ' + problems.join('\n  '));
  await browser.close();
  process.exit(1);
}
