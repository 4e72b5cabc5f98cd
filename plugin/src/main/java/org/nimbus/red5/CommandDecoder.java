package org.nimbus.red5;

import java.util.List;
import java.util.Map;
import org.nimbus.tc.TcCommand;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;
import org.red5.server.net.rtmp.event.Invoke;
import org.red5.server.service.PendingCall;

/**
 * A TC command message as the {@link Invoke} Red5's RTMP handler expects, decoded with the
 * tolerance RTMFP clients need (RFC 7425 §5.1.2; docs/interop.md). Red5's own decoder reads an
 * AMF0 command (0x14) as pure AMF0 and trips on librtmfp's {@code publish}, whose stream name is an
 * AMF3 string behind the AMF0 switch marker 0x11; {@link TcCommand} reads AMF0 values with that
 * switch anywhere, in 0x14 and 0x11 messages alike, with or without the null command object and
 * whatever the transaction ID. The values are then laid out exactly as Red5's decoder lays out an
 * RTMP command: a leading object is the connect parameters, a leading null is dropped, the rest
 * are the call's arguments; {@code service.method} names split at the last dot.
 */
final class CommandDecoder {
    private CommandDecoder() {
    }

    /** The command as an Invoke; {@link TcFormatException} says why when it does not decode. */
    @SuppressWarnings("unchecked")
    static Invoke decode(TcMessage m) {
        TcCommand c = TcCommand.decode(m);
        List<Object> values = c.values();
        Invoke invoke = new Invoke();
        invoke.setTransactionId((int) c.transactionId());
        int first = 0;
        if (!values.isEmpty() && values.get(0) instanceof Map<?, ?> params) {
            invoke.setConnectionParams((Map<String, Object>) params);
            first = 1;
        } else if (!values.isEmpty() && values.get(0) == null) {
            first = 1;
        }
        Object[] args = values.subList(first, values.size()).toArray();
        String action = c.name();
        int dot = action.lastIndexOf('.');
        String service = dot < 0 ? null : stripPrefix(action.substring(0, dot));
        String method = stripPrefix(dot < 0 ? action : action.substring(dot + 1));
        invoke.setCall(new PendingCall(service, method, args));
        return invoke;
    }

    /** Red5 drops a leading '@' or '|' of service and method names (Java names cannot hold them). */
    private static String stripPrefix(String name) {
        return name.startsWith("@") || name.startsWith("|") ? name.substring(1) : name;
    }
}
