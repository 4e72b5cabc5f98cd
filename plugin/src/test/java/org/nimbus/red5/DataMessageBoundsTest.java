package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nimbus.fuzz.Guard;
import org.nimbus.tc.TcMessage;
import org.red5.server.net.rtmp.RTMPMinaConnection;
import org.red5.server.net.rtmp.message.Header;

/**
 * Regression test (RELIABILITY.md "Defects found"): a data message whose AMF declares more than
 * it holds is dropped before Red5's decoder sizes anything from it; a valid one still decodes.
 */
class DataMessageBoundsTest {
    private static final HexFormat HEX = HexFormat.of();
    private final RTMPMinaConnection conn = new RTMPMinaConnection();

    private Object decode(byte[] m) {
        TcMessage message = TcMessage.decode(m);
        Header h = new Header();
        h.setDataType((byte) message.type());
        h.setSize(message.body().length);
        return RtmfpConnection.decodeOther(conn, h, message);
    }

    /** The input DataMessageFuzzTest found: 22 bytes that made Red5 allocate 3 431 226 640 bytes. */
    @Test
    void theFuzzInputIsDroppedWithinTheBound() {
        byte[] m = HEX.parseHex("1205d7ff51defe741b0a3321148095ffd0f70ba318f7");
        Guard.check(m, () -> assertNull(decode(m)));
    }

    @Test
    void aStrictArrayCountBeyondTheBytesIsDroppedAndMetadataStillDecodes() {
        byte[] huge = HEX.parseHex("1200000000" + "02000a6f6e4d65746144617461" + "0a1fffffff05");
        Guard.check(huge, () -> assertNull(decode(huge)));
        byte[] amf3 = HEX.parseHex("0f00000000" + "00" + "02000a6f6e4d65746144617461" + "11090fffffff01");
        Guard.check(amf3, () -> assertNull(decode(amf3)));
        // name, a number (Red5 reads a data message as name and transaction ID), then an ECMA array
        assertNotNull(decode(HEX.parseHex("1200000000" + "02000a6f6e4d65746144617461" + "000000000000000000"
                + "0800000001" + "0005776964746800" + "4084000000000000" + "000009")));
    }
}
