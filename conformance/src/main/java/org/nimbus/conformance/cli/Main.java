package org.nimbus.conformance.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.load.LoadRunner;
import org.nimbus.conformance.load.LoadSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar nimbus-conformance.jar rtmfp://host:port/app [--suite handshake,tc] [--junit FILE]}:
 * runs the numbered cases against a server, prints the table, exits 1 on any failure.
 * With {@code --load ...} it drives load instead and prints rates and latency percentiles.
 */
@Command(name = "nimbus-conformance", mixinStandardHelpOptions = true, version = "nimbus-conformance 0.1",
        description = "RTMFP (RFC 7016 / RFC 7425) conformance cases run against a server.")
public final class Main implements Callable<Integer> {
    static final Map<String, Suite> SUITES = new LinkedHashMap<>();

    static {
        for (Suite s : List.of(new HandshakeSuite(), new TcSuite(), new FlowsSuite(), new RobustnessSuite(),
                new RegistrySuite(), new IntroductionSuite(), new GroupSuite(), new StreamSuite(), new CirrusSuite(),
                new ConnCheckSuite())) {
            SUITES.put(s.name(), s);
        }
    }

    @Parameters(index = "0", arity = "0..1", description = "server URI, e.g. rtmfp://127.0.0.1:1935/live")
    String uri;

    @Option(names = "--suite", split = ",", description = "suites to run (default: all): ${COMPLETION-CANDIDATES}",
            completionCandidates = SuiteNames.class)
    List<String> suites = new ArrayList<>();

    @Option(names = "--case", split = ",", description = "only these case ids, e.g. HS-01,TC-02")
    List<String> only = new ArrayList<>();

    @Option(names = "--junit", description = "also write a JUnit XML report here")
    Path junit;

    @Option(names = "--timeout", defaultValue = "5000", description = "per-step timeout in ms (default ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--list", description = "list the cases and exit")
    boolean list;

    @Option(names = "--registry-tcp", description = "Nimbus registry TCP endpoint host:port (registry suite; else n/a)")
    String registryTcp;

    @Option(names = "--registry-ws", description = "Nimbus registry WebSocket URL, e.g. ws://host:5080/nimbus/registry (registry suite, lookup load; else n/a)")
    URI registryWs;

    @Option(names = "--rtmp", description = "the same application over RTMP, e.g. rtmp://host:1935/live (stream cases with ffmpeg; else n/a; the fanout load's RTMP players)")
    URI rtmp;

    @Option(names = "--reg-cgi", description = "the Cirrus samples' peer-ID web service, e.g. http://host:5080/nimbus/reg.cgi (cirrus suite; else n/a)")
    URI regCgi;

    @Option(names = "--cirrus-key", defaultValue = Target.DEFAULT_CIRRUS_KEY, description = "developer key the cirrus cases put in their path (default ${DEFAULT-VALUE})")
    String cirrusKey;

    @Option(names = "--keepalive-wait", defaultValue = "20000", description = "how long keepalive cases wait for the server's Ping, ms (default ${DEFAULT-VALUE})")
    long keepaliveWaitMs;

    @Option(names = "--conncheck", description = "run a connectivity check against rtmfp://HOST:PORT/conncheck and print its result fields")
    boolean conncheck;

    @Option(names = "--load", description = "load mode instead of the cases: sessions=N,rate=R,duration=T,mix=handshake|idle|introduce|call|lookup|fanout|soak")
    String load;

    @Option(names = "--jmx", description = "with --load: the server JVM's JMX agent host:port, for its heap and CPU")
    String jmx;

    static final class SuiteNames extends ArrayList<String> {
        SuiteNames() {
            super(SUITES.keySet());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<ConformanceCase> cases = new ArrayList<>();
        for (String name : suites.isEmpty() ? List.copyOf(SUITES.keySet()) : suites) {
            Suite s = SUITES.get(name.trim());
            if (s == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown suite " + name
                        + " (known: " + SUITES.keySet() + ")");
            }
            s.cases().stream().filter(c -> only.isEmpty() || only.contains(c.id())).forEach(cases::add);
        }
        if (list) {
            cases.forEach(c -> System.out.printf("%-6s %-14s %s%n", c.id(), c.section(), c.title()));
            return 0;
        }
        if (uri == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "missing server URI");
        }
        InetSocketAddress tcp;
        LoadSpec loadSpec;
        try {
            RtmfpUri.parse(uri);
            tcp = registryTcp == null ? null : hostPort(registryTcp);
            loadSpec = load == null ? null : LoadSpec.parse(load);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        if (conncheck) {
            return ConnCheck.print(ConnCheck.run(uri, Duration.ofMillis(timeoutMs)), System.out);
        }
        if (loadSpec != null) {
            return new LoadRunner(loadSpec, uri, tcp, registryWs, rtmp, jmx, Duration.ofMillis(timeoutMs), System.out).run();
        }
        Target target = new Target(uri, Duration.ofMillis(timeoutMs), tcp, registryWs, Duration.ofMillis(keepaliveWaitMs), rtmp,
                regCgi, cirrusKey);
        List<CaseResult> results = new ArrayList<>();
        for (ConformanceCase c : cases) {
            CaseResult r = c.run(target);
            System.err.printf("%s %s%n", c.id(), r.outcome().verdict());
            results.add(r);
        }
        ResultTable.print(results, System.out);
        if (junit != null) {
            JUnitReport.write(junit, uri, results);
        }
        return results.stream().anyMatch(r -> r.outcome().verdict() == Outcome.Verdict.FAIL) ? 1 : 0;
    }

    static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("expected host:port, got " + s);
        }
        String host = s.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(host, Integer.parseInt(s.substring(colon + 1)));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
