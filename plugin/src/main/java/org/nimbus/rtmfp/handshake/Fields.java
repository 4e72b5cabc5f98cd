package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vlu;

/** Reading helpers shared by the handshake chunk codecs: VLU-length-prefixed fields and the rest. */
final class Fields {
    private Fields() {
    }

    static byte[] lengthPrefixed(ByteBuffer in, String what) throws MalformedException {
        int length = Vlu.readInt(in);
        if (length > in.remaining()) {
            throw new MalformedException(what + " length " + length + " exceeds " + in.remaining());
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    static byte[] rest(ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return b;
    }

    static int int32(ByteBuffer in, String what) throws MalformedException {
        if (in.remaining() < 4) {
            throw new MalformedException("truncated " + what);
        }
        return in.getInt();
    }

    static void putLengthPrefixed(ByteBuffer out, byte[] field) {
        Vlu.write(out, field.length);
        out.put(field);
    }

    static int lengthPrefixedSize(byte[] field) {
        return Vlu.size(field.length) + field.length;
    }
}
