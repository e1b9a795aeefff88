package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/** MULTI/EXEC/WATCH across connections: conflicts, atomic propagation, blocked waiters woken after EXEC. */
class TransactionsTest {

    @Test
    void watchedKeyChangedByAnotherClientAbortsExec() {
        try (TestServer s = TestServer.start(); Jedis a = new Jedis(s.host(), s.port());
                Jedis b = new Jedis(s.host(), s.port())) {
            a.set("balance", "10");
            a.watch("balance");
            b.set("balance", "20");
            Transaction t = a.multi();
            t.set("balance", "30");
            assertNull(t.exec());
            assertEquals("20", a.get("balance"));

            a.watch("balance");
            Transaction t2 = a.multi();
            t2.set("balance", "40");
            assertEquals(List.of("OK"), t2.exec());
            assertEquals("40", b.get("balance"));
        }
    }

    @Test
    void watchedKeyThatExpiresAbortsExec() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("RPUSH", "k", "v");
            // Watched before the TTL is set (behind the client's back, so nothing but the expiry touches the key):
            // a key already expired when WATCH runs does not abort EXEC, and a descheduled test thread could reach
            // the WATCH only after a TTL set before it had passed.
            c.call("WATCH", "k");
            s.server().onEngine(() -> {
                var db = s.server().engine().database(0);
                db.setExpire(db.entry("k".getBytes(StandardCharsets.UTF_8)), System.currentTimeMillis() + 30);
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && s.server().onEngine(() -> !s.server().engine().database(0)
                    .isLogicallyExpired("k".getBytes(StandardCharsets.UTF_8)))) {
                Thread.onSpinWait();
            }
            c.call("MULTI");
            c.call("PING");
            assertEquals(RespParser.NULL, c.call("EXEC"));
        }
    }

    @Test
    void execPropagatesWritesWrappedInMultiExec() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            c.call("MULTI");
            c.call("LLEN", "x");
            c.call("RPUSH", "x", "1");
            c.call("RPUSH", "x", "2");
            c.call("EXEC");
            c.call("MULTI");
            c.call("LLEN", "x");
            c.call("EXEC");
            assertEquals(List.of("0:MULTI", "0:RPUSH x 1", "0:RPUSH x 2", "0:EXEC"), propagated);
        }
    }

    @Test
    void pushInsideExecWakesBlockedClientOnlyAfterExec() throws Exception {
        try (TestServer s = TestServer.start(); RawClient waiter = new RawClient(s.host(), s.port());
                RawClient c = new RawClient(s.host(), s.port())) {
            waiter.send(RawClient.encode("BLPOP".getBytes(), "q".getBytes(), "0".getBytes()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (s.server().onEngine(() -> s.server().engine().blocking().blockedClients()) != 1) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("client never blocked");
                }
                Thread.onSpinWait();
            }
            c.call("MULTI");
            c.call("RPUSH", "q", "a");
            c.call("LPOP", "q");
            c.call("RPUSH", "q", "b");
            // Inside the transaction the waiter must not have taken "a": LPOP saw it.
            assertEquals("[1, a, 1]", RespParser.toText(c.call("EXEC")));
            assertEquals("[q, b]", RespParser.toText(waiter.read()));
        }
    }
}
