package org.nimbus.rtmfp.flow;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.OptionList;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * User Data (0x10, RFC 7016 §2.3.11) and Next User Data (0x11, §2.3.12) chunks, decoded into
 * one shape. A Next User Data chunk has no flow ID, sequence number or fsnOffset on the wire:
 * they are the previous User Data chunk's in the same packet, with sequence number and
 * fsnOffset each one higher (so the forward sequence number stays the same).
 *
 * @param options {@code null} when the option flag is clear; otherwise the list (possibly empty)
 *                that was terminated by a marker on the wire
 */
public record UserDataChunk(Fragment fragment, boolean abandon, boolean fin, long flowId,
                            long sequenceNumber, long fsnOffset, List<Option> options, byte[] data) {

    static final int FLAG_OPTIONS = 0x80;
    static final int FLAG_ABANDON = 0x02;
    static final int FLAG_FINAL = 0x01;

    /** RFC 7016 §2.3.11.1.1 User's Per-Flow Metadata option. */
    public static final long OPTION_METADATA = 0x00;
    /** RFC 7016 §2.3.11.1.2 Return Flow Association option. */
    public static final long OPTION_RETURN_ASSOCIATION = 0x0a;
    /** §2.3.11.1: unknown option types below this are mandatory and make a new flow unacceptable. */
    public static final long MANDATORY_OPTION_CUTOFF = 0x2000;

    public UserDataChunk {
        Objects.requireNonNull(fragment);
        if (flowId < 0 || sequenceNumber < 1 || fsnOffset < 0 || fsnOffset > sequenceNumber) {
            throw new IllegalArgumentException("bad flow/sequence fields " + flowId + "/" + sequenceNumber
                    + "/" + fsnOffset);
        }
        options = options == null ? null : List.copyOf(options);
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    int dataLength() {
        return data.length;
    }

    byte[] dataUnsafe() {
        return data;
    }

    public boolean hasOptions() {
        return options != null;
    }

    /** RFC 7016 §2.3.11: forwardSequenceNumber = sequenceNumber - fsnOffset. */
    public long forwardSequenceNumber() {
        return sequenceNumber - fsnOffset;
    }

    public int flags() {
        return (options != null ? FLAG_OPTIONS : 0) | fragment.bits() | (abandon ? FLAG_ABANDON : 0)
                | (fin ? FLAG_FINAL : 0);
    }

    /** The user metadata option's value, if the chunk carries one. */
    public Optional<byte[]> metadata() {
        return options == null ? Optional.empty()
                : OptionList.first(options, OPTION_METADATA).map(Option::value);
    }

    /** The flow ID named by a return flow association option (validated when decoded). */
    public OptionalLong returnAssociation() {
        if (options == null) {
            return OptionalLong.empty();
        }
        Optional<Option> o = OptionList.first(options, OPTION_RETURN_ASSOCIATION);
        if (o.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Vlu.read(ByteBuffer.wrap(o.get().value())));
        } catch (MalformedException e) {
            throw new IllegalStateException("return association not a VLU", e);
        }
    }

    /** Decodes a User Data (0x10) payload. */
    public static UserDataChunk decode(byte[] payload) throws MalformedException {
        return decode(ByteBuffer.wrap(payload));
    }

    /** Decodes a User Data (0x10) payload from the buffer's position to its limit. */
    public static UserDataChunk decode(ByteBuffer in) throws MalformedException {
        if (!in.hasRemaining()) {
            throw new MalformedException("empty user data chunk");
        }
        int flags = in.get() & 0xff;
        long flowId = Vlu.read(in);
        long sequence = Vlu.read(in);
        long offset = Vlu.read(in);
        if (sequence == 0) {
            throw new MalformedException("sequence number 0");
        }
        if (offset > sequence) {
            throw new MalformedException("fsnOffset " + offset + " exceeds sequence number " + sequence);
        }
        return finish(in, flags, flowId, sequence, offset);
    }

    /**
     * Decodes a Next User Data (0x11) payload; {@code previous} is the User Data or Next User
     * Data chunk just before it in the same packet (§2.3.12). Without one the chunk is malformed.
     */
    public static UserDataChunk decodeNext(byte[] payload, UserDataChunk previous) throws MalformedException {
        return decodeNext(ByteBuffer.wrap(payload), previous);
    }

    /** {@link #decodeNext(byte[], UserDataChunk)} from the buffer's position to its limit. */
    public static UserDataChunk decodeNext(ByteBuffer in, UserDataChunk previous) throws MalformedException {
        if (previous == null) {
            throw new MalformedException("next user data without a preceding user data chunk");
        }
        if (previous.sequenceNumber == Long.MAX_VALUE) {
            throw new MalformedException("sequence number overflow");
        }
        if (!in.hasRemaining()) {
            throw new MalformedException("empty next user data chunk");
        }
        int flags = in.get() & 0xff;
        return finish(in, flags, previous.flowId, previous.sequenceNumber + 1, previous.fsnOffset + 1);
    }

    /** Decodes either chunk type; {@code previous} is only used for 0x11. */
    public static UserDataChunk decode(int type, byte[] payload, UserDataChunk previous) throws MalformedException {
        return decode(type, ByteBuffer.wrap(payload), previous);
    }

    /** Decodes either chunk type from the buffer's position to its limit; {@code previous} is only used for 0x11. */
    public static UserDataChunk decode(int type, ByteBuffer payload, UserDataChunk previous) throws MalformedException {
        return switch (type) {
            case Chunk.USER_DATA -> decode(payload);
            case Chunk.NEXT_USER_DATA -> decodeNext(payload, previous);
            default -> throw new IllegalArgumentException("not a user data chunk type: " + type);
        };
    }

    private static UserDataChunk finish(ByteBuffer in, int flags, long flowId, long sequence, long offset)
            throws MalformedException {
        List<Option> options = null;
        if ((flags & FLAG_OPTIONS) != 0) {
            options = OptionList.readTerminated(in); // §2.3.11: user data follows, so a marker must end them
            Optional<Option> assoc = OptionList.first(options, OPTION_RETURN_ASSOCIATION);
            if (assoc.isPresent()) {
                Vlu.read(ByteBuffer.wrap(assoc.get().value())); // must hold a flow ID
            }
        }
        byte[] data = new byte[in.remaining()];
        in.get(data);
        return new UserDataChunk(Fragment.fromFlags(flags), (flags & FLAG_ABANDON) != 0,
                (flags & FLAG_FINAL) != 0, flowId, sequence, offset, options, data);
    }

    private int optionsSize() {
        if (options == null) {
            return 0;
        }
        int size = 1; // marker
        for (Option o : options) {
            size += o.encodedSize();
        }
        return size;
    }

    /** Payload size as User Data (0x10). */
    public int encodedSize() {
        return 1 + Vlu.size(flowId) + Vlu.size(sequenceNumber) + Vlu.size(fsnOffset) + optionsSize() + data.length;
    }

    /** Payload size as Next User Data (0x11). */
    public int encodedNextSize() {
        return 1 + optionsSize() + data.length;
    }

    /** Encodes as a User Data (0x10) payload. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedSize());
        out.put((byte) flags());
        Vlu.write(out, flowId);
        Vlu.write(out, sequenceNumber);
        Vlu.write(out, fsnOffset);
        writeTail(out);
        return out.array();
    }

    /**
     * Encodes as a Next User Data (0x11) payload; valid only right after {@code previous} in a
     * packet, which {@link #follows} checks.
     */
    public byte[] encodeNext() {
        ByteBuffer out = ByteBuffer.allocate(encodedNextSize());
        out.put((byte) flags());
        writeTail(out);
        return out.array();
    }

    /** True when this chunk may be sent as Next User Data directly after {@code previous}. */
    public boolean follows(UserDataChunk previous) {
        return previous != null && previous.flowId == flowId && previous.sequenceNumber + 1 == sequenceNumber
                && previous.fsnOffset + 1 == fsnOffset;
    }

    private void writeTail(ByteBuffer out) {
        if (options != null) {
            for (Option o : options) {
                OptionList.write(out, o);
            }
            out.put((byte) 0);
        }
        out.put(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserDataChunk c && c.fragment == fragment && c.abandon == abandon && c.fin == fin
                && c.flowId == flowId && c.sequenceNumber == sequenceNumber && c.fsnOffset == fsnOffset
                && Objects.equals(c.options, options) && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fragment, abandon, fin, flowId, sequenceNumber, fsnOffset, options)
                * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "UserData[flow " + flowId + " seq " + sequenceNumber + " fsn " + forwardSequenceNumber() + " "
                + fragment + (abandon ? " ABN" : "") + (fin ? " FIN" : "") + (options != null ? " opts " + options : "")
                + " " + data.length + "B]";
    }
}
