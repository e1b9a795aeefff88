package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** AOF directories cross between jredis and redis-server 7.0.15 in both directions. */
class AofInteropTest {
    @TempDir
    Path dir;

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void jredisAofLoadsInRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path jdir = dir.resolve("jredis");
        Files.createDirectories(jdir);
        Map<String, String> expected;
        try (AofServer s = AofServer.start(jdir, "appendonly", "yes"); Jedis j = s.jedis()) {
            Datasets.fill(j);
            j.bgrewriteaof();
            Await.until("rewrite", 10, () -> "0".equals(AppendOnlyFileTest.info(j, "aof_rewrite_in_progress")));
            j.rpush("list", "after-rewrite");
            j.select(5);
            j.set("db5", "v");
            j.select(0);
            expected = Datasets.describe(j);
        }
        Path rdir = dir.resolve("redis");
        copyTree(jdir, rdir);
        try (RealRedis r = RealRedis.start("--dir", rdir.toString(), "--appendonly", "yes");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            assertEquals(expected, Datasets.describe(j));
            assertEquals("1", AppendOnlyFileTest.info(j, "aof_enabled"));
        }
    }

    @Test
    void redisAofWithRdbBaseLoadsInJredis() throws Exception {
        redisAofLoadsInJredis("yes");
    }

    @Test
    void redisAofWithAofBaseLoadsInJredis() throws Exception {
        redisAofLoadsInJredis("no");
    }

    private void redisAofLoadsInJredis(String preamble) throws Exception {
        RealRedis.assumeInstalled();
        Path rdir = dir.resolve("redis");
        Files.createDirectories(rdir);
        Map<String, String> expected;
        try (RealRedis r = RealRedis.start("--dir", rdir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", preamble, "--aof-timestamp-enabled", "yes", "--appendfsync", "always");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            Datasets.fill(j);
            j.bgrewriteaof();
            Await.until("rewrite", 10, () -> "0".equals(AppendOnlyFileTest.info(j, "aof_rewrite_in_progress"))
                    && !AppendOnlyFileTest.info(j, "aof_base_size").equals("0"));
            try (var tx = j.multi()) {
                tx.set("in-multi", "1");
                tx.sadd("set", "d");
                tx.exec();
            }
            j.set("ex", "v");
            j.expire("ex", 1000);
            expected = Datasets.describe(j);
            assertTrue(Files.readString(rdir.resolve("appendonlydir/appendonly.aof.manifest")).contains("seq 2 type b"));
        }
        Path jdir = dir.resolve("jredis");
        copyTree(rdir, jdir);
        Files.deleteIfExists(jdir.resolve("redis.log"));
        try (AofServer s = AofServer.start(jdir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(expected, Datasets.describe(j));
            j.set("written-by-jredis", "1");
        }
        String manifest = Files.readString(jdir.resolve("appendonlydir/appendonly.aof.manifest"));
        assertFalse(manifest.contains("type h"), manifest);
    }
}
