package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-key estimates behind used_memory against what the JVM really allocates for the same keys: maxmemory
 * only keeps the heap bounded if they agree. Measured as the heap growth after full collections, with a margin for
 * the collector's noise.
 */
class MemoryEstimateTest {
    private static final Database.Hooks HOOKS = new Database.Hooks() {
        @Override
        public long now() {
            return System.currentTimeMillis();
        }

        @Override
        public boolean mayDeleteExpired() {
            return true;
        }

        @Override
        public void keyModified(Database db, byte[] key) {}

        @Override
        public void keyExpired(Database db, byte[] key) {}
    };

    private static long heap() {
        System.gc();
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @ParameterizedTest
    @ValueSource(strings = {"string", "listpack-hash", "hashtable-hash", "list", "intset", "hashtable-set",
        "listpack-zset", "skiplist-zset"})
    void estimateMatchesTheHeap(String kind) {
        // Other threads of the test JVM allocate meanwhile and the collector keeps some slack: a dataset of several
        // megabytes keeps that noise small, and a measurement is taken up to three times.
        boolean matched = false;
        StringBuilder seen = new StringBuilder(kind + ":");
        for (int attempt = 0; attempt < 3 && !matched; attempt++) {
            Database db = new Database(0, HOOKS);
            long real = load(db, kind);
            double ratio = (double) db.memory() / real;
            seen.append(" estimate ").append(db.memory()).append(", heap growth ").append(real).append(';');
            db.clear();
            matched = ratio > 0.75 && ratio < 1.33;
        }
        assertTrue(matched, seen.toString());
    }

    /** Fills {@code db} with keys of {@code kind}; returns the heap's growth. */
    private static long load(Database db, String kind) {
        int keys = kind.equals("string") ? 50_000 : 5_000;
        int elements = kind.startsWith("listpack") ? 20 : 200;
        long before = heap();
        for (int i = 0; i < keys; i++) {
            byte[] k = ("key:" + i).getBytes();
            Object v = switch (kind) {
                case "string" -> ("value-" + i + "-".repeat(50)).getBytes();
                case "listpack-hash", "hashtable-hash" -> {
                    HashValue h = new HashValue();
                    for (int f = 0; f < elements; f++) {
                        h.set(("field" + f).getBytes(), ("value" + f).getBytes());
                    }
                    if (kind.startsWith("hashtable")) {
                        h.convertToHashtable();
                    }
                    yield h;
                }
                case "list" -> {
                    ListValue l = new ListValue();
                    for (int f = 0; f < elements; f++) {
                        l.pushTail(("element" + f).getBytes());
                    }
                    yield l;
                }
                case "intset", "hashtable-set" -> {
                    SetValue s = new SetValue();
                    for (int f = 0; f < elements; f++) {
                        s.add((kind.equals("intset") ? "" + f : "member" + f).getBytes(), 512);
                    }
                    yield s;
                }
                default -> {
                    ZSetValue z = new ZSetValue();
                    for (int f = 0; f < elements; f++) {
                        z.put(("member" + f).getBytes(), f, new ZSetValue.Limits(128, 64));
                    }
                    yield z;
                }
            };
            db.set(k, v, false);
        }
        return heap() - before;
    }
}
