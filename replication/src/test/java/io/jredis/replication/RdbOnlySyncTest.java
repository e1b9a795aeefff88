package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Libraries;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * A replica that wants the payload alone (REPLCONF rdb-only, as {@code redis-cli --rdb} sends) and maybe only part of
 * it (REPLCONF rdb-filter-only, {@code redis-cli --functions-rdb}): the file it gets loads in redis-server 7.0.15 with
 * exactly the parts asked for, and the master lets the replica go once the payload is sent.
 */
class RdbOnlySyncTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void redisCliDumpsLoadInRedis(String disklessSync) throws Exception {
        RealRedis.assumeInstalled();
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", disklessSync, "repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            Libraries.loadBoth(m);
            m.set("key", "value");

            Path functions = dir.resolve("functions.rdb");
            redisCli(master.port(), "--functions-rdb", functions);
            assertLoadsInRedis(functions, 0);
            Nodes.await("the functions-only replica to be let go", 20, () -> Nodes.infoLong(m, "connected_slaves") == 0);

            Path whole = dir.resolve("whole.rdb");
            redisCli(master.port(), "--rdb", whole);
            assertLoadsInRedis(whole, 1);
            Nodes.await("the rdb-only replica to be let go", 20, () -> Nodes.infoLong(m, "connected_slaves") == 0);
            String log = Nodes.log(master);
            assertTrue(log.contains("RDB transfer completed, rdb only replica (127.0.0.1:<unknown-replica-port>) "
                    + "should be disconnected asap"), log);
            assertEquals("value", m.get("key"));
        }
    }

    /** A filtered payload needs an end mark: a replica without capa eof is refused, as by redis-server. */
    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void filteredSyncNeedsEofCapability(String disklessSync) throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", disklessSync);
                RealRedis real = RealRedis.start("--repl-diskless-sync", disklessSync)) {
            assertEquals(refusal(real.port()), refusal(master.port()));
            assertEquals("(error) ERR Filtered replica requires EOF capability", refusal(master.port()));
        }
    }

    private static String refusal(int port) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            assertEquals("OK", RawClient.text(c.call("REPLCONF", "rdb-only", "1", "rdb-filter-only", "functions")));
            return RawClient.text(c.call("PSYNC", "?", "-1"));
        }
    }

    private void redisCli(int port, String option, Path file) throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), option, file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("cli.out").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli " + option + " did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("cli.out")));
    }

    /** Starts redis-server on a copy of {@code rdb}: it holds {@code keys} keys and both libraries. */
    private static void assertLoadsInRedis(Path rdb, long keys) throws Exception {
        Path copy = Files.createTempDirectory("rdb-only");
        Files.copy(rdb, copy.resolve("dump.rdb"));
        try (RealRedis real = RealRedis.start("--dir", copy.toString(), "--dbfilename", "dump.rdb");
                Jedis r = new Jedis("127.0.0.1", real.port())) {
            assertEquals(keys, r.dbSize());
            Libraries.assertBothLoaded(r);
        }
    }
}
