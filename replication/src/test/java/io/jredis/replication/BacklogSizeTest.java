package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** CONFIG SET repl-backlog-size as Redis 7.0's updateReplBacklogSize: at least 16 KiB, and a shrink applies at once. */
class BacklogSizeTest {
    @Test
    void configSetTakesAtLeast16KiB() {
        RedisServer master = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            m.configSet("repl-backlog-size", "100");
            assertEquals("16384", m.configGet("repl-backlog-size").get("repl-backlog-size"));
            assertEquals(16384L, Nodes.infoLong(m, "repl_backlog_size"));
        } finally {
            master.close();
        }
    }

    @Test
    void shrunkBacklogNoLongerCoversOlderOffsets() throws Exception {
        RedisServer master = Nodes.jredis("repl-ping-replica-period", "3600");
        try (Jedis m = new Jedis("127.0.0.1", master.port());
                RawClient replica = new RawClient("127.0.0.1", master.port())) {
            assertTrue(RawClient.text(replica.call("PSYNC", "?", "-1")).startsWith("FULLRESYNC"));
            // Online: a replica still waiting for its payload would keep the stream in the backlog beyond its size.
            Nodes.await("the replica online", 20, () -> Nodes.online(m, 1));
            m.set("before", "v");
            String replid = Nodes.info(m, "master_replid");
            long offset = Nodes.infoLong(m, "master_repl_offset");
            // The replica that continues later lacks what follows: more than the new size, written right after it.
            m.configSet("repl-backlog-size", "16384");
            String value = "A".repeat(16384);
            for (int i = 0; i < 10; i++) {
                m.set("key" + i, value);
            }
            assertEquals(16384L, Nodes.infoLong(m, "repl_backlog_histlen"));
            try (RawClient late = new RawClient("127.0.0.1", master.port())) {
                String reply = RawClient.text(late.call("PSYNC", replid, Long.toString(offset + 1)));
                assertTrue(reply.startsWith("FULLRESYNC"), reply);
            }
            assertEquals(0L, Nodes.infoLong(m, "sync_partial_ok"));
        } finally {
            master.close();
        }
    }
}
