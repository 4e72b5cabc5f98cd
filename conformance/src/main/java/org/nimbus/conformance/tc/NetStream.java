package org.nimbus.conformance.tc;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * A NetStream over RTMFP (RFC 7425 §5.3): {@code createStream} on the NetConnection gives the
 * stream ID; the stream's own flow (metadata {@code TC 04 <id>}) carries its commands
 * ({@code publish}, {@code play}) and, when publishing, its audio, video and data messages. What
 * the server sends for the stream comes on server flows whose metadata names the same ID.
 */
public final class NetStream {
    private final NetConnection nc;
    private final Session session;
    private final long streamId;
    private final SendFlow flow;

    private NetStream(NetConnection nc, long streamId) {
        this.nc = nc;
        this.session = nc.session();
        this.streamId = streamId;
        this.flow = session.openFlow(TcMetadata.forStream(streamId), nc.flow().flowId());
    }

    /** {@code new NetStream(nc)}: createStream, then the stream's flow. */
    public static NetStream create(NetConnection nc, Duration timeout) throws IOException, RtmfpException {
        Command reply = nc.call("createStream", TcMessage.COMMAND_AMF0, timeout);
        if (!reply.isResult()) {
            throw new RtmfpException("createStream failed: " + reply);
        }
        Object id = reply.args().get(reply.args().size() - 1);
        if (!(id instanceof Double d)) {
            throw new RtmfpException("createStream returned no stream ID: " + reply);
        }
        return new NetStream(nc, d.longValue());
    }

    public long streamId() {
        return streamId;
    }

    public SendFlow flow() {
        return flow;
    }

    /** Sends a stream command (transaction 0, null command object, then the arguments). */
    public void command(String name, Object... args) throws IOException {
        List<Object> values = new ArrayList<>();
        values.add(null);
        values.addAll(Arrays.asList(args));
        session.send(flow, new Command(name, 0, values).toMessage(TcMessage.COMMAND_AMF0).encode());
    }

    public void publish(String name, String type) throws IOException {
        command("publish", name, type);
    }

    /**
     * {@code play(name)}: start -2 (live, else recorded) and length -1 (all), which Flash sends in
     * milliseconds on the wire (-2000, -1000).
     */
    public void play(String name) throws IOException {
        command("play", name, -2000.0, -1000.0);
    }

    /** Sends an audio, video or data message with its timestamp. */
    public void send(int type, long timestamp, byte[] body) throws IOException {
        session.send(flow, new TcMessage(type, timestamp, body).encode());
    }

    /** Whether a received message belongs to this stream. */
    public boolean isForMe(ReceivedMessage m) {
        return TcMetadata.isTc(m.metadata()) && TcMetadata.streamId(m.metadata()) == streamId;
    }

    /** Waits for {@code onStatus} on this stream whose code matches; returns its info object. */
    public AmfObject awaitStatus(Predicate<String> code, Duration timeout) throws IOException, RtmfpException {
        ReceivedMessage m = session.receive(x -> {
            if (!isForMe(x)) {
                return false;
            }
            try {
                TcMessage tm = TcMessage.decode(x.data());
                if (tm.type() != TcMessage.COMMAND_AMF0 && tm.type() != TcMessage.COMMAND_AMF3) {
                    return false;
                }
                Command c = Command.fromMessage(tm);
                AmfObject info = c.infoObject();
                return "onStatus".equals(c.name()) && info != null && code.test(info.string("code"));
            } catch (WireFormatException e) {
                return false;
            }
        }, timeout);
        return Command.parse(m.data()).infoObject();
    }

    /** The next message of this stream of one of the given types (audio, video, data). */
    public TcMessage awaitMessage(Duration timeout, int... types) throws IOException, RtmfpException {
        ReceivedMessage m = session.receive(x -> {
            if (!isForMe(x)) {
                return false;
            }
            try {
                int t = TcMessage.decode(x.data()).type();
                return Arrays.stream(types).anyMatch(y -> y == t);
            } catch (WireFormatException e) {
                return false;
            }
        }, timeout);
        return TcMessage.decode(m.data());
    }

    /** {@code NetStream.close()} for a stream that publishes or plays: closeStream, then deleteStream. */
    public void close() throws IOException {
        command("closeStream");
        nc.send(new Command("deleteStream", 0, Arrays.asList(null, (double) streamId)));
        session.finish(flow);
    }
}
