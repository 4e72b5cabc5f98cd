package org.nimbus.red5;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * An embedded Tomcat 8.5 (the classes Red5 runs) on a free loopback port with a {@code /nimbus}
 * context wired as conf/webapps/nimbus is: JSR 356 (Tomcat's WsSci, which Red5's context
 * configuration finds by itself), RegistryWebSocketListener (its web.xml) and
 * RegistryWebSocketPortListener (its META-INF/context.xml), and a default servlet as Red5 gives
 * every context.
 */
final class NimbusWebAppTomcat implements AutoCloseable {
    final Tomcat tomcat = new Tomcat();
    final Context nimbus;
    private final Path base;

    NimbusWebAppTomcat() throws IOException, LifecycleException {
        base = Files.createTempDirectory("nimbus-tomcat-");
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        Connector http = tomcat.getConnector();
        http.setProperty("address", "127.0.0.1");
        nimbus = tomcat.addContext("/nimbus", null);
        nimbus.addServletContainerInitializer(new WsSci(), null);
        nimbus.addApplicationListener(RegistryWebSocketListener.class.getName());
        nimbus.addLifecycleListener(new RegistryWebSocketPortListener());
        Tomcat.addServlet(nimbus, "default", new DefaultServlet());
        nimbus.addServletMappingDecoded("/", "default");
        tomcat.start();
    }

    int httpPort() {
        return tomcat.getConnector().getLocalPort();
    }

    java.net.URI registryUri() {
        return java.net.URI.create("ws://127.0.0.1:" + httpPort() + "/nimbus/registry");
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
