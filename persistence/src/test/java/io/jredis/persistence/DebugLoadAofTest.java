package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * DEBUG LOADAOF: flushes the AOF, empties the dataset and reloads it from the AOF, as Redis's test suite uses it to
 * check that data survives an AOF reload; without an AOF to load Redis exits(1), and so does jredis's server.
 */
class DebugLoadAofTest {
    @Test
    void dataSurvivesAnAofReload(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            j.set("s", "hello");
            j.set("n", "12345");
            j.setex("ttl", 3600, "soon");
            j.rpush("l", "a", "b", "c");
            j.sadd("set", "x", "y", "1");
            j.zadd("z", Map.of("m1", 1.5, "m2", -2.0));
            j.hset("h", Map.of("f1", "v1", "f2", "v2"));
            j.pexpire("h", 7_200_000);
            j.xadd("st", redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("k", "v"));
            j.select(3);
            j.set("db3", "three");
            j.select(0);
            String digest = digest(j);
            assertNotEquals("0000000000000000000000000000000000000000", digest);
            assertEquals("OK", RdbLruInfoTest.debug(j, "LOADAOF"));
            assertEquals(digest, digest(j));
            assertTrue(j.pttl("h") > 7_000_000, "pttl " + j.pttl("h"));
            assertTrue(s.log().contains("Append Only File loaded by DEBUG LOADAOF"), s.log());
            // Writes after the reload still reach the AOF: a second reload keeps them.
            j.del("s");
            j.incr("n");
            String after = digest(j);
            assertEquals("OK", RdbLruInfoTest.debug(j, "LOADAOF"));
            assertEquals(after, digest(j));
            assertEquals("12346", j.get("n"));
        }
    }

    @Test
    void lfuCountersSurviveAnAofReloadFromTheRdbPreamble(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "appendonly", "yes", "maxmemory-policy", "allkeys-lfu",
                "lfu-decay-time", "0"); Jedis j = s.jedis()) {
            RdbLruInfoTest.populate(j);
            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            Await.until("the rewrite", 30, () -> {
                String info = j.info("persistence");
                return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0");
            });
            assertEquals("OK", RdbLruInfoTest.debug(j, "LOADAOF"));
            assertEquals(RdbLruInfoTest.FREQS, RdbLruInfoTest.freqs(j));
        }
    }

    @Test
    void withoutAnAofTheServerExitsWithoutReplyingAsRedis(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis r = RealRedis.start("--enable-debug-command", "yes")) {
            assertExitsWithoutReply(r.port());
        }
        try (PersistentServer s = PersistentServer.start(dir)) {
            assertExitsWithoutReply(s.port());
            assertTrue(s.log().contains("DEBUG LOADAOF failed"), s.log());
        }
    }

    private static void assertExitsWithoutReply(int port) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            assertEquals("OK", RawClient.text(c.call("SET", "k", "v")));
            assertThrows(IOException.class, () -> c.call("DEBUG", "LOADAOF"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("PING");
            } catch (IOException e) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the server still answers after DEBUG LOADAOF failed");
            Thread.onSpinWait();
        }
    }

    private static String digest(Jedis j) {
        return RdbLruInfoTest.debug(j, "DIGEST");
    }
}
