import flash.Lib;
import flash.external.ExternalInterface;
import flash.media.Video;
import flash.system.Capabilities;
import flash.text.TextField;
import flash.text.TextFormat;
import haxe.Json;
import haxe.Timer;
import haxe.crypto.Base64;
import haxe.io.Bytes;
import nimbus.Client;

/**
 * nimbus.swf: the page's nimbus.js drives a {@link Client} through ExternalInterface, the same
 * in Flash Player and under Ruffle. JS calls nimbusConnect/nimbusDisconnect/nimbusLookup/
 * nimbusSend/nimbusStartCall/nimbusAnswer/nimbusDecline/nimbusHangUp/nimbusSignal/nimbusStore; the SWF calls
 * Nimbus._ready/_status/_message/_presence/_lookup/_call/_signal/_store. Message text crosses as base64 of its
 * UTF-8 both ways, since a NUL cut strings short on the way to JS.
 */
class Main {
    final label = new TextField();
    final video = new Video(320, 180);
    final outbox:Array<() -> Void> = [];
    var client:Client;
    var myName = "";

    static function main() {
        new Main();
    }

    function new() {
        label.defaultTextFormat = new TextFormat("_sans", 12, 0x334455);
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
        client = new Client({
            status: status,
            message: (from, text, path, key, mid, sid) -> {
                var b64 = Base64.encode(Bytes.ofString(text));
                js(() -> ExternalInterface.call("Nimbus._message", from, b64, path, key, mid, sid));
            },
            presence: (name, online, key) -> js(() -> ExternalInterface.call("Nimbus._presence", name, online, key)),
            incomingCall: from -> js(() -> ExternalInterface.call("Nimbus._call", from)),
            signal: (from, key, json) -> js(() -> ExternalInterface.call("Nimbus._signal", from, key, json))
        }, video);
        ExternalInterface.addCallback("nimbusConnect", client.connect);
        ExternalInterface.addCallback("nimbusDisconnect", client.disconnect);
        ExternalInterface.addCallback("nimbusLookup", lookup);
        ExternalInterface.addCallback("nimbusSend", send);
        ExternalInterface.addCallback("nimbusStartCall", client.startCall);
        ExternalInterface.addCallback("nimbusAnswer", client.answer);
        ExternalInterface.addCallback("nimbusDecline", client.decline);
        ExternalInterface.addCallback("nimbusHangUp", client.hangUp);
        ExternalInterface.addCallback("nimbusSignal", client.signal);
        ExternalInterface.addCallback("nimbusStore", store);
        // Callbacks exist from here on; the page waits for this call before using them. The
        // player's own identity tells the page which runtime it really got.
        ExternalInterface.call("Nimbus._ready", Capabilities.version, Capabilities.playerType);
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

    function status(code:String, detail:String, info:Dynamic) {
        if (code == "connected") {
            myName = detail;
        } else if (code == "disconnected") {
            myName = "";
        }
        js(() -> ExternalInterface.call("Nimbus._status", code, detail, Json.stringify(info)));
        if (!StringTools.startsWith(code, "sent")) {
            label.text = 'Nimbus $myName\n$code $detail';
        }
    }

    function lookup(reqId:Int, name:String):Void {
        client.lookup(name, (ok, result) -> js(() -> ExternalInterface.call("Nimbus._lookup", reqId, ok, Json.stringify(result))));
    }

    /** A message-store request (ack, history, record, forget): base64 of its JSON both ways, as texts may hold a NUL. */
    function store(reqId:Int, b64:String):Void {
        var frame:Dynamic = null;
        try {
            frame = Json.parse(Base64.decode(b64).toString());
        } catch (e:Dynamic) {
        }
        client.storeRequest(frame, (ok, result) -> {
            var out = Base64.encode(Bytes.ofString(Json.stringify(result)));
            js(() -> ExternalInterface.call("Nimbus._store", reqId, ok, out));
        });
    }

    function send(name:String, b64:String, ?mid:String):Void {
        // a megabyte of base64 costs seconds to decode in AVM2: judge its size first
        if (b64 == null || !nimbus.Limits.base64MayFit(b64.length, nimbus.Limits.MAX_TEXT_CHARS)) {
            status("error.too-long", 'sendTo $name: a message holds at most ${nimbus.Limits.MAX_TEXT_CHARS} characters', {name: name});
            return;
        }
        client.send(name, Base64.decode(b64).toString(), mid);
    }
}
