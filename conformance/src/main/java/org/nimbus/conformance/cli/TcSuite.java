package org.nimbus.conformance.cli;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.tc.TcMetadata;

/** NetConnection over RTMFP (RFC 7425 §5). */
public final class TcSuite implements Suite {
    @Override
    public String name() {
        return "tc";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("TC-01", "7425 §5.2", "connect (librtmfp style: tx 0.0, no null) → Connect.Success",
                        t -> connect(t, ConnectStyle.LIBRTMFP)),
                new ConformanceCase("TC-02", "7425 §5.2", "connect (Flash style: tx 1.0) → Connect.Success",
                        t -> connect(t, ConnectStyle.FLASH)),
                new ConformanceCase("TC-03", "7425 §5.1", "_result on a TC flow associated with the client's flow",
                        TcSuite::replyFlow),
                new ConformanceCase("TC-04", "7425 §5.2", "keepalive user control 0x29 after connect",
                        TcSuite::keepalive),
                new ConformanceCase("TC-05", "7425 §4.4", "nearID/farID: peer IDs the server reports match the handshake's",
                        TcSuite::peerIds),
                new ConformanceCase("TC-06", "7425 §5.2", "call round trip, AMF0 command (echo)",
                        t -> echo(t, TcMessage.COMMAND_AMF0)),
                new ConformanceCase("TC-07", "7425 §5.2", "call round trip, AMF3 command (echo)",
                        t -> echo(t, TcMessage.COMMAND_AMF3)),
                new ConformanceCase("TC-08", "7425 §5.2", "connect with a wrong-typed app is refused with a NetConnection error",
                        TcSuite::refusedConnect),
                new ConformanceCase("TC-09", "7425 §5.2", "setPeerInfo with no address and with one; the session lives on",
                        TcSuite::setPeerInfo));
    }

    private static NetConnection.ConnectResult doConnect(Session s, Target t, ConnectStyle style) throws Exception {
        NetConnection nc = new NetConnection(s);
        String app = t.parsed().path();
        return nc.connect(app, t.uri(), style, t.timeout());
    }

    static Outcome connect(Target t, ConnectStyle style) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection.ConnectResult r = doConnect(s, t, style);
            AmfObject info = r.reply().infoObject();
            s.close(t.timeout());
            String detail = r.reply().name() + " tx " + r.reply().transactionId() + ", "
                    + (info == null ? "no info object" : info.string("level") + " " + info.string("code"));
            return Outcome.check(r.success() && r.reply().transactionId() == style.transactionId, detail);
        }
    }

    static Outcome replyFlow(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect(t.parsed().path(), t.uri(), ConnectStyle.LIBRTMFP, t.timeout());
            boolean tc = TcMetadata.isTc(r.raw().metadata()) && TcMetadata.streamId(r.raw().metadata()) == 0;
            boolean assoc = r.raw().returnFlowId() == nc.flow().flowId();
            s.close(t.timeout());
            return Outcome.check(tc && assoc, "server flow " + r.raw().flowId() + ", TC metadata " + tc
                    + ", return association " + r.raw().returnFlowId() + " (client flow " + nc.flow().flowId() + ")");
        }
    }

    /**
     * Flash computes nearID (SHA-256 of its certificate) and farID (the server's fingerprint)
     * itself; servers may also report them in the _result. Any they report must agree.
     */
    static Outcome peerIds(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection.ConnectResult r = doConnect(s, t, ConnectStyle.FLASH);
            AmfObject info = r.reply().infoObject();
            String near = HexFormat.of().formatHex(s.info().peerId());
            String far = HexFormat.of().formatHex(s.info().serverFingerprint());
            s.close(t.timeout());
            if (!r.success() || info == null) {
                return Outcome.fail("connect not accepted: " + r.reply());
            }
            List<String> reported = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            for (String key : new String[] {"connectionID", "nearID", "farID"}) {
                if (info.get(key) instanceof String v) {
                    reported.add(key);
                    String expected = key.equals("farID") ? far : near;
                    if (!expected.equalsIgnoreCase(v)) {
                        wrong.add(key + "=" + v + " (expected " + expected + ")");
                    }
                }
            }
            if (reported.isEmpty()) {
                return Outcome.pass("the server reports no IDs; nearID " + near.substring(0, 16) + "…, farID "
                        + far.substring(0, 16) + "… as Flash computes them");
            }
            return Outcome.check(wrong.isEmpty(), wrong.isEmpty() ? "reported " + reported + " agree with the handshake"
                    : "disagree: " + wrong);
        }
    }

    /** A method the server serves that returns its argument; n/a where the server has none. */
    static Outcome echo(Target t, int commandType) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect(t.parsed().path(), t.uri(), ConnectStyle.FLASH, t.timeout());
            if (!r.success()) {
                return Outcome.fail("connect not accepted: " + r.reply());
            }
            AmfObject value = new AmfObject().with("text", "h\u00e9llo \u2713").with("n", 42.0).with("ok", true);
            Command reply = nc.call("echo", commandType, t.timeout(), value);
            s.close(t.timeout());
            if (reply.isError()) {
                AmfObject info = reply.infoObject();
                String code = info == null ? "" : info.string("code");
                return Outcome.na("the server serves no echo method (" + code + ")");
            }
            Object echoed = reply.args().size() > 1 ? reply.args().get(1) : null;
            return Outcome.check(value.equals(echoed), "_result tx " + reply.transactionId() + ": " + echoed);
        }
    }

    static Outcome refusedConnect(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection nc = new NetConnection(s);
            AmfObject bad = new AmfObject().with("app", 42.0).with("tcUrl", t.uri()).with("objectEncoding", 3.0);
            Command connect = new Command("connect", 1.0, List.of(bad));
            nc.send(connect);
            Command reply = nc.awaitReply(connect.transactionId(), t.timeout());
            AmfObject info = reply.infoObject();
            String code = info == null ? "" : info.string("code");
            if (reply.isResult()) {
                return Outcome.na("the server accepts a numeric app (" + code + ")");
            }
            return Outcome.check(info != null && "error".equals(info.string("level")) && code != null
                    && code.startsWith("NetConnection.Connect."), "_error " + code);
        }
    }

    /**
     * Flash reports its addresses with setPeerInfo (no null command object, possibly none at
     * all when the host has only loopback ones). Whatever the server answers, the session lives.
     */
    static Outcome setPeerInfo(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect(t.parsed().path(), t.uri(), ConnectStyle.LIBRTMFP, t.timeout());
            if (!r.success()) {
                return Outcome.fail("connect not accepted: " + r.reply());
            }
            List<String> answers = new ArrayList<>();
            for (List<Object> addresses : List.<List<Object>>of(List.of(), List.of("192.0.2.10:1935"))) {
                Command c = new Command("setPeerInfo", 0.0, addresses);
                nc.send(c);
                try {
                    Command reply = nc.awaitReply(0.0, java.time.Duration.ofMillis(1000));
                    AmfObject info = reply.infoObject();
                    answers.add(reply.name() + (info == null ? "" : " " + info.string("code")));
                } catch (org.nimbus.conformance.client.RtmfpException none) {
                    answers.add("no answer");
                }
            }
            java.time.Duration rtt = s.ping(t.timeout());
            s.close(t.timeout());
            return Outcome.pass("answers " + answers + "; session alive (ping " + rtt.toMillis() + " ms)");
        }
    }

    static Outcome keepalive(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            NetConnection nc = new NetConnection(s);
            nc.connect(t.parsed().path(), t.uri(), ConnectStyle.LIBRTMFP, t.timeout());
            var k = nc.awaitKeepalive(t.timeout());
            s.close(t.timeout());
            return Outcome.check(k.serverMillis() > 0 && k.peerMillis() > 0,
                    "server " + k.serverMillis() + " ms, peer " + k.peerMillis() + " ms");
        }
    }
}
