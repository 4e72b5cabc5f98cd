package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;

/**
 * One byte-stream client (TCP, or WebSocket binary messages): bytes in any split → frames →
 * protocol → reply frames. Optionally answers Flash's policy request when the stream starts with
 * '<' (no valid frame can: its length would be at least 1 GB). Errors become error frames or a
 * close; nothing thrown here reaches the transport's I/O thread. Calls for one connection must
 * come from one thread at a time, as MINA and JSR 356 (§5.1, for message handlers) guarantee.
 */
public final class StreamSession implements RegistryConnection {
    /** The transport's side: queue bytes to write; close once they are written. */
    public interface Output {
        void write(byte[] bytes);

        void close();

        /** The transport's name in the registry's figures. */
        default String transport() {
            return "stream";
        }
    }

    private final RegistryProtocol protocol;
    private final RegistryService service;
    private final Output out;
    private final FrameDecoder decoder;
    private final byte[] policyAnswer;
    private PolicyFile policy;
    private boolean firstByte = true;
    private RegistrySession session;
    private boolean closed;

    /** policyAnswer: the policy document to answer {@code <policy-file-request/>} with, or null (WebSocket). */
    public StreamSession(RegistryProtocol protocol, Output out, byte[] policyAnswer) {
        this.protocol = protocol;
        this.service = protocol.service();
        this.out = out;
        this.decoder = new FrameDecoder(service.limits().maxFrameBytes());
        this.policyAnswer = policyAnswer;
    }

    @Override
    public String transport() {
        return out.transport();
    }

    /** Registers the connection; beyond the per-address limit it gets an error frame and is closed. */
    public boolean open(String address) {
        try {
            session = service.open(this, address, true);
            return true;
        } catch (RegistryException e) {
            send(service.error(e.code(), e.getMessage(), null));
            closeNow();
            return false;
        }
    }

    public void onBytes(ByteBuffer in) {
        if (closed || session == null) {
            return;
        }
        if (firstByte && in.hasRemaining()) {
            firstByte = false;
            if (policyAnswer != null && in.get(in.position()) == '<') {
                policy = PolicyFile.matcher();
            }
        }
        if (policy != null) {
            onPolicyBytes(in);
            return;
        }
        try {
            decoder.feed(in, this::onFrame);
        } catch (FrameDecoder.FrameTooLargeException e) {
            service.drop(session, service.error(ErrorCodes.FRAME_TOO_LARGE, "frame of " + e.length
                    + " bytes; the limit is " + service.limits().maxFrameBytes(), null));
            return;
        }
        if (decoder.midFrame() && session.partialSinceMillis() < 0) {
            session.partial(service.now());
        }
    }

    private void onPolicyBytes(ByteBuffer in) {
        PolicyFile.Match m = policy.feed(in);
        if (m == PolicyFile.Match.MATCHED) {
            out.write(policyAnswer);
        }
        if (m != PolicyFile.Match.MORE) {
            service.close(session);
            closeNow();
        } else if (session.partialSinceMillis() < 0) {
            session.partial(service.now());
        }
    }

    private void onFrame(byte[] body) {
        session.partial(-1);
        if (closed) {
            return;
        }
        JsonObject request = Frames.parse(body);
        if (request == null) {
            service.touch(session);
            send(service.error(ErrorCodes.BAD_JSON, "a frame must hold one JSON object", null));
            return;
        }
        send(protocol.handle(session, request));
    }

    /** A WebSocket text message: not part of the protocol, answered with an error and ignored. */
    public void onTextMessage() {
        if (!closed && session != null) {
            service.touch(session);
            send(service.error(ErrorCodes.TEXT_FRAME, "send binary messages holding length-prefixed frames", null));
        }
    }

    /** The transport saw the connection end. */
    public void onClosed() {
        closed = true;
        if (session != null) {
            service.close(session);
        }
    }

    public RegistrySession session() {
        return session;
    }

    @Override
    public void send(JsonObject message) {
        out.write(Frames.encode(message));
    }

    @Override
    public void close() {
        closeNow();
    }

    private void closeNow() {
        closed = true;
        out.close();
    }
}
