package io.jredis.bench;

import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The keyspace alone: {@link Database} lookups and writes over {@code keys} keys named as redis-benchmark names them
 * ({@code key:%012d}), visited in a random order so that, with a million keys, every lookup misses the CPU caches as
 * under {@code redis-benchmark -r}. {@code setNew} inserts keys absent so far (the table grows and rehashes as it
 * does while a dataset loads); {@code hash} is the key hash alone.
 *
 * <pre>{@code java -jar bench/target/benchmarks.jar KeyspaceBenchmark -wi 2 -i 3 -f 1}</pre>
 */
@State(Scope.Thread)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyspaceBenchmark {
    private static final int ORDER = 1 << 16;

    @Param({"1000000"})
    int keys;

    private Database db;
    private byte[][] names;
    private int[] order;
    private int next;
    private long fresh;
    private final byte[] value = "xxx".getBytes(StandardCharsets.US_ASCII);

    @Setup(Level.Trial)
    public void setUp() {
        db = new Database(0, new Database.Hooks() {
            @Override
            public long now() {
                return System.currentTimeMillis();
            }

            @Override
            public boolean mayDeleteExpired() {
                return true;
            }

            @Override
            public void keyModified(Database d, byte[] key) {}

            @Override
            public void keyExpired(Database d, byte[] key) {}
        });
        names = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            names[i] = name(i);
            db.set(names[i], value, false);
        }
        order = new int[ORDER];
        for (int i = 0; i < ORDER; i++) {
            order[i] = ThreadLocalRandom.current().nextInt(keys);
        }
        fresh = keys;
    }

    private static byte[] name(long i) {
        byte[] b = "key:000000000000".getBytes(StandardCharsets.US_ASCII);
        for (int p = b.length - 1; i > 0; p--, i /= 10) {
            b[p] = (byte) ('0' + i % 10);
        }
        return b;
    }

    private byte[] nextName() {
        // A copy, as a decoded request carries its own key array: equal keys, never the same array.
        return names[order[next++ & (ORDER - 1)]].clone();
    }

    @Benchmark
    public Object get() {
        return db.get(nextName());
    }

    @Benchmark
    public Object setExisting() {
        return db.set(nextName(), value, false);
    }

    @Benchmark
    public Object setNew() {
        return db.set(name(fresh++), value, false);
    }

    @Benchmark
    public int hash() {
        return Dict.hash(names[order[next++ & (ORDER - 1)]]);
    }
}
