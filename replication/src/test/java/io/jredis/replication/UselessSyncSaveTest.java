package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** A disk BGSAVE for a full sync stops once no replica waits for it and no save point wants it (Redis's freeClient). */
class UselessSyncSaveTest {
    @Test
    void bgsaveStopsWhenItsLastReplicaLeaves() throws Exception {
        RedisServer master = Nodes.jredis("save", "", "repl-diskless-sync", "no");
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            for (int i = 0; i < 100; i++) {
                m.set("k" + i, "v");
            }
            // One second per key: the BGSAVE would run for 100 s.
            m.configSet("rdb-key-save-delay", "1000000");
            RawClient first = new RawClient("127.0.0.1", master.port());
            RawClient second = new RawClient("127.0.0.1", master.port());
            assertTrue(RawClient.text(first.call("PSYNC", "?", "-1")).startsWith("FULLRESYNC"));
            assertTrue(RawClient.text(second.call("PSYNC", "?", "-1")).startsWith("FULLRESYNC"));
            Nodes.await("both replicas wait for the BGSAVE", 20, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 1
                    && Nodes.info(m, "slave1") != null && Nodes.info(m, "slave1").contains("wait_bgsave"));
            first.close();
            Nodes.await("first replica gone", 20, () -> Nodes.infoLong(m, "connected_slaves") == 1);
            assertEquals(1L, Nodes.infoLong(m, "rdb_bgsave_in_progress"));
            second.close();
            try {
                Nodes.await("the BGSAVE stopped", 20, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 0);
            } catch (AssertionError e) {
                throw new AssertionError(Nodes.log(master) + m.info("replication"), e);
            }
            assertEquals("PONG", m.ping());
        } finally {
            master.close();
        }
    }
}
