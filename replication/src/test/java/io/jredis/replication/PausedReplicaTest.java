package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;

/**
 * A replica under CLIENT PAUSE WRITE reads its master's stream but holds its writes, as Redis blocks the master
 * client: the dataset and slave_repl_offset stay still until the pause ends, slave_read_repl_offset moves on.
 */
class PausedReplicaTest {
    @Test
    void pauseHoldsTheMastersWritesUntilUnpause() throws Exception {
        RedisServer master = Nodes.jredis();
        RedisServer replica = Nodes.jredis();
        try (RawClient m = new RawClient("127.0.0.1", master.port());
                RawClient r = new RawClient("127.0.0.1", replica.port())) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            Await.until("the link up", 30, () -> r.info("replication").contains("master_link_status:up"));
            m.call("SET", "foo", "bar");
            long written = m.infoLong("replication", "master_repl_offset");
            // Offsets are compared with >= and the applied one is taken after the pause: the master's PING can
            // join the stream at any moment, and a poll that first sees the replica past it would never see equality.
            Await.until("the first write applied", 30, () -> r.infoLong("replication", "slave_repl_offset") >= written);

            assertEquals("OK", RawClient.text(r.call("CLIENT", "PAUSE", "100000", "WRITE")));
            long applied = r.infoLong("replication", "slave_repl_offset");
            m.call("SET", "foo2", "bar2");
            long sent = m.infoLong("replication", "master_repl_offset");
            Await.until("the write read by the replica", 30,
                    () -> r.infoLong("replication", "slave_read_repl_offset") >= sent);
            assertEquals(applied, r.infoLong("replication", "slave_repl_offset"));
            assertEquals("(nil)", RawClient.text(r.call("GET", "foo2")));

            r.call("CLIENT", "UNPAUSE");
            Await.until("the held write applied", 30, () -> r.infoLong("replication", "slave_repl_offset") >= sent);
            assertEquals("bar2", RawClient.text(r.call("GET", "foo2")));
        } finally {
            replica.close();
            master.close();
        }
    }

}
