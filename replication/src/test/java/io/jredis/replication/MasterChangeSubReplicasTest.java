package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.info;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jredis.server.RedisServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A replica that is pointed at another master keeps its own replicas, as Redis 7.0's replicationSetMaster: they are
 * disconnected only when a full sync's payload is about to replace the dataset or the history changes. A full sync
 * with the new master that fails before its payload leaves the chain as it was, and going back to the first master
 * continues partially, which the sub-replica never notices.
 */
class MasterChangeSubReplicasTest {
    @Test
    void aFailedSyncWithAnotherMasterKeepsTheChain() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer middle = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer sub = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", middle.port());
                Jedis s = new Jedis("127.0.0.1", sub.port());
                ServerSocket other = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            other.setSoTimeout(60_000);
            m.set("a", "b");
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            await("the middle replica online", 30, () -> online(m, 1));
            s.replicaof("127.0.0.1", middle.port());
            awaitCaughtUp(r, s);
            await("the sub-replica online", 30, () -> online(r, 1));
            assertEquals("b", s.get("a"));
            long fullAtMaster = infoLong(m, "sync_full");
            long partialAtMaster = infoLong(m, "sync_partial_ok");

            r.replicaof("127.0.0.1", other.getLocalPort());
            try (Socket link = other.accept()) {
                // The other master accepts a full sync, then goes away before its payload.
                StreamParsingTest.serve(link, "+FULLRESYNC " + "3".repeat(40) + " 0\r\n", null);
                await("the full sync started", 30, () -> "1".equals(info(r, "master_sync_in_progress")));
            }
            assertEquals(1, infoLong(r, "connected_slaves"), "the sub-replica stays during the attempt");

            r.replicaof("127.0.0.1", master.port());
            m.set("c", "d");
            awaitCaughtUp(m, r);
            awaitCaughtUp(r, s);
            assertEquals("d", s.get("c"));
            assertEquals(fullAtMaster, infoLong(m, "sync_full"));
            assertEquals(partialAtMaster + 1, infoLong(m, "sync_partial_ok"));
            assertEquals(info(m, "master_replid"), info(r, "master_replid"));
            assertEquals(info(m, "master_replid"), info(s, "master_replid"));
            assertEquals(1, infoLong(r, "sync_full"), "the sub-replica synced once");
            assertEquals(0, infoLong(r, "sync_partial_ok"));
            assertFalse(Nodes.log(sub).contains("Connection with master lost"), Nodes.log(sub));
        }
    }
}
