package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.FlushMode;
import redis.clients.jedis.exceptions.JedisDataException;

class ServerCommandsTest {
    private static long dirty(TestServer s) throws Exception {
        return s.server().onEngine(() -> s.server().engine().dirtyCount());
    }

    @Test
    void dbsizeCountsKeysOfTheSelectedDatabase() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals(0, j.dbSize());
            j.set("a", "1");
            j.set("b", "2");
            assertEquals(2, j.dbSize());
            j.select(3);
            assertEquals(0, j.dbSize());
        }
    }

    @Test
    void flushdbEmptiesOnlyTheSelectedDatabaseAndAlwaysPropagates() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            j.set("a", "1");
            j.select(1);
            j.set("b", "1");
            j.set("c", "1");
            long before = dirty(s);
            assertEquals("OK", j.flushDB());
            assertEquals(0, j.dbSize());
            assertEquals(before + 2, dirty(s));
            j.select(0);
            assertEquals("1", j.get("a"));
            j.select(5);
            assertEquals("OK", j.flushDB(FlushMode.ASYNC));
            assertEquals(List.of("0:SET a 1", "1:SET b 1", "1:SET c 1", "1:FLUSHDB", "5:FLUSHDB ASYNC"), propagated);
        }
    }

    @Test
    void expiredKeysACommandFindsGoOutWithItInOneTransactionExceptForScanAndRandomkey() throws Exception {
        try (TestServer s = TestServer.start("enable-debug-command", "yes");
                RawClient c = new RawClient(s.host(), s.port())) {
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            c.call("SET", "a", "1", "PX", "1");
            c.call("SET", "b", "1", "PX", "1");
            c.call("SET", "c", "1", "PX", "1");
            c.call("DEBUG", "SLEEP", "0.01");
            List<String> propagated = s.recordPropagation();
            c.call("SET", "a", "2");
            c.call("SCAN", "0");
            // Redis 7.0's execution unit: the DEL of the expired key and the SET are one transaction; SCAN and
            // RANDOMKEY touch arbitrary keys and propagate their DELs like active expiry.
            assertEquals(List.of("0:MULTI", "0:DEL a", "0:SET a 2", "0:EXEC"), propagated.subList(0, 4));
            assertEquals(java.util.Set.of("0:DEL b", "0:DEL c"), java.util.Set.copyOf(propagated.subList(4, 6)));
            assertEquals(6, propagated.size());
        }
    }

    @Test
    void flushallCountsRemovedKeys() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            j.set("a", "1");
            j.select(2);
            j.set("b", "1");
            long before = dirty(s);
            assertEquals("OK", j.flushAll());
            assertEquals(before + 2, dirty(s));
            assertEquals(0, j.dbSize());
            j.select(0);
            assertEquals(0, j.dbSize());
            assertEquals("OK", j.flushAll());
            assertEquals(before + 2, dirty(s), "an empty dataset's FLUSHALL adds no change (still propagated)");
            assertEquals(List.of("0:SET a 1", "2:SET b 1", "2:FLUSHALL", "0:FLUSHALL"), propagated);
            JedisDataException e = assertThrows(JedisDataException.class,
                    () -> j.sendCommand(() -> "FLUSHALL".getBytes(), "LATER"));
            assertEquals("ERR syntax error", e.getMessage());
        }
    }

    @Test
    void swapdbExchangesContentsAndKeepsClientsOnTheirIndex() throws Exception {
        try (TestServer s = TestServer.start(); Jedis a = new Jedis(s.host(), s.port());
                Jedis b = new Jedis(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            a.set("k", "zero");
            b.select(1);
            b.set("k", "one");
            b.set("k2", "one");
            assertEquals("OK", a.swapDB(0, 1));
            assertEquals("one", a.get("k"));
            assertEquals(2, a.dbSize());
            assertEquals("zero", b.get("k"));
            assertNull(b.get("k2"));
            assertEquals("0:SWAPDB 0 1", propagated.get(propagated.size() - 1));
            assertEquals("ERR DB index is out of range",
                    assertThrows(JedisDataException.class, () -> a.swapDB(0, 16)).getMessage());
        }
    }

    @Test
    void swapdbBringingAnExpiredKeyToAWaiterPropagatesTheSwapBeforeTheDel() throws Exception {
        try (TestServer s = TestServer.start("enable-debug-command", "yes"); Jedis a = new Jedis(s.host(), s.port());
                RawClient waiter = new RawClient(s.host(), s.port())) {
            a.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0");
            a.select(1);
            a.rpush("k", "v");
            a.pexpire("k", 100);
            long expiredAt = System.currentTimeMillis() + 101;
            waiter.call("SELECT", "9");
            long waiterId = (Long) waiter.call("CLIENT", "ID");
            waiter.send(RawClient.encode("BRPOP".getBytes(), "k".getBytes(), "0".getBytes()));
            Await.until("the waiter blocks", 20, () -> a.info("clients").contains("blocked_clients:1"));
            Await.until("the key's TTL passes", 20, () -> System.currentTimeMillis() > expiredAt + 5);
            List<String> propagated = s.recordPropagation();
            assertEquals("OK", a.swapDB(1, 9));
            // The swap brings the key to the waiter, which finds it expired: it stays blocked, and the expiry's DEL
            // follows the SWAPDB in the replication stream, as Redis serves waiters only after the command.
            assertEquals(List.of("1:SWAPDB 1 9", "9:DEL k"), propagated);
            assertTrue(a.info("clients").contains("blocked_clients:1"));
            assertEquals(1L, a.clientUnblock(waiterId));
            assertEquals("*-1\r\n", new String(waiter.readRaw(), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void timeIsTheCurrentUnixTimeWithMicroseconds() throws IOException {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            long before = System.currentTimeMillis();
            List<String> t = j.time();
            long after = System.currentTimeMillis();
            long micros = Long.parseLong(t.get(0)) * 1_000_000 + Long.parseLong(t.get(1));
            assertTrue(micros >= (before - 1) * 1000 && micros <= (after + 1) * 1000, t.toString());
            assertTrue(Long.parseLong(t.get(1)) < 1_000_000);
        }
    }

    @Test
    void shutdownClosesTheServerWithoutAReply() throws Exception {
        TestServer s = TestServer.start();
        try (RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("SHUTDOWN", "NOSAVE", "SAVE")));
            assertEquals("(error) ERR No shutdown in progress.", RawClient.text(c.call("SHUTDOWN", "ABORT")));
            c.send(RawClient.encode("SHUTDOWN".getBytes(), "NOSAVE".getBytes()));
            assertTrue(c.closedByServer());
            RedisServer server = s.server();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.isClosed() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(server.isClosed());
            server.awaitClosed();
            assertThrows(IOException.class, () -> {
                try (RawClient again = new RawClient(s.host(), s.port())) {
                    again.call("PING");
                }
            });
        } finally {
            s.close();
        }
    }
}
