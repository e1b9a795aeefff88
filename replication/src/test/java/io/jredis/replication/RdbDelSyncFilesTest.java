package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.awaitSameData;
import static io.jredis.replication.Nodes.fill;
import static io.jredis.replication.Nodes.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * rdb-del-sync-files: an instance that persists nothing (no save points, no AOF) deletes the RDB file replication
 * made it write, the master once no replica needs its disk-based sync file, the replica once it loaded its master's.
 */
class RdbDelSyncFilesTest {
    private static final String MASTER_REMOVES =
            "Removing the RDB file used to feed replicas in a persistence-less instance";
    private static final String REPLICA_REMOVES =
            "Removing the RDB file obtained from the master. This replica has persistence disabled";

    private static Path dump(Jedis j) {
        return Path.of(j.configGet("dir").get("dir")).resolve("dump.rdb");
    }

    /** Fills the master, makes {@code r} its replica and waits until it holds the same data. */
    private static void syncWithData(Jedis m, Jedis r, int masterPort) {
        fill(m, "key:", 2000, 50);
        r.replicaof("127.0.0.1", masterPort);
        awaitSameData(m, r);
    }

    /** The master's cron looks once a second: a file still there after several of its runs was kept. */
    private static void assertStays(Path file, String why) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
        while (System.nanoTime() < end) {
            assertTrue(Files.exists(file), why);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    @Test
    void persistenceLessMasterDeletesItsSyncFileOnceSent() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", "no", "save", "", "rdb-del-sync-files", "yes");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            syncWithData(m, r, master.port());
            await("sync file deleted", 20, () -> !Files.exists(dump(m)));
            String log = Nodes.log(master);
            assertTrue(log.contains("Starting BGSAVE for SYNC with target: disk"), log);
            assertTrue(log.contains(MASTER_REMOVES), log);
            assertTrue(info(m, "slave0").contains("state=online"), info(m, "slave0"));
            assertFalse(Nodes.log(replica).contains(REPLICA_REMOVES), "the replica's directive is off");
            assertTrue(Files.exists(dump(r)), "the replica keeps the file it loaded");
        }
    }

    @Test
    void masterKeepsItsSyncFileWithoutTheDirectiveOrWithPersistence() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", "no", "save", "", "rdb-del-sync-files", "no");
                RedisServer persisting = Nodes.jredis("repl-diskless-sync", "no", "save", "3600 1",
                        "rdb-del-sync-files", "yes");
                RedisServer replica = Nodes.jredis();
                RedisServer second = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis p = new Jedis("127.0.0.1", persisting.port());
                Jedis r = new Jedis("127.0.0.1", replica.port());
                Jedis r2 = new Jedis("127.0.0.1", second.port())) {
            fill(m, "key:", 500, 20);
            fill(p, "key:", 500, 20);
            r.replicaof("127.0.0.1", master.port());
            r2.replicaof("127.0.0.1", persisting.port());
            awaitCaughtUp(m, r);
            awaitCaughtUp(p, r2);
            assertStays(dump(m), "rdb-del-sync-files no keeps the file");
            assertTrue(Files.exists(dump(p)), "save points keep the file");
            // Turned on later, it does not delete a file saved while it was off (Redis sets its flag only when on).
            m.configSet("rdb-del-sync-files", "yes");
            assertStays(dump(m), "the file was saved while the directive was off");
            assertFalse(Nodes.log(master).contains(MASTER_REMOVES));
            assertFalse(Nodes.log(persisting).contains(MASTER_REMOVES));
            assertEquals("yes", m.configGet("rdb-del-sync-files").get("rdb-del-sync-files"));
        }
    }

    @Test
    void persistenceLessReplicaDeletesTheFileItLoaded() throws Exception {
        try (RedisServer master = Nodes.jredis();
                RedisServer replica = Nodes.jredis("save", "", "rdb-del-sync-files", "yes",
                        "repl-diskless-load", "disabled");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            syncWithData(m, r, master.port());
            await("loaded file deleted", 20, () -> !Files.exists(dump(r)));
            String log = Nodes.log(replica);
            assertTrue(log.contains("MASTER <-> REPLICA sync: Loading DB in memory"), log);
            assertTrue(log.contains(REPLICA_REMOVES), log);
        }
    }

    @Test
    void replicaKeepsTheFileWithoutTheDirectiveOrWithPersistence() throws Exception {
        try (RedisServer master = Nodes.jredis();
                RedisServer off = Nodes.jredis("save", "", "rdb-del-sync-files", "no");
                RedisServer persisting = Nodes.jredis("appendonly", "yes", "save", "", "rdb-del-sync-files", "yes");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r1 = new Jedis("127.0.0.1", off.port());
                Jedis r2 = new Jedis("127.0.0.1", persisting.port())) {
            fill(m, "key:", 500, 20);
            r1.replicaof("127.0.0.1", master.port());
            r2.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r1);
            awaitCaughtUp(m, r2);
            // The replica deletes it right after loading, before the link is up: no wait is needed to see it kept.
            assertTrue(Files.exists(dump(r1)), "rdb-del-sync-files no");
            assertTrue(Files.exists(dump(r2)), "appendonly yes");
            assertFalse(Nodes.log(off).contains(REPLICA_REMOVES));
            assertFalse(Nodes.log(persisting).contains(REPLICA_REMOVES));
        }
    }
}
