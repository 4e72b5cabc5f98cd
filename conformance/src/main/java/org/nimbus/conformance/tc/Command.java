package org.nimbus.conformance.tc;

import java.util.ArrayList;
import java.util.List;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * An RPC command in a TC message (RFC 7425 §5.1; RTMP command layout): name, transaction id,
 * then every further value as it came (a null command object, if sent, is {@code args[0]}).
 */
public record Command(String name, double transactionId, List<Object> args) {

    public static Command fromMessage(TcMessage m) {
        byte[] body = m.body();
        if (m.type() == TcMessage.COMMAND_AMF3) {
            // AMF3 command: one format byte 0x00, then AMF0 values (which may switch to AMF3).
            if (body.length == 0 || body[0] != 0) {
                throw new WireFormatException("AMF3 command without its leading 0x00");
            }
            body = java.util.Arrays.copyOfRange(body, 1, body.length);
        } else if (m.type() != TcMessage.COMMAND_AMF0) {
            throw new WireFormatException("message type 0x" + Integer.toHexString(m.type()) + " is not a command");
        }
        List<Object> values = Amf0.decodeAll(body);
        if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Double tx)) {
            throw new WireFormatException("command lacks a name and transaction id");
        }
        return new Command(name, tx, new ArrayList<>(values.subList(2, values.size())));
    }

    public TcMessage toMessage(int type) {
        List<Object> values = new ArrayList<>();
        values.add(name);
        values.add(transactionId);
        values.addAll(args);
        byte[] amf = Amf0.encodeAll(values);
        byte[] body = type == TcMessage.COMMAND_AMF3 ? new ByteWriter().u8(0).bytes(amf).toByteArray() : amf;
        return new TcMessage(type, 0, body);
    }

    /** The first object argument: the info object of _result/_error/onStatus. */
    public AmfObject infoObject() {
        for (Object a : args) {
            if (a instanceof AmfObject o) {
                return o;
            }
        }
        return null;
    }

    public boolean isResult() {
        return "_result".equals(name);
    }

    public boolean isError() {
        return "_error".equals(name);
    }

    /** Reads a command straight from a TC message's bytes. */
    public static Command parse(byte[] tcMessage) {
        return fromMessage(TcMessage.decode(tcMessage));
    }
}
