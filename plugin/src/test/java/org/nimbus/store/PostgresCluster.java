package org.nimbus.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster from Debian's {@code postgresql} package: initdb into a temp
 * folder, the server on a free loopback port, stopped and deleted by {@link #close}. PostgreSQL
 * refuses to run as root, so as root both run as {@code nobody} (setpriv).
 */
final class PostgresCluster implements AutoCloseable {
    final int port;
    private final Path dir;
    private final Process server;

    private PostgresCluster(int port, Path dir, Process server) {
        this.port = port;
        this.dir = dir;
        this.server = server;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    static PostgresCluster start() throws Exception {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("issue17-pg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path data = dir.resolve("data");
        run(command(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "nimbus", "-E", "UTF8",
                "--no-sync"), dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(command(bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
                Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        PostgresCluster c = new PostgresCluster(port, dir, server);
        c.awaitReady(Duration.ofSeconds(60));
        return c;
    }

    /** Connects until the server answers (it accepts connections once recovery is over). */
    private void awaitReady(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Properties p = new Properties();
        p.setProperty("user", "nimbus");
        p.setProperty("connectTimeout", "2");
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("postgres exited: " + Files.readString(dir.resolve("server.log")));
            }
            try (Connection c = JdbcMessageStore.driverFor(url()).connect(url(), p)) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postgres did not come up: " + Files.readString(dir.resolve("server.log")), e);
                }
                server.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS); // the server starts; nothing to await on
            }
        }
    }

    /** Stops the server at once (new connections fail after), keeping the folder for {@link #close}. */
    void stopServer() throws InterruptedException {
        server.destroy(); // SIGTERM: PostgreSQL's smart shutdown... fast enough with no clients left
        if (!server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws Exception {
        if (server.isAlive()) {
            stopServer();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("PostgreSQL server binaries missing: install Debian's postgresql package"
                    + " (./nimbus test does)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql/*/bin"));
        }
    }

    private static List<String> command(String... args) {
        List<String> c = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            c.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        c.addAll(List.of(args));
        return c;
    }

    private static void run(List<String> command, Path dir) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }
}
