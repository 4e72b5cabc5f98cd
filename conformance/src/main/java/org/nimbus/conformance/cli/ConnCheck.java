package org.nimbus.conformance.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.tc.TcMetadata;

/**
 * The client side of a connectivity check, as the RFC author's {@code conncheck} server expects
 * it: connect a NetConnection to {@code rtmfp://host:port/conncheck}, report our addresses with
 * {@code setPeerInfo} (RFC 7425 §5.3.3, which starts the check), answer the server's probes as a
 * Flash peer does (an RHello to every IHello naming our peer ID, whatever its source, and to the
 * reply address of a Forwarded IHello: RFC 7016 §3.5.1.1.2, §3.5.1.5), and read the
 * {@code onStatus} {@value #RESULTS} that follows. The server then closes the session.
 */
public final class ConnCheck {
    public static final String RESULTS = "NetConnection.ConnectivityCheck.Results";
    /** The result fields, in the reference's order. */
    public static final List<String> FIELDS = List.of("publicAddress", "publicAddressIsLocal", "publicPortMatchesLocalPort",
            "receiveSameAddressDifferentPortAllowed", "receiveDifferentAddressDifferentPortAllowed",
            "sendAfterIntroductionAllowed", "sendAfterIntroductionPreservesSourceAddress",
            "sendAfterIntroductionPreservesSourcePort");

    /**
     * What a check came to: {@code notOffered} says why when the server runs no check (its
     * connect refusal, or a success without the {@code publicAddress} a conncheck server gives);
     * else the reported addresses and the results' fields (null for an absent or null one).
     */
    public record Report(String notOffered, List<String> reported, Map<String, Object> fields, List<String> rhellosTo) {
        public boolean refused() {
            return notOffered != null;
        }
    }

    private ConnCheck() {
    }

    /** The conncheck URI of a server: its host and port with the path {@code conncheck}. */
    public static String uriOf(String uri) {
        RtmfpUri u = RtmfpUri.parse(uri);
        return "rtmfp://" + (u.host().contains(":") ? "[" + u.host() + "]" : u.host()) + ":" + u.port() + "/conncheck";
    }

    /** Runs a check from a fresh client; {@code timeout} bounds each step, the probing gets 15 s. */
    public static Report run(String uri, Duration timeout) throws IOException, RtmfpException {
        String cc = uriOf(uri);
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(cc, org.nimbus.conformance.client.ConnectOptions.defaults().timeout(timeout));
            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect("conncheck", cc, ConnectStyle.FLASH, timeout);
            AmfObject info = r.reply().infoObject();
            if (!r.success()) {
                return new Report(info == null ? r.reply().toString() : info.get("code") + ": " + info.get("description"),
                        List.of(), Map.of(), List.of());
            }
            if (info == null || !(info.get("publicAddress") instanceof String)) {
                return new Report("connected, but the answer has no publicAddress: no connectivity check here", List.of(), Map.of(),
                        List.of());
            }
            List<String> addresses = P2p.localAddresses(client.transport().localPort());
            PeerResponder responder = new PeerResponder(client, s);
            // Probes may come before setPeerInfo's _result: startup packets wait for the responder.
            client.transport().claim(0);
            nc.call("setPeerInfo", TcMessage.COMMAND_AMF0, timeout, addresses.toArray());
            AmfObject[] results = new AmfObject[1];
            boolean got = responder.serveUntil(() -> (results[0] = resultsIn(nc, s)) != null, Duration.ofSeconds(15));
            if (!got) {
                throw new RtmfpException("no " + RESULTS + " within 15 s (RHellos sent to " + responder.rhelloDestinations() + ")");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (String f : FIELDS) {
                fields.put(f, results[0].get(f));
            }
            List<String> to = responder.rhelloDestinations().stream().map(Object::toString).toList();
            try {
                s.awaitClosedByPeer(timeout); // as conncheck does, the server ends the session
            } catch (RtmfpException e) {
                fields.put("(session)", "not closed by the server");
            }
            return new Report(null, addresses, fields, to);
        }
    }

    private static AmfObject resultsIn(NetConnection nc, Session s) {
        for (ReceivedMessage m : s.pending()) {
            if (!nc.isForMe(m) || TcMetadata.streamId(m.metadata()) != 0) {
                continue;
            }
            try {
                Command c = Command.fromMessage(TcMessage.decode(m.data()));
                AmfObject info = c.infoObject();
                if ("onStatus".equals(c.name()) && info != null && RESULTS.equals(info.get("code"))) {
                    return info;
                }
            } catch (RuntimeException e) {
                // not a command: not ours to read
            }
        }
        return null;
    }

    /** Prints a report for an operator: one {@code name=value} line per field. Exit status: 0, or 2 when refused. */
    public static int print(Report r, PrintStream out) {
        if (r.refused()) {
            out.println("CONNCHECK refused " + r.notOffered());
            return 2;
        }
        out.println("CONNCHECK setPeerInfo " + r.reported());
        r.fields().forEach((k, v) -> out.println("CONNCHECK " + k + "=" + (v == null ? "null" : v)));
        out.println("CONNCHECK RHellos sent to " + r.rhellosTo());
        return 0;
    }

    /** {@code java -cp nimbus-conformance.jar org.nimbus.conformance.cli.ConnCheck rtmfp://host:port/}. */
    public static void main(String[] args) {
        try {
            int code = print(run(args[0], Duration.ofSeconds(5)), System.out);
            System.out.flush();
            System.exit(code);
        } catch (Exception e) {
            System.out.println("CONNCHECK failed " + e);
            System.out.flush();
            System.exit(1);
        }
    }
}
