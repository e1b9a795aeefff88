package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Redis 7.0's replicas and backlog share one replication buffer: while a replica waits for its full sync payload,
 * the stream it will get stays in the backlog beyond repl-backlog-size, and another replica can continue from those
 * older offsets with PSYNC; once the waiting replica is gone, the backlog shrinks back to its size. INFO memory
 * reports that buffer (mem_total_replication_buffers) and counts what exceeds the backlog's size as replicas'.
 */
class SharedReplicationBufferTest {
    @Test
    void backlogOutgrowsItsSizeWhileAReplicaWaitsForItsPayload() throws Exception {
        RedisServer master = Nodes.jredis("repl-backlog-size", "16384", "repl-diskless-sync", "no",
                "enable-debug-command", "yes",
                "repl-ping-replica-period", "3600");
        RawClient waiting = new RawClient("127.0.0.1", master.port());
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            m.set("k", "v");
            // The BGSAVE for the waiting replica's sync takes 10 s per key: it waits for the whole test.
            m.configSet("rdb-key-save-delay", "10000000");
            assertTrue(RawClient.text(waiting.call("PSYNC", "?", "-1")).startsWith("FULLRESYNC"));
            Nodes.await("BGSAVE for the sync", 20, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 1);
            String replid = Nodes.info(m, "master_replid");
            long offset = Nodes.infoLong(m, "master_repl_offset");
            String value = "x".repeat(1000);
            for (int i = 0; i < 200; i++) {
                m.set("key" + i, value);
            }
            long histlen = Nodes.infoLong(m, "repl_backlog_histlen");
            assertTrue(histlen > 200_000, m.info("replication"));
            // INFO memory splits the shared buffer as Redis: the backlog's size, the rest is the replicas'.
            String mem = m.info("memory");
            assertEquals(histlen, Nodes.infoLong(m, "mem_total_replication_buffers"), mem);
            assertEquals(16384L, Nodes.infoLong(m, "mem_replication_backlog"), mem);
            assertEquals(histlen - 16384, Nodes.infoLong(m, "mem_clients_slaves"), mem);
            try (RawClient late = new RawClient("127.0.0.1", master.port())) {
                assertEquals("CONTINUE", RawClient.text(late.call("PSYNC", replid, Long.toString(offset + 1))));
            }
            assertEquals(1L, Nodes.infoLong(m, "sync_partial_ok"));
            waiting.close();
            waiting = null;
            Nodes.await("the waiting replica dropped", 20, () -> Nodes.infoLong(m, "connected_slaves") == 0);
            m.set("after", "v");
            assertEquals(16384L, Nodes.infoLong(m, "repl_backlog_histlen"));
            assertEquals(16384L, Nodes.infoLong(m, "mem_total_replication_buffers"));
            assertEquals(16384L, Nodes.infoLong(m, "mem_replication_backlog"));
            assertEquals(0L, Nodes.infoLong(m, "mem_clients_slaves"));
        } finally {
            if (waiting != null) {
                waiting.close();
            }
            master.close();
        }
    }
}
