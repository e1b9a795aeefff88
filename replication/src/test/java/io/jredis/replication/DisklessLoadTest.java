package io.jredis.replication;

import static io.jredis.replication.Nodes.assertSameData;
import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.awaitSameData;
import static io.jredis.replication.Nodes.fill;
import static io.jredis.replication.Nodes.info;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.writeLoad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The replica side of a full sync per repl-diskless-load: through a temp file, or parsed from the socket. */
class DisklessLoadTest {

    private static Path dir(Jedis j) {
        return Path.of(j.configGet("dir").get("dir"));
    }

    private static boolean tempFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("temp-"));
        }
    }

    /**
     * Makes the swapdb replica {@code r}, in sync with {@code m}, load another full sync of the same history, and
     * waits until that load runs asynchronously (async_loading:1): sets the replica's key-load-delay to
     * {@code keyLoadDelay} (microseconds per key, to keep the load going), drops the master's replica links and
     * writes 200 large keys, more than the backlog holds, while the replica's side of the link is held (it redials
     * a lost master at once, as Redis does, and would otherwise continue with PSYNC before the writes).
     */
    private static void resyncLoadingAsync(RedisServer master, RedisServer replica, Jedis m, Jedis r,
            String keyLoadDelay) {
        r.configSet("key-load-delay", keyLoadDelay);
        replica.trafficControl().policy((ch, accepted) -> !accepted);
        try (Jedis killer = new Jedis("127.0.0.1", master.port())) {
            killer.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                    redis.clients.jedis.args.ClientType.REPLICA));
        }
        fill(m, "big:", 200, 1000);
        replica.trafficControl().policy(null);
        await("async loading", 30, () -> infoLong(r, "async_loading") == 1);
    }

    @Test
    void disabledWritesTheTempFileThenLoadsItAsTheRdbFile() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", 3000, 60);
            writeLoad(m, "w:", 20);
            r.set("old", "gone after the sync");
            r.replicaof("127.0.0.1", master.port());
            awaitSameData(m, r);
            assertNull(r.get("old"));
            Path rdb = dir(r).resolve("dump.rdb");
            assertTrue(Files.size(rdb) > 0, "the payload became the replica's RDB file");
            assertFalse(tempFiles(dir(r)));
            assertTrue(Nodes.log(replica).contains("receiving streamed RDB from master with EOF to disk"));
        }
    }

    @Test
    void swapdbParsesFromTheSocketAndServesTheOldDataMeanwhile() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "rdb-key-save-delay", "500");
                RedisServer replica = Nodes.jredis("repl-diskless-load", "swapdb");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", 4000, 60);
            r.set("old", "still here");
            r.replicaof("127.0.0.1", master.port());
            // A first sync is another history: a blocking load (loading:1), where Redis 7.0 answers -LOADING to
            // commands without the loading flag (its old data is only kept to restore on failure).
            await("loading from the socket", 20, () -> infoLong(r, "loading") == 1);
            assertEquals("1", info(r, "master_sync_in_progress"));
            assertEquals("LOADING Redis is loading the dataset in memory",
                    assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> r.get("old"))
                            .getMessage());
            assertEquals("0", info(r, "master_sync_read_bytes"));
            awaitSameData(m, r);
            assertEquals(0, infoLong(r, "loading"));
            assertFalse(Files.exists(dir(r).resolve("dump.rdb")), "nothing went to disk");
            String log = Nodes.log(replica);
            assertTrue(log.contains("receiving streamed RDB from master with EOF to parser"), log);
            assertTrue(log.contains("Swapping active DB with loaded DB"), log);

            // Another full sync of the same history loads asynchronously (async_loading:1).
            m.configSet("repl-backlog-size", "16384");
            m.set("marker", "before");
            awaitCaughtUp(m, r);
            // A pause per loaded key keeps the next load long enough to be seen, however fast the machine.
            resyncLoadingAsync(master, replica, m, r, "200");
            assertEquals("before", r.get("marker"));
            r.configSet("key-load-delay", "0");
            awaitSameData(m, r);
            assertEquals(2, infoLong(m, "sync_full"));
        }
    }

    /** As Redis: a script that loops during an async load gets -BUSY replies for others and can be killed. */
    @Test
    void busyScriptDuringAsyncLoadingCanBeKilled() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "repl-backlog-size", "16384");
                RedisServer replica = Nodes.jredis("repl-diskless-load", "swapdb");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", 300, 60);
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            // A pause per loaded key (10 ms, 500 keys) keeps the second full sync's async load going for seconds
            // after it is seen, so that the script starts during it.
            resyncLoadingAsync(master, replica, m, r, "10000");
            r.configSet("lua-time-limit", "10");
            try (RawClient script = new RawClient("127.0.0.1", replica.port())) {
                script.send(RawClient.encode("EVAL".getBytes(), "while true do end".getBytes(), "0".getBytes()));
                await("script busy", 30, () -> {
                    try (Jedis other = new Jedis("127.0.0.1", replica.port())) {
                        other.ping();
                        return false;
                    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                        return e.getMessage().startsWith("BUSY ");
                    }
                });
                assertEquals("OK", r.scriptKill());
                String killed = RawClient.text(script.read());
                assertTrue(killed.contains("Script killed by user with SCRIPT KILL"), killed);
                assertEquals("PONG", r.ping());
            }
            r.configSet("key-load-delay", "0");
            awaitSameData(m, r);
        }
    }

    @Test
    void onEmptyDbGoesToDiskWhenTheReplicaHasData() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer empty = Nodes.jredis("repl-diskless-load", "on-empty-db");
                RedisServer full = Nodes.jredis("repl-diskless-load", "on-empty-db");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis e = new Jedis("127.0.0.1", empty.port());
                Jedis f = new Jedis("127.0.0.1", full.port())) {
            fill(m, "key:", 2000, 60);
            f.set("mine", "data");
            e.replicaof("127.0.0.1", master.port());
            f.replicaof("127.0.0.1", master.port());
            writeLoad(m, "w:", 20);
            awaitCaughtUp(m, e);
            awaitCaughtUp(m, f);
            assertSameData(m, e);
            assertSameData(m, f);
            assertTrue(Nodes.log(empty).contains("with EOF to parser"));
            assertTrue(Nodes.log(full).contains("with EOF to disk"));
        }
    }

    @Test
    void jredisReplicaOfRealMasterInEveryLoadMode() throws Exception {
        try (RealRedis real = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", real.port())) {
            fill(m, "key:", 2000, 60);
            writeLoad(m, "w:", 20);
            for (String mode : new String[] {"disabled", "on-empty-db", "swapdb"}) {
                try (RedisServer replica = Nodes.jredis("repl-diskless-load", mode);
                        Jedis r = new Jedis("127.0.0.1", replica.port())) {
                    r.replicaof("127.0.0.1", real.port());
                    m.set("mode", mode);
                    awaitSameData(m, r);
                }
            }
        }
    }
}
