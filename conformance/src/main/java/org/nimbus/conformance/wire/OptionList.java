package org.nimbus.conformance.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 7016 §2.1.3 option list. Certificates, keying components and endpoint discriminators
 * are lists that run to the end of their field; user data options end at a marker.
 */
public record OptionList(List<Option> options, boolean endedByMarker) {

    public OptionList {
        options = Collections.unmodifiableList(new ArrayList<>(options));
    }

    public static OptionList of(Option... options) {
        return new OptionList(List.of(options), false);
    }

    /** Reads options until the reader is empty or a marker is consumed. */
    public static OptionList read(ByteReader r) {
        List<Option> out = new ArrayList<>();
        while (r.hasRemaining()) {
            int length = r.vluLength();
            if (length == 0) {
                return new OptionList(out, true);
            }
            ByteReader opt = new ByteReader(r.bytes(length));
            long type = opt.vlu();
            out.add(new Option(type, opt.rest()));
        }
        return new OptionList(out, false);
    }

    public static OptionList parse(byte[] bytes) {
        return read(new ByteReader(bytes));
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter();
        for (Option o : options) {
            w.bytes(o.encode());
        }
        if (endedByMarker) {
            w.u8(0);
        }
        return w.toByteArray();
    }

    public Optional<Option> first(long type) {
        return options.stream().filter(o -> o.type() == type).findFirst();
    }

    public List<Option> all(long type) {
        return options.stream().filter(o -> o.type() == type).toList();
    }
}
