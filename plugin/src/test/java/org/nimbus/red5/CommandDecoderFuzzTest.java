package org.nimbus.red5;

import org.junit.jupiter.api.Test;
import org.nimbus.fuzz.Fuzz;
import org.nimbus.fuzz.Guard;
import org.nimbus.fuzz.Mutations;
import org.nimbus.fuzz.TcFuzzTest;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;

/**
 * TC commands as Red5 Invokes (CommandDecoder, RFC 7425 §5.1.2): the path every command from an
 * RTMFP client takes into Red5's application, seeded with the vectors' messages and commands
 * built in both AMF encodings; {@link TcFormatException} is the one refusal.
 */
class CommandDecoderFuzzTest {
    @Test
    void commandsBecomeInvokesOrAreRefused() {
        Fuzz.bytes("red5 commands", Mutations.vectorsAnd(TcFuzzTest.commands(), "messageHex", "message_hex"),
                (m, r) -> Guard.check(m, () -> {
                    TcMessage message = TcMessage.decode(m);
                    if (message != null && message.isCommand()) {
                        CommandDecoder.decode(message);
                    }
                }, TcFormatException.class));
    }
}
