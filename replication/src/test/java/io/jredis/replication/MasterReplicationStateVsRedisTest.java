package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Master-side replication state clients read in INFO, side by side with redis-server 7.0. */
class MasterReplicationStateVsRedisTest {
    /** No PING moves the offset while a test watches it. */
    private static final String[] QUIET = {"repl-ping-replica-period", "3600"};
    private static final String[] QUIET_REAL = {"--repl-ping-replica-period", "3600"};

    /**
     * A replica that never reached its master has no backlog, and REPLICAOF NO ONE creates none: the first replica
     * to connect later creates it (with a new replication id), as in Redis.
     */
    @Test
    void noOneWithoutEverSyncingKeepsNoBacklog() throws Exception {
        RealRedis.assumeInstalled();
        int closed = RealRedis.freePort();
        try (RealRedis real = RealRedis.start(); RedisServer jredis = Nodes.jredis()) {
            assertEquals(backlogAfterNoOne(real.port(), closed), backlogAfterNoOne(jredis.port(), closed));
        }
    }

    private static List<String> backlogAfterNoOne(int port, int closed) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            c.call("REPLICAOF", "127.0.0.1", Integer.toString(closed));
            c.call("REPLICAOF", "NO", "ONE");
            String info = c.info("replication");
            List<String> seen = new ArrayList<>();
            for (String f : new String[] {"repl_backlog_active", "repl_backlog_first_byte_offset",
                    "repl_backlog_histlen", "second_repl_offset"}) {
                seen.add(f + "=" + RawClient.infoValue(info, f));
            }
            return seen;
        }
    }

    /**
     * WAIT asks for acknowledgements with a REPLCONF GETACK down the stream; while clients are paused Redis holds it
     * back (the offset stays put) and sends it once the pause ends, even though the WAIT timed out meanwhile.
     */
    @Test
    void getackWaitsForTheEndOfAClientPause() throws Exception {
        RealRedis.assumeInstalled();
        List<Long> expected;
        try (RealRedis m = RealRedis.start(QUIET_REAL); RealRedis r = RealRedis.start(QUIET_REAL)) {
            expected = offsetsAroundPausedWait(m.port(), r.port());
        }
        try (RedisServer m = Nodes.jredis(QUIET); RedisServer r = Nodes.jredis(QUIET)) {
            assertEquals(expected, offsetsAroundPausedWait(m.port(), r.port()));
        }
    }

    /** The master's offset growth: during the pause after WAIT timed out, then once the GETACK went after it. */
    private static List<Long> offsetsAroundPausedWait(int masterPort, int replicaPort) throws Exception {
        try (RawClient m = new RawClient("127.0.0.1", masterPort);
                RawClient r = new RawClient("127.0.0.1", replicaPort)) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(masterPort));
            m.call("SET", "k", "v");
            Await.until("replica online and caught up", 20, () -> m.info("replication").contains("state=online")
                    && r.infoLong("replication", "slave_repl_offset")
                            == m.infoLong("replication", "master_repl_offset"));
            long before = m.infoLong("replication", "master_repl_offset");
            m.call("CLIENT", "PAUSE", "100000", "WRITE");
            // Unreachable: the replica acknowledged everything but the SET happened on this connection before.
            Object waited = m.call("WAIT", "2", "20");
            long paused = m.infoLong("replication", "master_repl_offset") - before;
            m.call("CLIENT", "UNPAUSE");
            Await.until("the GETACK sent", 20, () -> m.infoLong("replication", "master_repl_offset") > before);
            long after = m.infoLong("replication", "master_repl_offset") - before;
            return List.of((Long) waited, paused, after);
        }
    }

    /** INFO's lag of a replica still waiting for its snapshot is 0 in Redis, whatever time went by since it asked. */
    @Test
    void replicaWaitingForItsSnapshotShowsNoLag() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis m = RealRedis.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "2");
                RealRedis r = RealRedis.start()) {
            assertEquals(List.of("lag=0"), lagsWhileWaitingForTheSnapshot(m.port(), r.port()));
        }
        try (RedisServer m = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "2");
                RedisServer r = Nodes.jredis()) {
            assertEquals(List.of("lag=0"), lagsWhileWaitingForTheSnapshot(m.port(), r.port()));
        }
    }

    /** Every distinct lag the master's INFO gives its replica while in wait_bgsave, until it goes online. */
    private static List<String> lagsWhileWaitingForTheSnapshot(int masterPort, int replicaPort) throws Exception {
        try (RawClient m = new RawClient("127.0.0.1", masterPort);
                RawClient r = new RawClient("127.0.0.1", replicaPort)) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(masterPort));
            List<String> lags = new ArrayList<>();
            Await.until("replica online", 20, () -> {
                String slave = RawClient.infoValue(m.info("replication"), "slave0");
                if (slave != null && slave.contains("state=wait_bgsave")) {
                    String lag = slave.substring(slave.indexOf("lag="));
                    if (!lags.contains(lag)) {
                        lags.add(lag);
                    }
                }
                return slave != null && slave.contains("state=online");
            });
            return lags;
        }
    }

    /**
     * FAILOVER towards a replica that already acknowledged the whole stream hands over at once, as Redis checks right
     * after the command: INFO never shows the master waiting for a sync it has.
     */
    @Test
    void failoverToACaughtUpReplicaStartsAtOnce() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis m = RealRedis.start(QUIET_REAL); RealRedis r = RealRedis.start()) {
            assertEquals(List.of("not waiting", "slave"), failover(m.port(), r.port()));
        }
        try (RedisServer m = Nodes.jredis(QUIET); RedisServer r = Nodes.jredis()) {
            assertEquals(List.of("not waiting", "slave"), failover(m.port(), r.port()));
        }
    }

    /** Whether the master was waiting for the sync right after FAILOVER, then its final role. */
    private static List<String> failover(int masterPort, int replicaPort) throws Exception {
        try (RawClient m = new RawClient("127.0.0.1", masterPort);
                RawClient r = new RawClient("127.0.0.1", replicaPort)) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(masterPort));
            m.call("SET", "k", "v");
            Await.until("replica acknowledged everything", 20, () -> {
                String info = m.info("replication");
                String slave = RawClient.infoValue(info, "slave0");
                return slave != null && slave.contains("state=online") && slave.contains(
                        ",offset=" + RawClient.infoValue(info, "master_repl_offset") + ",");
            });
            m.call("FAILOVER");
            String state = RawClient.infoValue(m.info("replication"), "master_failover_state");
            Await.until("the old master follows", 20,
                    () -> "up".equals(RawClient.infoValue(m.info("replication"), "master_link_status")));
            return List.of("waiting-for-sync".equals(state) ? "waiting" : "not waiting",
                    RawClient.infoValue(m.info("replication"), "role"));
        }
    }
}
