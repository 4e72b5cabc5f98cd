package org.nimbus.conformance.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.TcMetadata;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.Ping;
import org.nimbus.conformance.wire.SessionClose;
import org.nimbus.conformance.wire.UserData;

/**
 * Flows and session life (RFC 7016 §3.5.4-§3.6): fragments, reordering, duplicates, the forward
 * sequence number, flow end, flow exceptions, close and keepalive. A receiver may accept a flow
 * (and must then acknowledge its data) or reject it with a flow exception (§3.6.3.7): either
 * passes, and the detail says which. Flows carry valid TC messages, so a server that speaks
 * RFC 7425 has no reason to refuse them.
 */
public final class FlowsSuite implements Suite {
    /** Metadata that no RTMFP application defines (§2.3.11.1.1 leaves it to the application). */
    static final byte[] UNKNOWN_METADATA = "nimbus-conformance/unknown-flow".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "flows";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("FL-01", "7016 §3.6.2.3", "message in 6 fragments: all acknowledged (or flow rejected)",
                        FlowsSuite::fragments),
                new ConformanceCase("FL-02", "7016 §3.6.3.4", "fragments in reverse order: acknowledged by ranges, then cumulatively",
                        FlowsSuite::reordering),
                new ConformanceCase("FL-03", "7016 §2.3.12", "User Data followed by Next User Data chunks in one packet",
                        FlowsSuite::nextUserData),
                new ConformanceCase("FL-04", "7016 §3.6.3.2", "duplicated fragments: acknowledged once more, session unharmed",
                        FlowsSuite::duplicates),
                new ConformanceCase("FL-05", "7016 §3.6.3.2", "forward sequence number: an abandoned fragment is skipped by the cumulative ack",
                        FlowsSuite::forwardSequenceNumber),
                new ConformanceCase("FL-06", "7016 §3.6.2.3.2", "final fragment ends the flow and is acknowledged",
                        FlowsSuite::finalFragment),
                new ConformanceCase("FL-07", "7016 §3.6.3.7", "flow with unknown metadata: acknowledged or flow exception 0x5e; session goes on",
                        FlowsSuite::unknownMetadata),
                new ConformanceCase("FL-08", "7016 §3.5.5", "after Close Ack the session is gone: Ping unanswered, repeated Close only acked",
                        FlowsSuite::closedSessionIsGone),
                new ConformanceCase("FL-09", "7016 §3.5.4.1", "keepalive: an idle session gets the server's Ping, and lives on",
                        FlowsSuite::keepalive));
    }

    static Outcome fragments(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            SendFlow flow = s.openFlow(TcMetadata.netConnection(), -1);
            byte[] message = RawFlow.probeMessage(Session.FRAGMENT_SIZE * 5 + 100);
            s.send(flow, message);
            s.awaitAcknowledged(flow, t.timeout());
            Duration rtt = s.ping(t.timeout());
            s.close(t.timeout());
            String how = flow.exceptionCode() >= 0 ? "flow rejected with exception code " + flow.exceptionCode()
                    : "all 6 fragments acknowledged, cumulative ack " + flow.cumulativeAck();
            return Outcome.pass(how + "; ping " + rtt.toMillis() + " ms");
        }
    }

    static Outcome reordering(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            RawFlow f = new RawFlow(s, TcMetadata.netConnection());
            List<UserData> frags = f.fragments(RawFlow.probeMessage(4000), 5, 1, false);
            for (int i = frags.size() - 1; i >= 0; i--) {
                f.send(frags.get(i));
            }
            f.awaitSettled(5, t.timeout());
            boolean ranges = f.acks().stream().anyMatch(a -> a.cumulativeAck() < 5 && a.acknowledges(5));
            s.close(t.timeout());
            return Outcome.pass(f.verdict() + (f.exceptionCode() >= 0 ? "" : ranges
                    ? "; out-of-order fragments were acknowledged as ranges first" : "; acknowledged once all had arrived"));
        }
    }

    static Outcome nextUserData(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            RawFlow f = new RawFlow(s, TcMetadata.netConnection());
            List<UserData> frags = f.fragments(RawFlow.probeMessage(800), 4, 1, false);
            List<Chunk> chunks = new ArrayList<>();
            chunks.add(frags.get(0).toChunk());
            for (int i = 1; i < frags.size(); i++) {
                chunks.add(frags.get(i).toNextChunk());
            }
            s.sendChunks(chunks);
            f.awaitSettled(4, t.timeout());
            s.close(t.timeout());
            return Outcome.pass(f.verdict());
        }
    }

    static Outcome duplicates(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            RawFlow f = new RawFlow(s, TcMetadata.netConnection());
            List<UserData> frags = f.fragments(RawFlow.probeMessage(2000), 3, 1, false);
            for (UserData u : frags) {
                f.send(u);
                f.send(u);
            }
            f.awaitSettled(3, t.timeout());
            int acksBefore = f.acks().size();
            f.send(frags.get(1)); // a retransmission after it was acknowledged
            Duration rtt = s.ping(t.timeout());
            boolean reacked = f.acks().size() > acksBefore;
            s.close(t.timeout());
            return Outcome.pass(f.verdict() + (f.exceptionCode() >= 0 ? "" : reacked
                    ? "; a late duplicate was acknowledged again" : "; a late duplicate was absorbed")
                    + "; ping " + rtt.toMillis() + " ms");
        }
    }

    static Outcome forwardSequenceNumber(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            RawFlow f = new RawFlow(s, TcMetadata.netConnection());
            byte[] m = RawFlow.probeMessage(300);
            f.send(f.fragment(UserData.FRAGMENT_WHOLE, 1, 1, m));
            // Sequence number 2 is never sent: number 3 declares everything up to 2 abandoned.
            f.send(f.fragment(UserData.FRAGMENT_WHOLE, 3, 1, m));
            f.awaitSettled(3, t.timeout());
            s.close(t.timeout());
            return Outcome.pass(f.verdict() + (f.exceptionCode() >= 0 ? "" : " (number 2 abandoned)"));
        }
    }

    static Outcome finalFragment(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            SendFlow flow = s.openFlow(TcMetadata.netConnection(), -1);
            s.send(flow, RawFlow.probeMessage(200));
            s.finish(flow);
            s.awaitAcknowledged(flow, t.timeout());
            s.ping(t.timeout());
            s.close(t.timeout());
            return Outcome.pass(flow.exceptionCode() >= 0 ? "flow rejected with exception code " + flow.exceptionCode()
                    : "message and final fragment acknowledged, cumulative ack " + flow.cumulativeAck());
        }
    }

    static Outcome unknownMetadata(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            RawFlow f = new RawFlow(s, UNKNOWN_METADATA);
            f.send(f.fragments(new byte[] {1, 2, 3, 4}, 1, 1, false).get(0));
            f.awaitSettled(1, t.timeout());
            Duration rtt = s.ping(t.timeout());
            s.close(t.timeout());
            return Outcome.pass(f.verdict() + "; session answers ping in " + rtt.toMillis() + " ms");
        }
    }

    static Outcome closedSessionIsGone(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            if (!s.close(t.timeout())) {
                return Outcome.fail("Session Close Request not acknowledged");
            }
            int seen = s.receivedPackets().size();
            byte[] probe = {9, 8, 7, 6, 5, 4, 3, 2};
            s.sendChunks(List.of(SessionClose.request(), new Ping(false, probe).toChunk()));
            s.idle(Duration.ofMillis(1500));
            List<Integer> after = s.receivedPackets().subList(seen, s.receivedPackets().size()).stream()
                    .flatMap(r -> r.packet().chunks().stream()).map(Chunk::type).toList();
            if (after.contains(ChunkType.PING_REPLY)) {
                return Outcome.fail("a closed session answered a Ping");
            }
            List<Integer> others = after.stream().filter(ty -> ty != ChunkType.SESSION_CLOSE_ACK).toList();
            return Outcome.check(others.isEmpty(), others.isEmpty()
                    ? (after.isEmpty() ? "silence" : after.size() + " Close Ack(s)") + " after the close"
                    : "chunks after the close: " + others.stream().map(ty -> String.format("0x%02x", ty)).toList());
        }
    }

    static Outcome keepalive(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            long t0 = System.nanoTime();
            try {
                s.await(() -> s.receivedPackets().stream().flatMap(r -> r.packet().chunks().stream())
                        .anyMatch(c -> c.type() == ChunkType.PING), t.keepaliveWait(), "the server's keepalive Ping");
            } catch (org.nimbus.conformance.client.RtmfpException e) {
                if (s.state() != Session.State.OPEN) {
                    return Outcome.fail("the server closed an idle session that answers pings: " + e.getMessage());
                }
                s.close(t.timeout());
                return Outcome.na("no server Ping within " + t.keepaliveWait().toSeconds()
                        + " s; the keepalive period is the server's choice (raise --keepalive-wait)");
            }
            long after = (System.nanoTime() - t0) / 1_000_000L;
            Duration rtt = s.ping(t.timeout()); // the session survived our reply to its ping
            s.close(t.timeout());
            return Outcome.pass("server Ping after " + after + " ms idle; answered; session alive (ping " + rtt.toMillis() + " ms)");
        }
    }
}
