package io.github.actas.keycloak.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Policy;
import io.github.actas.keycloak.policy.PolicySettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The door-path decision ({@code Policy.decide} without explanation) at 10, 1,000 and 10,000 grants.
 * Target: at most 20 µs per decision at 10,000 grants, and at most 2x the time at 10 grants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
public class PolicyDecisionBenchmark {

    @Param({"10", "1000", "10000"})
    public int grants;

    private Organisation organisation;
    private Policy policy;
    private ActAsRequest allowed;
    private ActAsRequest noGrant;
    private ActAsRequest wrongReason;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        organisation = new Organisation(grants);
        policy = Policy.compile("bench", organisation.grants, PolicySettings.DEFAULTS);
        allowed = new ActAsRequest(organisation.lead, Mode.IMPERSONATE, organisation.customer.username(), null,
                "portal", "INC-1234", null);
        noGrant = new ActAsRequest(organisation.stranger, Mode.IMPERSONATE, organisation.customer.username(), null,
                "portal", "INC-1234", null);
        wrongReason = new ActAsRequest(organisation.lead, Mode.IMPERSONATE, organisation.customer.username(), null,
                "portal", "because", null);
        now = System.currentTimeMillis();
        if (!policy.decide(allowed, organisation.directory, now, false).allowed()
                || policy.decide(noGrant, organisation.directory, now, false).allowed()
                || policy.decide(wrongReason, organisation.directory, now, false).allowed()) {
            throw new IllegalStateException("benchmark fixture does not decide as intended");
        }
    }

    @Benchmark
    public Decision allowed() {
        return policy.decide(allowed, organisation.directory, now, false);
    }

    @Benchmark
    public Decision deniedActorHoldsNoGrant() {
        return policy.decide(noGrant, organisation.directory, now, false);
    }

    @Benchmark
    public Decision deniedReasonMismatch() {
        return policy.decide(wrongReason, organisation.directory, now, false);
    }

    @Benchmark
    public Decision allowedExplained() {
        return policy.decide(allowed, organisation.directory, now, true);
    }
}
