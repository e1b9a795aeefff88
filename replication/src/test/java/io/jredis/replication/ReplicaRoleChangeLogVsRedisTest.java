package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A node's log when its role or its master's history changes, line for line as redis-server's: a master told
 * REPLICAOF offers its own history ("Before turning into a replica, using my own master parameters to synthesize a
 * cached master ..."); a replica whose master took a new history hears it in +CONTINUE ("Master replication ID
 * changed to ...").
 */
class ReplicaRoleChangeLogVsRedisTest {
    @Test
    void aMasterTurnedReplicaLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        assertEquals(turnedReplica(true), turnedReplica(false), "redis-server's log, then jredis's");
    }

    @Test
    void aReplicaWhoseMasterChangedHistoryLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        assertEquals(newHistory(true), newHistory(false), "redis-server's log, then jredis's");
    }

    /** A node under test: redis-server or jredis, with its log. */
    private record Node(AutoCloseable server, int port, Supplier<String> log) {
        static Node start(boolean real) throws Exception {
            if (real) {
                RealRedis r = RealRedis.start("--loglevel", "notice");
                return new Node(r, r.port(), r::log);
            }
            RedisServer j = Nodes.jredis();
            return new Node(j::close, j.port(), () -> Nodes.log(j));
        }
    }

    /** The node, a master with data, REPLICAOF a redis-server master: its lines up to the end of the sync. */
    private static List<String> turnedReplica(boolean real) throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0")) {
            Node node = Node.start(real);
            try (Jedis n = new Jedis("127.0.0.1", node.port()); Jedis m = new Jedis("127.0.0.1", master.port())) {
                m.set("m", "1");
                n.set("n", "1");
                n.replicaof("127.0.0.1", master.port());
                Nodes.await("the link up", 20, () -> "up".equals(Nodes.info(n, "master_link_status")));
                Nodes.await("the sync's end logged", 20,
                        () -> node.log().get().contains("MASTER <-> REPLICA sync: Finished with success"));
                // The switch's first line is the one before it dials the master.
                List<String> lines = window(node.log().get(), "Connecting to MASTER", "MASTER <-> REPLICA sync: Finished");
                List<String> all = window(node.log().get(), "", "MASTER <-> REPLICA sync: Finished");
                int at = all.size() - lines.size();
                return all.subList(Math.max(0, at - 1), all.size());
            } finally {
                node.server().close();
            }
        }
    }

    /**
     * The node replica of a redis-server replica that becomes a master (REPLICAOF NO ONE): it reconnects, continues
     * with PSYNC and takes the new id.
     */
    private static List<String> newHistory(boolean real) throws Exception {
        try (RealRedis top = RealRedis.start("--repl-diskless-sync-delay", "0");
                RealRedis middle = RealRedis.start("--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                        Integer.toString(top.port()))) {
            Node node = Node.start(real);
            try (Jedis n = new Jedis("127.0.0.1", node.port()); Jedis mid = new Jedis("127.0.0.1", middle.port())) {
                Nodes.await("the middle link up", 20, () -> "up".equals(Nodes.info(mid, "master_link_status")));
                n.replicaof("127.0.0.1", middle.port());
                Nodes.await("the link up", 20, () -> "up".equals(Nodes.info(n, "master_link_status")));
                mid.replicaofNoOne();
                Nodes.await("the partial resync logged", 20, () -> node.log().get()
                        .contains("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization."));
                return window(node.log().get(), "Connection with master lost.",
                        "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            } finally {
                node.server().close();
            }
        }
    }

    /** The messages from the first one containing {@code from} to the first one after containing {@code to}. */
    private static List<String> window(String log, String from, String to) {
        List<String> all = RedisLog.messages(log);
        int i = 0;
        while (i < all.size() && !all.get(i).contains(from)) {
            i++;
        }
        int j = i;
        while (j < all.size() && !all.get(j).contains(to)) {
            j++;
        }
        return all.subList(i, Math.min(j + 1, all.size()));
    }
}
