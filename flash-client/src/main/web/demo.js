// The demo chat page: sign-in (account token from the demo endpoint, or guest), the people
// list with presence, one chat window per conversation with its delivery path, calls.
(function () {
  'use strict';
  const $ = sel => document.querySelector(sel);
  const params = new URLSearchParams(location.search);
  // Tests run the server on other ports than the defaults and say so in the query.
  const registryPort = Number(params.get('registryPort')) || undefined;
  const registryWsUrl = params.get('registryWs') || undefined;
  // conversations are grouped by the registry's key for a name (Straße and STRASSE are one user)
  const key = name => Nimbus.keyOf(name) || String(name);

  const contacts = new Map();
  const chats = new Map();
  const pending = new Map();

  function log(text, isError) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    if (isError) li.className = 'err';
    const list = $('#log');
    list.append(li);
    while (list.children.length > 50) list.firstChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  function showSigninError(text) {
    const p = $('#signin-error');
    p.textContent = text;
    p.hidden = false;
  }

  async function accountToken(name) {
    const res = await fetch('demo/token?name=' + encodeURIComponent(name));
    const body = await res.text();
    if (!res.ok) throw new Error(`the demo sign-in refused "${name}": ${body.trim() || res.status}`);
    return JSON.parse(body).token;
  }

  function start(credentials) {
    $('#signin').hidden = true;
    $('#app').hidden = false;
    $('#me').hidden = false;
    $('#me').textContent = 'connecting…';
    Nimbus.connect(Object.assign({
      server: location.hostname, app: 'nimbus', container: '#player', registryPort, registryWsUrl,
      // a WebRTC call (no RTMFP on this page) shows its pictures here; an RTMFP one in the player
      localVideo: '#local-video', remoteVideo: '#remote-video',
    }, credentials)).then(me => {
      showMe(me.name, me.guest);
    }, err => {
      showSignin();
      showSigninError(err.message);
    });
  }

  function showSignin() {
    $('#app').hidden = true;
    $('#me').hidden = true;
    $('#signout').hidden = true;
    $('#signin').hidden = false;
  }

  /** Signs out without a reload: the page goes offline for the others and may sign in again. */
  function signOut() {
    Nimbus.disconnect().then(() => {
      for (const c of chats.values()) c.el.remove();
      for (const c of contacts.values()) c.li.remove();
      chats.clear();
      contacts.clear();
      pending.clear();
      showSignin();
    });
  }

  function showMe(name, guest) {
    const me = $('#me');
    me.textContent = '';
    me.dataset.name = name;
    me.append('Signed in as ');
    const b = document.createElement('b');
    b.id = 'my-name';
    b.textContent = name;
    me.append(b);
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = guest ? 'guest' : 'account';
    me.append(tag);
    $('#signout').hidden = false;
  }

  function contact(name) {
    let c = contacts.get(key(name));
    if (!c) {
      const li = document.createElement('li');
      li.className = 'contact';
      li.dataset.name = key(name);
      li.innerHTML = '<span class="dot"></span><span class="who"></span><span class="state">…</span>';
      li.querySelector('.who').textContent = name;
      li.addEventListener('click', () => chat(name).input.focus());
      $('#contacts').append(li);
      c = {
        li,
        setOnline(online) {
          li.classList.toggle('online', online);
          li.querySelector('.state').textContent = online ? 'online' : 'offline';
          const ch = chats.get(key(name));
          if (ch) ch.el.classList.toggle('online', online);
        },
      };
      contacts.set(key(name), c);
    }
    return c;
  }

  function chat(name) {
    let c = chats.get(key(name));
    if (c) return c;
    const el = $('#chat-template').content.firstElementChild.cloneNode(true);
    el.dataset.name = key(name);
    el.querySelector('.name').textContent = name;
    const list = el.querySelector('.messages');
    const input = el.querySelector('.text');
    const path = el.querySelector('.path');
    el.querySelector('.compose').addEventListener('submit', ev => {
      ev.preventDefault();
      if (!input.value) return;
      const li = c.add(input.value, 'mine');
      li.classList.add('sending');
      if (!pending.has(key(name))) pending.set(key(name), []);
      pending.get(key(name)).push(li);
      Nimbus.sendTo(name, input.value);
      input.value = '';
    });
    el.querySelector('.call').addEventListener('click', () => Nimbus.startCall(name));
    el.querySelector('.close').addEventListener('click', () => {
      el.remove();
      chats.delete(key(name));
    });
    const empty = $('#chats .empty');
    if (empty) empty.remove();
    $('#chats').append(el);
    const person = contacts.get(key(name));
    if (person) el.classList.toggle('online', person.li.classList.contains('online'));
    c = {
      el, input,
      add(text, cls) {
        const li = document.createElement('li');
        li.className = 'msg ' + cls;
        li.textContent = text;
        list.append(li);
        list.scrollTop = list.scrollHeight;
        return li;
      },
      setPath(p, reason) {
        path.textContent = p;
        path.className = 'path ' + p;
        path.title = reason || '';
      },
    };
    chats.set(key(name), c);
    // the path may have been reported before this window existed (or while it was closed)
    const known = Nimbus.pathOf(name);
    if (known) c.setPath(known.path, known.reason);
    return c;
  }

  /** The oldest message still waiting for its 'sent' or error. */
  function settle(name, error) {
    const queue = pending.get(key(name));
    const li = queue && queue.shift();
    if (!li) return false;
    li.classList.remove('sending');
    if (error) {
      li.classList.add('failed');
      li.title = error;
      chat(name).add(error, 'note');
    }
    return true;
  }

  Nimbus.onStatus = (code, detail, info) => {
    const isError = code.startsWith('error.');
    if (code !== 'sent') log(code + (detail ? ' — ' + detail : ''), isError);
    if (code === 'sent') settle(info.name);
    else if (code === 'path') chat(info.name).setPath(info.path, info.reason);
    else if (code === 'registry.reconnecting') $('#me').textContent = 'reconnecting…';
    else if (code === 'connected' && $('#me').textContent === 'reconnecting…') showMe(info.name, info.guest);
    else if ((code === 'error.bad-token' || code === 'error.token-expired') && Nimbus.name) $('#me').textContent = 'signed out: ' + detail;
    else if (code === 'call.started' || code === 'call.ringing') showCall(info, true);
    else if (code === 'call.ended') showCall(info, false, detail);
    else if (isError && info.name && !settle(info.name, detail) && chats.has(key(info.name))) chat(info.name).add(detail, 'note');
  };

  /** A call is on (ringing or started) or over: the hang-up button, the WebRTC pictures, a note in the chat. */
  function showCall(info, on, why) {
    $('#hangup').hidden = !on;
    $('#call-videos').hidden = !(on && info.path === 'webrtc');
    if (!on) {
      $('#incoming').hidden = true;
      if (info.name && chats.has(key(info.name))) chat(info.name).add('call ended: ' + why, 'note');
    }
  }

  Nimbus.onMessage = (from, text) => {
    contact(from);
    chat(from).add(text, 'theirs');
  };

  Nimbus.onPresence = (name, online) => contact(name).setOnline(online);

  // an incoming call only rings: nothing is captured until the user answers
  Nimbus.onCall = from => {
    $('#incoming-from').textContent = from;
    $('#incoming').hidden = false;
  };
  $('#answer').addEventListener('click', () => {
    $('#incoming').hidden = true;
    Nimbus.answer();
  });
  $('#decline').addEventListener('click', () => {
    $('#incoming').hidden = true;
    Nimbus.decline();
  });
  $('#signout').addEventListener('click', signOut);

  $('#account-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const name = $('#account-name').value.trim();
    accountToken(name).then(token => start({ token }), err => showSigninError(err.message));
  });
  $('#guest').addEventListener('click', () => start({ guest: true }));
  $('#add-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const name = $('#add-name').value.trim();
    if (!name) return;
    Nimbus.lookup(name).then(r => {
      contact(r.name).setOnline(r.online);
      chat(r.name).input.focus();
      $('#add-name').value = '';
    }, err => log('lookup ' + name + ': ' + err.message, true));
  });
  $('#hangup').addEventListener('click', () => Nimbus.hangUp());
})();
