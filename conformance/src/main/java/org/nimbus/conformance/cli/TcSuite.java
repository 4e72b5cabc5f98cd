package org.nimbus.conformance.cli;

import java.util.List;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
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
                        TcSuite::keepalive));
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
