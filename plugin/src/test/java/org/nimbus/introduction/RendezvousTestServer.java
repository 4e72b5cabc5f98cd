package org.nimbus.introduction;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.nimbus.group.GroupService;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.Session;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.tc.TcApplication;
import org.nimbus.tc.TcCommand;
import org.nimbus.tc.TcFlowService;
import org.nimbus.tc.TcMessage;
import org.nimbus.tc.TcSession;
import org.nimbus.conncheck.ConnCheckService;
import org.nimbus.transport.ConnCheckSockets;
import org.nimbus.transport.RtmfpServer;

/**
 * The rendezvous part of Nimbus as its own process, for tests that place it on a host of their
 * own (a network namespace): the RTMFP server with the TC layer (connect, setPeerInfo),
 * introductions and NetGroup bootstrap wired as the plugin wires them. Red5 is the one part
 * left out: every NetConnection {@code connect} is accepted, as an application that allows all
 * would. {@code java ... RendezvousTestServer HOST:PORT} prints {@code READY}; each line
 * {@code counters} on stdin prints {@code COUNTERS name=value ...}; end of input stops it.
 * {@code ... HOST:PORT --conncheck OTHER_PORT_ADDR:P OTHER_ADDR:P INTRO_ADDR:P} adds the
 * connectivity check ({@code rtmfp://host/conncheck}) on those sockets.
 */
public final class RendezvousTestServer {
    private RendezvousTestServer() {
    }

    /** The server as {@link #main} runs it, and the directory its setPeerInfo fills. */
    public record Running(RtmfpServer server, PeerDirectory peers, ConnCheckSockets conncheck) implements AutoCloseable {
        @Override
        public void close() {
            if (conncheck != null) {
                conncheck.close();
            }
            server.close();
        }
    }

    /**
     * Starts the rendezvous server in this process on {@code binds}: for tests over real sockets
     * that want the TC layer's {@code setPeerInfo} beside introductions.
     */
    public static Running start(List<InetSocketAddress> binds) throws java.io.IOException {
        return start(binds, List.of());
    }

    /**
     * As {@link #start(List)}, with the connectivity check when {@code conncheck} lists its three
     * sockets (another port on the bind address, another address, the introduction's reply
     * address) as the plugin binds them from conncheck.*; empty: a conncheck connect is refused.
     */
    public static Running start(List<InetSocketAddress> binds, List<InetSocketAddress> conncheck) throws java.io.IOException {
        return start(binds, conncheck, 100);
    }

    /** As above, with at most {@code maxChecks} connectivity checks at once (conncheck.max_checks). */
    public static Running start(List<InetSocketAddress> binds, List<InetSocketAddress> conncheck, int maxChecks)
            throws java.io.IOException {
        PeerDirectory peers = new PeerDirectory();
        FlowDispatcher flows = new FlowDispatcher();
        TcFlowService[] tc = new TcFlowService[1];
        tc[0] = new TcFlowService(new TcApplication() {
            @Override
            public void onConnect(TcSession session, TcMessage connect) {
                double tx = TcCommand.decode(connect).transactionId();
                tc[0].post(session, s -> s.accept(tx, Map.of("level", "status", "code", "NetConnection.Connect.Success",
                        "objectEncoding", 3.0), tc[0].serverKeepaliveMillis(), tc[0].peerKeepaliveMillis(), tc[0].now()));
            }

            @Override
            public void onMessage(TcSession session, long streamId, TcMessage message) {
                // no application behind: calls other than the server's own go unanswered
            }

            @Override
            public void onClosed(TcSession session) {
            }
        }, peers, 15_000, 10_000, 262_144);
        RtmfpServer server = new RtmfpServer(SessionConfig.defaults(), flows);
        flows.add(tc[0]).add(peers).add(new GroupService(server.endpoint(), server.loop()::now));
        IntroductionService.install(server.endpoint(), peers, IntroductionLimits.defaults());
        server.start(binds);
        server.attach(tc[0]);
        ConnCheckSockets cc = null;
        if (conncheck.isEmpty()) {
            tc[0].connCheck(ConnCheckService.unavailable("this server runs no connectivity check (conncheck.other_port is not set)"));
        } else {
            try {
                cc = ConnCheckSockets.start(server, tc[0], conncheck.get(0), conncheck.get(1), conncheck.get(2), maxChecks);
            } catch (java.io.IOException e) {
                server.close();
                throw e;
            }
        }
        return new Running(server, peers, cc);
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress bind = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        List<InetSocketAddress> cc = new java.util.ArrayList<>();
        if (args.length == 5 && args[1].equals("--conncheck")) {
            for (int i = 2; i < 5; i++) {
                String[] p = args[i].split(":");
                cc.add(new InetSocketAddress(p[0], Integer.parseInt(p[1])));
            }
        }
        Running running = start(List.of(bind), cc);
        RtmfpServer server = running.server();
        System.out.println("READY " + bind + (cc.isEmpty() ? "" : " conncheck " + cc));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals("counters")) {
                StringBuilder b = new StringBuilder("COUNTERS");
                server.endpoint().counters().snapshot().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
                System.out.println(b);
                System.out.flush();
            }
        }
        running.close();
    }
}
