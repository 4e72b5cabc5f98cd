package org.nimbus.red5;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Instant;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.nimbus.registry.Frames;
import org.nimbus.registry.Names;

/**
 * The demo site's stand-in for a real login: GET ?name=NAME answers
 * {@code {"name":NAME,"token":TOKEN,"expires":UNIX_SECONDS}} with a one-hour account token minted
 * with the registry secret. Anyone may claim any name here, so a real site replaces it with its
 * own sign-in that mints the same token (docs/registry-protocol.md). Errors are plain text:
 * 400 for a missing or invalid name, 503 while the registry is not running.
 */
public class DemoTokenServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final long LIFETIME_SECONDS = 3600;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
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
