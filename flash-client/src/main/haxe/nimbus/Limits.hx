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
     * A character (a code point, as the registry counts) is at most 4 UTF-8 bytes, and base64
     * writes 4 characters per 3 bytes.
     */
    public static function base64MayFit(b64Length:Int, maxChars:Int):Bool {
        return b64Length <= Math.ceil(maxChars * 4 / 3) * 4;
    }

    /** Characters as the registry counts them: Unicode code points (an emoji is one, not two UTF-16 units). */
    public static function codePoints(text:String):Int {
        var n = 0;
        for (_ in new haxe.iterators.StringIteratorUnicode(text)) {
            n++;
        }
        return n;
    }

    /** Whether a message text is within the registry's limit, counted as the registry counts it. */
    public static function textFits(text:String):Bool {
        return text != null && codePoints(text) <= MAX_TEXT_CHARS;
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
