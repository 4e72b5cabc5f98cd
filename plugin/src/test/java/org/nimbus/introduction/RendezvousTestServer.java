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
import org.nimbus.transport.RtmfpServer;

/**
 * The rendezvous part of Nimbus as its own process, for tests that place it on a host of their
 * own (a network namespace): the RTMFP server with the TC layer (connect, setPeerInfo),
 * introductions and NetGroup bootstrap wired as the plugin wires them. Red5 is the one part
 * left out: every NetConnection {@code connect} is accepted, as an application that allows all
 * would. {@code java ... RendezvousTestServer HOST:PORT} prints {@code READY}; each line
 * {@code counters} on stdin prints {@code COUNTERS name=value ...}; end of input stops it.
 */
public final class RendezvousTestServer {
    private RendezvousTestServer() {
    }

    /** The server as {@link #main} runs it, and the directory its setPeerInfo fills. */
    public record Running(RtmfpServer server, PeerDirectory peers) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * Starts the rendezvous server in this process on {@code binds}: for tests over real sockets
     * that want the TC layer's {@code setPeerInfo} beside introductions.
     */
    public static Running start(List<InetSocketAddress> binds) throws java.io.IOException {
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
        return new Running(server, peers);
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress bind = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        RtmfpServer server = start(List.of(bind)).server();
        System.out.println("READY " + bind);
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
        server.close();
    }
}
