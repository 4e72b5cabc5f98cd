package nimbus;

import flash.media.Video;
import haxe.Timer;
import haxe.crypto.Base64;
import haxe.io.Bytes;
import nimbus.Calls;
import nimbus.Conversation;
import nimbus.Limits;
import nimbus.P2P;
import nimbus.Path;
import nimbus.Registry;

/** What the client tells its host (the page's nimbus.js through Main, or an AIR/Flex app through NimbusClient). */
typedef ClientEvents = {
    /** Progress and errors: codes as in the README ("connected", "path", "error.*", …); info is an object. */
    function status(code:String, detail:String, info:Dynamic):Void;
    /**
     * mid: the sender page's message ID on a relayed message (its dedup key), else null. sid: a
     * stored message's store ID (it was kept while this account was offline), else null: the host
     * acknowledges it with ack(sid) once it has shown it, or it comes again at the next register.
     */
    function message(from:String, text:String, path:String, key:String, mid:Null<String>, sid:Null<Float>):Void;
    function presence(name:String, online:Bool, key:String):Void;
    /** Someone calls: the host answers with answer() or decline(); nothing is captured before answer(). */
    function incomingCall(from:String):Void;
    /** WebRTC signalling from another page (the registry's signal event), data as JSON text; pages only. */
    @:optional function signal(from:String, key:String, json:String):Void;
}

/**
 * The Nimbus client, the same for a web page (nimbus.swf) and an AIR or Flex app (nimbus.swc):
 * the registry connection (docs/registry-protocol.md) for names, presence and relayed text, the
 * RTMFP NetConnection for direct (p2p) messages and calls. Per conversation the path is p2p once
 * the target plays our stream, relay until then; names are grouped by the registry's keys
 * ({@link NameKeys}). connect() is done, and says "connected", only once the registry holds the
 * page: relay-only at once, upgraded to its peer ID when RTMFP comes up.
 */
class Client {
    static inline var TICK_MS = 500;

    final on:ClientEvents;
    final video:Video;
    var registry:Registry;
    var p2p:P2P;
    var myName:String;
    var myKey:String;
    var myGuest = false;
    /** welcome.iceServers: the STUN/TURN servers the page's WebRTC gets (docs/registry-protocol.md). */
    var iceServers:Dynamic = [];
    var directTimeoutMs = 5000;
    final names = new NameKeys();
    /** By registry key: the conversations, the peer IDs the registry gave, who is followed. */
    var conversations = new Map<String, Conversation>();
    var peerIds = new Map<String, Array<String>>();
    var followed = new Map<String, String>();
    /** Work waiting for a name's key (first use of a spelling the registry has not named yet), in order. */
    var waitingForKey = new Map<String, Array<Null<String>->Void>>();
    /** What the registry holds for this page: a peer ID, RELAY_ONLY, or null before registering. */
    var registeredPeer:String;
    /** Whether "connected" was said for the current welcome (the first registration after it). */
    var announced = false;
    static inline var RELAY_ONLY = "relay-only";
    final calls = new Calls();
    var ticker:Timer;
    /** Relayed messages not yet answered by the registry, oldest first. */
    var relayQueue:Array<{name:String, key:String, text:String, mid:Null<String>}> = [];
    var relaying = false;
    static inline var RELAY_RETRY_MS = 100;

    public function new(on:ClientEvents, video:Video) {
        this.on = on;
        this.video = video;
    }

    function status(code:String, detail:String, ?info:Dynamic) {
        on.status(code, detail, info == null ? {} : info);
    }

    /** Whether connect() was called and neither failed for good nor was undone by disconnect(). */
    public function active():Bool {
        return registry != null;
    }

    public function connect(opts:Dynamic):Void {
        if (registry != null) {
            status("error.already-connected", "connect() was called already (disconnect() first)");
            return;
        }
        var server:String = opts == null ? null : opts.server;
        if (server == null || server == "") {
            status("error.bad-options", "connect() needs a server host name");
            return;
        }
        var hello:Dynamic = {v: 1};
        if (opts.token != null && opts.token != "") {
            hello.token = opts.token;
        } else if (opts.guest == true) {
            hello.guest = true;
        } else {
            status("error.bad-options", "connect() needs a token or guest: true");
            return;
        }
        var app:String = opts.app != null ? opts.app : "nimbus";
        var port:Int = opts.registryPort != null ? Std.int(opts.registryPort) : 1936;
        if (opts.directTimeoutMs != null) {
            directTimeoutMs = Std.int(opts.directTimeoutMs);
        }
        var rtmfpUrl:String = opts.rtmfpUrl != null ? opts.rtmfpUrl : 'rtmfp://$server/$app';
        var rtmfpTimeout:Int = opts.rtmfpTimeoutMs != null ? Std.int(opts.rtmfpTimeoutMs) : 4000;

        registry = new Registry(server, port, hello, {
            welcome: welcome,
            lost: (reason, retryMs) -> {
                registeredPeer = null;
                announced = false;
                status("registry.reconnecting", reason, {retryMs: retryMs});
            },
            refused: (code, message) -> {
                // bad or expired token: this connect() is over; another may follow
                reset();
                status("error." + code, message);
            },
            event: registryEvent
        });
        p2p = new P2P(rtmfpUrl, rtmfpTimeout, {
            state: rtmfpState,
            subscriber: subscriberCame,
            subscriberGone: subscriberGone,
            message: directMessage,
            call: callSignal
        });
        ticker = new Timer(TICK_MS);
        ticker.run = tick;
        status("registry.connecting", server + ":" + port);
        registry.open();
        p2p.start();
    }

    /** Leaves: the registry drops this page (offline to others), RTMFP closes, a call ends. Then connect() may be called again. */
    public function disconnect():Void {
        if (registry == null) {
            status("error.not-connected", "disconnect: not connected");
            return;
        }
        var c = calls.current();
        if (c != null) {
            p2p.sendTo(c.peerId, "onNimbusCall", myName, "hangup");
        }
        var name = myName;
        reset();
        status("disconnected", name == null ? "" : name, {name: name});
    }

    function reset() {
        if (registry != null) {
            registry.stop();
        }
        if (p2p != null) {
            p2p.stop();
        }
        if (ticker != null) {
            ticker.stop();
        }
        registry = null;
        p2p = null;
        ticker = null;
        myName = null;
        myKey = null;
        registeredPeer = null;
        announced = false;
        conversations = new Map();
        peerIds = new Map();
        followed = new Map();
        waitingForKey = new Map();
        relayQueue = [];
        relaying = false;
        names.clear();
        calls.reset();
        video.attachNetStream(null);
        video.visible = false;
    }

    function welcome(frame:Dynamic) {
        myName = frame.name;
        myGuest = frame.guest == true;
        iceServers = frame.iceServers == null ? [] : frame.iceServers;
        myKey = names.learn(myName, frame.key);
        announced = false;
        registerPeer();
        relaying = false;
        pumpRelay();
        var all = [for (n in followed) n];
        if (all.length > 0) {
            // after a reconnect: follow again and tell the page who is online now
            registry.request({op: "subscribe", names: all}, r -> {
                var online:Array<String> = r.online;
                for (n in all) {
                    var key = names.keyOf(n);
                    presence(n, online != null && online.indexOf(n) >= 0, key == null ? n : key);
                }
            }, (c, m) -> {});
        }
    }

    /**
     * Registers the page: with its peer ID once RTMFP is up, relay-only until then (or when it is
     * down), so the page is reachable the moment connect() is done.
     */
    function registerPeer() {
        if (registry == null || !registry.welcomed) {
            return;
        }
        var id = p2p.state == Up ? p2p.nearID : RELAY_ONLY;
        if (id == registeredPeer) {
            return;
        }
        // a connection holds one registration: a new peer ID or relay-only replaces the old
        var old = registeredPeer;
        registeredPeer = id;
        var rtmfp = id != RELAY_ONLY;
        var request:Dynamic = rtmfp ? {op: "register", peerId: id} : {op: "register", relay: true};
        registry.request(request, r -> {
            var info = {name: myName, key: myKey, peerId: rtmfp ? id : null, rtmfp: rtmfp, guest: myGuest, iceServers: iceServers};
            if (!announced) {
                announced = true;
                status("connected", myName, info);
            }
            status("registered", myName, info);
        }, (code, message) -> {
            registeredPeer = old;
            if (code != "not-connected") {
                status("error." + code, "register: " + message);
            }
        });
    }

    function rtmfpState(s:RtmfpState) {
        switch s {
            case Up:
                status("rtmfp.connected", p2p.nearID);
            case Down(reason):
                status("rtmfp.unavailable", reason);
            case Pending:
        }
        registerPeer();
        for (key => c in conversations) {
            if (s != Up) {
                c.setDirect(Idle);
            }
            tryDirect(key);
            reportPath(c);
        }
    }

    function registryEvent(frame:Dynamic) {
        switch (frame.op : String) {
            case "message":
                deliver(frame.from, frame.fromKey, frame.text, RELAY, frame.mid, frame.stored == true ? frame.sid : null);
            case "signal":
                if (on.signal != null) {
                    on.signal(frame.from, names.learn(frame.from, frame.key), haxe.Json.stringify(frame.data));
                }
            case "presence":
                presence(frame.name, frame.online == true, names.learn(frame.name, frame.key));
            case "error":
                status("error." + frame.code, frame.message);
            default:
        }
    }

    function presence(name:String, online:Bool, key:String) {
        on.presence(name, online, key);
        var c = conversations.get(key);
        if (c != null && online && c.direct.match(Failed(_) | Idle)) {
            // a new registration (new peer ID) may be reachable where the old one was not
            c.setDirect(Idle);
            refreshPeers(name);
        }
    }

    function deliver(from:String, fromKey:Null<String>, text:String, path:Path, ?mid:String, ?sid:Float) {
        var key = names.learn(from, fromKey);
        on.message(from, text, (path : String), key, mid, sid);
        conversation(from, key);
    }

    /**
     * Runs f with the registry's key for a name as written: at once when a frame named it, else
     * after a lookup (work for the same spelling waits in order, so messages keep their order).
     * f gets null when the registry cannot be asked.
     */
    function withKey(name:String, f:Null<String>->Void) {
        var known = names.keyOf(name);
        if (known != null) {
            f(known);
            return;
        }
        var queue = waitingForKey.get(name);
        if (queue != null) {
            queue.push(f);
            return;
        }
        queue = [f];
        waitingForKey.set(name, queue);
        registry.request({op: "lookup", name: name}, r -> {
            var key = names.learn(name, r.key);
            var ids:Array<String> = r.peerIds;
            peerIds.set(key, ids == null ? [] : ids);
            runWaiting(name, key);
        }, (code, message) -> runWaiting(name, null));
    }

    function runWaiting(name:String, key:Null<String>) {
        var queue = waitingForKey.get(name);
        waitingForKey.remove(name);
        if (queue != null) {
            for (f in queue) {
                f(key);
            }
        }
    }

    /** The conversation under a key, created (follow, lookup, direct attempt) on first use. */
    function conversation(name:String, key:String):Conversation {
        var c = conversations.get(key);
        if (c == null) {
            c = new Conversation(name);
            conversations.set(key, c);
            follow(name, key);
            refreshPeers(name);
        }
        return c;
    }

    function follow(name:String, key:String) {
        if (followed.exists(key)) {
            return;
        }
        followed.set(key, name);
        registry.request({op: "subscribe", names: [name]}, r -> {
            var online:Array<String> = r.online;
            presence(name, online != null && online.length > 0, key);
        }, (code, message) -> if (code != "not-connected") status("error." + code, 'subscribe $name: $message', {name: name}));
    }

    function refreshPeers(name:String) {
        registry.request({op: "lookup", name: name}, r -> {
            var key = names.learn(name, r.key);
            var ids:Array<String> = r.peerIds;
            peerIds.set(key, ids == null ? [] : ids);
            tryDirect(key);
            var c = conversations.get(key);
            if (c != null) {
                reportPath(c);
            }
        }, (_, _) -> {});
    }

    /**
     * Starts a direct attempt with the target's newest peer ID when RTMFP is up. A target with
     * no peer IDs (offline, or online through relay only) gets none: its messages go by relay.
     */
    function tryDirect(key:String) {
        var c = conversations.get(key);
        var ids = peerIds.get(key);
        if (c == null || Conversation.directCandidate(ids) == null) {
            return;
        }
        for (id in ids) {
            if (p2p.isSubscriber(id)) {
                c.setDirect(Open(id));
                return;
            }
        }
        if (c.shouldTry(p2p.state)) {
            c.setDirect(Trying(Timer.stamp() * 1000));
            p2p.play(ids[0]);
        }
    }

    function subscriberCame(peerId:String) {
        for (key => ids in peerIds) {
            var c = conversations.get(key);
            if (c != null && ids.indexOf(peerId) >= 0) {
                c.setDirect(Open(peerId));
                reportPath(c);
            }
        }
    }

    function subscriberGone(peerId:String) {
        for (c in conversations) {
            if (c.direct.equals(Open(peerId))) {
                c.setDirect(Failed("the peer left"));
                reportPath(c);
            }
        }
        var name = calls.endedBy(peerId);
        if (name != null) {
            endCall(name, "the peer left");
        }
    }

    function reportPath(c:Conversation) {
        var change = c.pathChange(p2p.state);
        if (change != null) {
            var key = names.keyOf(c.name);
            status("path", c.name + " " + change.path, {name: c.name, key: key, path: (change.path : String), reason: change.reason});
        }
    }

    function tick() {
        var now = Timer.stamp() * 1000;
        for (c in conversations) {
            if (c.expire(now, directTimeoutMs)) {
                reportPath(c);
            }
        }
    }

    /** Runs f once the sender's name is confirmed to own peerId (the registry's lookup), else drops it. */
    function confirmed(peerId:String, from:String, f:String->Void) {
        var key = names.keyOf(from);
        var ids = key == null ? null : peerIds.get(key);
        if (ids != null && ids.indexOf(peerId) >= 0) {
            f(key);
            return;
        }
        registry.request({op: "lookup", name: from}, r -> {
            var k = names.learn(from, r.key);
            var fresh:Array<String> = r.peerIds;
            if (fresh != null && fresh.indexOf(peerId) >= 0) {
                peerIds.set(k, fresh);
                f(k);
            } else {
                status("error.spoofed", 'dropped a direct message claiming to be from $from', {name: from});
            }
        }, (_, _) -> {});
    }

    /** A P2P message is taken only when the registry confirms the sender's name owns that peer ID. */
    function directMessage(peerId:String, from:String, b64:String) {
        confirmed(peerId, from, key -> {
            var text = b64 == null ? "" : Base64.decode(b64).toString();
            on.message(from, text, "p2p", key, null, null);
            conversation(from, key);
        });
    }

    function ready(what:String):Bool {
        if (registry == null || !registry.welcomed) {
            status("error.not-connected", '$what: not connected (call connect and wait for "connected")');
            return false;
        }
        return true;
    }

    /** Looks a user up and follows it; done gets (true, {name, key, online, peerIds}) or (false, {code, message}). */
    public function lookup(name:String, done:(ok:Bool, result:Dynamic) -> Void):Void {
        if (!ready("lookup")) {
            done(false, {code: "not-connected", message: "not connected"});
            return;
        }
        if (!Limits.validName(name)) {
            status("error.bad-name", 'lookup: "$name" is not a user name', {name: name});
            done(false, {code: "bad-name", message: "not a user name"});
            return;
        }
        registry.request({op: "lookup", name: name}, r -> {
            var key = names.learn(name, r.key);
            names.learn(r.name, r.key);
            var ids:Array<String> = r.peerIds;
            peerIds.set(key, ids == null ? [] : ids);
            conversation(r.name, key);
            tryDirect(key);
            done(true, {name: r.name, key: key, online: r.online == true, peerIds: ids});
        }, (code, message) -> {
            status("error." + code, 'lookup $name: $message', {name: name});
            done(false, {code: code, message: message});
        });
    }

    /**
     * Forwards WebRTC signalling (JSON text) to a user's pages through the registry; failures
     * (not-in-conversation, rate-limited, too-long, offline) come back as "error.*" statuses.
     */
    public function signal(name:String, json:String):Void {
        if (!ready("signal")) {
            return;
        }
        var data:Dynamic;
        try {
            data = haxe.Json.parse(json);
        } catch (e:Dynamic) {
            status("error.bad-request", 'signal $name: not JSON', {name: name});
            return;
        }
        registry.request({op: "signal", to: name, data: data}, r -> {}, (code, message) -> {
            status("error." + code, 'signal $name: $message', {name: name, signal: true});
        });
    }

    /** mid (optional): a message ID the registry passes on, so the receiving page can drop a duplicate. */
    public function send(name:String, text:String, ?mid:String):Void {
        if (!ready("sendTo")) {
            return;
        }
        if (!Limits.validName(name)) {
            status("error.bad-name", 'sendTo: "$name" is not a user name', {name: name});
            return;
        }
        if (!Limits.textFits(text)) {
            status("error.too-long", 'sendTo $name: a message holds at most ${Limits.MAX_TEXT_CHARS} characters', {name: name});
            return;
        }
        withKey(name, key -> {
            if (key == null) {
                status("error.not-connected", 'sendTo $name: the registry is not reachable', {name: name});
                return;
            }
            sendKeyed(name, key, text, mid);
        });
    }

    function sendKeyed(name:String, key:String, text:String, ?mid:String) {
        var c = conversation(name, key);
        tryDirect(key);
        var peer = c.directPeer(p2p.state);
        if (peer != null && p2p.sendTo(peer, "onNimbusMessage", myName, Base64.encode(Bytes.ofString(text)))) {
            reportPath(c);
            status("sent", name, {name: name, key: key, path: "p2p", mid: mid});
            return;
        }
        if (peer != null) {
            c.setDirect(Failed("the peer's stream closed"));
        }
        reportPath(c);
        relayQueue.push({name: name, key: key, text: text, mid: mid});
        pumpRelay();
    }

    /**
     * Relayed sends leave one at a time, in order: the registry answers each before the next
     * goes, and one over its send rate waits and goes again instead of being lost (so a burst of
     * messages arrives whole and in order), as does one caught by a registry reconnect.
     */
    function pumpRelay() {
        if (relaying || relayQueue.length == 0 || registry == null || !registry.welcomed) {
            return;
        }
        relaying = true;
        var m = relayQueue[0];
        var r = registry;
        var frame:Dynamic = {op: "send", to: m.name, text: m.text};
        if (m.mid != null) {
            frame.mid = m.mid;
        }
        registry.request(frame, reply -> {
            if (r != registry) {
                return;
            }
            relayQueue.shift();
            relaying = false;
            // stored: the target account was offline and the registry committed it for later (issue 17)
            status("sent", m.name, {name: m.name, key: m.key, path: "relay", delivered: reply.delivered,
                stored: reply.stored == true, mid: reply.mid != null ? reply.mid : m.mid});
            pumpRelay();
        }, (code, message) -> {
            if (r != registry) {
                return;
            }
            relaying = false;
            switch code {
                case "rate-limited":
                    Timer.delay(pumpRelay, RELAY_RETRY_MS);
                case "not-connected":
                    // kept: the next welcome sends it
                default:
                    relayQueue.shift();
                    if (code == "unknown-user") {
                        status("error.unknown-user", '${m.name} is not online', {name: m.name, key: m.key});
                    } else {
                        status("error." + code, 'sendTo ${m.name}: $message', {name: m.name, key: m.key});
                    }
                    pumpRelay();
            }
        });
    }

    /** The registry ops of the message store (docs/registry-protocol.md) a host may ask for itself. */
    static final STORE_OPS = ["ack", "history", "record", "forget"];

    /**
     * A message-store request (ack, history, record, forget) as the registry takes it; done gets
     * (true, reply) or (false, {code, message}). Other ops are refused: the client owns those.
     */
    public function storeRequest(frame:Dynamic, done:(ok:Bool, result:Dynamic) -> Void):Void {
        if (frame == null || STORE_OPS.indexOf(frame.op) < 0) {
            done(false, {code: "bad-request", message: "only " + STORE_OPS.join(", ") + " go through storeRequest"});
            return;
        }
        if (registry == null || !registry.welcomed) {
            done(false, {code: "not-connected", message: "not connected"});
            return;
        }
        registry.request(frame, r -> done(true, r), (code, message) -> done(false, {code: code, message: message}));
    }

    /** Acknowledges a stored message the host has shown: it leaves the account's undelivered set. */
    public function ack(sid:Float):Void {
        storeRequest({op: "ack", sid: sid}, (ok, r) -> if (!ok && r.code != "not-connected") status("error." + r.code, 'ack $sid: ${r.message}'));
    }

    public function startCall(name:String):Void {
        if (!ready("startCall")) {
            return;
        }
        withKey(name, key -> {
            if (key == null) {
                status("error.call", 'startCall $name: the registry is not reachable', {name: name});
                return;
            }
            var c = conversation(name, key);
            tryDirect(key);
            var peer = c.directPeer(p2p.state);
            if (peer == null) {
                status("error.call", 'a call needs a direct (p2p) connection; $name is reachable by relay only (${Conversation.choose(p2p.state, c.direct).reason})', {name: name});
                return;
            }
            var busy = calls.dial(peer, name);
            if (busy != null) {
                status("error.call", busy, {name: name});
                return;
            }
            var err = p2p.startMedia();
            if (err != null) {
                calls.reset();
                status("error.call", err, {name: name});
                return;
            }
            p2p.sendTo(peer, "onNimbusCall", myName, "invite");
            status("call.ringing", name, {name: name});
        });
    }

    /** Takes the incoming call: camera and microphone go on now, not before. */
    public function answer():Void {
        var c = calls.answer();
        if (c == null) {
            status("error.call", "answer: no incoming call");
            return;
        }
        var err = p2p.startMedia();
        if (err != null) {
            calls.endedBy(c.peerId);
            p2p.sendTo(c.peerId, "onNimbusCall", myName, "hangup");
            status("error.call", 'answer ${c.name}: $err', {name: c.name});
            return;
        }
        p2p.sendTo(c.peerId, "onNimbusCall", myName, "accept");
        showCall(c.peerId, c.name);
    }

    public function decline():Void {
        var c = calls.decline();
        if (c == null) {
            status("error.call", "decline: no incoming call");
            return;
        }
        p2p.sendTo(c.peerId, "onNimbusCall", myName, "decline");
        status("call.ended", "declined", {name: c.name});
    }

    public function hangUp():Void {
        var c = calls.current();
        if (c == null) {
            status("error.call", "hangUp: no call in progress");
            return;
        }
        p2p.sendTo(c.peerId, "onNimbusCall", myName, "hangup");
        calls.endedBy(c.peerId);
        endCall(c.name, "hung up");
    }

    function callSignal(peerId:String, from:String, what:String) {
        confirmed(peerId, from, key -> {
            switch what {
                case "invite":
                    if (calls.invited(peerId, from)) {
                        status("call.incoming", from, {name: from, key: key});
                        on.incomingCall(from);
                    } else {
                        p2p.sendTo(peerId, "onNimbusCall", myName, "busy");
                    }
                case "accept":
                    if (calls.accepted(peerId)) {
                        showCall(peerId, from);
                    }
                case "busy" | "hangup" | "decline":
                    var name = calls.endedBy(peerId);
                    if (name != null) {
                        endCall(name, switch what {
                            case "busy": '$from is busy';
                            case "decline": '$from declined';
                            default: '$from hung up';
                        });
                    }
                default:
            }
        });
    }

    function showCall(peerId:String, from:String) {
        p2p.playMedia(peerId, video);
        video.visible = true;
        status("call.started", from, {name: from});
    }

    function endCall(name:String, reason:String) {
        p2p.stopMedia();
        video.attachNetStream(null);
        video.visible = false;
        status("call.ended", reason, {name: name});
    }
}
