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

    /**
     * While DEBUG LOADAOF loads, the other clients are served with -LOADING, as Redis's load serves events; here a
     * script in the AOF outlasts busy-reply-threshold, so the load's own polling is what answers them.
     */
    @Test
    void otherClientsGetLoadingDuringDebugLoadAof(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "appendonly", "yes", "aof-use-rdb-preamble", "no",
                "busy-reply-threshold", "1"); Jedis j = s.jedis()) {
            String script = "redis.call('set',KEYS[1],'y'); for i=1,2000000 do redis.call('ping') end return 'ok'";
            java.nio.file.Files.writeString(dir.resolve("appendonlydir").resolve("appendonly.aof.1.incr.aof"),
                    new String(RawClient.encode(b("select"), b("9")), java.nio.charset.StandardCharsets.US_ASCII)
                            + new String(RawClient.encode(b("eval"), b(script), b("1"), b("x")),
                                    java.nio.charset.StandardCharsets.US_ASCII));
            try (RawClient loader = new RawClient("127.0.0.1", s.port());
                    RawClient other = new RawClient("127.0.0.1", s.port())) {
                loader.send(RawClient.encode(b("DEBUG"), b("LOADAOF")));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String reply = "";
                while (!reply.startsWith("(error) LOADING") && System.nanoTime() < deadline) {
                    reply = RawClient.text(other.call("PING"));
                }
                assertEquals("(error) LOADING Redis is loading the dataset in memory", reply);
                assertEquals("OK", RawClient.text(loader.read()));
            }
            j.select(9);
            assertEquals("y", j.get("x"));
            assertTrue(s.log().contains("Slow script detected"), s.log());
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
