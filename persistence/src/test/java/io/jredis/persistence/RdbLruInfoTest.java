package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The per-key LFU counter (RDB FREQ opcode) and LRU idle time (IDLE opcode) survive DEBUG RELOAD, a restart, and
 * files crossing between jredis and redis-server, as Redis's rdbSaveKeyValuePair and objectSetLRUOrLFU do.
 * lfu-decay-time 0 keeps counters from decaying while a test runs across a minute boundary.
 */
class RdbLruInfoTest {
    private static final String[] LFU = {"maxmemory-policy", "allkeys-lfu", "lfu-decay-time", "0"};
    static final Map<String, Long> FREQS = new LinkedHashMap<>();

    static {
        FREQS.put("s:low", 0L);
        FREQS.put("s:mid", 100L);
        FREQS.put("s:max", 255L);
        FREQS.put("h:ttl", 42L);
        FREQS.put("z", 7L);
    }

    /** Restores every key of FREQS with its counter: strings, a hash with a TTL, a zset. */
    static void populate(Jedis j) {
        j.set("tmp:s", "value");
        j.hset("tmp:h", "f", "v");
        j.zadd("tmp:z", 1, "m");
        byte[] s = j.dump("tmp:s");
        byte[] h = j.dump("tmp:h");
        byte[] z = j.dump("tmp:z");
        j.del("tmp:s", "tmp:h", "tmp:z");
        for (Map.Entry<String, Long> f : FREQS.entrySet()) {
            String k = f.getKey();
            byte[] payload = k.startsWith("h") ? h : k.startsWith("z") ? z : s;
            long ttl = k.startsWith("h") ? 3_600_000 : 0;
            Object r = j.sendCommand(() -> "RESTORE".getBytes(StandardCharsets.US_ASCII), bytes(k),
                    bytes(Long.toString(ttl)), payload, bytes("FREQ"), bytes(Long.toString(f.getValue())));
            assertEquals("OK", new String((byte[]) r, StandardCharsets.US_ASCII));
        }
    }

    static Map<String, Long> freqs(Jedis j) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : FREQS.keySet()) {
            out.put(k, j.objectFreq(k));
        }
        return out;
    }

    static String debug(Jedis j, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = bytes(args[i]);
        }
        return new String((byte[]) j.sendCommand(() -> bytes("DEBUG"), argv), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lfuCountersSurviveDebugReloadAndRestart(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, LFU); Jedis j = s.jedis()) {
            populate(j);
            assertEquals(FREQS, freqs(j));
            assertEquals("OK", debug(j, "RELOAD"));
            assertEquals(FREQS, freqs(j));
            assertTrue(j.ttl("h:ttl") > 3500);
            assertEquals("OK", j.save());
        }
        try (PersistentServer s = PersistentServer.start(dir, LFU); Jedis j = s.jedis()) {
            assertEquals(FREQS, freqs(j));
        }
    }

    @Test
    void lruIdleTimeSurvivesDebugReload(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "maxmemory-policy", "allkeys-lru"); Jedis j = s.jedis()) {
            j.set("tmp", "v");
            byte[] payload = j.dump("tmp");
            j.sendCommand(() -> bytes("RESTORE"), bytes("idle"), bytes("0"), payload, bytes("IDLETIME"),
                    bytes("1000"));
            assertEquals("OK", debug(j, "RELOAD"));
            long idle = j.objectIdletime("idle");
            assertTrue(idle >= 1000 && idle < 1060, "idle " + idle);
        }
    }

    @Test
    void redisFileWithFreqLoadsInJredis(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis r = RealRedis.start("--maxmemory-policy", "allkeys-lfu", "--lfu-decay-time", "0");
                Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
            populate(j);
            assertEquals(FREQS, freqs(j));
            assertEquals("OK", j.save());
            Files.copy(r.dir().resolve("dump.rdb"), dir.resolve("dump.rdb"));
        }
        try (PersistentServer s = PersistentServer.start(dir, LFU); Jedis j = s.jedis()) {
            assertEquals(FREQS, freqs(j));
        }
    }

    @Test
    void jredisFileWithFreqLoadsInRedis(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (PersistentServer s = PersistentServer.start(dir, LFU); Jedis j = s.jedis()) {
            populate(j);
            assertEquals("OK", j.save());
        }
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb",
                "--maxmemory-policy", "allkeys-lfu", "--lfu-decay-time", "0");
                Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
            assertEquals(FREQS, freqs(j));
        }
    }
}
