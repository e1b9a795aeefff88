package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Transaction;

/**
 * client-output-buffer-limit for replicas below repl-backlog-size: Redis 7.0 uses the backlog size as the hard
 * limit, so a partial resync the backlog allows is not cut off by the data it sends.
 */
class ReplicaOutputLimitTest {
    @Test
    void partialResyncLargerThanTheReplicaHardLimitKeepsTheReplica() {
        RedisServer master = Nodes.jredis("repl-backlog-size", "64mb",
                "client-output-buffer-limit", "replica 512kb 0 0");
        RedisServer replica = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port()); Jedis r = new Jedis("127.0.0.1", replica.port())) {
            r.replicaof("127.0.0.1", master.port());
            Nodes.await("first sync", 30, () -> Nodes.online(m, 1));
            String big = "A".repeat(4 << 20);
            // The link drops first: the two writes reach the replica through the backlog when it continues.
            Transaction t = m.multi();
            t.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
            t.set("key", big);
            t.set("key", big + "B");
            List<Object> replies = t.exec();
            assertEquals(1L, replies.get(0));
            m.set("key", big + "C");
            Nodes.await("replica continued and caught up", 60, () -> Nodes.online(m, 1)
                    && Nodes.infoLong(r, "master_repl_offset") == Nodes.infoLong(m, "master_repl_offset"));
            assertEquals(1L, Nodes.infoLong(m, "sync_full"));
            assertEquals(1L, Nodes.infoLong(m, "sync_partial_ok"));
            assertEquals(big.length() + 1L, r.strlen("key"));
            assertEquals(1L, Nodes.infoLong(m, "connected_slaves"));
        } finally {
            replica.close();
            master.close();
        }
    }
}
