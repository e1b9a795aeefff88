package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The log of an AOF rewrite, and of turning AOF on at run time, line for line as redis-server's: the new incr
 * file ("Creating AOF incr file ... on background rewrite") and the temporary base file the rewrite wrote.
 */
class AofRewriteLogVsRedisTest {
    @TempDir
    Path dir;

    @Test
    void rewritesLogWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        List<String> real;
        try (RealRedis r = RealRedis.start("--loglevel", "notice", "--appendonly", "yes");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            real = rewrites(j, r::log);
        }
        List<String> ours;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            ours = rewrites(j, () -> String.join("\n", s.log));
        }
        assertEquals(real, ours, "redis-server's log, then jredis's");
    }

    /** Turning AOF off during a rewrite names the rewrite it kills, as Redis's killAppendOnlyChild. */
    @Test
    void turningAofOffDuringARewriteLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        List<String> real;
        try (RealRedis r = RealRedis.start("--loglevel", "notice", "--appendonly", "yes");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            real = killedRewrite(j, r::log);
        }
        assertTrue(real.contains("M * Killing running AOF rewrite child: <n>"), real.toString());
        List<String> ours;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            ours = killedRewrite(j, () -> String.join("\n", s.log));
        }
        assertEquals(real, ours, "redis-server's log, then jredis's");
    }

    private static List<String> killedRewrite(Jedis j, Supplier<String> log) {
        for (int i = 0; i < 20; i++) {
            j.set("k" + i, "v");
        }
        // 100 ms a key: the rewrite still runs when AOF goes off.
        j.configSet("rdb-key-save-delay", "100000");
        j.bgrewriteaof();
        j.configSet("appendonly", "no");
        awaitRewritten(j);
        return messages(log.get(), true);
    }

    /**
     * Loading a multi part AOF (an RDB base and an incr file) logs the base's RDB header lines, "RDB is base AOF",
     * "Done loading RDB ..." and "Opening AOF incr file ... on server start", as redis-server does.
     */
    @Test
    void loadingAnAofLogsWhatRedisLogs() throws Exception {
        assertLoadingLogsAsRedis(true);
    }

    /** The empty base of an empty dataset (AOF format) gets no "DB loaded from base file" line, as in Redis. */
    @Test
    void loadingAnEmptyBaseLogsWhatRedisLogs() throws Exception {
        assertLoadingLogsAsRedis(false);
    }

    /** Makes an AOF with redis-server, then loads a copy with each server; compares their loading lines. */
    private void assertLoadingLogsAsRedis(boolean rewritten) throws Exception {
        RealRedis.assumeInstalled();
        Path made = dir.resolve("made");
        Files.createDirectories(made);
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--aof-use-rdb-preamble",
                rewritten ? "yes" : "no", "--dir", made.toString()); Jedis j = new Jedis("127.0.0.1", r.port())) {
            j.set("a", "b");
            if (rewritten) {
                j.bgrewriteaof();
                awaitRewritten(j);
            }
            j.set("c", "d");
            j.shutdown();
        } catch (redis.clients.jedis.exceptions.JedisConnectionException shutDown) {
            // SHUTDOWN closes the connection.
        }
        Path realDir = copy(made.resolve("appendonlydir"), dir.resolve("real"));
        Path ourDir = copy(made.resolve("appendonlydir"), dir.resolve("ours"));
        List<String> real;
        try (RealRedis r = RealRedis.start("--loglevel", "notice", "--appendonly", "yes", "--dir",
                realDir.toString()); Jedis j = new Jedis("127.0.0.1", r.port())) {
            assertEquals("d", j.get("c"));
            real = loading(r.log());
        }
        assertTrue(real.get(real.size() - 1).endsWith(" on server start"), real.toString());
        List<String> ours;
        try (AofServer s = AofServer.start(ourDir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("d", j.get("c"));
            ours = loading(String.join("\n", s.log));
        }
        assertEquals(real, ours, "redis-server's log, then jredis's");
    }

    private static Path copy(Path aofDir, Path to) throws IOException {
        Path target = to.resolve("appendonlydir");
        Files.createDirectories(target);
        try (var files = Files.list(aofDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** The messages from the first loading line to the end of the AOF's opening, warnings on the system left out. */
    private static List<String> loading(String log) {
        List<String> all = new ArrayList<>(messages(log, false));
        all.removeIf(m -> m.contains("WARNING"));
        int from = all.indexOf("M # Server initialized") + 1;
        int to = from;
        while (to < all.size() && !all.get(to).contains("on server start")) {
            to++;
        }
        return all.subList(from, Math.min(to + 1, all.size()));
    }

    /** BGREWRITEAOF, then AOF turned off and on again; the messages from the first rewrite on. */
    private static List<String> rewrites(Jedis j, Supplier<String> log) {
        j.set("k", "v");
        j.bgrewriteaof();
        awaitRewritten(j);
        j.configSet("appendonly", "no");
        j.set("k2", "v2");
        j.configSet("appendonly", "yes");
        awaitRewritten(j);
        return messages(log.get(), true);
    }

    private static void awaitRewritten(Jedis j) {
        Await.until("the rewrite's end", 20, () -> {
            String info = j.info("persistence");
            return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0");
        });
    }

    /**
     * Messages with numbers masked, from the first rewrite on (the incr file it opens comes first). Left out: Redis's "Fork CoW" lines (a forked child's
     * copy-on-write, which a JVM has no counterpart of). {@code fromRewrite} false keeps them all.
     */
    private static List<String> messages(String log, boolean fromRewrite) {
        List<String> messages = RedisLog.messages(log);
        int first = 0;
        while (fromRewrite && first < messages.size() && !messages.get(first).endsWith(" on background rewrite")
                && !messages.get(first).contains("* Background append only file rewriting started")) {
            first++;
        }
        return messages.subList(first, messages.size());
    }
}
