package org.nimbus.conformance.tc;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * A NetConnection over an RTMFP session (RFC 7425 §5.2): the client's TC flow, commands sent on
 * it, and replies taken from server flows tied back to it by return association.
 */
public final class NetConnection {
    /** What {@code connect} produced: the reply and, if it came with it, the keepalive setting. */
    public record ConnectResult(Command reply, ReceivedMessage raw, UserControl.Keepalive keepalive) {
        public boolean success() {
            AmfObject info = reply.infoObject();
            return reply.isResult() && info != null && "status".equals(info.string("level"))
                    && "NetConnection.Connect.Success".equals(info.string("code"));
        }
    }

    private final Session session;
    private final SendFlow flow;
    private UserControl.Keepalive keepalive;
    private ReceivedMessage lastReply;
    private long serverFlowId = -1;
    private double lastTransactionId = 1;

    public NetConnection(Session session) {
        this.session = session;
        this.flow = session.openFlow(TcMetadata.netConnection(), -1);
    }

    public SendFlow flow() {
        return flow;
    }

    /**
     * The server's NetConnection flow (the flow its connect reply came on), or -1 before it: the
     * flow a client's NetStream flows name in their return association (RFC 7425 §5.1.1).
     */
    public long serverFlowId() {
        return serverFlowId;
    }

    public Session session() {
        return session;
    }

    public void send(Command c) throws IOException {
        send(c, TcMessage.COMMAND_AMF0);
    }

    /** Sends a command as an AMF0 (0x14) or AMF3 (0x11) command message. */
    public void send(Command c, int type) throws IOException {
        session.send(flow, c.toMessage(type).encode());
    }

    /** The next transaction ID for a call that wants an answer (connect used 0 or 1). */
    public double nextTransactionId() {
        return ++lastTransactionId;
    }

    /**
     * {@code NetConnection.call(name, responder, args...)}: sends the command with a null command
     * object and waits for the {@code _result} or {@code _error} that answers it.
     */
    public Command call(String name, int type, Duration timeout, Object... args) throws IOException, RtmfpException {
        java.util.List<Object> values = new java.util.ArrayList<>();
        values.add(null);
        values.addAll(java.util.Arrays.asList(args));
        Command c = new Command(name, nextTransactionId(), values);
        send(c, type);
        return awaitReply(c.transactionId(), timeout);
    }

    /** Waits for a server-to-client command (an {@code invoke}, or a relayed {@code onRelay}) with this name. */
    public Command awaitCommand(String name, Duration timeout) throws IOException, RtmfpException {
        ReceivedMessage m = session.receive(x -> {
            if (!isForMe(x) || TcMetadata.streamId(x.metadata()) > 0) {
                return false;
            }
            try {
                TcMessage tm = TcMessage.decode(x.data());
                return (tm.type() == TcMessage.COMMAND_AMF0 || tm.type() == TcMessage.COMMAND_AMF3)
                        && name.equals(Command.fromMessage(tm).name());
            } catch (WireFormatException e) {
                return false;
            }
        }, timeout);
        return Command.parse(m.data());
    }

    /** Whether a received message is on a TC flow tied to this NetConnection's flow. */
    public boolean isForMe(ReceivedMessage m) {
        return TcMetadata.isTc(m.metadata()) && (m.returnFlowId() == flow.flowId() || m.returnFlowId() < 0);
    }

    /** Waits for the _result/_error answering transaction {@code tx}; keepalives seen meanwhile are kept. */
    public Command awaitReply(double tx, Duration timeout) throws IOException, RtmfpException {
        Predicate<ReceivedMessage> p = m -> {
            if (!isForMe(m)) {
                return false;
            }
            try {
                TcMessage tm = TcMessage.decode(m.data());
                if (tm.type() == TcMessage.USER_CONTROL) {
                    UserControl uc = UserControl.fromMessage(tm);
                    if (uc.event() == UserControl.SET_KEEPALIVE) {
                        keepalive = uc.keepalive();
                    }
                    return false;
                }
                Command c = Command.fromMessage(tm);
                return (c.isResult() || c.isError()) && c.transactionId() == tx;
            } catch (WireFormatException e) {
                return false;
            }
        };
        ReceivedMessage m = session.receive(p, timeout);
        lastReply = m;
        if (serverFlowId < 0 && TcMetadata.streamId(m.metadata()) == 0) {
            serverFlowId = m.flowId();
        }
        return Command.parse(m.data());
    }

    /** Sends {@code connect} in the given style and waits for the answer and a keepalive (§5.2). */
    public ConnectResult connect(String app, String tcUrl, ConnectStyle style, Duration timeout)
            throws IOException, RtmfpException {
        Command c = style.connect(app, tcUrl);
        send(c);
        Command reply = awaitReply(c.transactionId(), timeout);
        if (keepalive == null) {
            // MonaTiny sends the keepalive in the same packet; give others a moment.
            try {
                awaitKeepalive(Duration.ofMillis(500));
            } catch (RtmfpException e) {
                // none: reported as absent
            }
        }
        return new ConnectResult(reply, lastReply, keepalive);
    }

    /** Waits for user control 0x29 on a flow of this NetConnection. */
    public UserControl.Keepalive awaitKeepalive(Duration timeout) throws IOException, RtmfpException {
        if (keepalive != null) {
            return keepalive;
        }
        ReceivedMessage m = session.receive(x -> {
            if (!isForMe(x)) {
                return false;
            }
            try {
                TcMessage tm = TcMessage.decode(x.data());
                return tm.type() == TcMessage.USER_CONTROL && UserControl.fromMessage(tm).event() == UserControl.SET_KEEPALIVE;
            } catch (WireFormatException e) {
                return false;
            }
        }, timeout);
        keepalive = UserControl.fromMessage(TcMessage.decode(m.data())).keepalive();
        return keepalive;
    }
}
