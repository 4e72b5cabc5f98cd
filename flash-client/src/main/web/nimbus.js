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
 *                   iceTransportPolicy?: 'all' | 'relay', localVideo?, remoteVideo?, callTimeoutMs?: 30000})
 *     → Promise of {name, key, guest, rtmfp}, once other pages can reach this one
 *   Nimbus.disconnect() → Promise; connect() may be called again after it, or after a failure
 *   Nimbus.lookup(name) → Promise of {name, key, online, peerIds}
 *   Nimbus.sendTo(name, text)   Nimbus.startCall(name)   Nimbus.answer()   Nimbus.decline()
 *   Nimbus.hangUp()             Nimbus.keyOf(name)       Nimbus.pathOf(name)
 *   Nimbus.onMessage = (from, text, path, key) => …      path: 'p2p' | 'webrtc' | 'relay'
 *   Nimbus.onPresence = (name, online, key) => …
 *   Nimbus.onCall = from => …                            then answer() or decline()
 *     calls: RTMFP media shown in the SWF when this page has RTMFP; else WebRTC media, the local and
 *     remote pictures in the <video> elements (or selectors) localVideo / remoteVideo (default:
 *     made in the container); statuses call.ringing, call.incoming, call.started, call.ended
 *     (detail: why), error.call (info.reason 'permission-denied' | 'no-device' | …)
 *   Nimbus.onStatus = (code, detail, info) => …          errors have codes "error.*"
 *
 * Names: the registry decides which spellings are one user (docs/registry-protocol.md) and
 * sends each name's key; group conversations by key, never by toLowerCase.
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
  const rtc = { on: false, rtmfp: false, ice: [], timeoutMs: 10000, callTimeoutMs: 30000, policy: 'all', myKey: null, nonce: null };
  const peers = new Map();          // key → peer
  const inbound = new Map();        // key → {nonce, next, held: Map seq → {from, text, path}, timer}

  function rtcReset() {
    if (rtcCall) rtcCallEnd(rtcCall, 'disconnected', null);
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
    rtc.callTimeoutMs = opts.callTimeoutMs || 30000;
    rtc.rtmfp = !!info.rtmfp;
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
        status('sent', name, { name, key, path: 'webrtc' });
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
    if (dot < 1 || !Number.isSafeInteger(seq) || seq < 1) { callback(Nimbus.onMessage, from, text, path, key); return; }
    let r = inbound.get(key);
    if (!r || r.nonce !== nonce) {
      if (r) clearTimeout(r.timer);
      r = { nonce, next: 1, held: new Map(), timer: null };
      inbound.set(key, r);
    }
    if (seq < r.next || r.held.has(seq)) return; // a duplicate: delivered or held already
    if (r.held.size >= RTC_SEEN) return;
    r.held.set(seq, { from, text, path });
    flushInbound(key, r);
  }

  function flushInbound(key, r) {
    while (r.held.has(r.next)) {
      const m = r.held.get(r.next);
      r.held.delete(r.next);
      r.next++;
      callback(Nimbus.onMessage, m.from, m.text, m.path, key);
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

  // ---- WebRTC calls between pages with no RTMFP (docs/registry-protocol.md, "WebRTC calls") ----
  // The API of Flash calls (startCall, onCall then answer or decline, hangUp, call.* statuses),
  // signalled as {t:'call', id, k, …} frames. The caller captures camera and microphone when it
  // starts the call and rings; the callee captures nothing before answer(). After 'accept' the
  // caller offers on a peer connection of the call's own (the data channel's stays as it is) and
  // candidates trickle both ways. One call at a time: a second ring gets 'busy'. Every frame of a
  // call names its ID and must come from the call's other page (the registry stamps `key`).
  const CALL_KINDS = new Set(['ring', 'answering', 'accept', 'decline', 'busy', 'hangup', 'unsupported', 'offer', 'answer', 'cand']);
  let rtcCall = null; // {id, name, key, role: 'caller' | 'callee', state, pc, local, pending, timer}

  function rtcCallInfo(c, extra) {
    return Object.assign({ name: c.name, key: c.key, path: 'webrtc' }, extra || {});
  }

  function rtcCallSend(c, k, extra) {
    swf('signal', 'nimbusSignal', c.name, JSON.stringify(Object.assign({ t: 'call', id: c.id, k }, extra || {})));
  }

  /** The element the page named in connect() ({localVideo, remoteVideo}), else one made in the container. */
  function rtcCallVideo(which) {
    const named = connectOpts[which];
    const el = typeof named === 'string' ? document.querySelector(named) : named;
    if (el) return el;
    const made = document.createElement('video');
    made.className = 'nimbus-video nimbus-' + (which === 'localVideo' ? 'local' : 'remote');
    made.dataset.nimbusMade = which;
    const container = typeof connectOpts.container === 'string' ? document.querySelector(connectOpts.container) : connectOpts.container;
    (container || document.body).append(made);
    return made;
  }

  function rtcCallShow(which, stream) {
    const el = rtcCallVideo(which);
    el.autoplay = true;
    el.playsInline = true;
    if (which === 'localVideo') el.muted = true; // no echo of one's own microphone
    el.srcObject = stream;
    el.play().catch(() => {
      // no user gesture on this page yet (autoplay policy): the picture, muted, rather than nothing
      el.muted = true;
      el.play().catch(() => { /* the page may call play() itself */ });
    });
  }

  function rtcCallUnshow() {
    for (const which of ['localVideo', 'remoteVideo']) {
      const named = connectOpts[which];
      const el = (typeof named === 'string' ? document.querySelector(named) : named)
        || document.querySelector(`video[data-nimbus-made="${which}"]`);
      if (!el) continue;
      el.srcObject = null;
      if (el.dataset.nimbusMade) el.remove();
    }
  }

  /** Releases the call's camera, microphone, peer connection and videos; false when it was over already. */
  function rtcCallDrop(c) {
    if (rtcCall !== c) return false;
    rtcCall = null;
    clearTimeout(c.timer);
    if (c.local) c.local.getTracks().forEach(t => t.stop());
    if (c.pc) { try { c.pc.close(); } catch (e) { /* closed already */ } }
    rtcCallUnshow();
    return true;
  }

  /** Ends the call here (tell: the kind sent to the other page first, or null) with call.ended. */
  function rtcCallEnd(c, reason, tell, extra) {
    if (!rtcCallDrop(c)) return;
    if (tell) rtcCallSend(c, tell, extra);
    status('call.ended', reason, rtcCallInfo(c, extra));
  }

  /** Whether this page's calls are WebRTC ones: it has no RTMFP now and WebRTC is on. */
  function rtcCalls() {
    return rtc.on && !rtc.rtmfp;
  }

  /** Camera and microphone: the stream, or {code, message} saying why not. */
  async function rtcCallCapture() {
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
      return { code: 'no-media', message: 'this page cannot capture (getUserMedia needs https or localhost)' };
    }
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    } catch (e) {
      if (e.name === 'NotAllowedError' || e.name === 'SecurityError') return { code: 'permission-denied', message: 'camera and microphone: permission denied' };
      if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') return { code: 'no-device', message: 'camera and microphone: no such device' };
      return { code: 'no-media', message: 'camera and microphone: ' + (e.message || e.name) };
    }
  }

  /** No media path within webrtcTimeoutMs of the accept: the call ends for both. */
  function rtcCallArm(c) {
    clearTimeout(c.timer);
    c.timer = setTimeout(() => {
      if (rtcCall === c && c.state !== 'active') rtcCallEnd(c, 'no media path within ' + rtc.timeoutMs + ' ms', 'hangup', { why: 'no-media-path' });
    }, rtc.timeoutMs);
  }

  function rtcCallPc(c) {
    const pc = new RTCPeerConnection({ iceServers: rtc.ice, iceTransportPolicy: rtc.policy });
    c.pc = pc;
    c.local.getTracks().forEach(t => pc.addTrack(t, c.local));
    pc.onicecandidate = e => { if (e.candidate && rtcCall === c) rtcCallSend(c, 'cand', { c: e.candidate.toJSON() }); };
    pc.ontrack = e => {
      if (rtcCall !== c) return;
      if (!c.remote) {
        c.remote = e.streams[0] || new MediaStream();
        rtcCallShow('remoteVideo', c.remote);
      }
      if (!e.streams[0]) c.remote.addTrack(e.track);
    };
    pc.onconnectionstatechange = () => {
      if (rtcCall !== c) return;
      if (pc.connectionState === 'connected' && c.state !== 'active') {
        c.state = 'active';
        clearTimeout(c.timer);
        status('call.started', c.name, rtcCallInfo(c));
      } else if (pc.connectionState === 'failed') {
        rtcCallEnd(c, 'the connection failed', 'hangup', { why: 'connection-failed' });
      }
    };
    return pc;
  }

  async function rtcCallFlush(c) {
    for (const cand of c.pending.splice(0)) await c.pc.addIceCandidate(cand);
  }

  function rtcCallStart(name) {
    if (rtcCall) {
      status('error.call', 'already in a call with ' + rtcCall.name, { name });
      return;
    }
    const c = rtcCall = {
      id: Math.random().toString(36).slice(2, 12), name, key: keys.get(name) || null,
      role: 'caller', state: 'dialing', pc: null, local: null, remote: null, pending: [], timer: null,
    };
    const fail = (message, code) => {
      if (!rtcCallDrop(c)) return;
      status('error.call', `startCall ${name}: ${message}`, { name, key: c.key, reason: code });
    };
    // the lookup gives the key and puts the two connections in a conversation (signal needs one)
    Nimbus.lookup(name).then(async r => {
      if (rtcCall !== c) return;
      c.key = r.key;
      if (r.key === rtc.myKey) return fail('that is this page', 'bad-name');
      if (!r.online) return fail(name + ' is offline', 'offline');
      const got = await rtcCallCapture();
      if (rtcCall !== c) { if (got instanceof MediaStream) got.getTracks().forEach(t => t.stop()); return; }
      if (!(got instanceof MediaStream)) return fail(got.message, got.code);
      c.local = got;
      rtcCallShow('localVideo', got);
      rtcCallSend(c, 'ring');
      status('call.ringing', name, rtcCallInfo(c));
      c.timer = setTimeout(() => {
        if (rtcCall === c && c.state === 'dialing') rtcCallEnd(c, `no answer from ${name} within ${rtc.callTimeoutMs / 1000} s`, 'hangup', { why: 'no-answer' });
      }, rtc.callTimeoutMs);
    }, e => fail(e.message, e.code || 'lookup'));
  }

  async function rtcCallAnswer() {
    const c = rtcCall;
    if (!c || c.role !== 'callee' || c.state !== 'ringing') {
      status('error.call', 'answer: no incoming call');
      return;
    }
    c.state = 'answering';
    clearTimeout(c.timer);
    // the browser may now ask its user for the camera: the caller stops counting its ring time
    rtcCallSend(c, 'answering');
    const got = await rtcCallCapture();
    if (rtcCall !== c) { if (got instanceof MediaStream) got.getTracks().forEach(t => t.stop()); return; }
    if (!(got instanceof MediaStream)) {
      status('error.call', `answer ${c.name}: ${got.message}`, rtcCallInfo(c, { reason: got.code }));
      rtcCallEnd(c, got.message, 'hangup', { why: got.code });
      return;
    }
    c.local = got;
    c.state = 'accepted';
    rtcCallShow('localVideo', got);
    rtcCallSend(c, 'accept');
    rtcCallArm(c);
  }

  function rtcCallDecline() {
    const c = rtcCall;
    if (!c || c.role !== 'callee' || c.state !== 'ringing') {
      status('error.call', 'decline: no incoming call');
      return;
    }
    rtcCallEnd(c, 'declined', 'decline');
  }

  function rtcCallHangUp() {
    if (!rtcCall) {
      status('error.call', 'hangUp: no call in progress');
      return;
    }
    rtcCallEnd(rtcCall, 'hung up', 'hangup');
  }

  const RTC_CALL_WHY = {
    'permission-denied': 'could not start camera and microphone (permission denied)',
    'no-device': 'has no camera or microphone', 'no-media': 'could not start camera and microphone',
    'no-answer': 'stopped ringing', 'no-media-path': 'found no media path', 'connection-failed': 'lost the connection',
  };

  /** A call frame from another page (from, key: as the registry stamped them). */
  async function rtcCallSignal(from, key, d) {
    if (typeof d.id !== 'string' || d.id.length > 32 || !CALL_KINDS.has(d.k)) return;
    const reply = k => swf('signal', 'nimbusSignal', from, JSON.stringify({ t: 'call', id: d.id, k }));
    if (d.k === 'ring') {
      if (!rtcCalls()) reply('unsupported'); // this page calls through RTMFP, or has WebRTC off
      else if (rtcCall && !(rtcCall.id === d.id && rtcCall.key === key)) reply('busy');
      else if (!rtcCall) {
        const c = rtcCall = { id: d.id, name: from, key, role: 'callee', state: 'ringing', pc: null, local: null, remote: null, pending: [], timer: null };
        // the caller gives up after its callTimeoutMs; should its hang-up never come, stop ringing anyway
        c.timer = setTimeout(() => { if (rtcCall === c && c.state === 'ringing') rtcCallEnd(c, `no longer ringing: ${from} went quiet`, null); }, rtc.callTimeoutMs + 10000);
        status('call.incoming', from, rtcCallInfo(c));
        callback(Nimbus.onCall, from);
      }
      return;
    }
    const c = rtcCall;
    if (!c || c.id !== d.id || c.key !== key) return; // not this call, or not from its other page
    c.name = from;
    try {
      if (d.k === 'answering' && c.role === 'caller' && c.state === 'dialing') {
        // answered: the callee's browser may be asking its user for the camera, as long again as a ring
        clearTimeout(c.timer);
        c.timer = setTimeout(() => {
          if (rtcCall === c && c.state === 'dialing') rtcCallEnd(c, `${from} answered but started no camera within ${rtc.callTimeoutMs / 1000} s`, 'hangup', { why: 'no-answer' });
        }, rtc.callTimeoutMs);
      } else if (d.k === 'accept' && c.role === 'caller' && c.state === 'dialing') {
        c.state = 'accepted';
        rtcCallArm(c);
        const pc = rtcCallPc(c);
        await pc.setLocalDescription(await pc.createOffer());
        if (rtcCall === c) rtcCallSend(c, 'offer', { sdp: pc.localDescription.sdp });
      } else if (d.k === 'offer' && c.role === 'callee' && c.state === 'accepted' && !c.pc && typeof d.sdp === 'string' && d.sdp.length <= RTC_MAX_SDP) {
        const pc = rtcCallPc(c);
        await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        if (rtcCall !== c) return;
        rtcCallSend(c, 'answer', { sdp: pc.localDescription.sdp });
        await rtcCallFlush(c);
      } else if (d.k === 'answer' && c.role === 'caller' && c.pc && !c.pc.remoteDescription && typeof d.sdp === 'string' && d.sdp.length <= RTC_MAX_SDP) {
        await c.pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
        await rtcCallFlush(c);
      } else if (d.k === 'cand' && d.c && typeof d.c === 'object') {
        if (c.pc && c.pc.remoteDescription) await c.pc.addIceCandidate(d.c);
        else if (c.pending.length < RTC_MAX_PENDING_CANDIDATES) c.pending.push(d.c);
      } else if (d.k === 'decline' && c.role === 'caller') {
        rtcCallEnd(c, `${from} declined`, null);
      } else if (d.k === 'busy' && c.role === 'caller' && c.state === 'dialing') {
        rtcCallEnd(c, `${from} is busy`, null);
      } else if (d.k === 'unsupported' && c.role === 'caller' && c.state === 'dialing') {
        rtcCallEnd(c, `${from} cannot take a WebRTC call (its page calls through RTMFP, or has WebRTC off)`, null);
      } else if (d.k === 'hangup') {
        const why = RTC_CALL_WHY[d.why];
        rtcCallEnd(c, why ? `${from} ${why}` : `${from} hung up`, null);
      }
    } catch (e) {
      if (rtcCall === c) rtcCallEnd(c, 'WebRTC: ' + e.message, 'hangup', { why: 'connection-failed' });
    }
  }

  /** The other page of the call went offline: the call is over. */
  function rtcCallPresence(key, online) {
    if (!online && rtcCall && rtcCall.key === key) rtcCallEnd(rtcCall, 'the peer left', null);
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
      if (rtcCall) rtcCallEnd(rtcCall, 'disconnected', 'hangup'); // the other page hears of it while the registry is still there
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
      else relay(name, text);
    },

    /** Calls a user: through RTMFP (the SWF) when this page has it, else WebRTC media. */
    startCall(name) {
      if (rtcCalls() && state === 'connected') rtcCallStart(String(name));
      else swf('startCall', 'nimbusStartCall', String(name));
    },

    /** Takes the incoming call: the camera and microphone go on now, not before. */
    answer() {
      if (rtcCalls() && state === 'connected') rtcCallAnswer();
      else swf('answer', 'nimbusAnswer');
    },

    decline() {
      if (rtcCalls() && state === 'connected') rtcCallDecline();
      else swf('decline', 'nimbusDecline');
    },

    hangUp() {
      if (rtcCalls() && state === 'connected') rtcCallHangUp();
      else swf('hangUp', 'nimbusHangUp');
    },

    /** The registry's key for a name as written, once the registry named it; else null. */
    keyOf(name) {
      return keys.get(String(name)) || null;
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
        const s = settle;
        settle = null;
        if (s) s.resolve({ name: info.name, key: info.key, guest: !!info.guest, rtmfp: !!info.rtmfp });
      } else if (code === 'disconnected') {
        state = 'idle';
        Nimbus.name = null;
        rtcReset();
        keys.clear();
        paths.clear();
        const l = leaving;
        leaving = null;
        if (l) l.resolve();
      } else if (code === 'registered') {
        rtc.rtmfp = !!info.rtmfp;
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

    _message(from, b64, path, key, mid) {
      learn(from, key);
      if (typeof mid === 'string' && mid && key) receive(from, key, fromBase64(b64), path, mid);
      else callback(Nimbus.onMessage, from, fromBase64(b64), path, key || from);
    },

    _signal(from, key, json) {
      learn(from, key);
      let d = null;
      try { d = JSON.parse(json); } catch (e) { return; }
      if (d && d.t === 'call') rtcCallSignal(from, key, d);
      else rtcSignal(from, key, d);
    },

    _presence(name, online, key) {
      learn(name, key);
      rtcCallPresence(key || name, !!online);
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
