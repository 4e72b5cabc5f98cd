package org.nimbus.tc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.mina.core.buffer.IoBuffer;
import org.red5.io.amf.Input;
import org.red5.io.amf.Output;
import org.red5.io.object.Deserializer;
import org.red5.io.object.Serializer;

/**
 * A command message (RFC 7425 §5.1.2, RTMP's layout): {@code name, transaction ID, values...} in
 * AMF0, or in an AMF3 command (type 0x11) the same after one 0x00 byte, where values may switch
 * to AMF3 with marker 0x11. AMF goes through Red5's own codec (red5-io).
 *
 * <p>Clients differ on the command object (docs/interop.md): RTMP puts a null after the
 * transaction ID, librtmfp sends {@code connect} and {@code setPeerInfo} without it.
 * {@link #arguments()} therefore drops a leading null and keeps everything else.
 */
public final class TcCommand {
    private static final byte AVMPLUS = 0x11;

    private final int type;
    private final byte[] body;
    private final String name;
    private final double transactionId;
    private final List<Object> values;
    private final int[] offsets;

    private TcCommand(int type, byte[] body, String name, double transactionId, List<Object> values, int[] offsets) {
        this.type = type;
        this.body = body;
        this.name = name;
        this.transactionId = transactionId;
        this.values = values;
        this.offsets = offsets;
    }

    /** The command's name without decoding the rest; null when it is not a well-formed command. */
    public static String peekName(TcMessage m) {
        byte[] b = m.body();
        int start = m.type() == TcMessage.COMMAND_AMF3 ? 1 : 0;
        if (!m.isCommand() || b.length < start + 3 || b[start] != 0x02) {
            return null;
        }
        int len = ((b[start + 1] & 0xff) << 8) | (b[start + 2] & 0xff);
        if (b.length < start + 3 + len) {
            return null;
        }
        return new String(b, start + 3, len, StandardCharsets.UTF_8);
    }

    /** Decodes the whole command. */
    public static TcCommand decode(TcMessage m) {
        if (!m.isCommand()) {
            throw new TcFormatException("message type 0x" + Integer.toHexString(m.type()) + " is not a command");
        }
        byte[] body = m.body();
        int start = 0;
        if (m.type() == TcMessage.COMMAND_AMF3) {
            if (body.length == 0 || body[0] != 0) {
                throw new TcFormatException("AMF3 command without its leading 0x00");
            }
            start = 1;
        }
        AmfBounds.check(body, start); // Red5's codec trusts declared counts (AmfBounds)
        IoBuffer in = IoBuffer.wrap(body);
        in.position(start);
        Input input = new Input(in);
        org.red5.io.amf3.Input amf3 = null;
        List<Object> values = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        try {
            while (in.hasRemaining()) {
                offsets.add(in.position());
                if (in.get(in.position()) == AVMPLUS) {
                    // AMF0 marker 0x11: the next value is AMF3 (AMF3 spec §4.1)
                    in.get();
                    if (amf3 == null) {
                        amf3 = new org.red5.io.amf3.Input(in);
                        amf3.enforceAMF3();
                    }
                    values.add(Deserializer.deserialize(amf3, Object.class));
                } else {
                    values.add(Deserializer.deserialize(input, Object.class));
                }
            }
        } catch (RuntimeException e) {
            throw new TcFormatException("AMF does not decode at byte " + in.position() + ": " + e, e);
        }
        if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Number tx)) {
            throw new TcFormatException("a command needs a name and a transaction ID");
        }
        return new TcCommand(m.type(), body, name, tx.doubleValue(), values,
                offsets.stream().mapToInt(Integer::intValue).toArray());
    }

    public int type() {
        return type;
    }

    public String name() {
        return name;
    }

    public double transactionId() {
        return transactionId;
    }

    /** Every value after the transaction ID, as sent (a null command object included). */
    public List<Object> values() {
        return Collections.unmodifiableList(values.subList(2, values.size()));
    }

    /** The call's arguments: the values after the transaction ID without a leading null command object. */
    public List<Object> arguments() {
        return Collections.unmodifiableList(values.subList(argumentsStart(), values.size()));
    }

    /** The encoded bytes of argument {@code index} and everything after it (empty past the end). */
    public byte[] rawArgumentsFrom(int index) {
        int i = argumentsStart() + index;
        return i >= values.size() ? new byte[0] : Arrays.copyOfRange(body, offsets[i], body.length);
    }

    private int argumentsStart() {
        return values.size() > 2 && values.get(2) == null ? 3 : 2;
    }

    // ---- encoding ----

    /** An AMF0 command: name, transaction ID, then each value (Maps become anonymous objects). */
    public static TcMessage encode(String name, double transactionId, Object... values) {
        IoBuffer out = IoBuffer.allocate(128).setAutoExpand(true);
        Output o = new Output(out);
        o.writeString(name);
        o.writeNumber(transactionId);
        for (Object v : values) {
            write(o, v);
        }
        return new TcMessage(TcMessage.COMMAND_AMF0, 0, bytes(out));
    }

    /**
     * A command of the given type whose first values are written here and whose remaining
     * values are bytes already encoded (relayed verbatim, so nothing is lost in re-encoding).
     */
    public static TcMessage encodeWithRaw(int type, String name, double transactionId, List<Object> values, byte[] raw) {
        IoBuffer out = IoBuffer.allocate(128 + raw.length).setAutoExpand(true);
        if (type == TcMessage.COMMAND_AMF3) {
            out.put((byte) 0);
        }
        Output o = new Output(out);
        o.writeString(name);
        o.writeNumber(transactionId);
        for (Object v : values) {
            write(o, v);
        }
        out.put(raw);
        return new TcMessage(type, 0, bytes(out));
    }

    @SuppressWarnings("unchecked")
    private static void write(Output o, Object v) {
        if (v instanceof Map<?, ?> m) {
            o.writeObject((Map<Object, Object>) m);
        } else {
            Serializer.serialize(o, v);
        }
    }

    private static byte[] bytes(IoBuffer out) {
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    @Override
    public String toString() {
        return "TcCommand[" + name + " " + transactionId + " " + values.subList(2, values.size()) + "]";
    }
}
