package io.jredis.replication;

import static io.jredis.server.testing.RawClient.infoField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Redis 7.0's accounting of a replica that does not read: what it has not read beyond repl-backlog-size is
 * mem_clients_slaves and mem_not_counted_for_evict, not mem_clients_normal, and it never makes keys evicted.
 */
class ReplicaBufferMemoryTest {
    @Test
    void unreadReplicationStreamIsReplicaMemoryAndNotEvictionPressure() throws Exception {
        RedisServer s = Nodes.jredis("repl-backlog-size", "16384");
        try (RawClient r = new RawClient("127.0.0.1", s.port()); Socket replica = new Socket()) {
            replica.setReceiveBufferSize(4096);
            replica.connect(new InetSocketAddress("127.0.0.1", s.port()));
            replica.getOutputStream().write("PSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the replica attached", 15, () -> r.info("replication").contains("connected_slaves:1"));
            String value = "v".repeat(10_000);
            for (int i = 0; i < 500; i++) {
                r.call("SET", "key", value);
            }
            Await.until("the replica's unread stream counted in mem_clients_slaves", 15,
                    () -> r.infoLong("memory", "mem_clients_slaves") > 1_000_000);
            String mem = r.info("memory");
            assertEquals(infoField(mem, "mem_clients_slaves"), infoField(mem, "mem_not_counted_for_evict"), mem);
            assertTrue(infoField(mem, "mem_clients_normal") < 1_000_000, mem);
            // maxmemory just above what counts for eviction: the replica's buffer must not make keys go.
            long counted = infoField(mem, "used_memory") - infoField(mem, "mem_not_counted_for_evict");
            r.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            r.call("CONFIG", "SET", "maxmemory", Long.toString(counted + 200_000));
            assertEquals("OK", RawClient.text(r.call("SET", "other", "v")));
            assertEquals(2L, r.call("DBSIZE"));
            assertTrue(r.info("stats").contains("evicted_keys:0\r\n"));
        } finally {
            s.close();
        }
    }

}
