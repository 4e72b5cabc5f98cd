/*
 * Nimbus page API. Embeds nimbus.swf through Ruffle (served beside this file in ruffle/) and
 * talks to it through ExternalInterface.
 *
 *   Nimbus.connect({server, app, token | guest, swfUrl?, container?,
 *                   registryPort?, registryWsUrl?, rtmfpUrl?, rtmfpTimeoutMs?, directTimeoutMs?})
 *     → Promise of {name, guest}
 *   Nimbus.lookup(name) → Promise of {name, online, peerIds}
 *   Nimbus.sendTo(name, text)   Nimbus.startCall(name)   Nimbus.hangUp()
 *   Nimbus.onMessage = (from, text, path) => …
 *   Nimbus.onPresence = (name, online) => …
 *   Nimbus.onStatus = (code, detail, info) => …   errors have codes "error.*"
 */
(function () {
  'use strict';

  const here = document.currentScript ? new URL('.', document.currentScript.src).href : new URL('.', location.href).href;
  const READY_TIMEOUT_MS = 30000;
  // Failures after which connect() cannot succeed by waiting: its promise is rejected.
  const FATAL = new Set(['error.bad-token', 'error.token-expired', 'error.bad-name', 'error.bad-options', 'error.already-connected']);

  let player = null;
  let ready = false;
  let connecting = null;
  let nextLookup = 1;
  const lookups = new Map();

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

  function status(code, detail, info) {
    if (typeof Nimbus.onStatus === 'function') {
      try { Nimbus.onStatus(code, detail, info || {}); } catch (e) { console.error(e); }
    } else if (code.startsWith('error.')) {
      console.warn('Nimbus', code, detail);
    }
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

  /** Calls into the SWF; false (with an onStatus error) before connect() has it ready. */
  function swf(api, name, ...args) {
    if (!ready) {
      status('error.not-connected', api + ': not connected (call Nimbus.connect first)');
      return false;
    }
    player.ruffle().callExternalInterface(name, ...args);
    return true;
  }

  const Nimbus = {
    onMessage: null,
    onPresence: null,
    onStatus: null,
    /** The name the registry gave this page, once connected. */
    name: null,

    connect(opts) {
      opts = Object.assign({ app: 'nimbus' }, opts || {});
      if (connecting) {
        status('error.already-connected', 'connect() was called already');
        return Promise.reject(new Error('connect() was called already'));
      }
      if (!opts.server || !(opts.token || opts.guest)) {
        const msg = 'connect() needs server and token or guest: true';
        status('error.bad-options', msg);
        return Promise.reject(new Error(msg));
      }
      const registryPort = opts.registryPort || 1936;
      const wsScheme = location.protocol === 'https:' ? 'wss' : 'ws';
      // The registry WebSocket is served by Red5's Tomcat beside the page: same origin when the page comes from opts.server.
      const proxyUrl = opts.registryWsUrl || (opts.server === location.hostname
        ? `${wsScheme}://${location.host}/nimbus/registry` : `${wsScheme}://${opts.server}:5080/nimbus/registry`);
      connecting = new Promise((resolve, reject) => {
        Nimbus._settle = { resolve, reject };
        const readyTimer = setTimeout(() => {
          if (!ready) {
            status('error.swf', 'the SWF did not start within ' + READY_TIMEOUT_MS / 1000 + ' s');
            reject(new Error('the SWF did not start'));
          }
        }, READY_TIMEOUT_MS);
        Nimbus._onReady = () => {
          clearTimeout(readyTimer);
          player.ruffle().callExternalInterface('nimbusConnect', {
            server: opts.server, app: opts.app, token: opts.token || null, guest: !!opts.guest,
            registryPort, rtmfpUrl: opts.rtmfpUrl || null,
            rtmfpTimeoutMs: opts.rtmfpTimeoutMs || null, directTimeoutMs: opts.directTimeoutMs || null
          });
        };
        (window.RufflePlayer && window.RufflePlayer.newest ? Promise.resolve() : loadScript(here + 'ruffle/ruffle.js'))
          .then(() => {
            player = window.RufflePlayer.newest().createPlayer();
            player.className = 'nimbus-player';
            const container = typeof opts.container === 'string' ? document.querySelector(opts.container) : opts.container;
            (container || document.body).append(player);
            return player.ruffle().load({
              url: opts.swfUrl || here + 'nimbus.swf',
              // without these Ruffle waits for a click and keeps ExternalInterface off
              autoplay: 'on',
              unmuteOverlay: 'hidden',
              allowScriptAccess: true,
              logLevel: 'warn',
              // the SWF's flash.net.Socket to host:registryPort becomes the registry WebSocket
              socketProxy: [{ host: opts.server, port: registryPort, proxyUrl }],
            });
          })
          .catch(e => {
            clearTimeout(readyTimer);
            status('error.swf', 'cannot start the player: ' + e.message);
            reject(e);
          });
      });
      return connecting;
    },

    lookup(name) {
      const id = nextLookup++;
      return new Promise((resolve, reject) => {
        lookups.set(id, { resolve, reject });
        if (!swf('lookup', 'nimbusLookup', id, String(name))) {
          lookups.delete(id);
          reject(new Error('not connected'));
        }
      });
    },

    sendTo(name, text) {
      swf('sendTo', 'nimbusSend', String(name), toBase64(text));
    },

    startCall(name) {
      swf('startCall', 'nimbusStartCall', String(name));
    },

    hangUp() {
      swf('hangUp', 'nimbusHangUp');
    },

    // ---- called by the SWF ----

    _ready() {
      ready = true;
      if (Nimbus._onReady) Nimbus._onReady();
    },

    _status(code, detail, infoJson) {
      let info = {};
      try { info = JSON.parse(infoJson || '{}') || {}; } catch (e) { /* keep {} */ }
      if (code === 'connected') {
        Nimbus.name = info.name;
        if (Nimbus._settle) Nimbus._settle.resolve({ name: info.name, guest: !!info.guest });
      } else if (FATAL.has(code) && Nimbus._settle) {
        Nimbus._settle.reject(new Error(code + ': ' + detail));
      }
      status(code, detail, info);
    },

    _message(from, b64, path) {
      if (typeof Nimbus.onMessage === 'function') {
        try { Nimbus.onMessage(from, fromBase64(b64), path); } catch (e) { console.error(e); }
      }
    },

    _presence(name, online) {
      if (typeof Nimbus.onPresence === 'function') {
        try { Nimbus.onPresence(name, !!online); } catch (e) { console.error(e); }
      }
    },

    _lookup(id, ok, json) {
      const p = lookups.get(id);
      if (!p) return;
      lookups.delete(id);
      const r = JSON.parse(json);
      if (ok) p.resolve(r); else p.reject(Object.assign(new Error(r.message), { code: r.code }));
    },
  };

  window.Nimbus = Nimbus;
})();
