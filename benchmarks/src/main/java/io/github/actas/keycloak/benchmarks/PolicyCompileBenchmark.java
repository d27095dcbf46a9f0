package io.github.actas.keycloak.benchmarks;

import java.util.concurrent.TimeUnit;

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

/** What one grant change costs a node: compiling the realm's grants into a new policy. */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyCompileBenchmark {

    @Param({"10", "1000", "10000"})
    public int grants;

    private Organisation organisation;

    @Setup(Level.Trial)
    public void setUp() {
        organisation = new Organisation(grants);
    }

    @Benchmark
    public Policy compile() {
        return Policy.compile("bench", organisation.grants, PolicySettings.DEFAULTS);
    }
}
