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
  let signedInAsGuest = true; // guests have no history

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
    }, credentials)).then(me => {
      signedInAsGuest = me.guest;
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
      /** Appends a message; one whose ID (mid) this window shows already is left out (stored ones come again until acknowledged). */
      add(text, cls, mid) {
        if (mid && c.shows(mid)) return null;
        const li = document.createElement('li');
        li.className = 'msg ' + cls;
        li.textContent = text;
        if (mid) li.dataset.mid = mid;
        list.append(li);
        list.scrollTop = list.scrollHeight;
        return li;
      },
      shows(mid) {
        return [...list.querySelectorAll('li[data-mid]')].some(li => li.dataset.mid === mid);
      },
      /** Earlier messages (Nimbus.history, newest first) go above what the window shows. */
      addHistory(messages) {
        const first = list.firstChild;
        for (const m of messages.slice().reverse()) {
          if (m.mid && c.shows(m.mid)) continue;
          const li = document.createElement('li');
          li.className = 'msg history ' + (m.mine ? 'mine' : 'theirs');
          li.textContent = m.text;
          li.title = new Date(m.ts).toLocaleString();
          if (m.mid) li.dataset.mid = m.mid;
          list.insertBefore(li, first);
        }
        list.scrollTop = list.scrollHeight;
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
    loadHistory(name, c);
    return c;
  }

  /** An opened chat shows the conversation's earlier messages (accounts only); el.dataset.history says when they are in. */
  function loadHistory(name, c) {
    if (signedInAsGuest) {
      c.el.dataset.history = 'none';
      return;
    }
    c.el.dataset.history = 'loading';
    Nimbus.history(name, { limit: 50 }).then(messages => {
      c.addHistory(messages);
      c.el.dataset.history = 'loaded';
    }, err => {
      c.el.dataset.history = 'failed';
      log('history ' + name + ': ' + err.message, true);
    });
  }

  /** The oldest message still waiting for its 'sent' or error. */
  function settle(name, error, info) {
    const queue = pending.get(key(name));
    const li = queue && queue.shift();
    if (!li) return false;
    li.classList.remove('sending');
    if (info && info.mid) li.dataset.mid = info.mid;
    if (info && info.stored) {
      li.classList.add('stored');
      chat(name).add(`stored, will be delivered when ${name} signs in`, 'note');
    }
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
    if (code === 'sent') settle(info.name, null, info);
    else if (code === 'path') chat(info.name).setPath(info.path, info.reason);
    else if (code === 'registry.reconnecting') $('#me').textContent = 'reconnecting…';
    else if (code === 'connected' && $('#me').textContent === 'reconnecting…') showMe(info.name, info.guest);
    else if ((code === 'error.bad-token' || code === 'error.token-expired') && Nimbus.name) $('#me').textContent = 'signed out: ' + detail;
    else if (code === 'call.started' || code === 'call.ringing') $('#hangup').hidden = false;
    else if (code === 'call.ended') {
      $('#hangup').hidden = true;
      $('#incoming').hidden = true;
    }
    else if (isError && info.name && !settle(info.name, detail) && chats.has(key(info.name))) chat(info.name).add(detail, 'note');
  };

  // info.mid: the sender's message ID (a stored message, path 'stored', may come again: shown once)
  Nimbus.onMessage = (from, text, path, k, info) => {
    contact(from);
    const li = chat(from).add(text, 'theirs' + (path === 'stored' ? ' stored' : ''), info && info.mid);
    if (li && path === 'stored') li.title = 'sent while you were away';
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
