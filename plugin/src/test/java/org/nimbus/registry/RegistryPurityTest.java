package org.nimbus.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The registry is pure: Red5, MINA, Tomcat, WebSocket libraries and sockets stay in the transports. */
class RegistryPurityTest {

    @Test
    void registryImportsNoServerOrNetworkPackages() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.nimbus.registry");
        noClasses().that().resideInAPackage("org.nimbus.registry..")
                .should().dependOnClassesThat().resideInAnyPackage("org.red5..", "org.apache.mina..", "org.apache.catalina..",
                        "org.apache.tomcat..", "javax.servlet..", "javax.websocket..", "java.net..", "java.nio.channels..",
                        "org.nimbus.red5..", "org.nimbus.transport..", "org.slf4j..")
                .check(classes);
    }
}
