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
        Database db = new Database(0, HOOKS);
        int keys = kind.equals("string") ? 10_000 : 500;
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
        long real = heap() - before;
        double ratio = (double) db.memory() / real;
        assertTrue(ratio > 0.75 && ratio < 1.33, kind + ": estimate " + db.memory() + ", heap growth " + real);
        db.clear();
    }
}
