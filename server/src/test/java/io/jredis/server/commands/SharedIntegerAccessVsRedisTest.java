package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The integers 0..9999 as Redis stores them without maxmemory: one shared object per integer, so every key holding
 * it shares one LRU time or LFU counter (OBJECT IDLETIME / FREQ, DEBUG OBJECT), compared with a real redis-server.
 */
class SharedIntegerAccessVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair("enable-debug-command", "yes", "maxmemory-policy", "allkeys-lfu",
            "lfu-log-factor", "0", "lfu-decay-time", "0");

    private static int[] ports() {
        return new int[] {servers.redis().port(), servers.jredis().port()};
    }

    private static long integer(RawClient c, String... args) throws IOException {
        return (Long) c.call(args);
    }

    /**
     * A factor of 0 makes every access add one and a decay time of 0 keeps counters, so the shared counter is exact;
     * the policy at startup set it to 5.
     */
    @Test
    void keysHoldingOneSmallIntegerShareItsLfuCounter() throws IOException {
        List<List<Long>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
                List<Long> freqs = new ArrayList<>();
                c.call("SET", "lfu:a", "1");
                freqs.add(integer(c, "OBJECT", "FREQ", "lfu:a"));
                c.call("SET", "lfu:b", "1");
                c.call("GET", "lfu:a");
                c.call("GET", "lfu:a");
                freqs.add(integer(c, "OBJECT", "FREQ", "lfu:b"));
                c.call("SET", "lfu:big", "100000");
                c.call("GET", "lfu:big");
                // The overwrite touches the old value, then copies its counter into the shared 2 (dbOverwrite).
                c.call("SET", "lfu:big", "2");
                freqs.add(integer(c, "OBJECT", "FREQ", "lfu:big"));
                c.call("SET", "lfu:c", "2");
                freqs.add(integer(c, "OBJECT", "FREQ", "lfu:c"));
                freqs.add(integer(c, "OBJECT", "FREQ", "lfu:a"));
                sides.add(freqs);
            }
        }
        assertEquals(List.of(5L, 7L, 7L, 7L, 7L), sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /**
     * INCR from one small integer to another: the read touches the old shared object, then (LFU) the new one takes
     * its counter (dbOverwrite); INCR out of the shared range gives the key the touched counter as its own.
     */
    @Test
    void incrIntoASharedIntegerCarriesTheLfuCounter() throws IOException {
        List<List<Long>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
                List<Long> got = new ArrayList<>();
                c.call("SET", "incr:a", "11");
                c.call("GET", "incr:a");
                c.call("GET", "incr:a");
                c.call("SET", "incr:b", "12");
                c.call("INCR", "incr:a");
                got.add(integer(c, "OBJECT", "FREQ", "incr:a"));
                got.add(integer(c, "OBJECT", "FREQ", "incr:b"));
                got.add(integer(c, "OBJECT", "REFCOUNT", "incr:a"));
                c.call("SET", "incr:c", "9999");
                c.call("INCR", "incr:c");
                got.add(integer(c, "OBJECT", "FREQ", "incr:c"));
                got.add(integer(c, "OBJECT", "REFCOUNT", "incr:c"));
                sides.add(got);
            }
        }
        assertEquals(List.of(8L, 8L, 2147483647L, 6L, 1L), sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /**
     * COPY of a small integer makes an object of its own (dupStringObject): refcount 1 and a new counter, until an
     * INCR makes it shared again, carrying that counter into the shared object.
     */
    @Test
    void copyOfASmallIntegerIsNotShared() throws IOException {
        List<List<Object>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
                List<Object> got = new ArrayList<>();
                c.call("SET", "copy:src", "21");
                c.call("GET", "copy:src");
                c.call("COPY", "copy:src", "copy:dst");
                c.call("GET", "copy:dst");
                c.call("GET", "copy:dst");
                got.add(integer(c, "OBJECT", "FREQ", "copy:src"));
                got.add(integer(c, "OBJECT", "FREQ", "copy:dst"));
                got.add(integer(c, "OBJECT", "REFCOUNT", "copy:dst"));
                got.add(RawClient.text(c.call("OBJECT", "ENCODING", "copy:dst")));
                String debug = RawClient.text(c.call("DEBUG", "OBJECT", "copy:dst"));
                got.add(debug.substring(debug.indexOf("refcount:"), debug.indexOf(" serializedlength")));
                got.add(RawClient.text(c.call("GET", "copy:dst")));
                got.add(integer(c, "STRLEN", "copy:dst"));
                c.call("RENAME", "copy:dst", "copy:moved");
                got.add(integer(c, "OBJECT", "REFCOUNT", "copy:moved"));
                c.call("INCR", "copy:moved");
                c.call("SET", "copy:other", "22");
                got.add(integer(c, "OBJECT", "FREQ", "copy:other"));
                got.add(integer(c, "OBJECT", "REFCOUNT", "copy:moved"));
                sides.add(got);
            }
        }
        assertEquals(List.of(7L, 7L, 1L, "int", "refcount:1 encoding:int", "21", 2L, 1L, 11L, 2147483647L),
                sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /** A new key holding a small integer is as idle as the last access to any key holding it. */
    @Test
    void keysHoldingOneSmallIntegerShareItsIdleTime() throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
                c.call("SET", "lru:a", "42");
                c.call("GET", "lru:a");
                Await.until("the shared 42 idle for a second on " + port, 5, () -> idle(c, "lru:a") >= 1);
                c.call("SET", "lru:b", "42");
                long idle = idle(c, "lru:b");
                assertTrue(idle >= 1, "port " + port + ": a key set to an idle shared integer, idle " + idle);
                String debug = RawClient.text(c.call("DEBUG", "OBJECT", "lru:b"));
                assertTrue(!debug.contains("lru_seconds_idle:0"), "port " + port + ": " + debug);
                c.call("SET", "lru:c", "4200");
                assertTrue(idle(c, "lru:c") >= 1, "port " + port + ": 4200 is a shared integer never read");
                c.call("SET", "lru:d", "10000");
                assertEquals(0, idle(c, "lru:d"), "port " + port + ": 10000 is not shared");
            }
        }
    }

    private static long idle(RawClient c, String key) {
        try {
            return integer(c, "OBJECT", "IDLETIME", key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
