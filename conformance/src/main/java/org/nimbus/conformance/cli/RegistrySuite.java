package org.nimbus.conformance.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.registry.FrameReader;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;
import org.nimbus.conformance.registry.WsRegistryConnection;

/**
 * The Nimbus user registry (docs/registry-protocol.md, cited as "reg §section") over its TCP and
 * WebSocket transports, given by {@code --registry-tcp} ({@code host:1936}) and {@code --registry-ws}
 * (a URL: {@code ws://host:5080/nimbus/registry}, Red5's HTTP port); not applicable to servers
 * without one. Clients say hello as guests, so no account secret is needed.
 */
public final class RegistrySuite implements Suite {
    @Override
    public String name() {
        return "registry";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("RG-01", "reg §Frames", "TCP: guest hello → welcome (guest-xxxxxxxx), ping → pong",
                        t -> t.registryTcp() == null ? na() : hello(tcp(t), t)),
                new ConformanceCase("RG-02", "reg §Frames", "WebSocket: guest hello → welcome (guest-xxxxxxxx), ping → pong",
                        t -> t.registryWs() == null ? na() : hello(new WsRegistryConnection(t.registryWs(), t.timeout()), t)),
                new ConformanceCase("RG-03", "reg §Frames", "register this kit's RTMFP peer ID, lookup from another connection",
                        RegistrySuite::registerAndLookup),
                new ConformanceCase("RG-04", "reg §Frames", "subscribe, then presence online on register and offline on close",
                        RegistrySuite::presence),
                new ConformanceCase("RG-05", "reg §Frames", "relayed send → message at the target, 'sent' with delivered 1",
                        RegistrySuite::relay),
                new ConformanceCase("RG-06", "reg §Error codes", "not-authenticated, bad-json, unknown-op, bad-peer-id; connection stays",
                        RegistrySuite::errorsKeepTheConnection),
                new ConformanceCase("RG-07", "reg §Transports", "WebSocket: two frames in one message, one frame over two; text → text-frame",
                        RegistrySuite::webSocketFraming),
                new ConformanceCase("RG-08", "reg §Transports", "TCP: <policy-file-request/> gets the policy, NUL-terminated, then close",
                        RegistrySuite::policyFile),
                new ConformanceCase("RG-09", "reg §Frames", "frame length beyond any limit → frame-too-large, then close",
                        RegistrySuite::frameTooLarge),
                new ConformanceCase("RG-10", "reg §Frames", "relay-only register: online and sent to, no peer ID in lookup; peerId with relay → bad-request",
                        RegistrySuite::relayOnly));
    }

    private static Outcome na() {
        return Outcome.na("no registry endpoint given (--registry-tcp / --registry-ws): not a Nimbus target");
    }

    private static RegistryConnection tcp(Target t) throws Exception {
        return t.registryTcp() == null ? null : new TcpRegistryConnection(t.registryTcp(), t.timeout());
    }

    /** A connection on the first transport given (TCP, else WebSocket), or null. */
    private static RegistryConnection first(Target t) throws Exception {
        return t.registryTcp() != null ? tcp(t) : t.registryWs() != null ? new WsRegistryConnection(t.registryWs(), t.timeout()) : null;
    }

    /** A connection on the other transport when both are given, so cases cross them. */
    private static RegistryConnection second(Target t) throws Exception {
        return t.registryWs() != null ? new WsRegistryConnection(t.registryWs(), t.timeout()) : tcp(t);
    }

    static JsonObject guestHello(RegistryConnection c, Target t) throws Exception {
        JsonObject hello = RegistryConnection.request("hello");
        hello.addProperty("v", 1);
        hello.addProperty("guest", true);
        JsonObject w = c.call(hello, t.timeout());
        expectOp(w, "welcome");
        return w;
    }

    static void expectOp(JsonObject o, String op) {
        if (!o.has("op") || !op.equals(o.get("op").getAsString())) {
            throw new IllegalStateException("expected '" + op + "', got " + o);
        }
    }

    static String expectError(JsonObject o, String code) {
        expectOp(o, "error");
        String got = o.has("code") ? o.get("code").getAsString() : "(none)";
        if (!code.equals(got)) {
            throw new IllegalStateException("expected error " + code + ", got " + o);
        }
        return code;
    }

    static Outcome hello(RegistryConnection c, Target t) throws Exception {
        try (c) {
            JsonObject w = guestHello(c, t);
            String name = w.get("name").getAsString();
            boolean ok = name.matches("guest-[a-z2-7]{8}") && w.get("guest").getAsBoolean() && w.get("keepalive").getAsInt() > 0;
            expectOp(c.call(RegistryConnection.request("ping"), t.timeout()), "pong");
            return Outcome.check(ok, "welcome " + name + ", keepalive " + w.get("keepalive") + " s; pong");
        }
    }

    static Outcome registerAndLookup(Target t) throws Exception {
        if (t.registryTcp() == null && t.registryWs() == null) {
            return na();
        }
        try (RtmfpClient client = t.client(); RegistryConnection a = first(t); RegistryConnection b = second(t)) {
            Session s = client.connect(t.uri(), t.options());
            String peerId = HexFormat.of().formatHex(s.info().peerId());
            String name = guestHello(a, t).get("name").getAsString();
            JsonObject reg = a.call(RegistryConnection.request("register", "peerId", peerId), t.timeout());
            expectOp(reg, "registered");
            guestHello(b, t);
            JsonObject found = b.call(RegistryConnection.request("lookup", "name", name), t.timeout());
            expectOp(found, "found");
            JsonArray ids = found.getAsJsonArray("peerIds");
            boolean ok = found.get("online").getAsBoolean() && ids.size() == 1 && peerId.equals(ids.get(0).getAsString());
            s.close(t.timeout());
            return Outcome.check(ok, name + " registered peer ID " + peerId.substring(0, 12) + "…; lookup " + found);
        }
    }

    static Outcome presence(Target t) throws Exception {
        if (t.registryTcp() == null && t.registryWs() == null) {
            return na();
        }
        try (RegistryConnection watcher = first(t)) {
            guestHello(watcher, t);
            RegistryConnection watched = second(t);
            String name = guestHello(watched, t).get("name").getAsString();
            JsonObject names = RegistryConnection.request("subscribe");
            JsonArray list = new JsonArray();
            list.add(name);
            names.add("names", list);
            JsonObject sub = watcher.call(names, t.timeout());
            expectOp(sub, "subscribed");
            boolean offlineFirst = sub.getAsJsonArray("online").isEmpty();
            expectOp(watched.call(RegistryConnection.request("register", "peerId", "ab".repeat(32)), t.timeout()), "registered");
            JsonObject on = watcher.awaitOp("presence", t.timeout());
            watched.close();
            JsonObject off = watcher.awaitOp("presence", t.timeout());
            boolean ok = offlineFirst && on.get("online").getAsBoolean() && !off.get("online").getAsBoolean()
                    && name.equals(on.get("name").getAsString()) && name.equals(off.get("name").getAsString());
            return Outcome.check(ok, "subscribed " + sub.get("online") + "; then " + on + "; then " + off);
        }
    }

    static Outcome relay(Target t) throws Exception {
        if (t.registryTcp() == null && t.registryWs() == null) {
            return na();
        }
        try (RegistryConnection a = first(t); RegistryConnection b = second(t)) {
            String aName = guestHello(a, t).get("name").getAsString();
            expectOp(a.call(RegistryConnection.request("register", "peerId", "cd".repeat(32)), t.timeout()), "registered");
            String bName = guestHello(b, t).get("name").getAsString();
            String text = "conformance ✓ " + System.nanoTime();
            JsonObject sent = b.call(RegistryConnection.request("send", "to", aName, "text", text), t.timeout());
            expectOp(sent, "sent");
            JsonObject m = a.awaitOp("message", t.timeout());
            boolean ok = sent.get("delivered").getAsInt() == 1 && bName.equals(m.get("from").getAsString())
                    && text.equals(m.get("text").getAsString()) && m.has("ts");
            return Outcome.check(ok, "sent " + sent + "; received from " + m.get("from") + " with ts");
        }
    }

    /**
     * A connection with no peer ID registers relay-only: its user is online (presence, lookup) and
     * gets relayed sends, while lookup's peerIds stays empty; a peer ID replaces it and the reverse.
     * Both connections on one transport (TCP, else WebSocket).
     */
    static Outcome relayOnly(Target t) throws Exception {
        if (t.registryTcp() == null && t.registryWs() == null) {
            return na();
        }
        try (RegistryConnection watcher = first(t); RegistryConnection page = first(t)) {
            guestHello(watcher, t);
            String name = guestHello(page, t).get("name").getAsString();
            JsonObject names = RegistryConnection.request("subscribe");
            JsonArray list = new JsonArray();
            list.add(name);
            names.add("names", list);
            expectOp(watcher.call(names, t.timeout()), "subscribed");

            JsonObject both = RegistryConnection.request("register", "peerId", "ef".repeat(32));
            both.addProperty("relay", true);
            expectError(page.call(both, t.timeout()), "bad-request");
            JsonObject relay = RegistryConnection.request("register");
            relay.addProperty("relay", true);
            JsonObject reg = page.call(relay, t.timeout());
            expectOp(reg, "registered");
            boolean regOk = name.equals(reg.get("name").getAsString()) && reg.has("relay") && reg.get("relay").getAsBoolean()
                    && !reg.has("peerId");
            JsonObject on = watcher.awaitOp("presence", t.timeout());
            boolean onOk = name.equals(on.get("name").getAsString()) && on.get("online").getAsBoolean();
            JsonObject found = watcher.call(RegistryConnection.request("lookup", "name", name), t.timeout());
            expectOp(found, "found");
            boolean relayOnly = found.get("online").getAsBoolean() && found.getAsJsonArray("peerIds").isEmpty();
            String text = "relay-only " + System.nanoTime();
            JsonObject sent = watcher.call(RegistryConnection.request("send", "to", name, "text", text), t.timeout());
            expectOp(sent, "sent");
            JsonObject m = page.awaitOp("message", t.timeout());
            boolean sentOk = sent.get("delivered").getAsInt() == 1 && text.equals(m.get("text").getAsString());

            expectOp(page.call(RegistryConnection.request("register", "peerId", "ef".repeat(32)), t.timeout()), "registered");
            JsonArray withPeer = watcher.call(RegistryConnection.request("lookup", "name", name), t.timeout()).getAsJsonArray("peerIds");
            expectOp(page.call(relay, t.timeout()), "registered");
            JsonArray backToRelay = watcher.call(RegistryConnection.request("lookup", "name", name), t.timeout()).getAsJsonArray("peerIds");
            boolean replaced = withPeer.size() == 1 && "ef".repeat(32).equals(withPeer.get(0).getAsString()) && backToRelay.isEmpty();
            JsonObject unrelay = RegistryConnection.request("unregister");
            unrelay.addProperty("relay", true);
            expectOp(page.call(unrelay, t.timeout()), "unregistered");
            JsonObject off = watcher.awaitOp("presence", t.timeout());
            boolean offOk = !off.get("online").getAsBoolean();
            return Outcome.check(regOk && onOk && relayOnly && sentOk && replaced && offOk,
                    "peerId+relay → bad-request; registered relay " + reg.get("relay") + ", presence online " + on.get("online")
                    + "; lookup online " + found.get("online") + ", peerIds " + found.get("peerIds") + "; sent delivered "
                    + sent.get("delivered") + "; peer ID then relay-only again: peerIds " + withPeer.size() + " then "
                    + backToRelay.size() + "; unregister relay → presence online " + off.get("online"));
        }
    }

    static Outcome errorsKeepTheConnection(Target t) throws Exception {
        if (t.registryTcp() == null && t.registryWs() == null) {
            return na();
        }
        try (RegistryConnection c = first(t)) {
            expectError(c.call(RegistryConnection.request("lookup", "name", "anyone"), t.timeout()), "not-authenticated");
            c.sendBytes(FrameReader.frame("{not json"));
            expectError(c.awaitOp("error", t.timeout()), "bad-json");
            guestHello(c, t);
            expectError(c.call(RegistryConnection.request("no-such-op"), t.timeout()), "unknown-op");
            expectError(c.call(RegistryConnection.request("register", "peerId", "XYZ"), t.timeout()), "bad-peer-id");
            expectOp(c.call(RegistryConnection.request("ping"), t.timeout()), "pong");
            return Outcome.pass("four errors answered with their codes; connection still answers ping");
        }
    }

    static Outcome webSocketFraming(Target t) throws Exception {
        if (t.registryWs() == null) {
            return Outcome.na("no --registry-ws given");
        }
        try (WsRegistryConnection c = new WsRegistryConnection(t.registryWs(), t.timeout())) {
            guestHello(c, t);
            ByteArrayOutputStream two = new ByteArrayOutputStream();
            two.writeBytes(FrameReader.frame("{\"op\":\"ping\",\"id\":\"w1\"}"));
            two.writeBytes(FrameReader.frame("{\"op\":\"ping\",\"id\":\"w2\"}"));
            c.sendBytes(two.toByteArray());
            byte[] split = FrameReader.frame("{\"op\":\"ping\",\"id\":\"w3\"}");
            c.sendBytes(java.util.Arrays.copyOf(split, 7));
            c.sendBytes(java.util.Arrays.copyOfRange(split, 7, split.length));
            for (String id : new String[] {"w1", "w2", "w3"}) {
                expectOp(c.await(o -> o.has("id") && id.equals(o.get("id").getAsString()), t.timeout(), "pong " + id), "pong");
            }
            c.sendText("{\"op\":\"ping\"}");
            expectError(c.awaitOp("error", t.timeout()), "text-frame");
            expectOp(c.call(RegistryConnection.request("ping"), t.timeout()), "pong");
            return Outcome.pass("3 pongs for 2+split frames; text message → text-frame; connection stays");
        }
    }

    static Outcome policyFile(Target t) throws Exception {
        if (t.registryTcp() == null) {
            return Outcome.na("no --registry-tcp given");
        }
        try (Socket s = new Socket()) {
            s.connect(t.registryTcp(), (int) t.timeout().toMillis());
            s.setSoTimeout((int) t.timeout().toMillis());
            s.getOutputStream().write("<policy-file-request/>\0".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                got.write(b);
            }
            byte[] doc = got.toByteArray();
            String text = new String(doc, StandardCharsets.UTF_8);
            boolean ok = doc.length > 0 && doc[doc.length - 1] == 0 && text.contains("<cross-domain-policy>")
                    && text.contains("allow-access-from");
            return Outcome.check(ok, doc.length + " bytes" + (ok ? ", a policy, NUL-terminated, then closed by the server"
                    : ": not a NUL-terminated policy: " + text));
        }
    }

    static Outcome frameTooLarge(Target t) throws Exception {
        if (t.registryTcp() == null && t.registryWs() == null) {
            return na();
        }
        try (RegistryConnection c = first(t)) {
            c.sendBytes(ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(0x7b7b7b7b).array());
            expectError(c.awaitOp("error", t.timeout()), "frame-too-large");
            boolean closed = c.awaitClosedByServer(t.timeout());
            return Outcome.check(closed, closed ? "frame-too-large, connection closed" : "error sent but connection left open");
        }
    }
}
