package io.jredis.replication;

import static io.jredis.replication.Nodes.assertSameData;
import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.awaitSameData;
import static io.jredis.replication.Nodes.info;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.online;
import static io.jredis.replication.Nodes.writeLoad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** FAILOVER (Redis 6.2+): replies and errors as redis-server 7.0.15, and the handover in both mixes. */
class FailoverTest {

    private static List<String> replies(int port, List<String[]> commands) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            for (String[] cmd : commands) {
                out.add(String.join(" ", cmd) + " -> "
                        + new String(c.callRaw(RawClient.args(cmd)), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static List<String[]> errorCases(int replicaPort) {
        String rp = Integer.toString(replicaPort);
        return List.of(new String[] {"FAILOVER", "ABORT"}, new String[] {"FAILOVER", "ABORT", "FORCE"},
                new String[] {"FAILOVER", "BOGUS"}, new String[] {"FAILOVER", "TIMEOUT", "0"},
                new String[] {"FAILOVER", "TIMEOUT", "-5"}, new String[] {"FAILOVER", "TIMEOUT", "x"},
                new String[] {"FAILOVER", "TIMEOUT"}, new String[] {"FAILOVER", "TO", "127.0.0.1"},
                new String[] {"FAILOVER", "TO", "127.0.0.1", "notaport"},
                new String[] {"FAILOVER", "FORCE", "FORCE"}, new String[] {"FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6"},
                new String[] {"FAILOVER", "FORCE"}, new String[] {"FAILOVER", "FORCE", "TIMEOUT", "100"},
                new String[] {"FAILOVER", "FORCE", "TO", "127.0.0.1", rp},
                new String[] {"FAILOVER", "TO", "127.0.0.1", "1"}, new String[] {"FAILOVER", "TO", "10.9.9.9", rp});
    }

    private static List<String> normalized(List<String> replies, int replicaPort) {
        return replies.stream().map(s -> s.replace(Integer.toString(replicaPort), "<replica-port>")).toList();
    }

    @Test
    void errorsMatchRealRedisWithAndWithoutReplicas() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port());
                RealRedis realMaster = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis rm = new Jedis("127.0.0.1", realMaster.port())) {
            List<String[]> standalone = errorCases(1);
            assertEquals(replies(realMaster.port(), standalone), replies(master.port(), standalone));
            try (RealRedis realReplica = RealRedis.start("--replicaof", "127.0.0.1",
                    Integer.toString(realMaster.port()));
                    Jedis rr = new Jedis("127.0.0.1", realReplica.port())) {
                r.replicaof("127.0.0.1", master.port());
                awaitCaughtUp(m, r);
                awaitCaughtUp(rm, rr);
                await("replicas online", 20, () -> online(m, 1) && online(rm, 1));
                List<String> expected = normalized(replies(realMaster.port(), errorCases(realReplica.port())),
                        realReplica.port());
                assertEquals(expected, normalized(replies(master.port(), errorCases(replica.port())),
                        replica.port()));
                List<String[]> onReplica = List.of(new String[] {"FAILOVER"}, new String[] {"FAILOVER", "ABORT"});
                assertEquals(replies(realReplica.port(), onReplica), replies(replica.port(), onReplica));
            }
            assertEquals("no-failover", info(m, "master_failover_state"));
        }
    }

    @Test
    void handsTheMasterRoleToASyncedReplicaWhichContinuesPartially() throws Exception {
        try (RedisServer a = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer b = Nodes.jredis("repl-diskless-sync-delay", "0");
                Jedis ja = new Jedis("127.0.0.1", a.port());
                Jedis jb = new Jedis("127.0.0.1", b.port());
                RealRedis c = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(a.port()));
                Jedis jc = new Jedis("127.0.0.1", c.port())) {
            writeLoad(ja, "a:", 40);
            jb.replicaof("127.0.0.1", a.port());
            awaitCaughtUp(ja, jb);
            awaitCaughtUp(ja, jc);
            await("replicas online", 20, () -> online(ja, 2));
            assertEquals("OK", ja.failover(redis.clients.jedis.params.FailoverParams.failoverParams()
                    .to("127.0.0.1", b.port())));
            await("b promoted", 20, () -> "master".equals(info(jb, "role")));
            await("a follows b", 20, () -> "slave".equals(info(ja, "role"))
                    && "up".equals(info(ja, "master_link_status")));
            assertEquals(Integer.toString(b.port()), info(ja, "master_port"));
            await("failover state cleared", 20, () -> "no-failover".equals(info(ja, "master_failover_state")));
            assertEquals(1, infoLong(jb, "sync_partial_ok"), "the old master continued with +CONTINUE");
            assertEquals(0, infoLong(jb, "sync_full"));
            assertTrue(Nodes.log(b).contains("MASTER MODE enabled (failover request from"));
            assertTrue(Nodes.log(a).contains("Failover target 127.0.0.1:" + b.port() + " is synced, failing over."));
            writeLoad(jb, "b:", 40);
            awaitSameData(jb, ja);
            // The real replica of the old master follows it as a chained replica of the new history.
            await("chained replica", 30, () -> "up".equals(info(jc, "master_link_status"))
                    && infoLong(jc, "slave_repl_offset") >= infoLong(jb, "master_repl_offset"));
            assertSameData(jb, jc);
        }
    }

    @Test
    void waitsForSyncPausesWritesAndAbortsOrTimesOut() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            replica.trafficControl();
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            m.set("k", "1");
            awaitCaughtUp(m, r);
            await("replica online", 20, () -> online(m, 1));
            // The replica's acknowledgements stop reaching the master: it never looks synced.
            replica.trafficControl().policy((ch, accepted) -> !accepted);
            try (RawClient raw = new RawClient("127.0.0.1", master.port());
                    RawClient writer = new RawClient("127.0.0.1", master.port())) {
                m.set("k", "2");
                assertEquals("OK", RawClient.text(raw.call("FAILOVER")));
                assertEquals("waiting-for-sync", info(m, "master_failover_state"));
                assertArrayEquals("-ERR FAILOVER already in progress.\r\n".getBytes(), raw.callRaw(
                        "FAILOVER".getBytes()));
                assertArrayEquals("-ERR REPLICAOF not allowed while failing over.\r\n".getBytes(), raw.callRaw(
                        "REPLICAOF".getBytes(), "NO".getBytes(), "ONE".getBytes()));
                // Writes wait while the failover waits; reads go on.
                writer.send(RawClient.encode("SET".getBytes(), "paused".getBytes(), "yes".getBytes()));
                assertEquals("2", m.get("k"));
                assertArrayEquals("+OK\r\n".getBytes(), raw.callRaw("FAILOVER".getBytes(), "ABORT".getBytes()));
                assertEquals("+OK\r\n", new String(writer.readRaw(), StandardCharsets.US_ASCII));
                assertEquals("no-failover", info(m, "master_failover_state"));
                assertTrue(Nodes.log(master).contains("FAILOVER to any replica aborted: Failover manually aborted"));

                assertEquals("OK", RawClient.text(raw.call("FAILOVER", "TO", "127.0.0.1",
                        Integer.toString(replica.port()), "TIMEOUT", "300")));
                await("timed out", 20, () -> "no-failover".equals(info(m, "master_failover_state")));
                assertTrue(Nodes.log(master).contains("FAILOVER to 127.0.0.1:" + replica.port()
                        + " aborted: Replica never caught up before timeout"));
                assertEquals("master", info(m, "role"));
                assertEquals("OK", m.set("writable", "again"));
            }
            replica.trafficControl().policy(null);
            awaitSameData(m, r);
        }
    }

    @Test
    void forcedFailoverToALaggingReplicaAndRealRedisMixes() throws Exception {
        try (RealRedis real = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis rm = new Jedis("127.0.0.1", real.port());
                RedisServer replica = Nodes.jredis("repl-diskless-sync-delay", "0");
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            writeLoad(rm, "x:", 30);
            r.replicaof("127.0.0.1", real.port());
            awaitCaughtUp(rm, r);
            // The replica's offset can match before the master counts it online (after its first ACK).
            await("replica online at the real master", 20, () -> online(rm, 1));
            // A real master hands over to a jredis replica...
            assertEquals("OK", rm.failover(redis.clients.jedis.params.FailoverParams.failoverParams()
                    .to("127.0.0.1", replica.port())));
            await("jredis promoted", 20, () -> "master".equals(info(r, "role")));
            await("real follows", 20, () -> "slave".equals(info(rm, "role"))
                    && "up".equals(info(rm, "master_link_status")));
            writeLoad(r, "y:", 30);
            awaitSameData(r, rm);
            await("replica online at the jredis master", 20, () -> online(r, 1));
            // ...and the jredis master hands it back, forced after a timeout.
            assertEquals("OK", r.failover(redis.clients.jedis.params.FailoverParams.failoverParams()
                    .to("127.0.0.1", real.port()).force().timeout(200)));
            await("real promoted again", 20, () -> "master".equals(info(rm, "role")));
            await("jredis follows", 20, () -> "slave".equals(info(r, "role"))
                    && "up".equals(info(r, "master_link_status")));
            writeLoad(rm, "z:", 30);
            awaitSameData(rm, r);
        }
    }

    /** CLIENT UNPAUSE lifts only the pause CLIENT PAUSE set: FAILOVER's holds writes until the failover ends. */
    @Test
    void clientUnpauseLeavesTheFailoversPause() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port(), 10_000);
                Jedis r = new Jedis("127.0.0.1", replica.port(), 10_000);
                RawClient writer = new RawClient("127.0.0.1", master.port());
                RawClient mc = new RawClient("127.0.0.1", master.port());
                RawClient rc = new RawClient("127.0.0.1", replica.port())) {
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            await("replica online", 30, () -> online(m, 1));
            // The replica holds the next write, so the failover waits for it to catch up.
            assertEquals("OK", RawClient.text(rc.call("CLIENT", "PAUSE", "1000000", "WRITE")));
            m.set("k", "v");
            assertEquals("OK", RawClient.text(mc.call("FAILOVER")));
            assertEquals("waiting-for-sync", info(m, "master_failover_state"));
            writer.send(RawClient.encode("SET".getBytes(), "during".getBytes(), "x".getBytes()));
            await("the write paused", 30, () -> infoLong(m, "blocked_clients") == 1);
            m.clientUnpause();
            assertEquals(null, m.get("during"));
            assertEquals("OK", RawClient.text(mc.call("FAILOVER", "ABORT")));
            assertEquals("OK", RawClient.text(writer.read()));
            assertEquals("x", m.get("during"));
            r.clientUnpause();
        }
    }
}
