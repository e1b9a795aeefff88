package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The master's stream waits while a busy script runs on the replica, as Redis's processInputBuffer does for its
 * master client: the writes that arrive meanwhile are applied once the script ends, instead of being answered with
 * -BUSY (lost, or a panic under propagation-error-behavior panic).
 */
class BusyScriptStreamTest {
    @Test
    void writesArrivingDuringABusyScriptAreAppliedAfterIt() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "repl-ping-replica-period", "1");
                RedisServer replica = Nodes.jredis("replicaof", "127.0.0.1 " + master.port(),
                        "busy-reply-threshold", "100");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port());
                Jedis script = new Jedis("127.0.0.1", replica.port(), 120_000)) {
            awaitCaughtUp(m, r);
            await("replica online", 30, () -> online(m, 1));
            CompletableFuture<Object> busy = CompletableFuture.supplyAsync(() -> {
                try {
                    return script.eval("while true do end");
                } catch (RuntimeException e) {
                    return e.getMessage();
                }
            });
            await("the script is busy", 30, () -> Nodes.log(replica).contains("Slow script detected"));
            m.set("during", "busy");
            m.incr("counter");
            // The master's own PINGs (one a second) reach the replica during the script too.
            long pingsFrom = infoLong(m, "master_repl_offset");
            await("a PING after the writes", 30, () -> infoLong(m, "master_repl_offset") > pingsFrom);
            assertEquals("OK", r.scriptKill());
            busy.get();
            awaitCaughtUp(m, r);
            assertEquals("busy", r.get("during"));
            assertEquals("1", r.get("counter"));
            assertFalse(Nodes.log(replica).contains("== CRITICAL =="), Nodes.log(replica));
            assertEquals(0, infoLong(r, "unexpected_error_replies"));
            assertTrue(Nodes.info(m, "sync_full").equals("1"), "no resync: " + Nodes.info(m, "sync_full"));
        }
    }
}
