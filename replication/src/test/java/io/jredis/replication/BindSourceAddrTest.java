package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.io.IOException;
import java.io.UncheckedIOException;
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
            Await.until("the link up", 30, () -> info(r).contains("master_link_status:up"));
            Await.until("the replica listed", 30, () -> info(m).contains("slave0:"));
            assertTrue(info(m).contains("slave0:ip=127.0.0.2,"), info(m));
        } finally {
            replica.close();
            master.close();
        }
    }

    private static String info(RawClient c) {
        try {
            return RawClient.text(c.call("INFO", "replication"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
