package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * A script's {@code redis.set_repl} sends each write where it says: the AOF, the replicas, both or neither (Redis's
 * PROPAGATE_AOF and PROPAGATE_REPL), while the master itself keeps every write.
 */
class ScriptReplicationTargetsTest {
    private static final String SCRIPT = "redis.call('set','a','1') "
            + "redis.set_repl(redis.REPL_NONE) redis.call('set','b','2') "
            + "redis.set_repl(redis.REPL_AOF) redis.call('set','c','3') "
            + "redis.set_repl(redis.REPL_REPLICA) redis.call('set','e','5') "
            + "redis.set_repl(redis.REPL_ALL) redis.call('set','d','4')";

    @Test
    void eachWriteReachesTheTargetsItWasGiven() throws Exception {
        RedisServer master = Nodes.jredis("appendonly", "yes", "enable-debug-command", "yes");
        RedisServer replica = Nodes.jredis();
        try (RawClient m = new RawClient("127.0.0.1", master.port());
                RawClient r = new RawClient("127.0.0.1", replica.port())) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            Await.until("the link up", 30, () -> text(r, "INFO", "replication").contains("master_link_status:up"));
            m.call("EVAL", SCRIPT, "0");
            m.call("SET", "done", "1");
            Await.until("the stream applied", 30, () -> text(r, "GET", "done").equals("1"));
            assertEquals("[1, (nil), (nil), 4, 5]", text(r, "MGET", "a", "b", "c", "d", "e"));
            assertEquals("[1, 2, 3, 4, 5]", text(m, "MGET", "a", "b", "c", "d", "e"));
            assertEquals("OK", text(m, "DEBUG", "LOADAOF"));
            assertEquals("[1, (nil), 3, 4, (nil)]", text(m, "MGET", "a", "b", "c", "d", "e"));
        } finally {
            replica.close();
            master.close();
        }
    }

    private static String text(RawClient c, String... args) {
        try {
            return RawClient.text(c.call(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
