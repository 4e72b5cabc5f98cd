package org.nimbus.red5;

import javax.servlet.ServletContextEvent;
import javax.servlet.ServletContextListener;
import javax.servlet.ServletRegistration;
import org.nimbus.config.CirrusSettings;
import org.nimbus.config.NimbusConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps {@link RegCgiServlet} in the nimbus web app at {@code cirrus.reg_cgi_path} (default
 * {@code /reg.cgi}; empty: off), as nimbus.properties says when the web app starts. Declared in
 * the web app's web.xml, so it may add servlets (Servlet 3.1 §4.4).
 */
public class RegCgiListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(RegCgiListener.class);

    @Override
    public void contextInitialized(ServletContextEvent event) {
        NimbusConfig config = NimbusPlugin.webAppConfig(log, "reg.cgi").orElse(null);
        if (config == null) {
            return;
        }
        String path = config.get(CirrusSettings.REG_CGI_PATH);
        if (path.isEmpty()) {
            log.info("Nimbus reg.cgi off (cirrus.reg_cgi_path is empty)");
            return;
        }
        ServletRegistration.Dynamic r = event.getServletContext().addServlet("nimbus-reg-cgi",
                new RegCgiServlet(config.get(CirrusSettings.REG_CGI_REQUIRE_TOKEN), config.get(CirrusSettings.REG_CGI_PER_SOURCE)));
        r.addMapping(path);
        log.info("Nimbus reg.cgi (Cirrus samples' peer-ID web service) at {}{}{}", event.getServletContext().getContextPath(), path,
                config.get(CirrusSettings.REG_CGI_REQUIRE_TOKEN) ? ", registrations need an account token" : "");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
    }
}
