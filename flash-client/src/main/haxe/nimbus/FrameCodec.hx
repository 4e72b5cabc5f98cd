package nimbus;

import haxe.io.Bytes;

/**
 * The registry's framing (docs/registry-protocol.md): a 4-byte big-endian length, then that
 * many bytes of UTF-8 JSON. The same stream arrives over TCP and, under Ruffle, as WebSocket
 * messages that may hold several frames or part of one, so the decoder keeps partial input.
 * Pure Haxe: unit-tested on the interpreter, used as is in the SWF.
 */
class FrameCodec {
    final maxFrameBytes:Int;
    var buf:Bytes;
    var len = 0;

    public function new(maxFrameBytes:Int) {
        this.maxFrameBytes = maxFrameBytes;
        buf = Bytes.alloc(1024);
    }

    /** One frame holding the UTF-8 of json. */
    public static function encode(json:String):Bytes {
        var body = Bytes.ofString(json);
        var out = Bytes.alloc(4 + body.length);
        out.set(0, body.length >>> 24);
        out.set(1, (body.length >> 16) & 0xff);
        out.set(2, (body.length >> 8) & 0xff);
        out.set(3, body.length & 0xff);
        out.blit(4, body, 0, body.length);
        return out;
    }

    /**
     * Adds received bytes; returns the JSON text of every frame completed by them, in order.
     * Throws FrameTooLarge when a length prefix exceeds the limit: the stream cannot be
     * resynchronised after that, so the caller drops the connection.
     */
    public function push(chunk:Bytes, pos = 0, ?length:Int):Array<String> {
        var n = length == null ? chunk.length - pos : length;
        if (len + n > buf.length) {
            var grown = Bytes.alloc(Std.int(Math.max(buf.length * 2, len + n)));
            grown.blit(0, buf, 0, len);
            buf = grown;
        }
        buf.blit(len, chunk, pos, n);
        len += n;
        var frames = [];
        var start = 0;
        while (len - start >= 4) {
            var size = (buf.get(start) << 24) | (buf.get(start + 1) << 16) | (buf.get(start + 2) << 8) | buf.get(start + 3);
            if (size < 0 || size > maxFrameBytes) {
                throw new FrameTooLarge(size, maxFrameBytes);
            }
            if (len - start - 4 < size) {
                break;
            }
            frames.push(buf.getString(start + 4, size));
            start += 4 + size;
        }
        if (start > 0) {
            // copied out first: an overlapping blit is not safe on every target
            var rest = buf.sub(start, len - start);
            buf.blit(0, rest, 0, rest.length);
            len -= start;
        }
        return frames;
    }

    /** Bytes of an unfinished frame still held. */
    public function pending():Int {
        return len;
    }
}

class FrameTooLarge {
    public final size:Int;
    public final max:Int;

    public function new(size:Int, max:Int) {
        this.size = size;
        this.max = max;
    }

    public function toString():String {
        return 'frame of ${size >>> 0} bytes exceeds the limit of $max';
    }
}
