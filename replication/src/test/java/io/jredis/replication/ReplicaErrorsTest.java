package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.infoLong;
import static io.jredis.replication.Nodes.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A replica that fails a command of its master's stream (DEBUG REPLICATE of an unknown command, a write on a writable
 * replica that diverged) logs it and counts it as redis-server 7.0 does: the lines below are real Redis's.
 */
class ReplicaErrorsTest {

    private static List<String> critical(RedisServer s) {
        return Nodes.log(s).lines().filter(l -> l.contains("== CRITICAL =="))
                .map(l -> l.substring(l.indexOf("== CRITICAL"))).toList();
    }

    @Test
    void errorsGivenToTheMasterAreLoggedAndCounted() {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "enable-debug-command", "yes");
                RedisServer replica = Nodes.jredis("replicaof", "127.0.0.1 " + master.port());
                // WAIT 1 20000 below: Jedis's default 2 s socket timeout would cut it short on a loaded machine.
                Jedis m = new Jedis("127.0.0.1", master.port(), 30_000);
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            awaitCaughtUp(m, r);
            await("replica online", 20, () -> online(m, 1));
            for (String fake : new String[] {"fake-command-1", "fake-command-2"}) {
                Object ok = m.sendCommand(() -> SafeEncoder.encode("DEBUG"), "REPLICATE", fake);
                assertEquals("OK", SafeEncoder.encode((byte[]) ok));
            }
            m.set("foo", "bar");
            assertEquals(1, m.waitReplicas(1, 20_000));
            assertEquals("bar", r.get("foo"));

            r.configSet("replica-read-only", "no");
            r.set("number2", "foo");
            assertEquals(1, m.incrBy("number2", 1));
            m.eval("redis.call('set', 'x', '1'); return redis.call('incr', KEYS[1])", 1, "number2");
            assertEquals(1, m.waitReplicas(1, 20_000));
            assertEquals("foo", r.get("number2"));
            assertEquals("1", r.get("x"));

            await("replica counted 4 errors", 20,
                    () -> infoLong(r, "unexpected_error_replies") == 4 && critical(replica).size() == 4);
            String unknown = "unknown command '%s', with args beginning with: ";
            assertEquals(List.of(
                    "== CRITICAL == This replica is sending an error to its master: '" + unknown.formatted("fake-command-1")
                            + "' after processing the command '<unknown>'",
                    "== CRITICAL == This replica is sending an error to its master: '" + unknown.formatted("fake-command-2")
                            + "' after processing the command '<unknown>'",
                    "== CRITICAL == This replica is sending an error to its master: 'value is not an integer or out of"
                            + " range' after processing the command 'incrby'",
                    "== CRITICAL == This replica is sending an error to its master: 'value is not an integer or out of"
                            + " range' after processing the command 'exec'"), critical(replica));
            assertTrue(critical(master).isEmpty(), "the master gave no errors");
            assertEquals(0, infoLong(m, "unexpected_error_replies"));
        }
    }
}
