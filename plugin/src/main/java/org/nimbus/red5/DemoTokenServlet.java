package org.nimbus.red5;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.nimbus.config.ConfigException;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.RegistrySettings;
import org.nimbus.registry.Frames;
import org.nimbus.registry.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo site's stand-in for a real login: GET ?name=NAME answers
 * {@code {"name":NAME,"token":TOKEN,"expires":UNIX_SECONDS}} with a one-hour account token minted
 * with the registry secret. Anyone may claim any name here, so a real site replaces it with its
 * own sign-in that mints the same token (docs/registry-protocol.md), and it answers only when
 * switched on: {@code registry.demo_tokens} in nimbus.properties (false in the shipped
 * {@code conf/nimbus.properties} and when the key is absent, true in the demo install the build
 * assembles): one switch, in the operator's file. Errors are plain text: 404 while off, 400 for a
 * missing or invalid name, 503 while the registry is not running.
 */
public class DemoTokenServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DemoTokenServlet.class);
    static final long LIFETIME_SECONDS = 3600;
    static final String OFF = "the demo token endpoint is off: sign in through the site's own login, or as a guest"
            + " (registry.demo_tokens=true in nimbus.properties turns it on; never on a site with real accounts)";

    private volatile boolean enabled;

    @Override
    public void init() {
        enabled = enabled(NimbusPlugin.configFile());
        log.info("Nimbus demo token endpoint {}", enabled ? "on: it mints a token for any name" : "off");
    }

    /** The switch: the file's {@code registry.demo_tokens}; off when it is absent or the file cannot be read. */
    static boolean enabled(Path configFile) {
        try {
            return NimbusConfig.load(configFile).get(RegistrySettings.DEMO_TOKENS);
        } catch (IOException | ConfigException e) {
            log.warn("Nimbus demo token endpoint off: cannot read {}: {}", configFile, e.getMessage());
            return false;
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (!enabled) {
            plain(resp, HttpServletResponse.SC_NOT_FOUND, OFF);
            return;
        }
        RegistryLauncher registry = RegistryLauncher.current();
        if (registry == null) {
            plain(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the registry is not running");
            return;
        }
        String name = req.getParameter("name");
        String problem = name == null ? "missing name" : Names.accountNameProblem(name);
        if (problem != null) {
            plain(resp, HttpServletResponse.SC_BAD_REQUEST, "bad name: " + problem);
            return;
        }
        long expires = Instant.now().getEpochSecond() + LIFETIME_SECONDS;
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("token", registry.tokens().mint(name, expires));
        o.addProperty("expires", expires);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(Frames.toJson(o));
    }

    private static void plain(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(text);
    }
}
