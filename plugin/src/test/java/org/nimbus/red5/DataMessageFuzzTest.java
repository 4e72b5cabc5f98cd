package org.nimbus.red5;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.fuzz.Fuzz;
import org.nimbus.fuzz.Guard;
import org.nimbus.fuzz.Mutations;
import org.nimbus.tc.TcMessage;
import org.red5.server.net.rtmp.RTMPMinaConnection;
import org.red5.server.net.rtmp.message.Header;

/**
 * TC messages other than commands into Red5's own decoder (RtmfpConnection.decodeOther): data
 * messages (onMetaData, @setDataFrame), shared-object messages, audio, video, user control,
 * aggregates. The decoder answers an event or null, and throws nothing.
 */
class DataMessageFuzzTest {
    private static final HexFormat HEX = HexFormat.of();
    private final RTMPMinaConnection conn = new RTMPMinaConnection();

    static List<byte[]> messages() {
        List<byte[]> out = new ArrayList<>();
        // @setDataFrame, onMetaData, ECMA array {duration: 0, width: 640}
        out.add(HEX.parseHex("1200000000" + "02000d40736574446174614672616d65" + "02000a6f6e4d65746144617461"
                + "0800000002" + "00086475726174696f6e" + "000000000000000000" + "0005776964746800" + "4084000000000000" + "000009"));
        // the same as an AMF3 data message: a 0x00, then AMF0 with an AMF3 object behind 0x11
        out.add(HEX.parseHex("0f00000000" + "00" + "02000a6f6e4d65746144617461" + "110a0b0103610401" + "01"));
        // a shared-object message: name "so", version, persistent, reserved, one "use" event
        out.add(HEX.parseHex("1300000000" + "0002736f" + "00000000" + "00000000" + "00000000" + "01" + "00000000"));
        out.add(HEX.parseHex("1000000000" + "0002736f" + "00000001" + "00000002" + "00000000" + "03" + "00000004" + "00016100"));
        out.add(HEX.parseHex("0900000001" + "1700000000" + "0142c01e"));
        out.add(HEX.parseHex("0800000001" + "af01" + "2110"));
        out.add(HEX.parseHex("1600000000" + "09000004" + "000000" + "00" + "000000" + "17000000" + "0000000f"));
        return out;
    }

    @Test
    void otherMessagesDecodeOrAreDropped() {
        Fuzz.bytes("red5 data messages", Mutations.vectorsAnd(messages(), "messageHex", "message_hex"),
                (m, r) -> Guard.check(m, () -> {
                    TcMessage message = TcMessage.decode(m);
                    if (message != null && !message.isCommand()) {
                        Header h = new Header();
                        h.setDataType((byte) message.type());
                        h.setSize(message.body().length);
                        RtmfpConnection.decodeOther(conn, h, message);
                    }
                }));
    }
}
