package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;
import org.red5.server.net.rtmp.event.Invoke;

/**
 * The command encodings RTMFP clients send (docs/interop.md), as bytes written out by hand from
 * the AMF0 and AMF3 specifications: string 02 len16 utf8, number 00 f64, null 05, AVM+ switch
 * 11, AMF3 string 06 U29(len << 1 | 1) utf8; an AMF3 command (0x11) starts with one 00 byte.
 */
class CommandDecoderTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String PUBLISH = "0200077075626c697368";
    private static final String PLAY = "020004706c6179";
    private static final String TX0 = "000000000000000000";
    private static final String VEC_AMF0 = "020003766563";
    private static final String VEC_AMF3 = "110607766563";

    private static Invoke decode(int type, String body) {
        return CommandDecoder.decode(new TcMessage(type, 0, HEX.parseHex(body)));
    }

    @Test
    void amf3NameBehindTheSwitchInAnAmf0Command() {
        Invoke i = decode(TcMessage.COMMAND_AMF0, PUBLISH + TX0 + "05" + VEC_AMF3);
        assertEquals("publish", i.getCall().getServiceMethodName());
        assertArrayEquals(new Object[] {"vec"}, i.getCall().getArguments());
        assertEquals(0, i.getTransactionId());
    }

    @Test
    void amf3CommandWithoutTheNullCommandObject() {
        Invoke i = decode(TcMessage.COMMAND_AMF3, "00" + PUBLISH + TX0 + VEC_AMF3 + "020004" + HEX.formatHex("live".getBytes()));
        assertArrayEquals(new Object[] {"vec", "live"}, i.getCall().getArguments());
    }

    @Test
    void amf0CommandWithAndWithoutTheNullAndAnyTransactionId() {
        Invoke bare = decode(TcMessage.COMMAND_AMF0, PLAY + TX0 + VEC_AMF0);
        assertArrayEquals(new Object[] {"vec"}, bare.getCall().getArguments());
        // Flash: transaction 3, null, name, start -2000 ms, length -1000 ms
        Invoke flash = decode(TcMessage.COMMAND_AMF0, PLAY + "004008000000000000" + "05" + VEC_AMF0
                + "00c09f400000000000" + "00c08f400000000000");
        assertEquals(3, flash.getTransactionId());
        assertArrayEquals(new Object[] {"vec", -2000.0, -1000.0}, flash.getCall().getArguments());
        assertNull(flash.getConnectionParams());
    }

    @Test
    void serviceAndMethodSplitAtTheLastDotAsRed5Does() {
        String name = "my.service.call";
        Invoke i = decode(TcMessage.COMMAND_AMF0, "02000f" + HEX.formatHex(name.getBytes()) + TX0 + "05");
        assertEquals("my.service", i.getCall().getServiceName());
        assertEquals("call", i.getCall().getServiceMethodName());
        Invoke sample = decode(TcMessage.COMMAND_AMF0, "020011" + HEX.formatHex("|RtmpSampleAccess".getBytes()) + TX0);
        assertEquals("RtmpSampleAccess", sample.getCall().getServiceMethodName());
    }

    @Test
    void whatDoesNotDecodeSaysWhy() {
        // a string whose length runs past the message
        TcFormatException e = assertThrows(TcFormatException.class, () -> decode(TcMessage.COMMAND_AMF0, PUBLISH + TX0 + "05" + "02ffff41"));
        assertEquals(true, e.getMessage().contains("does not decode"), e.getMessage());
        assertThrows(TcFormatException.class, () -> decode(TcMessage.COMMAND_AMF0, "05"));
        assertThrows(TcFormatException.class, () -> decode(TcMessage.COMMAND_AMF3, "01" + PUBLISH + TX0));
    }

    @Test
    void streamNamesMustBeNonEmptyStringsOrFalse() {
        assertNull(StreamNames.problem("publish", new Object[] {"vec", "live"}));
        assertNull(StreamNames.problem("publish", new Object[] {false}));
        assertNull(StreamNames.problem("receiveAudio", new Object[] {}));
        assertEquals("publish needs a stream name (a non-empty string), got none", StreamNames.problem("publish", new Object[] {}));
        assertEquals("play needs a stream name (a non-empty string), got a Double", StreamNames.problem("play", new Object[] {42.0}));
        assertEquals("play needs a stream name (a non-empty string), got an empty string", StreamNames.problem("play", new Object[] {""}));
    }
}
