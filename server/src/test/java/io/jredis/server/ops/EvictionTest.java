package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisDataException;

/** maxmemory: each policy keeps used_memory within the limit and evicts the keys it should. */
class EvictionTest {
    private static final String VALUE = "v".repeat(1000);

    static Map<String, String> info(Jedis j, String section) {
        Map<String, String> m = new TreeMap<>();
        for (String line : j.info(section).split("\r\n")) {
            int i = line.indexOf(':');
            if (i > 0) {
                m.put(line.substring(0, i), line.substring(i + 1));
            }
        }
        return m;
    }

    static long usedMemory(Jedis j) {
        return Long.parseLong(info(j, "memory").get("used_memory"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu",
        "volatile-random", "volatile-ttl"})
    void policyKeepsMemoryUnderLimit(String policy) {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            long limit = usedMemory(j) + 200_000;
            j.configSet("maxmemory", String.valueOf(limit));
            j.configSet("maxmemory-policy", policy);
            boolean volatilePolicy = policy.startsWith("volatile");
            // Volatile policies only evict keys with a TTL: persistent ones must fit on their own.
            int persistent = volatilePolicy ? 50 : 0;
            for (int i = 0; i < persistent; i++) {
                j.set("p" + i, VALUE);
            }
            for (int i = 0; i < 1000; i++) {
                j.setex("k" + i, 10_000 + i, VALUE);
                assertTrue(usedMemory(j) <= limit, "used_memory over maxmemory after " + i + " writes");
            }
            long evicted = Long.parseLong(info(j, "stats").get("evicted_keys"));
            assertTrue(evicted > 500, "evicted " + evicted);
            if (volatilePolicy) {
                // Keys without a TTL are never candidates.
                for (int i = 0; i < persistent; i++) {
                    assertTrue(j.exists("p" + i), "p" + i + " evicted under " + policy);
                }
            }
        }
    }

    @Test
    void noevictionRefusesDenyoomCommandsOnly() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            long limit = usedMemory(j) + 50_000;
            j.configSet("maxmemory", String.valueOf(limit));
            JedisDataException e = assertThrows(JedisDataException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    j.set("k" + i, VALUE);
                }
            });
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", e.getMessage());
            assertEquals(1L, j.del("k0"));
            assertEquals("v", j.get("k1").substring(0, 1));
            assertEquals("0", info(j, "stats").get("evicted_keys"));
        }
    }

    @Test
    void volatilePolicyWithoutVolatileKeysFailsWithOom() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.configSet("maxmemory-policy", "volatile-lru");
            j.configSet("maxmemory", String.valueOf(usedMemory(j) + 50_000));
            assertThrows(JedisDataException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    j.set("k" + i, VALUE);
                }
            });
        }
    }

    @Test
    void lruEvictsIdleKeysFirst() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.configSet("maxmemory-policy", "allkeys-lru");
            j.configSet("maxmemory-samples", "10");
            for (int i = 0; i < 200; i++) {
                j.set("old" + i, VALUE);
            }
            long base = usedMemory(j);
            // The hot keys are touched after every write, so they are always the most recently used.
            j.configSet("maxmemory", String.valueOf(base + 20_000));
            for (int i = 0; i < 10; i++) {
                j.set("hot" + i, VALUE);
            }
            for (int round = 0; round < 200; round++) {
                j.set("new" + round, VALUE);
                for (int i = 0; i < 10; i++) {
                    j.get("hot" + i);
                }
            }
            for (int i = 0; i < 10; i++) {
                assertTrue(j.exists("hot" + i), "hot" + i + " evicted");
            }
        }
    }

    @Test
    void evictionIsPropagatedAndNotified() throws Exception {
        try (TestServer s = TestServer.start("notify-keyspace-events", "Ee");
                Jedis j = new Jedis(s.host(), s.port()); Jedis sub = new Jedis(s.host(), s.port())) {
            List<String> evicted = new ArrayList<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    synchronized (evicted) {
                        evicted.add(message);
                    }
                    unsubscribe();
                }
            };
            Thread t = new Thread(() -> sub.subscribe(listener, "__keyevent@0__:evicted"));
            t.start();
            long deadline = System.currentTimeMillis() + 5000;
            while (j.pubsubNumSub("__keyevent@0__:evicted").get("__keyevent@0__:evicted") == 0
                    && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            List<String> propagated = s.server().onEngine(() -> {
                List<String> out = new ArrayList<>();
                s.server().engine().addPropagationListener((db, argv) -> out.add(new String(argv[0]) + " "
                        + new String(argv[argv.length > 1 ? 1 : 0])));
                return out;
            });
            j.configSet("maxmemory-policy", "allkeys-random");
            j.set("victim", VALUE);
            j.configSet("maxmemory", String.valueOf(usedMemory(j) - 100));
            j.set("x", "1");
            t.join(5000);
            assertEquals(List.of("victim"), evicted);
            assertTrue(propagated.contains("DEL victim"), propagated.toString());
            assertFalse(j.exists("victim"));
        }
    }

    @Test
    void objectFreqAndIdletimeFollowThePolicy() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.set("k", "v");
            // Whole seconds of an LRU clock, as Redis's: a second may begin between the two commands.
            assertTrue(j.objectIdletime("k") <= 1L);
            j.configSet("maxmemory-policy", "allkeys-lfu");
            j.configSet("lfu-log-factor", "0");
            j.set("f", "v");
            assertEquals(5L, j.objectFreq("f"));
            for (int i = 0; i < 10; i++) {
                j.get("f");
            }
            assertEquals(15L, j.objectFreq("f"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.objectIdletime("f"));
            assertTrue(e.getMessage().startsWith("ERR An LFU maxmemory policy is selected, idle time not tracked."));
        }
    }

    @Test
    void invalidationsOfEvictedKeysDoNotEvictMoreKeys() throws Exception {
        List<RawClient> trackers = new ArrayList<>();
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            for (int i = 0; i < 10; i++) {
                RawClient t = new RawClient(s.host(), s.port());
                trackers.add(t);
                t.call("HELLO", "3");
                t.call("CLIENT", "TRACKING", "on");
            }
            // Long key names: each eviction sends ten invalidation messages about as big as the key it frees.
            String name = "n".repeat(1000);
            for (int k = 0; k < 300; k++) {
                j.set(k + name, "v");
                for (RawClient t : trackers) {
                    t.call("GET", k + name);
                }
            }
            // As Redis, the clients' memory counts in used_memory as the cron last weighed it: measured before the
            // trackers were weighed, the limit would leave no room for them (each holds a 16 KB reply buffer).
            Await.until("the trackers' memory counted", 10,
                    () -> Long.parseLong(info(j, "memory").get("mem_clients_normal")) >= 10 * 16_384);
            j.configSet("maxmemory-policy", "allkeys-lru");
            j.configSet("maxmemory", String.valueOf(usedMemory(j) - 40_000));
            long evicted = Long.parseLong(info(j, "stats").get("evicted_keys"));
            assertTrue(evicted > 0 && evicted < 100, "evicted " + evicted);
            assertTrue(j.dbSize() >= 200, "dbsize " + j.dbSize());
        } finally {
            for (RawClient t : trackers) {
                t.close();
            }
        }
    }
}
