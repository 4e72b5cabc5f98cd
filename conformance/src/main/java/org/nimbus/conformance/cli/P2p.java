package org.nimbus.conformance.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.TcMessage;

/**
 * One peer of a peer-to-peer test, as its own process, for tests across hosts and NATs:
 * <pre>
 * java -cp nimbus-conformance.jar org.nimbus.conformance.cli.P2p target    rtmfp://server/app
 * java -cp nimbus-conformance.jar org.nimbus.conformance.cli.P2p initiator rtmfp://server/app PEER_ID [BYTES]
 * </pre>
 * Both connect a NetConnection and report their interface addresses with {@code setPeerInfo}
 * (RFC 7425 §5.4), as Flash does. The target prints {@code PEER <id>}, answers the introduction
 * (PeerResponder) and echoes one message on the direct session. The initiator opens a direct
 * session to the target through the server (Handshake.toPeer), sends BYTES (default 200000) and
 * waits for the echo. Progress lines go to stdout: {@code REDIRECT}, {@code DIRECT <address>},
 * {@code ECHO_OK <bytes> <ms>}, or {@code FAILED <why>} with exit status 3 when no direct
 * session could be opened (a symmetric NAT) and 1 for any other failure.
 */
public final class P2p {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final byte[] METADATA = {0x54, 0x43, 0x04, 0x00};

    private P2p() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        try {
            if (args.length >= 2 && args[0].equals("target")) {
                target(args[1], out);
            } else if (args.length >= 3 && args[0].equals("initiator")) {
                initiator(args[1], HexFormat.of().parseHex(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 200_000, out);
            } else {
                System.err.println("usage: P2p target URI | P2p initiator URI PEER_ID [BYTES]");
                System.exit(2);
            }
            out.flush();
            System.exit(0);
        } catch (HandshakeFailed e) {
            out.println("FAILED " + e.getMessage());
            out.flush();
            System.exit(3);
        } catch (Exception e) {
            out.println("FAILED " + e);
            out.flush();
            System.exit(1);
        }
    }

    private static final class HandshakeFailed extends Exception {
        HandshakeFailed(String m) {
            super(m);
        }
    }

    /** Connects the server session and its NetConnection, and reports our addresses. */
    private static Session connect(RtmfpClient client, String uri, ConnectOptions options, PrintStream out)
            throws IOException, RtmfpException {
        Session s = client.connect(uri, options);
        NetConnection nc = new NetConnection(s);
        RtmfpUri u = RtmfpUri.parse(uri);
        NetConnection.ConnectResult r = nc.connect(u.path().replaceFirst("^/", ""), uri, ConnectStyle.LIBRTMFP, TIMEOUT);
        if (!r.success()) {
            throw new IllegalStateException("connect refused: " + r.reply());
        }
        List<Object> addresses = new ArrayList<>(localAddresses(client.transport().localPort()));
        Command reply = nc.call("setPeerInfo", TcMessage.COMMAND_AMF0, TIMEOUT, addresses.toArray());
        out.println("PEER " + HexFormat.of().formatHex(s.info().peerId()) + " setPeerInfo " + addresses + " -> " + reply.name());
        return s;
    }

    /**
     * Every up, non-loopback interface address as Flash reports them: "a.b.c.d:port" for IPv4,
     * "[v6]:port" for IPv6. Link-local IPv6 addresses are left out (they need a zone to be
     * reached, and a host with only those reports nothing, as docs/interop.md says).
     */
    static List<String> localAddresses(int port) throws SocketException {
        List<String> out = new ArrayList<>();
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : ni.inetAddresses().toList()) {
                if (a instanceof Inet4Address) {
                    out.add(a.getHostAddress() + ":" + port);
                } else if (a instanceof Inet6Address v6 && !v6.isLinkLocalAddress() && !v6.isLoopbackAddress()) {
                    out.add("[" + rfc5952(v6) + "]:" + port);
                }
            }
        }
        return out;
    }

    /** The canonical IPv6 text of RFC 5952 §4: lower case, no leading zeros, the longest zero run as "::". */
    static String rfc5952(Inet6Address a) {
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestAt = -1;
        int bestLength = 1; // a single zero group is not shortened (§4.2.2)
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestAt = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(g[i]));
        }
        return text.toString();
    }

    private static void target(String uri, PrintStream out) throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            Session server = connect(client, uri, ConnectOptions.defaults(), out);
            out.flush();
            PeerResponder responder = new PeerResponder(client, server);
            Session direct = responder.accept(Duration.ofSeconds(60));
            out.println("ACCEPTED " + direct.peer() + " " + HexFormat.of().formatHex(direct.info().peerId()));
            ReceivedMessage m = direct.receive(TIMEOUT);
            if (m.data().length == 1) {
                m = direct.receive(TIMEOUT); // the opening byte; the payload follows
            }
            SendFlow back = direct.openFlow(METADATA, m.flowId());
            direct.send(back, m.data());
            direct.awaitAcknowledged(back, TIMEOUT);
            out.println("ECHOED " + m.data().length);
            out.flush();
            direct.close(Duration.ofSeconds(5));
        }
    }

    private static void initiator(String uri, byte[] peerId, int bytes, PrintStream out) throws Exception {
        ConnectOptions options = ConnectOptions.defaults();
        // One identity for the server session and the direct one: the same DH key, certificate, peer ID.
        options.fixedDhPrivateKey = new byte[128];
        new SecureRandom().nextBytes(options.fixedDhPrivateKey);
        try (RtmfpClient client = new RtmfpClient()) {
            connect(client, uri, options, out);
            Handshake h = Handshake.toPeer(client.transport(), RtmfpUri.parse(uri), peerId, options.timeout(Duration.ofSeconds(12)));
            long t0 = System.nanoTime();
            Session direct;
            try {
                direct = h.run();
            } catch (RtmfpException e) {
                out.println("REDIRECT " + describe(h));
                throw new HandshakeFailed("no direct session: " + e.getMessage() + "; IHellos went to " + h.ihelloTargets());
            }
            out.println("REDIRECT " + describe(h));
            out.println("DIRECT " + direct.peer() + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            out.flush();
            byte[] payload = new byte[bytes];
            new SecureRandom().nextBytes(payload);
            SendFlow flow = direct.openFlow(METADATA, -1);
            direct.send(flow, new byte[] {1});
            long t1 = System.nanoTime();
            direct.send(flow, payload);
            direct.awaitAcknowledged(flow, TIMEOUT);
            ReceivedMessage echo = direct.receive(TIMEOUT);
            if (!Arrays.equals(payload, echo.data())) {
                throw new IllegalStateException("echo differs");
            }
            out.println("ECHO_OK " + bytes + " " + (System.nanoTime() - t1) / 1_000_000);
            out.flush();
            direct.close(Duration.ofSeconds(5));
        }
    }

    private static String describe(Handshake h) {
        return h.redirects().stream().limit(1).flatMap(r -> r.destinations().stream())
                .map(a -> a.socketAddress() + "/" + a.origin()).collect(Collectors.joining(" "));
    }
}
