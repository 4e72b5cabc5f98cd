package nimbus;

import flash.events.Event;
import flash.events.IOErrorEvent;
import flash.events.ProgressEvent;
import flash.events.SecurityErrorEvent;
import flash.net.Socket;
import flash.utils.ByteArray;
import haxe.Json;
import haxe.Timer;
import haxe.io.Bytes;

typedef RegistryEvents = {
    function welcome(frame:Dynamic):Void;
    /** The connection is gone; the next attempt starts in retryMs. */
    function lost(reason:String, retryMs:Int):Void;
    /** The server refused us for good (bad or expired token): no retry. */
    function refused(code:String, message:String):Void;
    /** presence, message, and errors that answer no request. */
    function event(frame:Dynamic):Void;
}

/**
 * The registry connection over flash.net.Socket, length-prefixed JSON frames both ways. Under
 * Ruffle the page's socketProxy turns host:port into the registry's WebSocket. Reconnects with
 * backoff and says hello again; what to re-register is the caller's business (welcome()).
 */
class Registry {
    static inline var WELCOME_TIMEOUT_MS = 10000;

    final host:String;
    final port:Int;
    final hello:Dynamic;
    final on:RegistryEvents;
    final backoff = new Backoff(500, 30000, 0.2);
    var socket:Socket;
    var codec:FrameCodec;
    var nextId = 1;
    var pending = new Map<Int, {ok:Dynamic->Void, fail:(String, String) -> Void}>();
    var timers:Array<Timer> = [];
    var pingSentAt = -1.0;
    var stopped = false;

    public var welcomed(default, null) = false;

    public function new(host:String, port:Int, hello:Dynamic, on:RegistryEvents) {
        this.host = host;
        this.port = port;
        this.hello = hello;
        this.on = on;
    }

    public function open():Void {
        // Flash Player asks port 843 for a socket policy first and waits seconds before asking
        // the port itself; the registry answers on its own port, so point the player there.
        try {
            flash.system.Security.loadPolicyFile('xmlsocket://$host:$port');
        } catch (e:Dynamic) {}
        var s = new Socket();
        socket = s;
        codec = new FrameCodec(1 << 20);
        s.timeout = WELCOME_TIMEOUT_MS;
        // Handlers ignore a socket that is no longer current: a late CLOSE of the old one
        // must not tear down its replacement.
        s.addEventListener(Event.CONNECT, _ -> if (s == socket) sayHello());
        s.addEventListener(ProgressEvent.SOCKET_DATA, _ -> if (s == socket) read());
        s.addEventListener(Event.CLOSE, _ -> if (s == socket) drop("closed by the server"));
        s.addEventListener(IOErrorEvent.IO_ERROR, e -> if (s == socket) drop("I/O error: " + e.text));
        s.addEventListener(SecurityErrorEvent.SECURITY_ERROR, e -> if (s == socket) drop("security error: " + e.text));
        // Under Ruffle CONNECT fires before the WebSocket is even open, so only the welcome
        // proves the registry is there.
        timers.push(Timer.delay(() -> if (s == socket && !welcomed) drop('no welcome within ${WELCOME_TIMEOUT_MS} ms'), WELCOME_TIMEOUT_MS));
        try {
            s.connect(host, port);
        } catch (e:Dynamic) {
            drop("cannot connect: " + e);
        }
    }

    function sayHello() {
        var id = nextId++;
        var h:Dynamic = Reflect.copy(hello);
        h.op = "hello";
        h.id = id;
        pending.set(id, {
            ok: function(frame:Dynamic) {
                welcomed = true;
                backoff.reset();
                startKeepalive(frame.keepalive);
                on.welcome(frame);
            },
            fail: function(code:String, message:String) {
                if (code == "bad-token" || code == "token-expired" || code == "bad-name") {
                    stopped = true;
                    close();
                    on.refused(code, message);
                } else if (code != "not-connected") {
                    // not-connected comes from close() failing requests in flight: that
                    // path already schedules the retry
                    drop('hello refused: $code $message');
                }
            }
        });
        write(h);
    }

    function startKeepalive(keepaliveSeconds:Dynamic) {
        var seconds:Float = keepaliveSeconds == null ? 30 : keepaliveSeconds;
        var s = socket;
        var t = new Timer(Std.int(Math.max(1000, seconds * 500)));
        t.run = function() {
            if (s != socket) {
                return;
            }
            // A ping unanswered for a whole keepalive period: the server or the path is gone
            // without a CLOSE (half-open TCP), so reconnect rather than wait forever.
            if (pingSentAt >= 0 && Timer.stamp() - pingSentAt > seconds) {
                drop("no answer to ping");
                return;
            }
            if (pingSentAt < 0) {
                pingSentAt = Timer.stamp();
                request({op: "ping"}, _ -> pingSentAt = -1, (_, _) -> pingSentAt = -1);
            }
        };
        timers.push(t);
    }

    /** Sends a request; exactly one of ok/fail is called (fail with not-connected when offline). */
    public function request(frame:Dynamic, ok:Dynamic->Void, fail:(String, String) -> Void):Void {
        if (!welcomed) {
            fail("not-connected", "not connected to the registry");
            return;
        }
        var id = nextId++;
        frame.id = id;
        pending.set(id, {ok: ok, fail: fail});
        write(frame);
    }

    function write(frame:Dynamic) {
        var bytes = FrameCodec.encode(Json.stringify(frame));
        try {
            socket.writeBytes(bytes.getData(), 0, bytes.length);
            socket.flush();
        } catch (e:Dynamic) {
            drop("write failed: " + e);
        }
    }

    function read() {
        var ba = new ByteArray();
        socket.readBytes(ba, 0, socket.bytesAvailable);
        var frames;
        try {
            frames = codec.push(Bytes.ofData(ba));
        } catch (e:FrameCodec.FrameTooLarge) {
            drop("bad frame from the server: " + e);
            return;
        }
        for (text in frames) {
            var frame:Dynamic;
            try {
                frame = Json.parse(text);
            } catch (e:Dynamic) {
                on.event({op: "error", code: "bad-json", message: "unreadable frame from the server"});
                continue;
            }
            dispatch(frame);
            if (socket == null) {
                return;
            }
        }
    }

    function dispatch(frame:Dynamic) {
        var id:Null<Int> = frame.id == null ? null : Std.int(frame.id);
        var p = id == null ? null : pending.get(id);
        if (p != null) {
            pending.remove(id);
            if (frame.op == "error") {
                p.fail(frame.code, frame.message);
            } else {
                p.ok(frame);
            }
        } else {
            on.event(frame);
        }
    }

    function drop(reason:String) {
        close();
        if (stopped) {
            return;
        }
        var delay = backoff.next();
        on.lost(reason, delay);
        timers.push(Timer.delay(open, delay));
    }

    /** Closes the socket and fails every request in flight. */
    function close() {
        for (t in timers) {
            t.stop();
        }
        timers = [];
        welcomed = false;
        pingSentAt = -1;
        if (socket != null) {
            var s = socket;
            socket = null;
            try {
                s.close();
            } catch (e:Dynamic) {}
        }
        var failed = pending;
        pending = new Map();
        for (p in failed) {
            p.fail("not-connected", "the registry connection closed");
        }
    }

    /** Ends the connection for good. */
    public function stop():Void {
        stopped = true;
        close();
    }
}
