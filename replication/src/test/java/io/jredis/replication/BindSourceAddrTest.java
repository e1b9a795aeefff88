package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;

/** bind-source-addr: the replica's end of the link has that address, so the master lists the replica under it. */
class BindSourceAddrTest {
    @Test
    void masterSeesTheReplicaAtItsSourceAddress() throws Exception {
        RedisServer master = Nodes.jredis("protected-mode", "no");
        RedisServer replica = Nodes.jredis("bind-source-addr", "127.0.0.2");
        try (RawClient m = new RawClient("127.0.0.1", master.port());
                RawClient r = new RawClient("127.0.0.1", replica.port())) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            Await.until("the link up", 30, () -> r.info("replication").contains("master_link_status:up"));
            Await.until("the replica listed", 30, () -> m.info("replication").contains("slave0:"));
            assertTrue(m.info("replication").contains("slave0:ip=127.0.0.2,"), m.info("replication"));
        } finally {
            replica.close();
            master.close();
        }
    }

}
