package org.nimbus;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.red5.NimbusPlugin;

/**
 * The layering of docs/architecture.md: the protocol core (rtmfp.*, ratelimit, introduction,
 * group, registry) imports no server, network framework or servlet classes, so it runs in a unit
 * test with no socket; Red5, MINA and Tomcat stay in the red5 and transport edges, except that
 * tc speaks AMF through red5-io and its IoBuffer. And the plugin never depends on the
 * conformance kit, so the two implementations keep checking each other.
 */
class ArchitectureTest {
    private static final String[] SERVER_AND_NETWORK_LIBRARIES = {"org.red5..", "org.apache.mina..",
        "org.apache.catalina..", "org.apache.tomcat..", "javax.servlet..", "javax.websocket.."};
    private static final String[] PROTOCOL_CORE = {"org.nimbus.rtmfp..", "org.nimbus.ratelimit..",
        "org.nimbus.introduction..", "org.nimbus.group..", "org.nimbus.registry..", "org.nimbus.conncheck.."};
    private static JavaClasses main;

    @BeforeAll
    static void importMain() throws Exception {
        // Exactly the plugin's own main classes (its classes folder or jar): not the kit's, which
        // a reactor build puts on the test class path as a folder, and not test classes.
        Path pluginClasses = Path.of(NimbusPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        main = new ClassFileImporter().importPath(pluginClasses);
    }

    @Test
    void protocolCoreIsFreeOfServerAndNetworkLibraries() {
        noClasses().that().resideInAnyPackage(PROTOCOL_CORE)
                .should().dependOnClassesThat().resideInAnyPackage(SERVER_AND_NETWORK_LIBRARIES)
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void protocolCoreDoesNotReachIntoTheEdges() {
        noClasses().that().resideInAnyPackage(PROTOCOL_CORE)
                .should().dependOnClassesThat().resideInAnyPackage("org.nimbus.red5..", "org.nimbus.transport..")
                .allowEmptyShould(true)
                .check(main);
    }

    /**
     * The TC layer (RFC 7425 §5) decodes AMF with red5-io, whose API takes MINA's IoBuffer; it
     * runs on the RTMFP loop and reaches Red5's server only through the red5 edge (TcApplication).
     */
    @Test
    void tcUsesRed5IoAndNothingElseOfTheServerStack() {
        noClasses().that().resideInAPackage("org.nimbus.tc..")
                .should().dependOnClassesThat(resideInAPackage("org.red5..").and(not(resideInAPackage("org.red5.io.."))))
                .orShould().dependOnClassesThat(resideInAPackage("org.apache.mina..")
                        .and(not(resideInAPackage("org.apache.mina.core.buffer.."))))
                .orShould().dependOnClassesThat(resideInAnyPackage("org.springframework..", "org.apache.catalina..",
                        "org.apache.tomcat..", "javax.servlet..", "javax.websocket..",
                        "org.nimbus.red5..", "org.nimbus.transport.."))
                .check(main);
    }

    /**
     * Meters live at the edge: the core and tc expose plain counters and callbacks, which
     * org.nimbus.metrics (used from red5) binds to Micrometer.
     */
    @Test
    void coreAndTcKnowNoMetricsLibrary() {
        noClasses().that().resideInAnyPackage(PROTOCOL_CORE).or().resideInAPackage("org.nimbus.tc..")
                .or().resideInAPackage("org.nimbus.config..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..", "org.nimbus.metrics..")
                .check(main);
    }

    @Test
    void rtmfpCoreDoesNoIo() {
        noClasses().that().resideInAnyPackage("org.nimbus.rtmfp..")
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.channels..", "java.io.File..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.DatagramSocket")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
                .check(main);
    }

    @Test
    void pluginNeverUsesTheConformanceKit() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.nimbus.conformance..").check(main);
    }
}
