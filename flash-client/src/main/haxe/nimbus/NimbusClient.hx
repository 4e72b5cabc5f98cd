package nimbus;

import flash.events.EventDispatcher;
import flash.media.Video;

/**
 * The Nimbus client for AIR and Flex apps (nimbus.swc): the page API as ActionScript methods and
 * {@link NimbusEvent}s. A desktop AIR app has real RTMFP, so its conversations go p2p wherever a
 * direct path exists. Add {@link #video} to the display list to show calls.
 *
 * <pre>
 * var nimbus:NimbusClient = new NimbusClient();
 * nimbus.addEventListener(NimbusEvent.MESSAGE, function(e:NimbusEvent):void { trace(e.name, e.text, e.path); });
 * nimbus.addEventListener(NimbusEvent.STATUS, function(e:NimbusEvent):void { if (e.code == "connected") nimbus.sendTo("alice", "hi"); });
 * nimbus.connect({server: "nimbus.example.org", guest: true});
 * </pre>
 */
@:keep
class NimbusClient extends EventDispatcher {
    /** Where calls show the other side's camera; not on the display list until the app adds it. */
    public var video(default, null):Video;

    final client:Client;

    public function new() {
        super();
        video = new Video(320, 180);
        video.visible = false;
        client = new Client({
            status: (code, detail, info) -> dispatchEvent(new NimbusEvent(NimbusEvent.STATUS, {code: code, detail: detail, info: info})),
            message: (from, text, path, key, mid, sid) -> {
                dispatchEvent(new NimbusEvent(NimbusEvent.MESSAGE, {name: from, text: text, path: path, key: key, mid: mid, stored: sid != null}));
                // the listeners ran (dispatchEvent is synchronous): a stored message can leave the undelivered set
                if (sid != null) {
                    client.ack(sid);
                }
            },
            presence: (name, online, key) -> dispatchEvent(new NimbusEvent(NimbusEvent.PRESENCE, {name: name, online: online, key: key})),
            incomingCall: from -> dispatchEvent(new NimbusEvent(NimbusEvent.INCOMING_CALL, {name: from}))
        }, video);
    }

    /**
     * Connects: {server, app ("nimbus"), token | guest: true, registryPort (1936), rtmfpUrl,
     * rtmfpTimeoutMs, directTimeoutMs}. STATUS "connected" says others can reach this app now.
     */
    public function connect(options:Dynamic):Void {
        client.connect(options);
    }

    public function disconnect():Void {
        client.disconnect();
    }

    /** callback(ok:Boolean, result:Object): {name, key, online, peerIds} or {code, message}. */
    public function lookup(name:String, callback:Dynamic):Void {
        client.lookup(name, (ok, result) -> callback(ok, result));
    }

    public function sendTo(name:String, text:String):Void {
        client.send(name, text);
    }

    public function startCall(name:String):Void {
        client.startCall(name);
    }

    public function answer():Void {
        client.answer();
    }

    public function decline():Void {
        client.decline();
    }

    public function hangUp():Void {
        client.hangUp();
    }
}
