package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jredis.server.RedisServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A replica that exits goes as Redis's does, with its master link up: the link its exit closes is not reported lost
 * and not dialled again. jredis logged 'Connection with master lost.' after its farewell and reconnected while
 * closing, so its master accepted one more connection from a replica that was going away (tests/sentinel
 * 02-slaves-reconf showed it in the killed replica's log).
 */
class ReplicaExitTest {
    @Test
    void anExitingReplicaNeitherReportsItsLinkLostNorReconnects() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            RedisServer replica = Nodes.jredis();
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                m.set("a", "b");
                r.replicaof("127.0.0.1", master.port());
                awaitCaughtUp(m, r);
                await("the replica online", 30, () -> online(m, 1));
            }
            long connections = infoLong(m, "total_connections_received");
            replica.close();
            await("the master to see the replica go", 30, () -> infoLong(m, "connected_slaves") == 0);
            String log = Nodes.log(replica);
            assertFalse(log.contains("Connection with master lost."), log);
            assertEquals(1, log.split("Connecting to MASTER", -1).length - 1, log);
            assertEquals(connections, infoLong(m, "total_connections_received"));
        }
    }
}
