package io.github.actas.keycloak;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rooms of docs/architecture.md, checked on the compiled classes: a package uses only the packages
 * below it, the doors do not use each other, and the policy core knows nothing of Keycloak.
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.actas.keycloak";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void packagesOnlyUseThePackagesBelowThem() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("doors").definedBy(ROOT + ".exchange..", ROOT + ".login..", ROOT + ".account..", ROOT + ".admin..")
                .layer("acting").definedBy(ROOT + ".acting..")
                .layer("token").definedBy(ROOT + ".token..")
                .layer("store").definedBy(ROOT + ".store..")
                .layer("audit delivery").definedBy(ROOT + ".audit.delivery..")
                .layer("audit").definedBy(ROOT + ".audit")
                .layer("persistence").definedBy(ROOT + ".persistence..")
                .layer("policy").definedBy(ROOT + ".policy")
                .whereLayer("doors").mayNotBeAccessedByAnyLayer()
                .whereLayer("acting").mayOnlyBeAccessedByLayers("doors")
                .whereLayer("token").mayOnlyBeAccessedByLayers("doors", "acting")
                .whereLayer("store").mayOnlyBeAccessedByLayers("doors", "acting", "token")
                .whereLayer("audit delivery").mayOnlyBeAccessedByLayers("doors", "acting", "token", "store")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("doors", "acting", "token", "store", "audit delivery")
                .whereLayer("persistence").mayOnlyBeAccessedByLayers("doors", "acting", "token", "store",
                        "audit delivery", "audit")
                .check(classes);
    }

    @Test
    void theDoorsDoNotUseEachOther() {
        slices().matching(ROOT + ".(exchange|login|account|admin)..").should().notDependOnEachOther().check(classes);
    }

    /** Except the two component-type markers, whose names Keycloak stores with every grant (see GrantProvider). */
    @Test
    void thePolicyCoreKnowsNothingOfKeycloak() {
        noClasses().that().resideInAPackage(ROOT + ".policy")
                .and().doNotHaveSimpleName("GrantProvider").and().doNotHaveSimpleName("GrantsRevisionProvider")
                .should().dependOnClassesThat().resideInAnyPackage("org.keycloak..", "jakarta..", "org.jboss..")
                .check(classes);
    }

    @Test
    void nothingUsesTheDoorsOrTheCoreFromBelowThroughTheRootPackage() {
        noClasses().that().resideInAPackage(ROOT).should().dependOnClassesThat().resideInAnyPackage(ROOT + ".*..")
                .check(classes);
    }
}
