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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import io.jredis.server.testing.TempPaths;

/**
 * The master side of a full sync: a forkless snapshot streamed to the replicas' sockets (diskless) or saved by a
 * BGSAVE and sent as a file (disk), counted as the running BGSAVE, at exactly the offset it was taken at.
 * {@code rdb-key-save-delay} slows the snapshot so that the test can act while it runs.
 */
class FullSyncTest {

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void disklessSyncIsTheRunningBgsaveAndCarriesWritesMadeMeanwhile() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "rdb-key-save-delay", "200");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", 8000, 100);
            r.replicaof("127.0.0.1", master.port());
            await("sync BGSAVE running", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 1);
            JedisDataException e = assertThrows(JedisDataException.class, m::bgsave);
            assertEquals("ERR Background save already in progress", e.getMessage());
            assertTrue(info(m, "slave0").contains("state=wait_bgsave"), info(m, "slave0"));
            // Writes while the snapshot runs: the snapshot keeps the old values, the stream carries these.
            writeLoad(m, "during:", 30);
            m.set("key:1", "changed");
            m.del("key:2");
            awaitCaughtUp(m, r);
            assertEquals("changed", r.get("key:1"));
            assertSameData(m, r);
            assertEquals(infoLong(m, "master_repl_offset"), infoLong(r, "slave_repl_offset"));
            await("BGSAVE over", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 0);
            String log = Nodes.log(master);
            assertTrue(log.contains("Starting BGSAVE for SYNC with target: replicas sockets"), log);
            assertTrue(log.contains("Background RDB transfer terminated with success"), log);
            assertTrue(Nodes.log(replica).contains("receiving streamed RDB from master with EOF to disk"));
            assertEquals(1, infoLong(m, "sync_full"));
        }
    }

    @Test
    void fullSyncWaitsForARunningAofRewrite() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "appendonly", "yes");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", 5000, 50);
            // 10 s of rewrite (lifted below): still running when the replica's sync is checked, on a loaded machine.
            m.configSet("rdb-key-save-delay", "2000");
            m.bgrewriteaof();
            await("AOF rewrite running", 20, () -> infoLong(m, "aof_rewrite_in_progress") == 1);
            r.replicaof("127.0.0.1", master.port());
            await("replica waiting", 20, () -> info(m, "slave0") != null);
            // One snapshot at a time, as Redis's one child: the sync does not start while the rewrite runs.
            assertTrue(info(m, "slave0").contains("state=wait_bgsave"), info(m, "slave0"));
            assertEquals(0, infoLong(m, "rdb_bgsave_in_progress"));
            m.configSet("rdb-key-save-delay", "0");
            await("AOF rewrite over", 30, () -> infoLong(m, "aof_rewrite_in_progress") == 0);
            writeLoad(m, "after:", 20);
            awaitSameData(m, r);
            assertTrue(Nodes.log(master).indexOf("Background AOF rewrite finished successfully")
                    < Nodes.log(master).indexOf("Starting BGSAVE for SYNC"), Nodes.log(master));
        }
    }

    @Test
    void diskSyncSharesOneBgsaveWithAReplicaArrivingWhileItRuns() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", "no", "rdb-key-save-delay", "300");
                RedisServer a = Nodes.jredis();
                RedisServer b = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis ja = new Jedis("127.0.0.1", a.port());
                Jedis jb = new Jedis("127.0.0.1", b.port())) {
            fill(m, "key:", 10000, 50);
            ja.replicaof("127.0.0.1", master.port());
            await("disk BGSAVE running", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 1);
            m.set("between", "a-and-b");
            jb.replicaof("127.0.0.1", master.port());
            await("second replica attached", 20, () -> Nodes.log(master).contains("Waiting for end of BGSAVE for SYNC"));
            writeLoad(m, "during:", 20);
            awaitCaughtUp(m, ja);
            awaitCaughtUp(m, jb);
            assertSameData(m, ja);
            assertSameData(m, jb);
            String log = Nodes.log(master);
            assertEquals(1, count(log, "Starting BGSAVE for SYNC with target: disk"), log);
            assertEquals(2, infoLong(m, "sync_full"));
            assertEquals(1, infoLong(m, "rdb_saves"));
            Path dump = Path.of(m.configGet("dir").get("dir")).resolve("dump.rdb");
            assertTrue(Files.size(dump) > 0, "the BGSAVE wrote the RDB file");
        }
    }

    @Test
    void replicaKilledDuringFullSyncLeavesTheOtherToFinish() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "10", "repl-diskless-sync-max-replicas",
                "2", "rdb-key-save-delay", "300");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer survivor = Nodes.jredis();
                Jedis s = new Jedis("127.0.0.1", survivor.port())) {
            fill(m, "key:", 8000, 100);
            RedisServer victim = Nodes.jredis();
            victim.trafficControl();
            try (Jedis v = new Jedis("127.0.0.1", victim.port())) {
                v.replicaof("127.0.0.1", master.port());
                s.replicaof("127.0.0.1", master.port());
                await("shared diskless sync running", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 1
                        && infoLong(v, "master_sync_in_progress") == 1);
            }
            // Killed: its connections are reset, as the kernel does for a dead process.
            victim.trafficControl().resetAll();
            victim.close();
            writeLoad(m, "during:", 20);
            awaitSameData(m, s);
            await("victim forgotten", 20, () -> infoLong(m, "connected_slaves") == 1);
            // The next replica gets its own snapshot once this one is over.
            master.onEngine(() -> {
                master.engine().config().find("rdb-key-save-delay").setFromString("0");
                return null;
            });
            try (RealRedis late = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                    Jedis l = new Jedis("127.0.0.1", late.port())) {
                awaitSameData(m, l);
            }
        }
    }

    @Test
    void theLastReplicaDroppedAbortsTheTransfer() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "rdb-key-save-delay", "1000");
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            fill(m, "key:", 5000, 100);
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
                await("sync running", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 1);
            }
            // 5000 keys at 1 ms each would take 5 s: the snapshot stops well before, once the replica is gone.
            await("snapshot stopped", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 0);
            assertTrue(Nodes.log(master).contains("Diskless rdb transfer, last replica dropped, killing fork child."),
                    Nodes.log(master));
            assertEquals(0, infoLong(m, "connected_slaves"));
            assertEquals("OK", m.set("still", "writable"));
        }
    }

    @Test
    void replicaOverItsBufferLimitWhileTheStreamIsHeldIsDroppedAndResyncs() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "rdb-key-save-delay", "500",
                "client-output-buffer-limit", "replica 256kb 128kb 1");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", 4000, 100);
            r.replicaof("127.0.0.1", master.port());
            await("sync running", 20, () -> infoLong(m, "rdb_bgsave_in_progress") == 1);
            String big = "z".repeat(64 * 1024);
            // The stream after the snapshot point waits for the payload: 640 KB of it exceeds the hard limit.
            for (int i = 0; i < 10; i++) {
                m.set("big" + i, big);
            }
            await("replica dropped", 20, () -> Nodes.log(master).contains(
                    "scheduled to be closed ASAP for overcoming of output buffer limits"));
            master.onEngine(() -> {
                master.engine().config().find("rdb-key-save-delay").setFromString("0");
                return null;
            });
            awaitSameData(m, r);
            assertTrue(infoLong(m, "sync_full") >= 2);
        }
    }

    @Test
    void linkCutMidStreamContinuesPartially() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis();
                RealRedis real = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port());
                Jedis rr = new Jedis("127.0.0.1", real.port())) {
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            awaitCaughtUp(m, rr);
            Thread writer = new Thread(() -> {
                try (Jedis w = new Jedis("127.0.0.1", master.port())) {
                    writeLoad(w, "w:", 400);
                }
            });
            writer.start();
            try (Jedis killer = new Jedis("127.0.0.1", master.port())) {
                for (int i = 0; i < 3 && writer.isAlive(); i++) {
                    long before = infoLong(m, "sync_partial_ok");
                    killer.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                            redis.clients.jedis.args.ClientType.REPLICA));
                    await("partial resyncs", 30, () -> infoLong(m, "sync_partial_ok") >= before + 2);
                }
            }
            writer.join(60_000);
            awaitCaughtUp(m, r);
            awaitCaughtUp(m, rr);
            assertSameData(m, r);
            assertSameData(m, rr);
            assertEquals(2, infoLong(m, "sync_full"));
            assertTrue(infoLong(m, "sync_partial_ok") >= 2);
        }
    }

    @Test
    void restartedMasterWithItsRdbIsFollowedAgain() throws Exception {
        int port = RealRedis.freePort();
        Path dir = TempPaths.dir("jredis-master");
        // No PING between the final SAVE and the crash: the replicas' offsets stay the saved one.
        String[] conf = {"port", Integer.toString(port), "dir", dir.toString(), "repl-diskless-sync-delay", "0",
            "repl-ping-replica-period", "3600", "enable-debug-command", "yes"};
        RedisServer master = Nodes.jredis(conf);
        master.trafficControl();
        String oldId;
        long savedOffset;
        // A replica reconnecting while the old master goes down may be left waiting for its handshake replies: a
        // short repl-timeout gets it out of that well within the test's bounds.
        try (RedisServer replica = Nodes.jredis("repl-timeout", "5");
                RealRedis real = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(port),
                        "--repl-timeout", "5");
                Jedis r = new Jedis("127.0.0.1", replica.port());
                Jedis rr = new Jedis("127.0.0.1", real.port())) {
            try (Jedis m = new Jedis("127.0.0.1", port)) {
                fill(m, "key:", 2000, 40);
                writeLoad(m, "a:", 30);
                r.replicaof("127.0.0.1", port);
                // Keys saved with a TTL that has passed when the master loads them back: it drops them, and the
                // replicas, which never expire keys themselves, must be told.
                m.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0");
                for (int i = 0; i < 5; i++) {
                    m.psetex("ttl:" + i, 10, "gone after the restart");
                }
                awaitCaughtUp(m, r);
                awaitCaughtUp(m, rr);
                // The first replication cron sends one PING: save once the offset no longer moves around the save.
                long before;
                do {
                    before = infoLong(m, "master_repl_offset");
                    assertEquals("OK", m.save());
                    savedOffset = infoLong(m, "master_repl_offset");
                } while (before != savedOffset);
                oldId = info(m, "master_replid");
            }
            master.trafficControl().resetAll();
            master.close();
            await("link down", 30, () -> "down".equals(info(r, "master_link_status")));
            master = Nodes.jredis(conf);
            try (Jedis m = new Jedis("127.0.0.1", port)) {
                assertEquals("v".repeat(32) + "7", m.get("key:7"), "the restarted master loaded its RDB");
                // As Redis 7.0: a new id, the saved one valid up to the saved offset, so both replicas continue.
                assertEquals(oldId, info(m, "master_replid2"));
                assertEquals(savedOffset + 1, infoLong(m, "second_repl_offset"));
                assertEquals(5, infoLong(m, "rdb_last_load_keys_expired"));
                assertTrue(infoLong(m, "master_repl_offset") > savedOffset, "the DELs went to the backlog");
                await("replicas continued", 30, () -> infoLong(m, "sync_partial_ok") == 2);
                assertEquals(0, infoLong(m, "sync_full"));
                writeLoad(m, "b:", 30);
                awaitCaughtUp(m, r);
                awaitCaughtUp(m, rr);
                assertSameData(m, r);
                assertSameData(m, rr);
                assertEquals(m.dbSize(), r.dbSize(), "the expired keys are gone from the replica");
                assertEquals(m.dbSize(), rr.dbSize(), "and from redis-server's");
            }
        } finally {
            master.close();
        }
    }

    @Test
    void restartedReplicaContinuesFromItsRdbWithARealMaster() throws Exception {
        try (RealRedis real = RealRedis.start("--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600");
                Jedis m = new Jedis("127.0.0.1", real.port())) {
            Path dir = TempPaths.dir("jredis-replica");
            String[] conf = {"dir", dir.toString(), "replicaof", "127.0.0.1 " + real.port()};
            writeLoad(m, "a:", 30);
            RedisServer replica = Nodes.jredis(conf);
            replica.trafficControl();
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitCaughtUp(m, r);
                assertEquals("OK", r.save());
            }
            replica.trafficControl().resetAll();
            replica.close();
            await("replica gone", 20, () -> infoLong(m, "connected_slaves") == 0);
            writeLoad(m, "b:", 30);
            replica = Nodes.jredis(conf);
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitSameData(m, r);
                assertEquals(1, infoLong(m, "sync_full"));
                assertEquals(1, infoLong(m, "sync_partial_ok"), "the restarted replica continued its history");
            } finally {
                replica.close();
            }
        }
    }
}
