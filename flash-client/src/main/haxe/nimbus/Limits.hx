package nimbus;

/** Checks done before anything goes on the wire, so bad input fails at once and clearly. */
class Limits {
    /** registry.max_text_chars default; a server configured lower answers `too-long` itself. */
    public static inline var MAX_TEXT_CHARS = 4096;

    /** registry.max_frame_bytes default: frames the server would cut the connection over. */
    public static inline var MAX_FRAME_BYTES = 65536;

    /**
     * Whether a base64 text (UTF-8 inside) can hold at most maxChars characters, judged from
     * its length alone: decoding a megabyte of base64 in an interpreted AVM2 costs seconds.
     * A character is at most 3 UTF-8 bytes (4 for a surrogate pair, which counts 2).
     */
    public static function base64MayFit(b64Length:Int, maxChars:Int):Bool {
        return b64Length <= maxChars * 4;
    }

    /**
     * A cheap shape check (non-empty, at most 32 characters of up to 2 UTF-16 units, no
     * space or control character); the registry applies the full rule and answers the rest.
     */
    public static function validName(name:String):Bool {
        if (name == null || name.length == 0 || name.length > 64) {
            return false;
        }
        for (i in 0...name.length) {
            var c = name.charCodeAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
