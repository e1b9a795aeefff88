package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.KeyValue;
import redis.clients.jedis.resps.Tuple;

/** Sorted sets through Jedis: encodings, a randomized model check of ranks and ranges, blocking pops. */
class ZSetCommandsTest {

    /**
     * ZRANDMEMBER with a positive count below the size: distinct members of the set, each as likely as the others,
     * both when few are wanted of many (drawn until distinct) and when most are wanted (a partial shuffle).
     */
    @Test
    void randomMembersAreDistinctAndEvenlyDrawn() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            for (int i = 0; i < 10; i++) {
                j.zadd("z", i, "m" + i);
            }
            for (int count : new int[] {2, 8}) {
                TreeMap<String, Integer> seen = new TreeMap<>();
                for (int call = 0; call < 2000; call++) {
                    List<String> got = j.zrandmember("z", count);
                    assertEquals(count, new java.util.HashSet<>(got).size(), "distinct: " + got);
                    got.forEach(m -> seen.merge(m, 1, Integer::sum));
                }
                assertEquals(10, seen.size(), seen.toString());
                double expected = 2000.0 * count / 10;
                for (int n : seen.values()) {
                    // About ten standard deviations either side: fails only for a skewed draw.
                    org.junit.jupiter.api.Assertions.assertTrue(Math.abs(n - expected) < expected * 0.3,
                            "count " + count + ": " + seen);
                }
            }
        }
    }

    @Test
    void convertsFromListpackToSkiplistAtRedisThresholds() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            for (int i = 0; i < 128; i++) {
                j.zadd("big", i, "m" + i);
            }
            assertEquals("listpack", s.encoding("big"));
            j.zadd("big", 128, "m128");
            assertEquals("skiplist", s.encoding("big"));
            assertEquals(129, j.zcard("big"));
            assertEquals(List.of("m0", "m1"), j.zrange("big", 0, 1));

            j.zadd("long", 1, "x".repeat(64));
            assertEquals("listpack", s.encoding("long"));
            j.zadd("long", 2, "y".repeat(65));
            assertEquals("skiplist", s.encoding("long"));
        }
    }

    /** Random adds, removals and score changes, checked against a sorted model in both encodings. */
    @Test
    void ranksAndRangesMatchASortedModel() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            Random rnd = new Random(42);
            for (int round = 0; round < 2; round++) {
                int members = round == 0 ? 50 : 2000;
                String key = "model" + round;
                TreeMap<String, Double> model = new TreeMap<>();
                for (int op = 0; op < members * 3; op++) {
                    String m = "m" + rnd.nextInt(members);
                    if (rnd.nextInt(4) == 0) {
                        j.zrem(key, m);
                        model.remove(m);
                    } else {
                        double score = rnd.nextInt(100);
                        j.zadd(key, score, m);
                        model.put(m, score);
                    }
                }
                List<String> expected = new ArrayList<>(model.keySet());
                expected.sort((a, b) -> {
                    int c = Double.compare(model.get(a), model.get(b));
                    return c != 0 ? c : a.compareTo(b);
                });
                assertEquals(expected, j.zrange(key, 0, -1));
                for (int i = 0; i < 20; i++) {
                    String m = expected.get(rnd.nextInt(expected.size()));
                    assertEquals(expected.indexOf(m), j.zrank(key, m).intValue());
                }
                long inRange = model.values().stream().filter(v -> v >= 10 && v < 50).count();
                assertEquals(inRange, j.zcount(key, "10", "(50"));
                List<String> rev = new ArrayList<>(expected);
                Collections.reverse(rev);
                assertEquals(rev.subList(0, 5), j.zrevrange(key, 0, 4));
            }
        }
    }

    @Test
    void bzpopminWakesOnZadd() throws Exception {
        try (TestServer s = TestServer.start(); Jedis waiter = new Jedis(s.host(), s.port());
                Jedis writer = new Jedis(s.host(), s.port())) {
            CompletableFuture<KeyValue<String, Tuple>> popped =
                    CompletableFuture.supplyAsync(() -> waiter.bzpopmin(0, "jobs"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (s.server().onEngine(() -> s.server().engine().blocking().blockedClients()) != 1) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("never blocked");
                }
                Thread.onSpinWait();
            }
            writer.zadd("jobs", 2, "later");
            KeyValue<String, Tuple> got = popped.get(5, TimeUnit.SECONDS);
            assertEquals("jobs", got.getKey());
            assertEquals("later", got.getValue().getElement());
            assertEquals(2.0, got.getValue().getScore());
            assertNull(writer.zscore("jobs", "later"));
        }
    }
}
