package nimbus;

import flash.events.AsyncErrorEvent;
import flash.events.IOErrorEvent;
import flash.events.NetStatusEvent;
import flash.events.SecurityErrorEvent;
import flash.media.Camera;
import flash.media.Microphone;
import flash.media.Video;
import flash.net.NetConnection;
import flash.net.NetStream;
import haxe.Timer;
import nimbus.Path;

typedef P2PEvents = {
    function state(s:RtmfpState):Void;
    /** A peer plays our stream: we can now send to it directly. */
    function subscriber(peerId:String):Void;
    function subscriberGone(peerId:String):Void;
    function message(peerId:String, from:String, b64:String):Void;
    function call(peerId:String, from:String, what:String):Void;
}

/**
 * The RTMFP side: a NetConnection to rtmfp://host/app (nearID = our peer ID), one
 * DIRECT_CONNECTIONS publish "nimbus" per page carrying messages and call signals, and one
 * play of "nimbus" by peer ID per peer we talk to. Sending goes to the subscriber's own entry
 * in peerStreams, so other subscribers never see a message that is not theirs.
 */
class P2P {
    static inline var DATA_STREAM = "nimbus";
    static inline var MEDIA_STREAM = "av";

    final url:String;
    final timeoutMs:Int;
    final on:P2PEvents;
    final backoff = new Backoff(1000, 30000, 0.2);
    var nc:NetConnection;
    var pub:NetStream;
    var plays = new Map<String, NetStream>();
    var subscribers = new Map<String, Bool>();
    var mediaOut:NetStream;
    var mediaIn:NetStream;
    var stopped = false;

    public var state(default, null):RtmfpState = Pending;
    public var nearID(default, null):String;

    public function new(url:String, timeoutMs:Int, on:P2PEvents) {
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.on = on;
    }

    public function start():Void {
        if (stopped) {
            return;
        }
        var c = new NetConnection();
        nc = c;
        c.client = {};
        c.addEventListener(NetStatusEvent.NET_STATUS, e -> if (c == nc) netStatus(e.info));
        c.addEventListener(IOErrorEvent.IO_ERROR, e -> if (c == nc) down("I/O error: " + e.text, true));
        c.addEventListener(SecurityErrorEvent.SECURITY_ERROR, e -> if (c == nc) down("security error: " + e.text, false));
        c.addEventListener(AsyncErrorEvent.ASYNC_ERROR, _ -> {});
        // Ruffle 0.6.0 returns from connect() and never fires an event: without this timer the
        // page would wait for RTMFP forever.
        Timer.delay(() -> if (c == nc && state == Pending) down('no NetConnection event within $timeoutMs ms', false), timeoutMs);
        try {
            c.connect(url);
        } catch (e:Dynamic) {
            down("connect failed: " + e, false);
        }
    }

    function netStatus(info:Dynamic) {
        var code:String = info.code;
        switch code {
            case "NetConnection.Connect.Success":
                backoff.reset();
                nearID = nc.nearID;
                publish();
                setState(Up);
            case "NetConnection.Connect.Closed":
                // a server restart: come back with a new peer ID
                down("closed", true);
            case "NetConnection.Connect.Failed" | "NetConnection.Connect.Rejected" | "NetConnection.Connect.InvalidApp" | "NetConnection.Connect.AppShutdown":
                down(code, state == Up);
            case "NetStream.Connect.Success" | "NetStream.Connect.Closed":
                var s:NetStream = info.stream;
                if (code == "NetStream.Connect.Closed" && s != null) {
                    for (id => p in plays) {
                        if (p == s) {
                            plays.remove(id);
                        }
                    }
                }
                syncSubscribers();
            default:
        }
    }

    function publish() {
        pub = new NetStream(nc, NetStream.DIRECT_CONNECTIONS);
        pub.client = {onPeerConnect: function(sub:NetStream):Bool {
            Timer.delay(syncSubscribers, 0);
            return true;
        }};
        pub.publish(DATA_STREAM);
    }

    /** Announces subscribers that came and went since the last look at peerStreams. */
    public function syncSubscribers():Void {
        if (pub == null) {
            return;
        }
        var now = new Map<String, Bool>();
        for (s in pub.peerStreams) {
            var id:String = (s : NetStream).farID;
            now.set(id, true);
            if (!subscribers.exists(id)) {
                subscribers.set(id, true);
                // answer with a play of theirs so that both directions exist
                play(id);
                on.subscriber(id);
            }
        }
        for (id in subscribers.keys()) {
            if (!now.exists(id)) {
                subscribers.remove(id);
                on.subscriberGone(id);
            }
        }
    }

    function setState(s:RtmfpState) {
        state = s;
        on.state(s);
    }

    function down(reason:String, retry:Bool) {
        var old = nc;
        nc = null;
        pub = null;
        plays = new Map();
        var gone = [for (id in subscribers.keys()) id];
        subscribers = new Map();
        nearID = null;
        if (old != null) {
            try {
                old.close();
            } catch (e:Dynamic) {}
        }
        for (id in gone) {
            on.subscriberGone(id);
        }
        setState(Down(reason));
        if (retry) {
            Timer.delay(() -> if (nc == null && !stopped) {
                state = Pending;
                start();
            }, backoff.next());
        }
    }

    /** Closes everything for good (the page disconnects): no events, no retry. */
    public function stop():Void {
        stopped = true;
        stopMedia();
        var old = nc;
        nc = null;
        pub = null;
        plays = new Map();
        subscribers = new Map();
        nearID = null;
        state = Down("stopped");
        if (old != null) {
            try {
                old.close();
            } catch (e:Dynamic) {}
        }
    }

    /** Plays a peer's data stream so that its messages reach us; asks it to play ours. */
    public function play(peerId:String):Void {
        if (state != Up || plays.exists(peerId)) {
            return;
        }
        var ns = new NetStream(nc, peerId);
        ns.client = {
            onNimbusMessage: (from:String, b64:String) -> on.message(peerId, from, b64),
            onNimbusCall: (from:String, what:String) -> on.call(peerId, from, what)
        };
        ns.play(DATA_STREAM);
        plays.set(peerId, ns);
    }

    public function isSubscriber(peerId:String):Bool {
        return subscribers.exists(peerId);
    }

    /** Sends to one subscriber; false when it is not (or no longer) subscribed. */
    public function sendTo(peerId:String, handler:String, a:String, b:String):Bool {
        if (pub == null) {
            return false;
        }
        for (s in pub.peerStreams) {
            var ns:NetStream = s;
            if (ns.farID == peerId) {
                ns.send(handler, a, b);
                return true;
            }
        }
        return false;
    }

    /** Publishes camera and microphone; null when this machine has neither. */
    public function startMedia():Null<String> {
        if (state != Up) {
            return "RTMFP is not connected";
        }
        var cam = Camera.getCamera();
        var mic = Microphone.getMicrophone();
        if (cam == null && mic == null) {
            return "no camera or microphone";
        }
        if (mediaOut == null) {
            mediaOut = new NetStream(nc, NetStream.DIRECT_CONNECTIONS);
            if (cam != null) {
                mediaOut.attachCamera(cam);
            }
            if (mic != null) {
                mediaOut.attachAudio(mic);
            }
            mediaOut.publish(MEDIA_STREAM);
        }
        return null;
    }

    public function playMedia(peerId:String, video:Video):Void {
        if (state != Up || mediaIn != null) {
            return;
        }
        mediaIn = new NetStream(nc, peerId);
        mediaIn.client = {};
        mediaIn.play(MEDIA_STREAM);
        video.attachNetStream(mediaIn);
    }

    public function stopMedia():Void {
        for (s in [mediaOut, mediaIn]) {
            if (s != null) {
                try {
                    s.close();
                } catch (e:Dynamic) {}
            }
        }
        mediaOut = null;
        mediaIn = null;
    }
}
