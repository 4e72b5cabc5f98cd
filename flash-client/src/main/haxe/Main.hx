import flash.Lib;
import flash.external.ExternalInterface;
import flash.media.Video;
import flash.text.TextField;
import flash.text.TextFormat;
import haxe.Json;
import haxe.Timer;
import haxe.crypto.Base64;
import haxe.io.Bytes;
import nimbus.Conversation;
import nimbus.Limits;
import nimbus.P2P;
import nimbus.Path;
import nimbus.Registry;

/**
 * The SWF: binds the registry connection and the RTMFP side to the page's nimbus.js through
 * ExternalInterface. JS calls nimbusConnect/nimbusLookup/nimbusSend/nimbusStartCall/
 * nimbusHangUp; the SWF calls Nimbus._ready/_status/_message/_presence/_lookup. Message text
 * crosses as base64 of its UTF-8 both ways, since a NUL cut strings short on the way to JS.
 */
class Main {
    static inline var TICK_MS = 500;

    var registry:Registry;
    var p2p:P2P;
    var myName:String;
    var directTimeoutMs = 5000;
    /** By case-folded name: the page's conversations and the peer IDs the registry gave. */
    var conversations = new Map<String, Conversation>();
    var peerIds = new Map<String, Array<String>>();
    var followed = new Map<String, String>();
    /** What the registry holds for this page: a peer ID, RELAY_ONLY, or null before registering. */
    var registeredPeer:String;
    /**
     * Registered when RTMFP is down: the registry counts the page as online and relays to it,
     * but hands out no peer ID for it (not a peer ID: those are 64 hex characters).
     */
    static inline var RELAY_ONLY = "relay-only";
    var callPeer:String;
    var callName:String;
    final label = new TextField();
    final video = new Video(320, 180);
    final outbox:Array<() -> Void> = [];

    static function main() {
        new Main();
    }

    function new() {
        var fmt = new TextFormat("_sans", 12, 0x334455);
        label.defaultTextFormat = fmt;
        label.width = 320;
        label.height = 40;
        label.y = 185;
        label.text = "Nimbus";
        video.visible = false;
        Lib.current.addChild(video);
        Lib.current.addChild(label);
        if (!ExternalInterface.available) {
            label.text = "Nimbus: this page gives the SWF no ExternalInterface";
            return;
        }
        ExternalInterface.addCallback("nimbusConnect", connect);
        ExternalInterface.addCallback("nimbusLookup", lookup);
        ExternalInterface.addCallback("nimbusSend", send);
        ExternalInterface.addCallback("nimbusStartCall", startCall);
        ExternalInterface.addCallback("nimbusHangUp", hangUp);
        // Callbacks exist from here on; the page waits for this call before using them.
        ExternalInterface.call("Nimbus._ready");
        var t = new Timer(TICK_MS);
        t.run = tick;
    }

    /**
     * Calls into JS leave from a timer, in order: a callback that JS is still inside of must
     * not call back into JS (re-entrancy differs between Flash Player and Ruffle).
     */
    function js(f:() -> Void) {
        outbox.push(f);
        if (outbox.length == 1) {
            Timer.delay(flush, 0);
        }
    }

    function flush() {
        while (outbox.length > 0) {
            var f = outbox.shift();
            f();
        }
    }

    function status(code:String, detail:String, ?info:Dynamic) {
        js(() -> ExternalInterface.call("Nimbus._status", code, detail, Json.stringify(info == null ? {} : info)));
        if (!StringTools.startsWith(code, "sent")) {
            label.text = 'Nimbus ${myName == null ? "" : myName}\n$code $detail';
        }
    }

    function connect(opts:Dynamic):Void {
        if (registry != null) {
            status("error.already-connected", "connect() was called already");
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
                status("registry.reconnecting", reason, {retryMs: retryMs});
            },
            refused: (code, message) -> status("error." + code, message),
            event: registryEvent
        });
        p2p = new P2P(rtmfpUrl, rtmfpTimeout, {
            state: rtmfpState,
            subscriber: subscriberCame,
            subscriberGone: subscriberGone,
            message: directMessage,
            call: callSignal
        });
        status("registry.connecting", server + ":" + port);
        registry.open();
        p2p.start();
    }

    function welcome(frame:Dynamic) {
        myName = frame.name;
        status("connected", myName, {name: myName, guest: frame.guest == true});
        registerPeer();
        var names = [for (n in followed) n];
        if (names.length > 0) {
            // after a reconnect: follow again and tell the page who is online now
            registry.request({op: "subscribe", names: names}, r -> {
                var online:Array<String> = r.online;
                for (n in names) {
                    presence(n, online != null && online.indexOf(n) >= 0);
                }
            }, (c, m) -> {});
        }
    }

    /** Registers the page's peer ID once RTMFP has settled, or relay-only when it is down. */
    function registerPeer() {
        if (registry == null || !registry.welcomed) {
            return;
        }
        var id = switch p2p.state {
            case Up: p2p.nearID;
            case Down(_): RELAY_ONLY;
            case Pending: null;
        }
        if (id == null || id == registeredPeer) {
            return;
        }
        // a connection holds one registration: a new peer ID or relay-only replaces the old
        var old = registeredPeer;
        registeredPeer = id;
        var rtmfp = id != RELAY_ONLY;
        var request:Dynamic = rtmfp ? {op: "register", peerId: id} : {op: "register", relay: true};
        registry.request(request, r -> {
            status("registered", myName, {name: myName, peerId: rtmfp ? id : null, rtmfp: rtmfp});
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
                deliver(frame.from, frame.text, RELAY);
            case "presence":
                presence(frame.name, frame.online == true);
            case "error":
                status("error." + frame.code, frame.message);
            default:
        }
    }

    function presence(name:String, online:Bool) {
        js(() -> ExternalInterface.call("Nimbus._presence", name, online));
        var key = fold(name);
        var c = conversations.get(key);
        if (c != null && online && c.direct.match(Failed(_) | Idle)) {
            // a new registration (new peer ID) may be reachable where the old one was not
            c.setDirect(Idle);
            refreshPeers(name);
        }
    }

    function deliver(from:String, text:String, path:Path) {
        var b64 = Base64.encode(Bytes.ofString(text));
        js(() -> ExternalInterface.call("Nimbus._message", from, b64, (path : String)));
        conversation(from);
    }

    static function fold(name:String):String {
        return name.toLowerCase();
    }

    /** The conversation with name, created (lookup, follow, direct attempt) on first use. */
    function conversation(name:String):Conversation {
        var key = fold(name);
        var c = conversations.get(key);
        if (c == null) {
            c = new Conversation(name);
            conversations.set(key, c);
            follow(name);
            refreshPeers(name);
        }
        return c;
    }

    function follow(name:String) {
        var key = fold(name);
        if (followed.exists(key)) {
            return;
        }
        followed.set(key, name);
        registry.request({op: "subscribe", names: [name]}, r -> {
            var online:Array<String> = r.online;
            presence(name, online != null && online.length > 0);
        }, (code, message) -> if (code != "not-connected") status("error." + code, 'subscribe $name: $message', {name: name}));
    }

    function refreshPeers(name:String) {
        registry.request({op: "lookup", name: name}, r -> {
            var ids:Array<String> = r.peerIds;
            peerIds.set(fold(name), ids == null ? [] : ids);
            tryDirect(fold(name));
            var c = conversations.get(fold(name));
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
        if (peerId == callPeer) {
            endCall("the peer left");
        }
    }

    function reportPath(c:Conversation) {
        var change = c.pathChange(p2p.state);
        if (change != null) {
            status("path", c.name + " " + change.path, {name: c.name, path: (change.path : String), reason: change.reason});
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

    /** A P2P message is taken only when the registry confirms the sender's name owns that peer ID. */
    function directMessage(peerId:String, from:String, b64:String) {
        var ids = peerIds.get(fold(from));
        if (ids != null && ids.indexOf(peerId) >= 0) {
            js(() -> ExternalInterface.call("Nimbus._message", from, b64, "p2p"));
            conversation(from);
            return;
        }
        registry.request({op: "lookup", name: from}, r -> {
            var fresh:Array<String> = r.peerIds;
            if (fresh != null && fresh.indexOf(peerId) >= 0) {
                peerIds.set(fold(from), fresh);
                js(() -> ExternalInterface.call("Nimbus._message", from, b64, "p2p"));
                conversation(from);
            } else {
                status("error.spoofed", 'dropped a direct message claiming to be from $from', {name: from});
            }
        }, (_, _) -> {});
    }

    function ready(what:String):Bool {
        if (registry == null || !registry.welcomed) {
            status("error.not-connected", '$what: not connected (call Nimbus.connect and wait for "connected")');
            return false;
        }
        return true;
    }

    function lookup(reqId:Int, name:String):Void {
        var answer = (ok:Bool, result:Dynamic) -> js(() -> ExternalInterface.call("Nimbus._lookup", reqId, ok, Json.stringify(result)));
        if (!ready("lookup")) {
            answer(false, {code: "not-connected", message: "not connected"});
            return;
        }
        if (!Limits.validName(name)) {
            status("error.bad-name", 'lookup: "$name" is not a user name', {name: name});
            answer(false, {code: "bad-name", message: "not a user name"});
            return;
        }
        conversation(name);
        registry.request({op: "lookup", name: name}, r -> {
            var ids:Array<String> = r.peerIds;
            peerIds.set(fold(name), ids == null ? [] : ids);
            tryDirect(fold(name));
            answer(true, {name: r.name, online: r.online == true, peerIds: ids});
        }, (code, message) -> {
            status("error." + code, 'lookup $name: $message', {name: name});
            answer(false, {code: code, message: message});
        });
    }

    function send(name:String, b64:String):Void {
        if (!ready("sendTo")) {
            return;
        }
        if (!Limits.validName(name)) {
            status("error.bad-name", 'sendTo: "$name" is not a user name', {name: name});
            return;
        }
        var text = b64 == null || !Limits.base64MayFit(b64.length, Limits.MAX_TEXT_CHARS) ? null : Base64.decode(b64).toString();
        if (text == null || text.length > Limits.MAX_TEXT_CHARS) {
            status("error.too-long", 'sendTo $name: a message holds at most ${Limits.MAX_TEXT_CHARS} characters', {name: name});
            return;
        }
        var c = conversation(name);
        tryDirect(fold(name));
        var peer = c.directPeer(p2p.state);
        if (peer != null && p2p.sendTo(peer, "onNimbusMessage", myName, b64)) {
            reportPath(c);
            status("sent", name, {name: name, path: "p2p"});
            return;
        }
        if (peer != null) {
            c.setDirect(Failed("the peer's stream closed"));
        }
        reportPath(c);
        registry.request({op: "send", to: name, text: text}, r -> status("sent", name, {name: name, path: "relay", delivered: r.delivered}),
            (code, message) -> {
                if (code == "unknown-user") {
                    status("error.unknown-user", '$name is not online', {name: name});
                } else {
                    status("error." + code, 'sendTo $name: $message', {name: name});
                }
            });
    }

    function startCall(name:String):Void {
        if (!ready("startCall")) {
            return;
        }
        if (callPeer != null) {
            status("error.call", 'already in a call with $callName');
            return;
        }
        var c = conversation(name);
        tryDirect(fold(name));
        var peer = c.directPeer(p2p.state);
        if (peer == null) {
            status("error.call", 'a call needs a direct (p2p) connection; $name is reachable by relay only (${Conversation.choose(p2p.state, c.direct).reason})', {name: name});
            return;
        }
        var err = p2p.startMedia();
        if (err != null) {
            status("error.call", err, {name: name});
            return;
        }
        callPeer = peer;
        callName = name;
        p2p.sendTo(peer, "onNimbusCall", myName, "invite");
        status("call.ringing", name, {name: name});
    }

    function callSignal(peerId:String, from:String, what:String) {
        var ids = peerIds.get(fold(from));
        if (ids == null || ids.indexOf(peerId) < 0) {
            // the sender is not confirmed yet: look it up, then take the signal
            registry.request({op: "lookup", name: from}, r -> {
                var fresh:Array<String> = r.peerIds;
                if (fresh != null && fresh.indexOf(peerId) >= 0) {
                    peerIds.set(fold(from), fresh);
                    callSignal(peerId, from, what);
                }
            }, (_, _) -> {});
            return;
        }
        switch what {
            case "invite" if (callPeer == null):
                // answered at once: the page shows the call and offers hang-up
                var err = p2p.startMedia();
                if (err != null) {
                    p2p.sendTo(peerId, "onNimbusCall", myName, "hangup");
                    status("error.call", 'incoming call from $from: $err', {name: from});
                    return;
                }
                callPeer = peerId;
                callName = from;
                p2p.sendTo(peerId, "onNimbusCall", myName, "accept");
                showCall(peerId, from);
            case "invite":
                p2p.sendTo(peerId, "onNimbusCall", myName, "busy");
            case "accept" if (peerId == callPeer):
                showCall(peerId, from);
            case "busy" | "hangup" if (peerId == callPeer):
                endCall(what == "busy" ? '$from is busy' : '$from hung up');
            default:
        }
    }

    function showCall(peerId:String, from:String) {
        p2p.playMedia(peerId, video);
        video.visible = true;
        status("call.started", from, {name: from});
    }

    function hangUp():Void {
        if (callPeer == null) {
            status("error.call", "hangUp: no call in progress");
            return;
        }
        p2p.sendTo(callPeer, "onNimbusCall", myName, "hangup");
        endCall("hung up");
    }

    function endCall(reason:String) {
        var name = callName;
        callPeer = null;
        callName = null;
        p2p.stopMedia();
        video.visible = false;
        status("call.ended", reason, {name: name});
    }
}
