package org.nimbus.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The kit must stay an independent implementation: nothing from the server (other org.nimbus
 * packages), Red5 or MINA, so the two implementations check each other.
 */
class IndependenceTest {
    private static final JavaClasses KIT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.nimbus.conformance");

    @Test
    void noOtherNimbusCode() {
        noClasses().that().resideInAPackage("org.nimbus.conformance..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "org.nimbus classes outside org.nimbus.conformance",
                        (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith("org.nimbus")
                                && !c.getPackageName().startsWith("org.nimbus.conformance")))
                .check(KIT);
    }

    @Test
    void noRed5OrMina() {
        noClasses().that().resideInAPackage("org.nimbus.conformance..")
                .should().dependOnClassesThat().resideInAnyPackage("org.red5..", "org.apache.mina..")
                .check(KIT);
    }

    @Test
    void rulesSeeTheKit() {
        // Guards against an empty import making the rules above vacuous.
        org.junit.jupiter.api.Assertions.assertTrue(KIT.size() > 40, "imported " + KIT.size());
    }
}
