package io.jredis.bench;

import io.jredis.cluster.EmbeddedCluster;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a failover test waits for its embedded cluster in a warm JVM: from {@code build().start()} to ready (1
 * master, 2 replicas online, 3 Sentinels that know each other and both replicas). Closing is not measured.
 *
 * <pre>{@code java -jar bench/target/benchmarks.jar ClusterStartupBenchmark}</pre>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.util.zip=ALL-UNNAMED"})
@BenchmarkMode(Mode.SingleShotTime)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClusterStartupBenchmark {
    private EmbeddedCluster running;

    /** 1 master + 2 replicas + 3 Sentinels, quorum 2, until ready. */
    @Benchmark
    public EmbeddedCluster masterTwoReplicasThreeSentinels() {
        running = EmbeddedCluster.builder().replicas(2).sentinels(3).quorum(2).build().start();
        return running;
    }

    @TearDown(Level.Invocation)
    public void closeCluster() {
        if (running != null) {
            running.close();
            running = null;
        }
    }
}
