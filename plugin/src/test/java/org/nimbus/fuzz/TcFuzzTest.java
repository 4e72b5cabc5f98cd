package org.nimbus.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nimbus.tc.TcCommand;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;
import org.nimbus.tc.TcMetadata;
import org.nimbus.tc.UserControl;

/**
 * TC messages (RFC 7425 §5.1.2) and their AMF through Red5's codec: the messages of the vectors
 * plus commands built here in AMF0 and AMF3 (objects, arrays, nested values), mutated; the flow
 * metadata that names a TC flow (§5.1.1). {@link TcFormatException} is the one refusal.
 */
public class TcFuzzTest {
    /** Valid commands in both encodings, with the values that declare counts and lengths. */
    public static List<byte[]> commands() {
        List<byte[]> out = new ArrayList<>();
        Map<String, Object> params = Map.of("app", "live", "flashVer", "WIN 32,0,0,465", "objectEncoding", 3.0,
                "nested", Map.of("a", List.of(1.0, "two", true)));
        out.add(TcCommand.encode("connect", 1, params).encode());
        out.add(TcCommand.encode("publish", 5, null, "stream", "live").encode());
        out.add(TcCommand.encode("setPeerInfo", 0, null, "192.0.2.1:1935", "[2001:db8::1]:1935").encode());
        out.add(TcCommand.encode("call", 2, null, List.of(1.0, 2.0, 3.0), new Date(0), "x".repeat(300)).encode());
        out.add(TcCommand.encodeWithRaw(TcMessage.COMMAND_AMF3, "play", 3, Arrays.asList((Object) null),
                new byte[] {0x11, 0x06, 0x07, 'v', 'e', 'c'}).encode());
        // AMF3 values behind the switch marker: array (dense 2), object (dynamic), vector<int>, byte array, XML
        out.add(TcCommand.encodeWithRaw(TcMessage.COMMAND_AMF0, "x", 4, List.of(), new byte[] {
            0x11, 0x09, 0x05, 0x01, 0x04, 0x01, 0x04, 0x02,
            0x11, 0x0a, 0x0b, 0x01, 0x03, 'a', 0x04, 0x05, 0x01,
            0x11, 0x0d, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
            0x11, 0x0c, 0x07, 1, 2, 3,
            0x11, 0x0b, 0x05, '<', 'a'}).encode());
        return out;
    }

    @Test
    void tcMessagesDecodeOrAreRefused() {
        Fuzz.bytes("tc messages", Mutations.vectorsAnd(commands(), "messageHex", "message_hex"), (m, r) -> {
            Guard.check(m, () -> decode(m), TcFormatException.class);
            // the same bodies under the other command type, so AMF0 and AMF3 both read every input
            if (m.length > 0) {
                byte[] other = m.clone();
                other[0] = (byte) (m[0] == TcMessage.COMMAND_AMF0 ? TcMessage.COMMAND_AMF3 : TcMessage.COMMAND_AMF0);
                Guard.check(other, () -> decode(other), TcFormatException.class);
            }
        });
    }

    static void decode(byte[] m) {
        TcMessage message = TcMessage.decode(m);
        if (message == null) {
            return;
        }
        UserControl.isFlowSync(message);
        if (message.isCommand()) {
            TcCommand.peekName(message);
            TcCommand c = TcCommand.decode(message);
            c.arguments();
            c.rawArgumentsFrom(0);
        }
    }

    @Test
    void flowMetadataParses() {
        Fuzz.bytes("tc flow metadata", Mutations.vectorsAnd(List.of(), "flowUserMetadataHex", "userMetadataHex"),
                (md, r) -> Guard.check(md, () -> {
                    TcMetadata.isTc(md);
                    TcMetadata.parse(md);
                }));
    }
}
