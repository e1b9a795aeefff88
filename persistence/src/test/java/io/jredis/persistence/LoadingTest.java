package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Start-up loading as redis-server 7.0 does it: the server listens first and loads afterwards, answering
 * {@code -LOADING} to commands without the {@code loading} flag, INFO with the loading_* fields, and everything once
 * the data is in. {@code key-load-delay} (microseconds per key, a Redis debugging directive) makes loads last long
 * enough to observe, and {@code loading-process-events-interval-bytes 1024} serves clients often during them.
 */
class LoadingTest {
    private static final String LOADING = "-LOADING Redis is loading the dataset in memory\r\n";
    private static final int KEYS = 2000;

    @TempDir
    Path dir;

    /** An RDB of {@link #KEYS} keys plus {@code foo}, written by jredis into {@code where}. */
    private static void writeRdb(Path where) throws IOException {
        try (PersistentServer s = PersistentServer.start(where); Jedis j = s.jedis()) {
            populate(j);
            j.set("foo", "bar");
            assertEquals("OK", j.save());
        }
    }

    /**
     * {@link #KEYS} keys {@code key:<i>} in one MSET, with values of random letters a little larger than the
     * 1024-byte event interval: the loads below serve clients after every key, so replies wait one key's delay.
     */
    private static void populate(Jedis j) {
        Random random = new Random(42);
        String[] kv = new String[KEYS * 2];
        char[] value = new char[1100];
        for (int i = 0; i < KEYS; i++) {
            for (int k = 0; k < value.length; k++) {
                value[k] = (char) ('a' + random.nextInt(26));
            }
            kv[2 * i] = "key:" + i;
            kv[2 * i + 1] = new String(value);
        }
        assertEquals("OK", j.mset(kv));
    }

    private static PersistentServer slowLoad(Path where, long keyDelayMicros, String... more) throws IOException {
        List<String> d = new ArrayList<>(List.of("key-load-delay", Long.toString(keyDelayMicros),
                "loading-process-events-interval-bytes", "1024"));
        d.addAll(List.of(more));
        return PersistentServer.startWhileLoading(where, d.toArray(String[]::new));
    }

    private static String raw(RawClient c, String... args) throws IOException {
        return new String(c.callRaw(RawClient.args(args)), StandardCharsets.UTF_8);
    }

    static Map<String, String> info(RawClient c, String section) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : RawClient.text(c.call("INFO", section)).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return m;
    }

    /** Waits until the server reports the load (INFO is allowed both before and during it). */
    private static void awaitLoading(int port) {
        Await.until("loading:1 on port " + port, 60, () -> {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                return "1".equals(info(c, "persistence").get("loading"));
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void commandsWithoutTheLoadingFlagGetLoadingWhileTheRdbLoads() throws Exception {
        writeRdb(dir);
        long size = Files.size(dir.resolve("dump.rdb"));
        // At least 100 s of loading: every assertion below runs while it lasts; closing the server stops it.
        try (PersistentServer s = slowLoad(dir, 50_000); RawClient c = new RawClient("127.0.0.1", s.port())) {
            awaitLoading(s.port());
            assertEquals(LOADING, raw(c, "GET", "foo"));
            assertEquals(LOADING, raw(c, "SET", "x", "y"));
            assertEquals(LOADING, raw(c, "PING"));
            assertEquals(LOADING, raw(c, "DBSIZE"));
            assertEquals(LOADING, raw(c, "BGSAVE"));
            assertEquals("$2\r\nhi\r\n", raw(c, "ECHO", "hi"));
            assertEquals("+OK\r\n", raw(c, "SELECT", "1"));
            // A directive Redis refuses to change while loading gets the loading error, not a plain ERR.
            assertEquals(LOADING, raw(c, "CONFIG", "SET", "appendonly", "yes"));
            assertEquals("+OK\r\n", raw(c, "CONFIG", "SET", "maxmemory-samples", "6"));
            assertEquals("+OK\r\n", raw(c, "MULTI"));
            assertEquals(LOADING, raw(c, "GET", "foo"));
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", raw(c, "EXEC"));

            Map<String, String> p = info(c, "persistence");
            assertEquals("1", p.get("loading"));
            assertEquals("0", p.get("async_loading"));
            assertEquals(Long.toString(size), p.get("loading_total_bytes"));
            assertTrue(Long.parseLong(p.get("loading_rdb_used_mem")) > 0, p.toString());
            long loaded = Long.parseLong(p.get("loading_loaded_bytes"));
            assertTrue(loaded > 0 && loaded < size, p.toString());
            assertTrue(p.get("loading_loaded_perc").matches("\\d+\\.\\d\\d"), p.toString());
            assertTrue(Long.parseLong(p.get("loading_eta_seconds")) >= 0, p.toString());
            assertTrue(Math.abs(Long.parseLong(p.get("loading_start_time")) - System.currentTimeMillis() / 1000) < 120);
            // The loading fields close the section, after the last aof_/module_ field, as in Redis.
            List<String> keys = new ArrayList<>(p.keySet());
            assertEquals(List.of("loading_start_time", "loading_total_bytes", "loading_rdb_used_mem",
                    "loading_loaded_bytes", "loading_loaded_perc", "loading_eta_seconds"),
                    keys.subList(keys.size() - 6, keys.size()));

            Map<String, String> errors = info(c, "errorstats");
            assertEquals("count=7", errors.get("errorstat_LOADING"), errors.toString());
            assertTrue(info(c, "commandstats").get("cmdstat_get").contains("rejected_calls=2"));
            long t = System.nanoTime();
            s.close();
            // The load stops at its next step instead of holding the event loop to the end.
            assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(15), "close took too long");
        }
    }

    /** Connections closed while the data loads are freed during the load (CLIENT LIST, connected_clients), as Redis. */
    @Test
    void clientsThatDisconnectWhileLoadingAreFreed() throws Exception {
        writeRdb(dir);
        try (PersistentServer s = slowLoad(dir, 50_000); RawClient c = new RawClient("127.0.0.1", s.port())) {
            awaitLoading(s.port());
            for (int i = 0; i < 5; i++) {
                try (RawClient other = new RawClient("127.0.0.1", s.port())) {
                    assertEquals("+OK\r\n", raw(other, "CLIENT", "SETNAME", "gone" + i));
                }
            }
            Await.until("the closed clients are freed", 30, () -> {
                try {
                    return "1".equals(info(c, "clients").get("connected_clients"));
                } catch (IOException e) {
                    return false;
                }
            });
            assertFalse(raw(c, "CLIENT", "LIST").contains("name=gone"));
            assertEquals("1", info(c, "persistence").get("loading"));
        }
    }

    @Test
    void aJedisClientThatRetriesOnLoadingGetsTheDataOnceLoaded() throws Exception {
        writeRdb(dir);
        try (PersistentServer s = slowLoad(dir, 1500); Jedis j = s.jedis()) {
            awaitLoading(s.port());
            int refused = 0;
            String value = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (value == null && System.nanoTime() < deadline) {
                try {
                    value = j.get("foo");
                } catch (JedisDataException e) {
                    assertEquals("LOADING Redis is loading the dataset in memory", e.getMessage());
                    refused++;
                }
            }
            assertEquals("bar", value);
            assertTrue(refused > 0, "the first GET came while loading");
            assertTrue(s.rdb().startupLoad().isDone());
            assertEquals(KEYS + 1, j.dbSize());
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("x", "y"));
            String p = j.info("persistence");
            assertTrue(p.contains("loading:0\r\n"), p);
            assertFalse(p.contains("loading_start_time"), p);
            assertTrue(p.contains("rdb_last_load_keys_loaded:" + (KEYS + 1) + "\r\n"), p);
            assertTrue(j.info("errorstats").contains("errorstat_LOADING:count=" + refused + "\r\n"));
            assertTrue(s.log().contains("Done loading RDB, keys loaded: " + (KEYS + 1) + ", keys expired: 0."));
        }
    }

    @Test
    void shutdownWhileLoadingExitsWithoutSavingTheHalfLoadedData() throws Exception {
        writeRdb(dir);
        byte[] before = Files.readAllBytes(dir.resolve("dump.rdb"));
        int logStart = Files.readString(dir.resolve("jredis.log")).length();
        PersistentServer s = slowLoad(dir, 50_000, "save", "900 1");
        try (RawClient c = new RawClient("127.0.0.1", s.port())) {
            awaitLoading(s.port());
            // SHUTDOWN is allowed while loading; SAVE is turned into NOSAVE, as Redis does.
            c.send(RawClient.encode("SHUTDOWN".getBytes(StandardCharsets.US_ASCII),
                    "SAVE".getBytes(StandardCharsets.US_ASCII)));
            Await.until("the connection to close", 60, () -> {
                try {
                    return c.closedByServer();
                } catch (IOException e) {
                    return true;
                }
            });
            Await.until("the server to close", 60, s.server()::isClosed);
        } finally {
            s.close();
        }
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("dump.rdb")));
        String log = s.log().substring(logStart);
        assertTrue(log.contains("User requested shutdown..."), log);
        assertFalse(log.contains("Saving the final RDB snapshot"), log);
        assertFalse(log.contains("DB saved on disk"), log);
    }

    @Test
    void anAofLoadAnswersLoadingAndCountsEveryFile() throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            populate(j);
            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            Await.until("the rewrite", 60,
                    () -> j.info("persistence").contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0"));
            j.set("foo", "bar");
        }
        long total;
        try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
            total = files.filter(f -> !f.toString().endsWith(".manifest")).mapToLong(f -> f.toFile().length()).sum();
        }
        try (PersistentServer s = slowLoad(dir, 50_000, "appendonly", "yes");
                RawClient c = new RawClient("127.0.0.1", s.port())) {
            awaitLoading(s.port());
            assertEquals(LOADING, raw(c, "GET", "foo"));
            assertEquals(LOADING, raw(c, "BGREWRITEAOF"));
            Map<String, String> p = info(c, "persistence");
            assertEquals(Long.toString(total), p.get("loading_total_bytes"));
            assertEquals("0", p.get("aof_enabled"));
        }
        try (PersistentServer s = PersistentServer.startWhileLoading(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            s.rdb().startupLoad().get(60, TimeUnit.SECONDS);
            assertEquals("bar", j.get("foo"));
            assertEquals(KEYS + 1, j.dbSize());
            assertTrue(j.info("persistence").contains("aof_enabled:1\r\n"));
            assertEquals("OK", j.set("after", "1"));
        }
        try (PersistentServer s = PersistentServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("1", j.get("after"));
        }
    }

    /** The same commands during the same load, byte for byte against redis-server 7.0.15. */
    @Test
    void repliesWhileLoadingMatchRealRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path jredisDir = Files.createDirectories(dir.resolve("jredis"));
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        writeRdb(jredisDir);
        Files.copy(jredisDir.resolve("dump.rdb"), redisDir.resolve("dump.rdb"));
        String[][] commands = {
            {"PING"}, {"GET", "foo"}, {"SET", "x", "y"}, {"ECHO", "hi"}, {"DBSIZE"}, {"EXISTS", "foo"},
            {"TYPE", "foo"}, {"SCAN", "0"}, {"KEYS", "*"}, {"FLUSHALL"}, {"SAVE"}, {"BGSAVE"}, {"BGREWRITEAOF"},
            {"CONFIG", "SET", "appendonly", "yes"}, {"CONFIG", "SET", "dir", "/tmp"},
            {"CONFIG", "SET", "maxmemory-samples", "7"}, {"CONFIG", "GET", "maxmemory-samples"}, {"SELECT", "1"},
            {"MEMORY", "USAGE", "foo"}, {"PUBLISH", "ch", "x"},
            {"INCR", "n"}, {"DEL", "foo"}, {"EXPIRE", "foo", "10"},
            {"CLIENT", "SETNAME", "c1"}, {"CLIENT", "GETNAME"},
            {"MULTI"}, {"GET", "foo"}, {"PING"}, {"EXEC"}, {"MULTI"}, {"ECHO", "x"}, {"EXEC"},
            {"NOSUCHCOMMAND"}, {"GET"},
            // A script's declared flags leave the loading flag alone (Redis's scriptFlagsToCmdFlags): all refused.
            {"EVAL", "return 1", "0"}, {"EVAL", "#!lua\nreturn 1", "0"}, {"EVAL", "#!lua flags=no-writes\nreturn 1", "0"},
            {"EVAL", "#!lua flags=no-writes,allow-stale,allow-oom\nreturn 1", "0"}, {"EVAL_RO", "return 1", "0"},
            {"EVAL", "return 1", "abc"}, {"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
            {"FCALL", "nosuch", "0"}, {"FCALL_RO", "nosuch", "0"}, {"SCRIPT", "LOAD", "return 1"},
            {"FUNCTION", "LIST"}, {"MULTI"}, {"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}, {"EXEC"},
        };
        int port = RealRedis.freePort();
        Process real = new ProcessBuilder(RealRedis.binary(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir.toString(), "--loglevel",
                "warning", "--key-load-delay", "50000", "--loading-process-events-interval-bytes", "1024")
                .redirectErrorStream(true).redirectOutput(redisDir.resolve("redis.log").toFile()).start();
        try (PersistentServer s = slowLoad(jredisDir, 50_000)) {
            awaitLoading(port);
            awaitLoading(s.port());
            try (RawClient theirs = new RawClient("127.0.0.1", port);
                    RawClient ours = new RawClient("127.0.0.1", s.port())) {
                for (String[] cmd : commands) {
                    assertEquals(raw(theirs, cmd), raw(ours, cmd), String.join(" ", cmd));
                }
                assertEquals("1", info(theirs, "persistence").get("loading"), "redis-server still loading");
                assertEquals("1", info(ours, "persistence").get("loading"), "jredis still loading");
                Map<String, String> theirErrors = info(theirs, "errorstats");
                assertEquals(theirErrors, info(ours, "errorstats"));
                assertTrue(theirErrors.containsKey("errorstat_LOADING"));
                assertEquals(info(theirs, "commandstats").get("cmdstat_get"),
                        info(ours, "commandstats").get("cmdstat_get"));
            }
        } finally {
            real.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
