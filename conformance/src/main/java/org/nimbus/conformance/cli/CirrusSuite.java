package org.nimbus.conformance.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;

/**
 * A Cirrus-era application's flow, as Adobe's samples (VideoPhone and its {@code reg.cgi} web
 * service, HttpIdManager) run it: connect to {@code rtmfp://host/DEVELOPER-KEY}, register the
 * NetConnection's nearID under a user name with the web service, look the other user up there,
 * invite through the server's {@code relay} ({@code onRelay(senderPeerId, ...)}), then meet
 * directly (an introduction by peer ID, RFC 7016 §3.5.1.1.2). n/a without {@code --reg-cgi}.
 */
public final class CirrusSuite implements Suite {
    private static final byte[] NC_METADATA = {0x54, 0x43, 0x04, 0x00};
    private static final String UPDATED = "<?xml version=\"1.0\" encoding=\"utf-8\"?><result><update>true</update></result>";

    @Override
    public String name() {
        return "cirrus";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("CI-01", "7016 §3.5.1.1.2", "key path, reg.cgi register and lookup, relay invite, direct session",
                        CirrusSuite::videoPhone),
                new ConformanceCase("CI-02", "cirrus §Web service", "reg.cgi refuses a bad identity, escapes names, unregisters with identity=0",
                        CirrusSuite::webServiceEdges));
    }

    /** rtmfp://host:port/KEY: the target's host and port with the developer key as the path. */
    static String keyUri(Target t) {
        RtmfpUri u = t.parsed();
        return "rtmfp://" + (u.host().contains(":") ? "[" + u.host() + "]" : u.host()) + ":" + u.port() + "/" + t.cirrusKey();
    }

    static String get(Target t, String query) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(t.regCgi() + "?" + query))
                .timeout(t.timeout()).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("reg.cgi answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String register(Target t, String user, String identity) throws IOException, InterruptedException {
        return get(t, "username=" + enc(user) + "&identity=" + identity);
    }

    /** The identity reg.cgi gives for a friend, "" when it gives none. */
    static String identityOf(Target t, String user) throws IOException, InterruptedException {
        String xml = get(t, "friends=" + enc(user) + "&time=" + System.currentTimeMillis());
        int i = xml.indexOf("<identity>");
        return i < 0 ? "" : xml.substring(i + 10, xml.indexOf("</identity>", i));
    }

    static String user(String who) {
        return "kit" + who + Long.toString(ThreadLocalRandom.current().nextLong() >>> 20, 36);
    }

    static Outcome videoPhone(Target t) throws Exception {
        if (t.regCgi() == null) {
            return Outcome.na("no --reg-cgi URL given");
        }
        String uri = keyUri(t);
        String nameA = user("a");
        String nameB = user("b");
        try (RtmfpClient a = t.client(); RtmfpClient b = t.client()) {
            ConnectOptions asA = t.options();
            asA.fixedDhPrivateKey = new byte[128];
            new SecureRandom().nextBytes(asA.fixedDhPrivateKey);
            Session sa = a.connect(uri, asA);
            Session sb = b.connect(uri, t.options());
            NetConnection ncA = new NetConnection(sa);
            NetConnection ncB = new NetConnection(sb);
            String path = t.cirrusKey();
            NetConnection.ConnectResult ra = ncA.connect(path, uri, ConnectStyle.FLASH, t.timeout());
            NetConnection.ConnectResult rb = ncB.connect(path, uri, ConnectStyle.FLASH, t.timeout());
            if (!ra.success() || !rb.success()) {
                return Outcome.fail("connect to " + uri + ": " + (ra.success() ? rb.reply() : ra.reply()));
            }
            String idA = HexFormat.of().formatHex(sa.info().peerId());
            String idB = HexFormat.of().formatHex(sb.info().peerId());
            String regA = register(t, nameA, idA);
            String regB = register(t, nameB, idB);
            if (!UPDATED.equals(regA) || !UPDATED.equals(regB)) {
                return Outcome.fail("reg.cgi registration answered " + regA + " / " + regB);
            }
            String found = identityOf(t, nameB);
            if (!idB.equals(found)) {
                return Outcome.fail("reg.cgi lookup of " + nameB + " gave identity '" + found + "', its nearID is " + idB);
            }
            // the VideoPhone's invitation: relay(peer, "invite", myName) → onRelay(sender, "invite", myName)
            ncA.send(new Command("relay", 0, Arrays.asList(null, found, "invite", nameA)));
            Command invite = ncB.awaitCommand("onRelay", t.timeout());
            List<Object> args = invite.args();
            if (args.size() < 4 || !idA.equals(args.get(1)) || !"invite".equals(args.get(2)) || !nameA.equals(args.get(3))) {
                return Outcome.fail("onRelay at the callee: " + args);
            }
            PeerResponder callee = new PeerResponder(b, sb);
            Duration wait = t.timeout().multipliedBy(3);
            CompletableFuture<Session> accepted = callee.acceptAsync(wait);
            Session direct = Handshake.toPeer(a.transport(), t.parsed(), HexFormat.of().parseHex(found), asA.timeout(wait)).run();
            SendFlow f = direct.openFlow(NC_METADATA, -1);
            direct.send(f, new byte[] {7});
            Session atB = accepted.get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
            byte[] got = atB.receive(t.timeout()).data();
            atB.close(Duration.ofSeconds(1));
            register(t, nameA, "0");
            register(t, nameB, "0");
            String gone = identityOf(t, nameB);
            return Outcome.check(Arrays.equals(got, new byte[] {7}) && gone.isEmpty(), "registered " + nameA + " and " + nameB
                    + " via reg.cgi; lookup gave " + nameB + "'s nearID; onRelay " + args.subList(1, 4) + "; direct session "
                    + direct.peer() + " carried " + Arrays.toString(got) + "; after identity=0 the lookup gives "
                    + (gone.isEmpty() ? "no identity" : gone));
        }
    }

    static Outcome webServiceEdges(Target t) throws Exception {
        if (t.regCgi() == null) {
            return Outcome.na("no --reg-cgi URL given");
        }
        String refused = "<?xml version=\"1.0\" encoding=\"utf-8\"?><result><update>false</update></result>";
        String bad = register(t, user("c"), "not-a-peer-id");
        String markup = "</user><identity>" + "ab".repeat(32) + "</identity>";
        String escaped = get(t, "friends=" + enc(markup));
        boolean noInjection = !escaped.contains("<identity>") && escaped.contains("&lt;/user&gt;");
        return Outcome.check(refused.equals(bad) && noInjection, "bad identity → " + bad + "; markup in a name → " + escaped);
    }
}
