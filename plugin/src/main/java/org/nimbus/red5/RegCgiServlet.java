package org.nimbus.red5;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.nimbus.registry.RegCgi;

/**
 * The Cirrus samples' reg.cgi on HTTP ({@link RegCgi} does the work): GET only, never cached,
 * 503 while the registry is not running. Mapped by {@link RegCgiListener} at
 * {@code cirrus.reg_cgi_path} of the nimbus web app.
 */
public class RegCgiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient boolean requireToken;
    private final transient int perSource;
    private transient volatile RegCgi cgi;
    private transient volatile RegistryLauncher boundTo;

    public RegCgiServlet(boolean requireToken, int perSource) {
        this.requireToken = requireToken;
        this.perSource = perSource;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        RegistryLauncher registry = RegistryLauncher.current();
        if (registry == null) {
            write(resp, new RegCgi.Reply(503, "text/plain; charset=utf-8", "the registry is not running\n"));
            return;
        }
        RegCgi c = cgi;
        if (c == null || boundTo != registry) {
            // the registry restarts with the plugin: bind to the running one
            c = new RegCgi(registry.service(), registry.tokens(), requireToken, perSource);
            cgi = c;
            boundTo = registry;
        }
        write(resp, c.handle(req.getRemoteAddr(), req.getParameterMap()));
    }

    private static void write(HttpServletResponse resp, RegCgi.Reply r) throws IOException {
        resp.setStatus(r.status());
        resp.setContentType(r.contentType());
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
