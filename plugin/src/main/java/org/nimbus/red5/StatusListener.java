package org.nimbus.red5;

import java.io.IOException;
import javax.servlet.ServletContextEvent;
import javax.servlet.ServletContextListener;
import javax.servlet.ServletRegistration;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.StatusSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps {@link StatusServlet} in the nimbus web app at /status, /status.json and /metrics when
 * status.access is not off. Declared in the web app's web.xml, so it may add servlets.
 */
public class StatusListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(StatusListener.class);

    @Override
    public void contextInitialized(ServletContextEvent event) {
        NimbusConfig config = NimbusPlugin.webAppConfig(log, "status page").orElse(null);
        if (config == null) {
            return;
        }
        StatusSettings.Access access = config.get(StatusSettings.ACCESS);
        if (access == StatusSettings.Access.OFF) {
            log.info("Nimbus status page and metrics off (status.access=off)");
            return;
        }
        StatusServlet servlet;
        try {
            servlet = new StatusServlet(config);
        } catch (IOException e) {
            log.error("Nimbus status page off: {}", e.getMessage());
            return;
        }
        ServletRegistration.Dynamic r = event.getServletContext().addServlet("nimbus-status", servlet);
        r.addMapping("/status", "/status.json", "/metrics");
        String ctx = event.getServletContext().getContextPath();
        if (access == StatusSettings.Access.BASIC && config.get(StatusSettings.PASSWORD).isEmpty()) {
            log.warn("status.access=basic with an empty status.password: every request gets 401");
        }
        log.info("Nimbus status page at {}/status, metrics at {}/metrics ({})", ctx, ctx,
                access == StatusSettings.Access.BASIC ? "HTTP Basic" : "from " + config.get(StatusSettings.ALLOW));
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
    }
}
