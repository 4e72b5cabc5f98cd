package org.nimbus.red5;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.nimbus.fuzz.Guard;
import org.nimbus.fuzz.Mutations;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;

/**
 * TC commands as Red5 Invokes (CommandDecoder, RFC 7425 §5.1.2): the path every command from an
 * RTMFP client takes into Red5's application, seeded with the vectors' messages and commands
 * built in both AMF encodings; {@link TcFormatException} is the one refusal.
 */
class CommandDecoderFuzzTest {
    @Provide
    Arbitrary<byte[]> messages() {
        return Mutations.ofVectors(org.nimbus.fuzz.TcFuzzTest.commands(), "messageHex", "message_hex");
    }

    @Property
    void commandsBecomeInvokesOrAreRefused(@ForAll("messages") byte[] m) {
        Guard.check(m, () -> {
            TcMessage message = TcMessage.decode(m);
            if (message != null && message.isCommand()) {
                CommandDecoder.decode(message);
            }
        }, TcFormatException.class);
    }
}
