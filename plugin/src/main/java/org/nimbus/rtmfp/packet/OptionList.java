package org.nimbus.rtmfp.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RFC 7016 §2.1.3 option lists: each option is {@code length(VLU) type(VLU) value}, the length
 * covering type and value; a zero length is the marker that ends a list. Certificates, EPDs and
 * keying components are option lists, and clients order and repeat entries as they like, so
 * everything that reads them goes through here rather than fixed offsets.
 */
public final class OptionList {
    private OptionList() {
    }

    /**
     * Reads options until a marker (consumed) or the end of the buffer. The buffer's position
     * ends after the marker, or at its limit.
     */
    public static List<Option> read(ByteBuffer in) throws MalformedException {
        return read(in, false);
    }

    /**
     * Reads options up to and including the marker that must end them, for a list that other
     * fields follow (User Data options, RFC 7016 §2.3.11); no marker is malformed.
     */
    public static List<Option> readTerminated(ByteBuffer in) throws MalformedException {
        return read(in, true);
    }

    private static List<Option> read(ByteBuffer in, boolean markerRequired) throws MalformedException {
        List<Option> options = new ArrayList<>();
        while (true) {
            if (!in.hasRemaining()) {
                if (markerRequired) {
                    throw new MalformedException("option list without marker");
                }
                return options;
            }
            int length = Vlu.readInt(in);
            if (length == 0) {
                return options;
            }
            if (length > in.remaining()) {
                throw new MalformedException("option length " + length + " exceeds " + in.remaining());
            }
            ByteBuffer body = in.slice(in.position(), length);
            in.position(in.position() + length);
            long type = Vlu.read(body);
            byte[] value = new byte[body.remaining()];
            body.get(value);
            options.add(new Option(type, value));
        }
    }

    public static List<Option> read(byte[] bytes) throws MalformedException {
        return read(ByteBuffer.wrap(bytes));
    }

    public static void write(ByteBuffer out, Option option) {
        byte[] value = option.value();
        Vlu.write(out, Vlu.size(option.type()) + value.length);
        Vlu.write(out, option.type());
        out.put(value);
    }

    /** Encodes the options with no trailing marker. */
    public static byte[] encode(List<Option> options) {
        int size = 0;
        for (Option o : options) {
            size += o.encodedSize();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (Option o : options) {
            write(out, o);
        }
        return out.array();
    }

    public static Optional<Option> first(List<Option> options, long type) {
        for (Option o : options) {
            if (o.type() == type) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
