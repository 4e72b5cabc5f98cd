/*
 * Nimbus page API. Runs nimbus.swf in the browser's own Flash Player when one is installed and
 * enabled (RTMFP: messages and calls go page to page), else in Ruffle, served beside this file
 * in ruffle/ (no RTMFP: messages go page to page on a WebRTC data channel when the other page
 * has no RTMFP either, else through the registry's relay). The page talks to the SWF through
 * ExternalInterface the same way in both.
 *
 *   Nimbus.connect({server, app, token | guest, runtime: 'auto' | 'flash' | 'ruffle', swfUrl?,
 *                   container?, registryPort?, registryWsUrl?, rtmfpUrl?, rtmfpTimeoutMs?,
 *                   directTimeoutMs?, readyTimeoutMs?, webrtc?: true, webrtcTimeoutMs?: 10000,
 *                   iceTransportPolicy?: 'all' | 'relay'})
 *     → Promise of {name, key, guest, rtmfp}, once other pages can reach this one
 *   Nimbus.disconnect() → Promise; connect() may be called again after it, or after a failure
 *   Nimbus.lookup(name) → Promise of {name, key, online, peerIds}
 *   Nimbus.sendTo(name, text)   Nimbus.startCall(name)   Nimbus.answer()   Nimbus.decline()
 *   Nimbus.hangUp()             Nimbus.keyOf(name)       Nimbus.pathOf(name)
 *   Nimbus.history(name, {before?, limit?}) → Promise of [{sid, mid, from, to, text, ts, mine}]
 *   Nimbus.onMessage = (from, text, path, key, info) => …  path: 'p2p' | 'webrtc' | 'relay' | 'stored'
 *   Nimbus.onPresence = (name, online, key) => …
 *   Nimbus.onCall = from => …                            then answer() or decline()
 *   Nimbus.onStatus = (code, detail, info) => …          errors have codes "error.*"
 *
 * Names: the registry decides which spellings are one user (docs/registry-protocol.md) and
 * sends each name's key; group conversations by key, never by toLowerCase.
 *
 * Offline delivery and history (accounts only; guests have neither): a sendTo an account that
 * is offline is kept by the server and reported as status 'sent' with info.stored true. Messages
 * kept for this account arrive after connect() with path 'stored', oldest first; each is shown
 * once (by its message ID, info.mid) and acknowledged to the server only after onMessage has
 * returned, so a page that closes before showing one gets it again next time. history() pages
 * through a conversation, newest first (before: the oldest sid already shown). Every sendTo
 * carries a message ID (info.mid of 'sent', and of onMessage where the path carries it); what
 * went page to page (RTMFP or a WebRTC channel) is reported to the server ('record') so the
 * history holds it too; relayed and stored messages are kept by the server itself.
 */
(function () {
  'use strict';

  const here = document.currentScript ? new URL('.', document.currentScript.src).href : new URL('.', location.href).href;
  const FLASH_MIME = 'application/x-shockwave-flash';
  // Failures after which connect() cannot succeed by waiting: its promise is rejected.
  const FATAL = new Set(['error.bad-token', 'error.token-expired', 'error.bad-name', 'error.bad-options', 'error.already-connected']);

  let player = null;       // the <object> (Flash Player) or the Ruffle player element
  let runtime = null;      // 'flash' | 'ruffle' for the current player
  let swfReady = false;
  let state = 'idle';      // idle → connecting → connected → (disconnecting) → idle
  let settle = null;       // {resolve, reject} of the pending connect()
  let leaving = null;      // {resolve} of the pending disconnect()
  let onPlayerReady = null;
  let nextLookup = 1;
  const lookups = new Map();
  const keys = new Map();  // name as written → the registry's key
  const paths = new Map(); // key → {path, reason}

  function toBase64(text) {
    const bytes = new TextEncoder().encode(String(text));
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin);
  }

  function fromBase64(b64) {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }

  function callback(fn, ...args) {
    if (typeof fn === 'function') {
      try { fn(...args); } catch (e) { console.error(e); }
    }
  }

  function status(code, detail, info) {
    if (typeof Nimbus.onStatus === 'function') callback(Nimbus.onStatus, code, detail, info || {});
    else if (code.startsWith('error.')) console.warn('Nimbus', code, detail);
  }

  function learn(name, key) {
    if (name && key) keys.set(name, key);
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error('cannot load ' + src));
      document.head.append(s);
    });
  }

  /**
   * Whether the browser has a real Flash Player plugin enabled: a registered Flash MIME type
   * whose plugin is not Ruffle's stand-in (Ruffle's extension registers one too).
   */
  function flashInstalled() {
    const mime = navigator.mimeTypes && navigator.mimeTypes[FLASH_MIME];
    const plugin = mime && mime.enabledPlugin;
    if (!plugin) return false;
    return !/ruffle/i.test((plugin.name || '') + ' ' + (plugin.description || '') + ' ' + (plugin.filename || ''));
  }

  /** The runtime for these options: 'flash' or 'ruffle' ('auto' picks Flash Player when there is one). */
  function runtimeFor(opts) {
    const wanted = (opts && opts.runtime) || 'auto';
    if (wanted === 'flash' || wanted === 'ruffle') return wanted;
    return flashInstalled() ? 'flash' : 'ruffle';
  }

  /** The markup of the Flash Player embed: a standard <object> (what Ruffle's polyfill would also take over). */
  function flashObject(swfUrl) {
    const obj = document.createElement('object');
    obj.type = FLASH_MIME;
    obj.data = swfUrl;
    obj.width = '320';
    obj.height = '240';
    obj.className = 'nimbus-player';
    obj.id = 'nimbus-swf';
    for (const [name, value] of [['movie', swfUrl], ['allowScriptAccess', 'always'], ['allowNetworking', 'all'],
      ['wmode', 'opaque'], ['bgcolor', '#F4F7FB']]) {
      const p = document.createElement('param');
      p.name = name;
      p.value = value;
      obj.append(p);
    }
    return obj;
  }

  function registryWsUrl(opts) {
    if (opts.registryWsUrl) return opts.registryWsUrl;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // the registry's WebSocket on Red5's own HTTP port, same origin when the page is Nimbus's
    return opts.server === location.hostname
      ? `${scheme}://${location.host}/nimbus/registry`
      : `${scheme}://${opts.server}:5080/nimbus/registry`;
  }

  function dropPlayer() {
    if (player) player.remove();
    player = null;
    runtime = null;
    swfReady = false;
  }

  /** Embeds the SWF once and resolves when it has called Nimbus._ready (its callbacks exist). */
  function ensurePlayer(opts) {
    if (player && swfReady) return Promise.resolve();
    dropPlayer();
    runtime = runtimeFor(opts);
    const swfUrl = opts.swfUrl || here + 'nimbus.swf';
    const container = (typeof opts.container === 'string' ? document.querySelector(opts.container) : opts.container) || document.body;
    const timeoutMs = opts.readyTimeoutMs || 30000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        onPlayerReady = null;
        const which = runtime === 'flash' ? 'Flash Player' : 'Ruffle';
        dropPlayer();
        reject(new Error(`the SWF did not start in ${which} within ${timeoutMs / 1000} s (blocked plugin, a wrong swfUrl, or no ExternalInterface)`));
      }, timeoutMs);
      onPlayerReady = () => {
        clearTimeout(timer);
        onPlayerReady = null;
        resolve();
      };
      const fail = e => {
        clearTimeout(timer);
        onPlayerReady = null;
        dropPlayer();
        reject(e);
      };
      if (runtime === 'flash') {
        player = flashObject(swfUrl);
        player.addEventListener('error', () => fail(new Error('Flash Player could not load ' + swfUrl)));
        container.append(player);
        return;
      }
      (window.RufflePlayer && window.RufflePlayer.newest ? Promise.resolve() : loadScript(here + 'ruffle/ruffle.js'))
        .then(() => {
          player = window.RufflePlayer.newest().createPlayer();
          player.className = 'nimbus-player';
          container.append(player);
          return player.ruffle().load({
            url: swfUrl,
            // without these Ruffle waits for a click and keeps ExternalInterface off
            autoplay: 'on',
            unmuteOverlay: 'hidden',
            allowScriptAccess: true,
            logLevel: 'warn',
            // the SWF's flash.net.Socket to host:registryPort becomes the registry WebSocket
            socketProxy: [{ host: opts.server, port: opts.registryPort || 1936, proxyUrl: registryWsUrl(opts) }],
          });
        })
        .catch(e => fail(new Error('cannot start Ruffle: ' + e.message)));
    });
  }

  /** Calls into the SWF: a method of the <object> in Flash Player, Ruffle's ExternalInterface bridge otherwise. */
  function invoke(name, ...args) {
    if (runtime === 'flash') return player[name](...args);
    return player.ruffle().callExternalInterface(name, ...args);
  }

  /** A call of the API that needs connect(): false (with an onStatus error) before the SWF is there. */
  function swf(api, name, ...args) {
    if (!swfReady || state === 'idle') {
      status('error.not-connected', api + ': not connected (call Nimbus.connect first)');
      return false;
    }
    try {
      invoke(name, ...args);
    } catch (e) {
      status('error.swf', api + ': the SWF is not answering (' + e.message + ')');
      return false;
    }
    return true;
  }

  function failConnect(code, message) {
    state = 'idle';
    const s = settle;
    settle = null;
    if (s) s.reject(Object.assign(new Error(code + ': ' + message), { code }));
  }


  // ---- WebRTC between pages with no RTMFP (docs/registry-protocol.md, "WebRTC signalling") ----
  // Offers, answers and ICE candidates travel as registry `signal` frames (through the SWF's
  // registry connection). The page with the smaller key offers; the other asks it to with
  // {t:'hello'}. Every message to such a page carries a message ID `nonce.seq` (seq counts per
  // conversation from 1): on the data channel until it is acknowledged, through the relay (same
  // ID) before the channel opens, and again through the relay if the channel closes first; the
  // receiver delivers by seq, so nothing is lost, duplicated or reordered across paths.
  const RTC_MAX_PEERS = 32;         // conversations with a channel at once; more use the relay
  const RTC_MAX_PENDING_CANDIDATES = 64;
  const RTC_MAX_SDP = 16000;
  const RTC_RETRY_MS = 30000;       // after a failed channel, the relay only, for this long
  const RTC_GAP_MS = 3000;          // a missing seq waited for this long, then skipped
  const RTC_SEEN = 1000;
  const rtc = { on: false, ice: [], timeoutMs: 10000, policy: 'all', myKey: null, nonce: null };
  const peers = new Map();          // key → peer
  const inbound = new Map();        // key → {nonce, next, held: Map seq → {from, text, path}, timer}

  function rtcReset() {
    for (const p of peers.values()) rtcClose(p);
    peers.clear();
    for (const r of inbound.values()) clearTimeout(r.timer);
    inbound.clear();
    rtc.on = false;
  }

  function rtcStart(opts, info) {
    rtcReset();
    rtc.on = opts.webrtc !== false && !info.rtmfp && typeof RTCPeerConnection === 'function';
    rtc.ice = Array.isArray(info.iceServers) ? info.iceServers : [];
    rtc.timeoutMs = opts.webrtcTimeoutMs || 10000;
    rtc.policy = opts.iceTransportPolicy === 'relay' ? 'relay' : 'all';
    rtc.myKey = info.key;
    rtc.nonce = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  }

  function peerFor(name, key, create) {
    let p = peers.get(key);
    if (!p && create && peers.size < RTC_MAX_PEERS) {
      p = { name, key, pc: null, dc: null, g: 0, state: 'idle', failedAt: 0, seq: 0, unacked: new Map(), pending: [], timer: null };
      peers.set(key, p);
    }
    if (p) p.name = name;
    return p;
  }

  function signal(p, data) {
    if (data.t === 'hello' || data.t === 'offer') { p.last = data; p.retries = 0; }
    swf('signal', 'nimbusSignal', p.name, JSON.stringify(data));
  }

  /**
   * The registry had no conversation yet (our relayed send that opens it was still queued
   * behind the signal): the hello or offer goes again, a few times.
   */
  function rtcRetry(name) {
    for (const p of peers.values()) {
      if (p.name === name && p.state === 'opening' && p.last && p.retries < 3) {
        const last = p.last;
        p.retries++;
        setTimeout(() => { if (p.last === last && p.state === 'opening') swf('signal', 'nimbusSignal', p.name, JSON.stringify(last)); }, 500);
      }
    }
  }

  function rtcPath(p, path, reason) {
    paths.set(p.key, { path, reason });
    status('path', p.name, { name: p.name, key: p.key, path, reason });
  }

  function rtcClose(p) {
    clearTimeout(p.timer);
    const pc = p.pc;
    p.pc = null;
    p.dc = null;
    if (pc) { try { pc.close(); } catch (e) { /* closed already */ } }
  }

  /** The channel did not open in time, or closed: unacknowledged messages go again through the relay. */
  function rtcFail(p, reason) {
    if (p.state === 'failed') return;
    const wasOpen = p.state === 'open';
    p.state = 'failed';
    p.failedAt = Date.now();
    rtcClose(p);
    for (const [mid, text] of p.unacked) relay(p.name, text, mid);
    p.unacked.clear();
    if (wasOpen || reason) rtcPath(p, 'relay', 'webrtc: ' + reason);
  }

  function rtcNewPc(p) {
    rtcClose(p);
    const pc = new RTCPeerConnection({ iceServers: rtc.ice, iceTransportPolicy: rtc.policy });
    p.pc = pc;
    p.state = 'opening';
    p.pending = [];
    const g = p.g;
    pc.onicecandidate = e => { if (e.candidate && p.pc === pc) signal(p, { t: 'cand', g, c: e.candidate.toJSON() }); };
    pc.onconnectionstatechange = () => {
      if (p.pc === pc && (pc.connectionState === 'failed' || pc.connectionState === 'closed')) rtcFail(p, 'connection ' + pc.connectionState);
    };
    clearTimeout(p.timer);
    p.timer = setTimeout(() => { if (p.pc === pc && p.state !== 'open') rtcFail(p, 'no channel within ' + rtc.timeoutMs + ' ms'); }, rtc.timeoutMs);
    return pc;
  }

  function rtcChannel(p, dc) {
    p.dc = dc;
    dc.onopen = () => {
      if (p.dc !== dc) return;
      clearTimeout(p.timer);
      p.state = 'open';
      rtcPath(p, 'webrtc', 'data channel open');
    };
    dc.onclose = () => { if (p.dc === dc) rtcFail(p, 'channel closed'); };
    dc.onmessage = e => {
      let m;
      try { m = JSON.parse(e.data); } catch (x) { return; }
      if (!m || typeof m.mid !== 'string') return;
      if (m.t === 'm' && typeof m.text === 'string') {
        try { dc.send(JSON.stringify({ t: 'a', mid: m.mid })); } catch (x) { /* the sender relays it again */ }
        receive(p.name, p.key, m.text, 'webrtc', m.mid);
      } else if (m.t === 'a') {
        p.unacked.delete(m.mid);
      }
    };
  }

  async function rtcOffer(p) {
    p.g = (p.g % 1e9) + 1;
    const pc = rtcNewPc(p);
    rtcChannel(p, pc.createDataChannel('nimbus', { ordered: true }));
    try {
      await pc.setLocalDescription(await pc.createOffer());
      if (p.pc === pc) signal(p, { t: 'offer', g: p.g, sdp: pc.localDescription.sdp });
    } catch (e) {
      if (p.pc === pc) rtcFail(p, e.message);
    }
  }

  /** A conversation wants a channel: the page with the smaller key offers, the other asks it to. */
  function rtcWant(p) {
    if (p.state === 'open' || p.state === 'opening') return;
    if (p.state === 'failed' && Date.now() - p.failedAt < RTC_RETRY_MS) return;
    if (rtc.myKey < p.key) {
      rtcOffer(p);
    } else {
      p.state = 'opening';
      clearTimeout(p.timer);
      p.timer = setTimeout(() => { if (p.state === 'opening' && !p.pc) rtcFail(p, 'no offer within ' + rtc.timeoutMs + ' ms'); }, rtc.timeoutMs);
      signal(p, { t: 'hello' });
    }
  }

  async function rtcSignal(from, key, d) {
    if (!rtc.on || !d || typeof d !== 'object' || typeof d.t !== 'string') return;
    const p = peerFor(from, key, d.t === 'hello' || d.t === 'offer');
    if (!p) return;
    try {
      if (d.t === 'hello' && rtc.myKey < key) {
        if (p.state !== 'open') { p.state = 'idle'; rtcOffer(p); }
      } else if (d.t === 'offer' && rtc.myKey > key && typeof d.sdp === 'string' && d.sdp.length <= RTC_MAX_SDP) {
        p.g = Number(d.g) || 0;
        const pc = rtcNewPc(p);
        pc.ondatachannel = e => { if (p.pc === pc) rtcChannel(p, e.channel); };
        await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        if (p.pc !== pc) return;
        signal(p, { t: 'answer', g: p.g, sdp: pc.localDescription.sdp });
        for (const c of p.pending.splice(0)) await pc.addIceCandidate(c);
      } else if (d.t === 'answer' && p.pc && d.g === p.g && typeof d.sdp === 'string' && d.sdp.length <= RTC_MAX_SDP) {
        const pc = p.pc;
        await pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
        for (const c of p.pending.splice(0)) await pc.addIceCandidate(c);
      } else if (d.t === 'cand' && p.pc && d.g === p.g && d.c && typeof d.c === 'object') {
        if (p.pc.remoteDescription) await p.pc.addIceCandidate(d.c);
        else if (p.pending.length < RTC_MAX_PENDING_CANDIDATES) p.pending.push(d.c);
      }
    } catch (e) {
      rtcFail(p, e.message);
    }
  }

  function relay(name, text, mid) {
    swf('sendTo', 'nimbusSend', String(name), toBase64(text), mid || null);
  }

  /** A message to a page that may have WebRTC: on the open channel, else through the relay with its ID. */
  function rtcSend(name, key, text) {
    const p = peerFor(name, key, true);
    if (!p) { relay(name, text); return; }
    const mid = rtc.nonce + '.' + (++p.seq);
    if (p.state === 'open' && !(p.dc && p.dc.readyState === 'open')) rtcFail(p, 'channel closed');
    if (p.state === 'open') {
      p.unacked.set(mid, text);
      try {
        p.dc.send(JSON.stringify({ t: 'm', mid, text }));
        recordDirect(name, mid, text);
        status('sent', name, { name, key, path: 'webrtc', mid });
        return;
      } catch (e) {
        rtcFail(p, e.message); // relays what was unacknowledged, this one included
        return;
      }
    }
    relay(name, text, mid);
    rtcWant(p);
  }

  /** Delivers a message with an ID in its sender's order, once: held while an earlier one is missing. */
  function receive(from, key, text, path, mid) {
    const dot = mid.lastIndexOf('.');
    const nonce = mid.slice(0, dot);
    const seq = Number(mid.slice(dot + 1));
    if (dot < 1 || !Number.isSafeInteger(seq) || seq < 1) { callback(Nimbus.onMessage, from, text, path, key, { mid }); return; }
    let r = inbound.get(key);
    if (!r || r.nonce !== nonce) {
      if (r) clearTimeout(r.timer);
      r = { nonce, next: 1, held: new Map(), timer: null };
      inbound.set(key, r);
    }
    if (seq < r.next || r.held.has(seq)) return; // a duplicate: delivered or held already
    if (r.held.size >= RTC_SEEN) return;
    r.held.set(seq, { from, text, path, mid });
    flushInbound(key, r);
  }

  function flushInbound(key, r) {
    while (r.held.has(r.next)) {
      const m = r.held.get(r.next);
      r.held.delete(r.next);
      r.next++;
      callback(Nimbus.onMessage, m.from, m.text, m.path, key, { mid: m.mid });
    }
    clearTimeout(r.timer);
    r.timer = null;
    if (r.held.size > 0) {
      r.timer = setTimeout(() => {
        r.next = Math.min(...r.held.keys()); // the missing one is not coming: go on without it
        flushInbound(key, r);
      }, RTC_GAP_MS);
    }
  }

  // ---- Stored messages and history (issue 17; docs/registry-protocol.md: send stored, ack, history, record) ----
  // The store's registry ops go through the SWF's registry connection (nimbusStore), as JSON in
  // base64 both ways. Stored messages come again at every register until acknowledged (at least
  // once), so the page remembers the IDs it has shown and acknowledges only after onMessage ran.
  const STORE_SEEN = 5000;          // IDs of shown stored messages remembered (oldest forgotten first)
  const STORE_OUTGOING = 1000;      // sends waiting for their 'sent' (the text, in case they went p2p)
  const stored = { nextReq: 1, reqs: new Map(), seen: new Set(), outgoing: new Map(), guest: false, myKey: null,
    nonce: Math.random().toString(36).slice(2, 10) + Date.now().toString(36), seq: 0, acks: [] };

  /** A registry store op; resolves with its reply, rejects with {code} (not-connected when there is no registry). */
  function storeRequest(frame) {
    return new Promise((resolve, reject) => {
      const id = stored.nextReq++;
      stored.reqs.set(id, { resolve, reject });
      if (!swfReady || state !== 'connected') {
        stored.reqs.delete(id);
        reject(Object.assign(new Error('not connected'), { code: 'not-connected' }));
        return;
      }
      try {
        invoke('nimbusStore', id, toBase64(JSON.stringify(frame)));
      } catch (e) {
        stored.reqs.delete(id);
        reject(Object.assign(new Error('the SWF is not answering (' + e.message + ')'), { code: 'swf' }));
      }
    });
  }

  function storeStart(info) {
    stored.guest = !!info.guest;
    stored.myKey = info.key;
    for (const a of stored.acks.splice(0)) ack(a.from, a.key, a.mid, a.sid);
  }

  function storeReset() {
    for (const r of stored.reqs.values()) r.reject(Object.assign(new Error('disconnected'), { code: 'not-connected' }));
    stored.reqs.clear();
    stored.outgoing.clear();
    stored.acks.length = 0;
  }

  /** The ID of a message this page sends ('n' + nonce + '-' + count: no '.', so receivers do not order by it). */
  function outgoingMid(name, text) {
    const mid = 'n' + stored.nonce + '-' + (++stored.seq);
    if (typeof text === 'string') {
      stored.outgoing.set(mid, { name, text });
      if (stored.outgoing.size > STORE_OUTGOING) stored.outgoing.delete(stored.outgoing.keys().next().value);
    }
    return mid;
  }

  /** A message that went page to page: the server keeps it for history (relayed ones it keeps itself). */
  function recordDirect(name, mid, text) {
    if (stored.guest || !mid || typeof text !== 'string') return;
    storeRequest({ op: 'record', to: String(name), text, mid }).catch(e => {
      // a guest on the other side has no history; a dropped connection loses only this record
      if (e.code !== 'bad-name' && e.code !== 'not-connected' && e.code !== 'no-history') {
        status('error.record', `record ${name}: ${e.message}`, { name, mid });
      }
    });
  }

  /** The SWF said 'sent': a p2p one is recorded; the text is no longer needed. */
  function storeSent(info) {
    const out = info.mid ? stored.outgoing.get(info.mid) : null;
    if (info.mid) stored.outgoing.delete(info.mid);
    if (out && info.path === 'p2p') recordDirect(out.name, info.mid, out.text);
  }

  /** A message kept while this account was offline: shown once, then acknowledged. */
  function storedMessage(from, key, text, mid, sid) {
    const seenKey = key + ' ' + mid;
    if (!stored.seen.has(seenKey)) {
      stored.seen.add(seenKey);
      if (stored.seen.size > STORE_SEEN) stored.seen.delete(stored.seen.values().next().value);
      callback(Nimbus.onMessage, from, text, 'stored', key, { mid, sid, stored: true });
    }
    // after onMessage ran (or for one shown before): it leaves the undelivered set
    if (state !== 'connected') {
      // delivered before this page heard 'connected': acknowledged once it has
      if (stored.acks.length < STORE_SEEN) stored.acks.push({ from, key, mid, sid });
      return;
    }
    ack(from, key, mid, sid);
  }

  function ack(from, key, mid, sid) {
    storeRequest({ op: 'ack', sid }).then(
      () => status('acked', from, { name: from, key, mid, sid }),
      e => { if (e.code !== 'not-connected') status('error.' + e.code, `ack ${sid}: ${e.message}`, { name: from, sid }); });
  }

  function storeReply(id, ok, b64) {
    const r = stored.reqs.get(id);
    if (!r) return;
    stored.reqs.delete(id);
    let body = {};
    try { body = JSON.parse(fromBase64(b64)) || {}; } catch (e) { /* keep {} */ }
    if (ok) r.resolve(body);
    else r.reject(Object.assign(new Error(body.message || body.code || 'failed'), { code: body.code }));
  }

  /** Nimbus.history: the account's conversation with name, newest first. */
  function history(name, opts) {
    opts = opts || {};
    const frame = { op: 'history', with: String(name) };
    if (opts.before != null) frame.before = Number(opts.before);
    if (opts.limit != null) frame.limit = Number(opts.limit);
    return storeRequest(frame).then(r => (Array.isArray(r.messages) ? r.messages : []).map(m => ({
      sid: m.sid, mid: m.mid, from: m.from, to: m.to, text: m.text, ts: m.ts, mine: m.from === stored.myKey,
    })));
  }

  let connectOpts = {};

  const Nimbus = {
    onMessage: null,
    onPresence: null,
    onStatus: null,
    onCall: null,
    /** The name the registry gave this page, once connected. */
    name: null,
    /** The runtime the SWF runs in: 'flash', 'ruffle', or null before connect(). */
    get runtime() { return runtime; },

    connect(opts) {
      opts = Object.assign({ app: 'nimbus' }, opts || {});
      if (state !== 'idle') {
        status('error.already-connected', 'connect() was called already (disconnect() first)');
        return Promise.reject(Object.assign(new Error('connect() was called already'), { code: 'error.already-connected' }));
      }
      if (!opts.server || !(opts.token || opts.guest)) {
        const msg = 'connect() needs server and token or guest: true';
        status('error.bad-options', msg);
        return Promise.reject(Object.assign(new Error(msg), { code: 'error.bad-options' }));
      }
      state = 'connecting';
      connectOpts = opts;
      const connecting = new Promise((resolve, reject) => { settle = { resolve, reject }; });
      ensurePlayer(opts).then(() => {
        if (state !== 'connecting') return;
        invoke('nimbusConnect', {
          server: opts.server, app: opts.app, token: opts.token || null, guest: !!opts.guest,
          registryPort: opts.registryPort || 1936, rtmfpUrl: opts.rtmfpUrl || null,
          rtmfpTimeoutMs: opts.rtmfpTimeoutMs || null, directTimeoutMs: opts.directTimeoutMs || null
        });
      }, e => {
        status('error.swf', e.message);
        failConnect('error.swf', e.message);
      });
      return connecting;
    },

    /** Leaves the registry and RTMFP (others see this page offline); resolves once done. */
    disconnect() {
      if (state === 'idle' || !swfReady) {
        status('error.not-connected', 'disconnect: not connected');
        return Promise.resolve();
      }
      if (state === 'connecting') failConnect('error.disconnected', 'disconnect() was called');
      state = 'disconnecting';
      return new Promise(resolve => {
        leaving = { resolve };
        try {
          invoke('nimbusDisconnect');
        } catch (e) {
          dropPlayer();
          Nimbus._status('disconnected', '', '{}');
        }
      });
    },

    lookup(name) {
      const id = nextLookup++;
      return new Promise((resolve, reject) => {
        // the spelling asked for maps to the key the registry answers with
        lookups.set(id, { resolve: r => { learn(String(name), r.key); resolve(r); }, reject });
        if (!swf('lookup', 'nimbusLookup', id, String(name))) {
          lookups.delete(id);
          reject(Object.assign(new Error('not connected'), { code: 'not-connected' }));
        }
      });
    },

    sendTo(name, text) {
      name = String(name);
      const key = keys.get(name);
      if (rtc.on && key && key !== rtc.myKey && typeof text === 'string') {
        // the relay's limit holds on the channel too, so a message never depends on its path
        if ([...text].length > 4096) status('error.too-long', `sendTo ${name}: a message holds at most 4096 characters`, { name });
        else rtcSend(name, key, text);
      }
      else relay(name, text, outgoingMid(name, text));
    },

    startCall(name) {
      swf('startCall', 'nimbusStartCall', String(name));
    },

    /** Takes the incoming call: the camera and microphone go on now, not before. */
    answer() {
      swf('answer', 'nimbusAnswer');
    },

    decline() {
      swf('decline', 'nimbusDecline');
    },

    hangUp() {
      swf('hangUp', 'nimbusHangUp');
    },

    /** The registry's key for a name as written, once the registry named it; else null. */
    keyOf(name) {
      return keys.get(String(name)) || null;
    },

    /** The account's conversation with name, newest first: Promise of [{sid, mid, from, to, text, ts, mine}]. */
    history(name, opts) {
      return history(name, opts);
    },

    /** The last delivery path reported for a conversation ({path, reason}), or null. */
    pathOf(name) {
      const key = keys.get(String(name)) || String(name);
      return paths.get(key) || null;
    },

    // ---- for tests and pages that want to know before connect() ----
    flashInstalled,
    runtimeFor,

    // ---- called by the SWF ----

    _ready(version, playerType) {
      swfReady = true;
      status('runtime', runtime, {
        runtime, player: String(version || ''), playerType: String(playerType || ''),
        // Ruffle has no RTMFP: its pages are relay-only; Flash Player's RTMFP says so in rtmfp.* later
        rtmfp: runtime === 'flash',
      });
      if (onPlayerReady) onPlayerReady();
    },

    _status(code, detail, infoJson) {
      let info = {};
      try { info = JSON.parse(infoJson || '{}') || {}; } catch (e) { /* keep {} */ }
      learn(info.name, info.key);
      if (code === 'connected') {
        Nimbus.name = info.name;
        state = 'connected';
        rtcStart(connectOpts, info);
        storeStart(info);
        const s = settle;
        settle = null;
        if (s) s.resolve({ name: info.name, key: info.key, guest: !!info.guest, rtmfp: !!info.rtmfp });
      } else if (code === 'disconnected') {
        state = 'idle';
        Nimbus.name = null;
        rtcReset();
        storeReset();
        keys.clear();
        paths.clear();
        const l = leaving;
        leaving = null;
        if (l) l.resolve();
      } else if (code === 'sent') {
        storeSent(info);
      } else if (code === 'path' && info.key) {
        paths.set(info.key, { path: info.path, reason: info.reason });
      } else if (code === 'error.not-connected' && state === 'disconnecting') {
        // the SWF was not connected after all (connect() had not reached it): nothing to leave
        state = 'idle';
        const l = leaving;
        leaving = null;
        if (l) l.resolve();
      } else if (code === 'error.not-in-conversation' && info.signal) {
        rtcRetry(info.name);
      } else if (FATAL.has(code) && state === 'connecting') {
        failConnect(code, detail);
      } else if ((code === 'error.bad-token' || code === 'error.token-expired') && state === 'connected') {
        // the registry refused the token on a reconnect: this connection is over
        state = 'idle';
        Nimbus.name = null;
      }
      status(code, detail, info);
    },

    _message(from, b64, path, key, mid, sid) {
      learn(from, key);
      if (typeof sid === 'number' && typeof mid === 'string' && key) storedMessage(from, key, fromBase64(b64), mid, sid);
      else if (typeof mid === 'string' && mid && key) receive(from, key, fromBase64(b64), path, mid);
      else callback(Nimbus.onMessage, from, fromBase64(b64), path, key || from, {});
    },

    _store(id, ok, b64) {
      storeReply(id, ok, b64);
    },

    _signal(from, key, json) {
      learn(from, key);
      let d = null;
      try { d = JSON.parse(json); } catch (e) { return; }
      rtcSignal(from, key, d);
    },

    _presence(name, online, key) {
      learn(name, key);
      callback(Nimbus.onPresence, name, !!online, key || name);
    },

    _call(from) {
      callback(Nimbus.onCall, from);
    },

    _lookup(id, ok, json) {
      const p = lookups.get(id);
      if (!p) return;
      lookups.delete(id);
      const r = JSON.parse(json);
      if (ok) {
        learn(r.name, r.key);
        p.resolve(r);
      } else {
        p.reject(Object.assign(new Error(r.message), { code: r.code }));
      }
    },
  };

  window.Nimbus = Nimbus;
})();
