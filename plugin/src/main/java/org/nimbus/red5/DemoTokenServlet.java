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
 * {@code conf/nimbus.properties}, true in the demo install the build assembles). A file that does
 * not set the key leaves the choice to the web app's init parameter of the same name (the demo
 * site's web.xml sets it); neither means off. Errors are plain text: 404 while off, 400 for a
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
        enabled = enabled(NimbusPlugin.configFile(), getInitParameter(RegistrySettings.DEMO_TOKENS.key()));
        log.info("Nimbus demo token endpoint {}", enabled ? "on: it mints a token for any name" : "off");
    }

    /** The switch: the file's {@code registry.demo_tokens} if it sets it, else the web app's parameter; off on any error. */
    static boolean enabled(Path configFile, String webAppParameter) {
        NimbusConfig config;
        try {
            config = NimbusConfig.load(configFile);
        } catch (IOException | ConfigException e) {
            log.warn("Nimbus demo token endpoint off: cannot read {}: {}", configFile, e.getMessage());
            return false;
        }
        if (config.isSet(RegistrySettings.DEMO_TOKENS)) {
            return config.get(RegistrySettings.DEMO_TOKENS);
        }
        return "true".equals(webAppParameter);
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
