package org.nimbus.conformance.tc;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * A NetStream over RTMFP (RFC 7425 §5.3): {@code createStream} on the NetConnection gives the
 * stream ID; flows with metadata {@code TC 04 <id>}, each a return flow of the server's
 * NetConnection flow (§5.1.1), carry its commands and media; what the server sends for the stream
 * comes on server flows whose metadata names the same ID.
 *
 * <p>The RFC leaves the layout to the client, and the deployed families differ ({@link Style}):
 * the kit mirrors each one's documented choices so a server is tested against what each really
 * sends and accepts (docs/interop.md, "NetStreams through the server").
 */
public final class NetStream {
    /** How a client family lays a NetStream out on flows, encodes its commands and takes server flows. */
    public enum Style {
        /**
         * One flow for the stream's commands and media; play with Flash's explicit start -2 s and
         * length -1 s; any server flow naming the stream is taken.
         */
        ONE_FLOW,
        /**
         * zenomt/rtmfp-cpp (src/TCConnection.cpp): data and commands, audio and video each on a
         * flow of their own, opened when first needed; {@code publish(name)} and {@code play(name)}
         * with a null command object and an AMF0 name; a server flow is taken only when it is tied
         * to the client's NetConnection flow and names a stream the client created (others are
         * rejected: the library's handler sits on that one flow).
         */
        RTMFP_CPP,
        /**
         * MonaSolutions/librtmfp (FlashWriter, RTMFPSession): commands, audio and video each on a
         * flow of their own; {@code publish}'s name is an AMF3 string behind the AMF0 switch marker
         * 0x11, {@code play}'s a plain AMF0 string; any server flow naming the stream is taken.
         */
        LIBRTMFP
    }

    private final NetConnection nc;
    private final Session session;
    private final long streamId;
    private final Style style;
    private final long association;
    private SendFlow commands;
    private SendFlow audio;
    private SendFlow video;
    /** Server flows naming this stream that this style would not take (RTMFP_CPP), for failure details. */
    private final Set<String> refused = new LinkedHashSet<>();

    private NetStream(NetConnection nc, long streamId, Style style) {
        this.nc = nc;
        this.session = nc.session();
        this.streamId = streamId;
        this.style = style;
        this.association = nc.serverFlowId() >= 0 ? nc.serverFlowId() : -1;
        this.commands = open();
    }

    /** {@code new NetStream(nc)}: createStream, then the stream's flow, one flow for everything. */
    public static NetStream create(NetConnection nc, Duration timeout) throws IOException, RtmfpException {
        return create(nc, Style.ONE_FLOW, timeout);
    }

    /** createStream, then the stream laid out as the given client family does. */
    public static NetStream create(NetConnection nc, Style style, Duration timeout) throws IOException, RtmfpException {
        Command reply = nc.call("createStream", TcMessage.COMMAND_AMF0, timeout);
        if (!reply.isResult()) {
            throw new RtmfpException("createStream failed: " + reply);
        }
        Object id = reply.args().get(reply.args().size() - 1);
        if (!(id instanceof Double d) || d <= 0) {
            throw new RtmfpException("createStream returned no stream ID: " + reply);
        }
        return new NetStream(nc, d.longValue(), style);
    }

    /** A stream flow for an ID the server never handed out (bad input for a server to refuse). */
    public static NetStream unallocated(NetConnection nc, long streamId) {
        return new NetStream(nc, streamId, Style.ONE_FLOW);
    }

    private SendFlow open() {
        return session.openFlow(TcMetadata.forStream(streamId), association);
    }

    public long streamId() {
        return streamId;
    }

    public Style style() {
        return style;
    }

    /** The flow of the stream's commands (and, in ONE_FLOW, of everything). */
    public SendFlow flow() {
        return commands;
    }

    /** Every flow this stream has opened. */
    public List<SendFlow> flows() {
        List<SendFlow> all = new ArrayList<>();
        for (SendFlow f : new SendFlow[] {commands, audio, video}) {
            if (f != null) {
                all.add(f);
            }
        }
        return all;
    }

    /** Sends a stream command: transaction 0, a null command object, then the arguments. */
    public void command(String name, Object... args) throws IOException {
        List<Object> values = new ArrayList<>();
        values.add(null);
        values.addAll(Arrays.asList(args));
        session.send(commands, new Command(name, 0, values).toMessage(TcMessage.COMMAND_AMF0).encode());
    }

    /** {@code publish(name, type)} as this style sends it (librtmfp: the name in AMF3, no type; rtmfp-cpp: no type). */
    public void publish(String name, String type) throws IOException {
        switch (style) {
            case ONE_FLOW -> command("publish", name, type);
            case RTMFP_CPP -> command("publish", name);
            case LIBRTMFP -> command("publish", new AvmPlus(name));
        }
    }

    /**
     * {@code play(name)}: ONE_FLOW as Flash's {@code NetStream.play(name)} with its defaults in
     * milliseconds on the wire (start -2000, length -1000); the two families send the name only.
     */
    public void play(String name) throws IOException {
        if (style == Style.ONE_FLOW) {
            command("play", name, -2000.0, -1000.0);
        } else {
            command("play", name);
        }
    }

    /** Sends an audio, video or data message with its timestamp, on the flow this style uses for its type. */
    public void send(int type, long timestamp, byte[] body) throws IOException {
        session.send(flowFor(type), new TcMessage(type, timestamp, body).encode());
    }

    private SendFlow flowFor(int type) {
        if (style == Style.ONE_FLOW) {
            return commands;
        }
        if (type == TcMessage.AUDIO) {
            if (audio == null) {
                audio = open();
            }
            return audio;
        }
        if (type == TcMessage.VIDEO) {
            if (video == null) {
                video = open();
            }
            return video;
        }
        return commands;
    }

    /** Pumps until everything sent on the stream's flows is acknowledged. */
    public void awaitAcknowledged(Duration timeout) throws IOException, RtmfpException {
        for (SendFlow f : flows()) {
            session.awaitAcknowledged(f, timeout);
        }
    }

    /** Whether a received message belongs to this stream, by this style's rules. */
    public boolean isForMe(ReceivedMessage m) {
        if (!TcMetadata.isTc(m.metadata()) || TcMetadata.streamId(m.metadata()) != streamId) {
            return false;
        }
        if (style == Style.RTMFP_CPP && m.returnFlowId() != nc.flow().flowId()) {
            refused.add("server flow " + m.flowId() + " tied to " + (m.returnFlowId() < 0 ? "no flow"
                    : "client flow " + m.returnFlowId()) + " instead of the NetConnection flow " + nc.flow().flowId());
            return false;
        }
        return true;
    }

    /** What this style refused so far (server flows it would reject), empty when nothing. */
    public String refusedFlows() {
        return String.join("; ", refused);
    }

    /** Waits for {@code onStatus} on this stream whose code matches; returns its info object. */
    public AmfObject awaitStatus(Predicate<String> code, Duration timeout) throws IOException, RtmfpException {
        try {
            ReceivedMessage m = session.receive(x -> isForMe(x) && statusCode(x) != null && code.test(statusCode(x)), timeout);
            return Command.parse(m.data()).infoObject();
        } catch (RtmfpException e) {
            throw refused.isEmpty() ? e : new RtmfpException(e.getMessage() + " (refused as " + style + ": " + refusedFlows() + ")");
        }
    }

    /** The code of an onStatus (or _error) message, or null when the message is none. */
    private static String statusCode(ReceivedMessage x) {
        try {
            TcMessage tm = TcMessage.decode(x.data());
            if (tm.type() != TcMessage.COMMAND_AMF0 && tm.type() != TcMessage.COMMAND_AMF3) {
                return null;
            }
            Command c = Command.fromMessage(tm);
            AmfObject info = c.infoObject();
            // an _error on the stream's flow answers a stream command too (MonaTiny and old servers send them)
            return ("onStatus".equals(c.name()) || c.isError()) && info != null ? info.string("code") : null;
        } catch (WireFormatException e) {
            return null;
        }
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

    /** {@code NetStream.close()} for a stream that publishes or plays: closeStream, then deleteStream, then its flows end. */
    public void close() throws IOException {
        command("closeStream");
        nc.send(new Command("deleteStream", 0, Arrays.asList(null, (double) streamId)));
        for (SendFlow f : flows()) {
            session.finish(f);
        }
    }
}
