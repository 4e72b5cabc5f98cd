package org.nimbus.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.nimbus.rtmfp.session.Session;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.rtmfp.session.SessionListener;
import org.nimbus.tc.TcFlowService;

/**
 * The RTMFP server as deployed: the protocol endpoint, the loop thread that owns it, and the
 * UDP transport that feeds it. Start binds the sockets; close says goodbye to every
 * session, then releases the sockets.
 */
public final class RtmfpServer implements AutoCloseable, TcFlowService.Loop {
    private final RtmfpEndpoint endpoint;
    private final RtmfpLoop loop;
    private final UdpTransport udp;

    public RtmfpServer(SessionConfig sessions, SessionListener listener) {
        CryptoProvider crypto = new JcaCryptoProvider();
        this.endpoint = new RtmfpEndpoint(crypto, crypto.randomBytes(32), sessions, listener, new RtmfpCounters());
        this.udp = new UdpTransport();
        this.loop = new RtmfpLoop(endpoint, udp);
    }

    /** Binds and starts; on failure nothing stays bound and no thread runs. */
    public RtmfpServer start(List<InetSocketAddress> addresses) throws IOException {
        try {
            udp.bindPolled(addresses);
        } catch (IOException e) {
            udp.close();
            throw e;
        }
        loop.start();
        return this;
    }

    public RtmfpEndpoint endpoint() {
        return endpoint;
    }

    /** Runs work on the thread that owns the endpoint (required for any call into sessions). */
    public RtmfpLoop loop() {
        return loop;
    }

    /** Lets the TC layer run on this server's loop thread, as every user of sessions must. */
    public void attach(TcFlowService tc) {
        tc.bind(this, HexFormat.of().formatHex(endpoint.responder().fingerprint()), endpoint.counters());
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public long now() {
        return loop.now();
    }

    @Override
    public void flush(Session session) {
        endpoint.service(session, loop.now());
    }

    public UdpTransport udp() {
        return udp;
    }

    @Override
    public void close() {
        loop.close();
        udp.close();
    }
}
