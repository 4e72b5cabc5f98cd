package org.nimbus.red5;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.Setting;
import org.nimbus.config.StatusSettings;
import org.nimbus.metrics.NimbusMetrics;
import org.nimbus.metrics.StatusHistory;
import org.nimbus.registry.RegistryStats;
import org.nimbus.registry.TransportFigures;
import org.nimbus.transport.SourceTally;

/**
 * /nimbus/status (the page), /nimbus/status.json (what it draws) and /nimbus/metrics
 * (Prometheus text), behind status.access: HTTP Basic (401 on wrong or missing credentials) or
 * an address allow-list (403 elsewhere). Reads only published figures ({@link Operations}).
 */
final class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int TOP = 10;
    private static final String MASK = "********";

    private final StatusSettings.Access access;
    private final byte[] credentials;
    private final List<StatusSettings.Cidr> allow;
    private final byte[] page;

    StatusServlet(NimbusConfig config) throws IOException {
        access = config.get(StatusSettings.ACCESS);
        String user = config.get(StatusSettings.USER);
        String password = config.get(StatusSettings.PASSWORD);
        // basic with no password configured admits nobody
        credentials = password.isEmpty() ? null : (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        allow = config.get(StatusSettings.ALLOW);
        try (InputStream in = StatusServlet.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IOException("status.html missing from the plugin jar");
            }
            page = in.readAllBytes();
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!admitted(req, resp)) {
            return;
        }
        Operations ops = Operations.current();
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        String path = req.getServletPath();
        if ("/status".equals(path)) {
            resp.setContentType("text/html; charset=utf-8");
            resp.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
                    + " connect-src 'self'; img-src 'self' data:");
            resp.getOutputStream().write(page);
            return;
        }
        if (ops == null) {
            resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Nimbus is not started");
            return;
        }
        long started = System.nanoTime();
        byte[] body;
        if ("/metrics".equals(path)) {
            resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
            body = ops.metrics().scrape().getBytes(StandardCharsets.UTF_8);
        } else {
            resp.setContentType("application/json; charset=utf-8");
            body = json(ops).toString().getBytes(StandardCharsets.UTF_8);
        }
        // how long the answer took to compute (what the load test checks besides the round trip)
        resp.setHeader("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.2f", (System.nanoTime() - started) / 1e6));
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private boolean admitted(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (access) {
            case BASIC -> {
                String h = req.getHeader("Authorization");
                byte[] given = null;
                if (h != null && h.regionMatches(true, 0, "Basic ", 0, 6)) {
                    try {
                        given = Base64.getDecoder().decode(h.substring(6).trim());
                    } catch (IllegalArgumentException e) {
                        given = null;
                    }
                }
                if (credentials == null || given == null || !MessageDigest.isEqual(credentials, given)) {
                    resp.setHeader("WWW-Authenticate", "Basic realm=\"Nimbus status\", charset=\"UTF-8\"");
                    resp.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                    return false;
                }
                return true;
            }
            case ALLOW -> {
                InetAddress from;
                try {
                    from = InetAddress.getByName(req.getRemoteAddr()); // an IP literal from the socket
                } catch (IOException e) {
                    from = null;
                }
                for (StatusSettings.Cidr c : allow) {
                    if (from != null && c.contains(from)) {
                        return true;
                    }
                }
                resp.sendError(HttpServletResponse.SC_FORBIDDEN);
                return false;
            }
            default -> {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return false;
            }
        }
    }

    static JsonObject json(Operations ops) {
        JsonObject o = new JsonObject();
        o.addProperty("version", NimbusPlugin.version());
        o.addProperty("sampleSeconds", StatusHistory.SAMPLE_SECONDS);
        Map<String, Long> c = ops.counters();
        JsonObject now = new JsonObject();
        now.addProperty("sessions", ops.sessions());
        now.addProperty("receiveBufferBytes", ops.receiveBufferedBytes());
        now.addProperty("handshakes", c.getOrDefault("session.opened", 0L));
        now.addProperty("introductions", StatusHistory.sum(c, "introduction.", "introduction.request"));
        now.addProperty("drops", StatusHistory.sum(c, "drop.", null));
        now.addProperty("netgroupJoins", c.getOrDefault("group.join", 0L));
        now.addProperty("netgroupLeaves", c.getOrDefault("group.leave", 0L));
        now.addProperty("tcConnects", c.getOrDefault("tc.connect", 0L));
        now.addProperty("publishes", StreamCounters.RTMFP_PUBLISHES.sum() + StreamCounters.RTMP_PUBLISHES.sum());
        now.addProperty("plays", StreamCounters.RTMFP_PLAYS.sum() + StreamCounters.RTMP_PLAYS.sum());
        now.addProperty("heapUsed", StatusHistory.heapUsed());
        RegistryLauncher reg = RegistryLauncher.current();
        if (reg != null) {
            RegistryStats r = reg.stats();
            now.addProperty("online", r.accounts() + r.guests());
            now.addProperty("registryConnections", r.connections());
            now.addProperty("registrations", r.registrations());
            now.addProperty("lookups", r.lookups());
            now.addProperty("relayed", r.relayedMessages());
            JsonArray byTransport = new JsonArray();
            for (Map.Entry<String, TransportFigures.Figures> e : reg.service().transports().snapshot().entrySet()) {
                JsonObject t = new JsonObject();
                t.addProperty("transport", e.getKey());
                t.addProperty("connections", e.getValue().connections());
                t.addProperty("names", e.getValue().names());
                t.addProperty("lookups", e.getValue().lookups());
                t.addProperty("relays", e.getValue().relays());
                byTransport.add(t);
            }
            o.add("registry", byTransport);
        }
        o.add("now", now);
        JsonObject counters = new JsonObject();
        c.forEach(counters::addProperty);
        o.add("counters", counters);
        JsonArray history = new JsonArray();
        for (StatusHistory.Sample s : ops.history().samples()) {
            JsonArray p = new JsonArray();
            p.add(s.timeMillis());
            p.add(s.sessions());
            p.add(s.handshakesPerSecond());
            p.add(s.introductionsPerSecond());
            p.add(s.dropsPerSecond());
            p.add(s.online());
            p.add(s.heapUsed());
            history.add(p);
        }
        o.add("history", history);
        JsonArray sources = new JsonArray();
        for (SourceTally.Source s : ops.sources(TOP)) {
            JsonObject x = new JsonObject();
            x.addProperty("address", s.address());
            x.addProperty("datagrams", s.datagrams());
            sources.add(x);
        }
        o.add("sources", sources);
        JsonArray apps = new JsonArray();
        ops.metrics().apps().values().stream()
                .sorted((a, b) -> Integer.compare(b.rtmfp() + b.rtmp(), a.rtmfp() + a.rtmp()))
                .forEach((NimbusMetrics.App a) -> {
                    JsonObject x = new JsonObject();
                    x.addProperty("name", a.name());
                    x.addProperty("rtmfp", a.rtmfp());
                    x.addProperty("rtmp", a.rtmp());
                    x.addProperty("streams", a.streams());
                    apps.add(x);
                });
        o.add("apps", apps);
        JsonArray config = new JsonArray();
        for (Setting<?> s : NimbusConfig.SETTINGS) {
            JsonArray kv = new JsonArray();
            kv.add(s.key());
            String v = String.valueOf(ops.config().get(s));
            kv.add(StatusSettings.SECRETS.contains(s.key()) && !v.isEmpty() ? MASK : v);
            config.add(kv);
        }
        o.add("config", config);
        return o;
    }
}
