package nimbus;

import flash.events.Event;

/**
 * What a {@link NimbusClient} dispatches to an AIR or Flex app: the page API's callbacks as
 * events. {@code STATUS}: code, detail, info (the same codes as the page's onStatus);
 * {@code MESSAGE}: name (the sender), text, path ("p2p" or "relay"), key; {@code PRESENCE}: name,
 * online, key; {@code INCOMING_CALL}: name, to be answered with answer() or decline().
 */
@:keep
class NimbusEvent extends Event {
    public static inline var STATUS = "nimbusStatus";
    public static inline var MESSAGE = "nimbusMessage";
    public static inline var PRESENCE = "nimbusPresence";
    public static inline var INCOMING_CALL = "nimbusIncomingCall";

    public var code(default, null):String;
    public var detail(default, null):String;
    public var info(default, null):Dynamic;
    public var name(default, null):String;
    public var text(default, null):String;
    public var path(default, null):String;
    public var key(default, null):String;
    public var online(default, null):Bool;

    public function new(type:String, ?fields:Dynamic) {
        super(type);
        if (fields != null) {
            code = fields.code;
            detail = fields.detail;
            info = fields.info;
            name = fields.name;
            text = fields.text;
            path = fields.path;
            key = fields.key;
            online = fields.online == true;
        }
    }

    override public function clone():Event {
        return new NimbusEvent(type, {code: code, detail: detail, info: info, name: name, text: text, path: path,
            key: key, online: online});
    }
}
