package io.jredis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * {@link KeyspaceBenchmark}'s operations timed in thread CPU time instead of JMH's wall-clock time: on a machine
 * shared with other work (where JMH's error bars exceed its scores) the time this thread was descheduled does not
 * count. Prints per operation the median and the range of {@code rounds} rounds, in CPU nanoseconds per operation.
 *
 * <pre>{@code java -cp bench/target/benchmarks.jar io.jredis.bench.KeyspaceCpuTime [keys] [rounds]}</pre>
 */
public final class KeyspaceCpuTime {
    private static final int OPS = 1 << 21;
    /** How many results were null: using every result keeps the JIT from dropping the operations. */
    static volatile int sink;

    private KeyspaceCpuTime() {}

    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        KeyspaceBenchmark b = new KeyspaceBenchmark();
        b.keys = keys;
        b.setUp();
        measure(mx, "hash", rounds, () -> b.hash());
        measure(mx, "get", rounds, b::get);
        measure(mx, "setExisting", rounds, b::setExisting);
        measure(mx, "setNew", rounds, b::setNew);
    }

    private static void measure(ThreadMXBean mx, String name, int rounds, Supplier<Object> op) {
        int fold = 0;
        for (int i = 0; i < OPS; i++) {
            fold += op.get() == null ? 1 : 0;
        }
        double[] ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < OPS; i++) {
                fold += op.get() == null ? 1 : 0;
            }
            ns[r] = (double) (mx.getCurrentThreadCpuTime() - t0) / OPS;
        }
        sink = fold;
        Arrays.sort(ns);
        System.out.printf("%-12s %8.1f ns/op CPU (min %.1f, max %.1f)%n", name, ns[rounds / 2], ns[0], ns[rounds - 1]);
    }
}
