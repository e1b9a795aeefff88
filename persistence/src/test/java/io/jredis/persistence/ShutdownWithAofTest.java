package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * SHUTDOWN while the AOF just turned on is still being written by its first rewrite: the dataset is in no file yet,
 * so Redis refuses to exit unless FORCE is given.
 */
class ShutdownWithAofTest {
    @Test
    void initialAofRewriteStopsTheShutdownUnlessForced(@TempDir Path dir) throws Exception {
        // A rewrite of 50 keys at 0.2 s each outlasts the test; FORCE stops it within one key delay.
        try (PersistentServer s = PersistentServer.start(dir, "save", "", "rdb-key-save-delay", "200000");
                Jedis j = s.jedis();
                RawClient c = new RawClient("127.0.0.1", s.port())) {
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v");
            }
            assertEquals("OK", j.configSet("appendonly", "yes"));
            Await.until("the first rewrite running", 30,
                    () -> j.info("persistence").contains("aof_rewrite_in_progress:1"));
            assertEquals("(error) ERR Errors trying to SHUTDOWN. Check logs.", RawClient.text(c.call("SHUTDOWN")));
            assertTrue(s.log().contains("# Writing initial AOF, can't exit.\n"), s.log());
            assertTrue(s.log().contains("# Errors trying to shut down the server. Check the logs for more "
                    + "information.\n"), s.log());
            assertEquals("PONG", j.ping());

            c.send(RawClient.encode("SHUTDOWN".getBytes(), "FORCE".getBytes()));
            Await.until("the server exits", 30, s.server()::isClosed);
            assertTrue(c.closedByServer());
            assertTrue(s.log().contains("# Writing initial AOF. Exit anyway.\n"), s.log());
        }
    }
}
