package io.jredis.replication;

import static io.jredis.replication.Nodes.assertSameData;
import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.awaitSameData;
import static io.jredis.replication.Nodes.info;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.writeLoad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** A real redis-server replicating from jredis and the other way round: full sync, stream, resync, failover. */
class ReplicationInteropTest {

    @Test
    void realReplicaOfJredisMaster() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                // WAIT 1 5000 below: Jedis's default 2 s socket timeout would cut it short on a loaded machine.
                Jedis m = new Jedis("127.0.0.1", master.port(), 30_000)) {
            m.set("before", "sync");
            m.set("long", "x".repeat(5000));
            m.setex("expiring", 500, "soon");
            writeLoad(m, "pre:", 30);
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                    Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitCaughtUp(m, r);
                assertEquals("sync", r.get("before"));
                assertSameData(m, r);
                assertEquals(1, infoLong(m, "sync_full"));
                writeLoad(m, "a:", 50);
                awaitSameData(m, r);
                r.select(1);
                assertEquals("one", r.get("a:db1"));
                r.select(0);

                // A dropped link continues from the backlog.
                r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                        redis.clients.jedis.args.ClientType.MASTER));
                writeLoad(m, "b:", 20);
                await("partial resync", 20, () -> infoLong(m, "sync_partial_ok") == 1);
                awaitSameData(m, r);
                assertEquals(1, infoLong(m, "sync_full"));

                // The master side's view of its replica.
                assertEquals("1", info(m, "connected_slaves"));
                assertTrue(info(m, "slave0").matches("ip=127\\.0\\.0\\.1,port=" + replica.port()
                        + ",state=online,offset=\\d+,lag=\\d+"), info(m, "slave0"));
                List<Object> role = m.role();
                assertEquals("master", role.get(0));
                assertEquals(1, ((List<?>) role.get(2)).size());

                // WAIT counts the replica once it acknowledged the write.
                m.set("waited", "1");
                assertEquals(1, m.waitReplicas(1, 5000));
                long start = System.nanoTime();
                assertEquals(1, m.waitReplicas(2, 200));
                assertTrue(System.nanoTime() - start >= 150_000_000L);
            }
        }
    }

    @Test
    void jredisReplicaOfRealMaster() throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer replica = Nodes.jredis();
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            m.set("before", "sync");
            m.set("compressible", "y".repeat(300));
            m.set("number", "12345");
            m.setex("expiring", 500, "soon");
            writeLoad(m, "pre:", 30);
            assertEquals("OK", r.replicaof("127.0.0.1", master.port()));
            awaitCaughtUp(m, r);
            assertEquals("y".repeat(300), r.get("compressible"));
            assertSameData(m, r);
            writeLoad(m, "a:", 50);
            awaitSameData(m, r);

            JedisDataException ro = assertThrows(JedisDataException.class, () -> r.set("x", "y"));
            assertEquals("READONLY You can't write against a read only replica.", ro.getMessage());
            List<Object> role = r.role();
            assertEquals("slave", role.get(0));
            assertEquals("connected", role.get(3));

            r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                    redis.clients.jedis.args.ClientType.MASTER));
            writeLoad(m, "b:", 20);
            await("partial resync", 20, () -> infoLong(m, "sync_partial_ok") == 1);
            awaitSameData(m, r);
            assertEquals(1, infoLong(m, "sync_full"));
            assertEquals(info(m, "master_replid"), info(r, "master_replid"));

            assertEquals("OK", r.replicaofNoOne());
            assertEquals("master", info(r, "role"));
            r.set("x", "y");
        }
    }

    /** M=real, A=jredis, B=real: A promoted, B follows A and continues partially with A's replid2. */
    @Test
    void failoverToJredisContinuesPartially() throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer a = Nodes.jredis();
                Jedis ja = new Jedis("127.0.0.1", a.port());
                RealRedis b = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                Jedis jb = new Jedis("127.0.0.1", b.port())) {
            ja.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, ja);
            awaitCaughtUp(m, jb);
            writeLoad(m, "a:", 30);
            awaitCaughtUp(m, ja);
            awaitCaughtUp(m, jb);
            String oldId = info(m, "master_replid");

            ja.replicaofNoOne();
            assertEquals(oldId, info(ja, "master_replid2"));
            assertEquals(infoLong(m, "master_repl_offset") + 1, infoLong(ja, "second_repl_offset"));
            jb.replicaof("127.0.0.1", a.port());
            await("B partial resync with A", 20, () -> infoLong(ja, "sync_partial_ok") == 1);
            assertEquals(0, infoLong(ja, "sync_full"));
            writeLoad(ja, "c:", 20);
            awaitSameData(ja, jb);
            assertEquals(info(ja, "master_replid"), info(jb, "master_replid"));
        }
    }

    /** M=jredis, A=real, B=jredis: the jredis replica follows the promoted real one with +CONTINUE. */
    @Test
    void failoverFromJredisToRealContinuesPartially() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RealRedis a = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                Jedis ja = new Jedis("127.0.0.1", a.port());
                RedisServer b = Nodes.jredis();
                Jedis jb = new Jedis("127.0.0.1", b.port())) {
            awaitCaughtUp(m, ja);
            jb.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, jb);
            writeLoad(m, "a:", 30);
            awaitCaughtUp(m, ja);
            awaitCaughtUp(m, jb);

            ja.replicaofNoOne();
            jb.replicaof("127.0.0.1", a.port());
            await("B partial resync with A", 20, () -> infoLong(ja, "sync_partial_ok") == 1);
            assertEquals(0, infoLong(ja, "sync_full"));
            writeLoad(ja, "c:", 20);
            awaitSameData(ja, jb);
            assertEquals(info(ja, "master_replid"), info(jb, "master_replid"));
            assertEquals(info(ja, "master_replid2"), info(jb, "master_replid2"));
        }
    }

    /** A replica that stops reading hits the replica output buffer limit, is dropped, and resyncs fully. */
    @Test
    void slowReplicaIsDisconnectedAndResyncs() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "repl-backlog-size", "16384",
                "client-output-buffer-limit", "replica 256kb 128kb 1");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                        "--enable-debug-command", "yes");
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            awaitCaughtUp(m, r);
            try (RawClient sleeper = new RawClient("127.0.0.1", replica.port())) {
                // The replica's event loop stops: it reads nothing from its master for 3 seconds.
                sleeper.send(RawClient.encode("DEBUG".getBytes(), "SLEEP".getBytes(), "3".getBytes()));
                String big = "z".repeat(64 * 1024);
                for (int i = 0; i < 200 && infoLong(m, "connected_slaves") > 0; i++) {
                    m.set("big" + (i % 10), big);
                }
                await("slow replica dropped", 10, () -> infoLong(m, "connected_slaves") == 0);
                assertEquals("OK", RawClient.text(sleeper.read()));
            }
            await("full resync", 20, () -> infoLong(m, "sync_full") >= 2);
            awaitSameData(m, r);
        }
    }

    /** Disk-based payloads ($len) in both directions: neither master streams diskless. */
    @Test
    void diskBasedFullSyncBothWays() throws Exception {
        try (RealRedis realMaster = RealRedis.start("--repl-diskless-sync", "no");
                Jedis rm = new Jedis("127.0.0.1", realMaster.port());
                RedisServer jredisMaster = Nodes.jredis("repl-diskless-sync", "no");
                Jedis jm = new Jedis("127.0.0.1", jredisMaster.port())) {
            rm.set("from", "real");
            jm.set("from", "jredis");
            try (RedisServer jr = Nodes.jredis("replicaof", "127.0.0.1 " + realMaster.port());
                    Jedis jrc = new Jedis("127.0.0.1", jr.port());
                    RealRedis rr = RealRedis.start("--replicaof", "127.0.0.1",
                            Integer.toString(jredisMaster.port()));
                    Jedis rrc = new Jedis("127.0.0.1", rr.port())) {
                awaitCaughtUp(rm, jrc);
                awaitCaughtUp(jm, rrc);
                assertEquals("real", jrc.get("from"));
                assertEquals("jredis", rrc.get("from"));
                writeLoad(rm, "a:", 10);
                writeLoad(jm, "a:", 10);
                awaitCaughtUp(rm, jrc);
                awaitCaughtUp(jm, rrc);
                assertSameData(rm, jrc);
                assertSameData(jm, rrc);
            }
        }
    }

    /** real master -> jredis replica -> real sub-replica: the jredis replica forwards the master's exact stream. */
    @Test
    void chainedReplicationThroughJredis() throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer middle = Nodes.jredis("repl-diskless-sync-delay", "0");
                Jedis mid = new Jedis("127.0.0.1", middle.port())) {
            m.set("k", "v");
            mid.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, mid);
            try (RealRedis leaf = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(middle.port()));
                    Jedis l = new Jedis("127.0.0.1", leaf.port())) {
                awaitCaughtUp(mid, l);
                writeLoad(m, "a:", 20);
                awaitCaughtUp(m, mid);
                awaitCaughtUp(mid, l);
                assertSameData(m, l);
                assertEquals(info(m, "master_repl_offset"), info(l, "master_repl_offset"));
                assertEquals(info(m, "master_replid"), info(l, "master_replid"));

                // The leaf's link drops: it continues from the middle's backlog.
                l.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                        redis.clients.jedis.args.ClientType.MASTER));
                writeLoad(m, "b:", 10);
                await("leaf partial resync", 20, () -> infoLong(mid, "sync_partial_ok") == 1);
                awaitCaughtUp(m, mid);
                awaitCaughtUp(mid, l);
                assertSameData(m, l);
            }
        }
    }

    /** min-replicas-to-write refuses writes without enough acknowledging replicas and accepts them with. */
    @Test
    void minReplicasToWrite() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "min-replicas-to-write", "1");
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> m.set("k", "v"));
            assertEquals("NOREPLICAS Not enough good replicas to write.", e.getMessage());
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                    Jedis r = new Jedis("127.0.0.1", replica.port())) {
                await("a good replica", 20, () -> infoLong(m, "min_slaves_good_slaves") == 1);
                assertEquals("OK", m.set("k", "v"));
                awaitCaughtUp(m, r);
                assertEquals("v", r.get("k"));
            }
        }
    }

    /**
     * A jredis replica authenticates with masterauth, hides keys past their TTL without deleting them, and
     * deletes them when the master's DEL arrives.
     */
    @Test
    void replicaExpiryAndMasterauth() throws Exception {
        try (RealRedis master = RealRedis.start("--enable-debug-command", "yes");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer replica = Nodes.jredis("masterauth", "s3cret");
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            m.configSet("requirepass", "s3cret");
            m.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0");
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            m.psetex("short", 50, "v");
            awaitCaughtUp(m, r);
            await("key past its TTL", 5, () -> r.get("short") == null);
            assertEquals(1, r.dbSize());
            assertEquals(null, m.get("short"));
            await("master's DEL applied", 5, () -> r.dbSize() == 0);
        }
    }

    /** A replica authenticates as an ACL user (masteruser/masterauth) that may only replicate. */
    @Test
    void masteruserWithAnAclUser() throws Exception {
        try (RedisServer master = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer replica = Nodes.jredis("masteruser", "replicator", "masterauth", "r3pl");
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            m.aclSetUser("replicator", "on", ">r3pl", "+psync", "+replconf", "+ping");
            m.aclSetUser("default", "resetpass", ">adm1n");
            m.auth("adm1n");
            m.set("k", "v");
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            assertEquals("v", r.get("k"));
            assertEquals("up", Nodes.info(r, "master_link_status"));
        }
    }

    /** A refused masterauth is logged as Redis logs it and the link stays down until the password is right. */
    @Test
    void wrongMasterauthIsReportedAndRetried() throws Exception {
        try (RealRedis master = RealRedis.start();
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer replica = Nodes.jredis("masterauth", "wrong");
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            m.configSet("requirepass", "right");
            m.auth("right");
            m.set("k", "v");
            r.replicaof("127.0.0.1", master.port());
            await("AUTH refusal logged", 30, () -> Nodes.log(replica).contains(
                    "Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled."));
            assertEquals("down", Nodes.info(r, "master_link_status"));
            r.configSet("masterauth", "right");
            await("link up", 30, () -> "up".equals(Nodes.info(r, "master_link_status")));
            awaitCaughtUp(m, r);
            assertEquals("v", r.get("k"));
        }
    }
}
