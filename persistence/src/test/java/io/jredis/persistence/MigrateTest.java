package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.net.LoopbackPorts;
import io.jredis.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;

/**
 * MIGRATE moves every data type between jredis and redis-server 7.0.15 in both directions, and answers each error
 * case with real Redis's reply when both migrate to the same target.
 */
class MigrateTest {
    private static final String PASSWORD = "pw";
    @TempDir
    static Path dir;
    private static PersistentServer jredis;
    private static RealRedis source;
    private static RealRedis target;
    private static Jedis jj;
    private static Jedis sj;
    private static Jedis tj;

    @BeforeAll
    static void start() throws Exception {
        RealRedis.assumeInstalled();
        jredis = PersistentServer.start(dir, "save", "", "appendonly", "yes");
        source = RealRedis.start();
        target = RealRedis.start();
        jj = jredis.jedis();
        sj = new Jedis("127.0.0.1", source.port(), 30_000);
        tj = new Jedis("127.0.0.1", target.port(), 30_000);
        // Set after start: RealRedis waits for an unauthenticated PONG.
        tj.configSet("requirepass", PASSWORD);
        tj.auth(PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (jj != null) {
            jj.close();
            sj.close();
            tj.close();
            jredis.close();
            source.close();
            target.close();
        }
    }

    @BeforeEach
    void flush() {
        jj.flushAll();
        sj.flushAll();
        tj.flushAll();
    }

    @Test
    void movesEveryTypeToRealRedisAndBack() {
        TestData.populate(jj);
        jj.select(0);
        Map<String, String> before = database(jj, 0);
        List<byte[]> keys = keys(jj);
        assertTrue(keys.size() > 10, "populated keys: " + keys.size());
        List<byte[]> args = new ArrayList<>(bytes("127.0.0.1", String.valueOf(target.port()), "", "5", "5000",
                "AUTH", PASSWORD, "KEYS"));
        args.addAll(keys);
        assertEquals("OK", migrate(jj, args));
        assertEquals(0, jj.dbSize(), "migrated keys are deleted at the source");
        assertEquals(before, database(tj, 5));

        // Back into jredis (no password there), as copies, from the real server.
        List<byte[]> back = new ArrayList<>(bytes("127.0.0.1", String.valueOf(jredis.port()), "", "2", "5000",
                "COPY", "KEYS"));
        back.addAll(keys);
        tj.select(5);
        assertEquals("OK", migrate(tj, back));
        assertEquals(before, database(tj, 5), "COPY keeps the keys at the source");
        assertEquals(before, database(jj, 2));
    }

    @Test
    void repliesAsRealRedis() throws Exception {
        int refused = LoopbackPorts.claim();
        String tp = String.valueOf(target.port());
        String[][] cases = {
            {"127.0.0.1", tp, "k1", "0", "1000"},
            {"127.0.0.1", tp, "k1", "0", "1000", "AUTH", "wrong"},
            {"127.0.0.1", tp, "k1", "0", "1000", "AUTH", PASSWORD, "COPY"},
            {"127.0.0.1", tp, "k1", "0", "1000", "AUTH2", "default", PASSWORD, "COPY"},
            {"127.0.0.1", tp, "k1", "0", "1000", "AUTH", PASSWORD, "COPY", "REPLACE"},
            {"127.0.0.1", tp, "k1", "-5", "1000", "AUTH", PASSWORD},
            {"127.0.0.1", tp, "nokey", "0", "1000"},
            {"127.0.0.1", tp, "k1", "0", "1000", "KEYS", "k2"},
            {"127.0.0.1", tp, "k1", "x", "1000"},
            {"127.0.0.1", tp, "k1", "0", "x"},
            {"127.0.0.1", tp, "k1", "0", "1000", "FOO"},
            {"127.0.0.1", tp, "k1", "0", "1000", "AUTH"},
            {"127.0.0.1", String.valueOf(refused), "k1", "0", "1000"},
            {"127.0.0.1", tp, "", "3", "0", "AUTH", PASSWORD, "KEYS", "k1", "k2", "missing"},
            {"127.0.0.1", tp, "", "3", "0", "AUTH", PASSWORD, "KEYS", "k1", "k2"},
        };
        for (String[] c : cases) {
            for (Jedis j : new Jedis[] {sj, jj}) {
                j.set("k1", "v1");
                j.set("k2", "v2");
                j.pexpire("k2", 100_000);
            }
            // Cached connections may carry an earlier AUTH: cut them so both sources reconnect (the retry path).
            tj.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(ClientKillParams.SkipMe.YES));
            String expected = migrate(sj, bytes(c));
            tj.flushAll();
            assertEquals(expected, migrate(jj, bytes(c)), String.join(" ", c));
            assertEquals(sj.exists("k1"), jj.exists("k1"), "k1 after " + String.join(" ", c));
            assertEquals(sj.exists("k2"), jj.exists("k2"), "k2 after " + String.join(" ", c));
            tj.flushAll();
        }
        tj.select(3);
        assertEquals(0, tj.dbSize());
        jj.set("k1", "v1");
        byte[] payload = jj.dump("k1");
        assertEquals("OK", new String((byte[]) jj.sendCommand(() -> TestData.b("RESTORE-ASKING"), TestData.b("copy"),
                TestData.b("0"), payload), StandardCharsets.UTF_8));
        assertEquals("v1", jj.get("copy"));
    }

    @Test
    void carriesTheRemainingTtlAndPropagatesDel() throws Exception {
        jj.set("ttl", "v");
        jj.pexpire("ttl", 50_000);
        jj.set("kept", "v");
        assertEquals("OK", migrate(jj, bytes("127.0.0.1", String.valueOf(target.port()), "ttl", "0", "1000",
                "AUTH", PASSWORD)));
        tj.select(0);
        long pttl = tj.pttl("ttl");
        assertTrue(pttl > 40_000 && pttl <= 50_000, "pttl " + pttl);
        assertFalse(jj.exists("ttl"));
        Path aofDir = dir.resolve("appendonlydir");
        long deadline = System.nanoTime() + 15_000_000_000L;
        String incr = "";
        while (!incr.contains("$3\r\nDEL\r\n$3\r\nttl\r\n") && System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(aofDir)) {
                StringBuilder sb = new StringBuilder();
                for (Path p : files.filter(p -> p.toString().endsWith(".incr.aof")).toList()) {
                    sb.append(Files.readString(p, StandardCharsets.ISO_8859_1));
                }
                incr = sb.toString();
            }
            Thread.onSpinWait();
        }
        assertTrue(incr.contains("*2\r\n$3\r\nDEL\r\n$3\r\nttl\r\n"), incr);
        assertFalse(incr.contains("MIGRATE"), incr);
    }

    private static List<byte[]> bytes(String... args) {
        List<byte[]> out = new ArrayList<>();
        for (String a : args) {
            out.add(TestData.b(a));
        }
        return out;
    }

    /** INFO stats counts the cached target connections as Redis does: one per target host:port. */
    @Test
    void infoCountsCachedConnections() {
        for (Jedis j : List.of(jj, sj)) {
            j.set("cached", "v");
            assertEquals("OK", migrate(j, bytes("127.0.0.1", String.valueOf(target.port()), "cached", "0", "5000",
                    "AUTH", PASSWORD, "COPY", "REPLACE")));
        }
        assertEquals("migrate_cached_sockets:1", cachedSockets(sj));
        assertEquals(cachedSockets(sj), cachedSockets(jj));
    }

    private static String cachedSockets(Jedis j) {
        return j.info("stats").lines().filter(l -> l.startsWith("migrate_cached_sockets:")).findFirst().orElse("");
    }

    private static String migrate(Jedis j, List<byte[]> args) {
        try {
            Object r = j.sendCommand(Protocol.Command.MIGRATE, args.toArray(new byte[0][]));
            return new String((byte[]) r, StandardCharsets.UTF_8);
        } catch (JedisDataException e) {
            return "-" + e.getMessage();
        }
    }

    private static List<byte[]> keys(Jedis j) {
        List<byte[]> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var r = j.scan(TestData.b(cursor), new ScanParams().count(1000));
            keys.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals("0"));
        return keys;
    }

    /** Database {@code db} in canonical form, the absolute expiry reduced to whether there is one. */
    private static Map<String, String> database(Jedis j, int db) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : Datasets.read(j, db + 1).entrySet()) {
            if (e.getKey().startsWith(db + ":")) {
                out.put(e.getKey().substring(e.getKey().indexOf(':') + 1),
                        e.getValue().replaceAll("\\|expire=\\d+$", "|expires"));
            }
        }
        return out;
    }
}
