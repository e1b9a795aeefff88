package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/** Blocking XREAD / XREADGROUP over real connections: wake-ups by XADD, "$", timeouts, groups going away. */
class BlockingStreamTest {

    /** Polls until {@code n} clients are blocked, failing after 20 s. */
    private static void awaitBlocked(TestServer s, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (s.server().onEngine(() -> s.server().engine().blocking().blockedClients()) == n) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("expected " + n + " blocked clients");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(RawClient c, String... args) throws Exception {
        c.send(RawClient.encode(RawClient.args(args)));
    }

    @Test
    void xreadDollarIsServedWithTheNextEntryOnly() throws Exception {
        try (TestServer s = TestServer.start(); Jedis waiter = new Jedis(s.host(), s.port());
                Jedis writer = new Jedis(s.host(), s.port())) {
            writer.xadd("s", new StreamEntryID(1, 1), Map.of("a", "1"));
            CompletableFuture<List<Map.Entry<String, List<StreamEntry>>>> read = CompletableFuture.supplyAsync(
                    () -> waiter.xread(XReadParams.xReadParams().block(0), Map.of("s", StreamEntryID.LAST_ENTRY)));
            awaitBlocked(s, 1);
            writer.xadd("s", new StreamEntryID(2, 1), Map.of("b", "2"));
            List<Map.Entry<String, List<StreamEntry>>> r = read.get(20, TimeUnit.SECONDS);
            assertEquals(1, r.size());
            assertEquals("s", r.get(0).getKey());
            assertEquals(1, r.get(0).getValue().size());
            assertEquals(new StreamEntryID(2, 1), r.get(0).getValue().get(0).getID());
            assertEquals(Map.of("b", "2"), r.get(0).getValue().get(0).getFields());
        }
    }

    @Test
    void onlyTheKeyThatBecameReadyFirstIsServed() throws Exception {
        try (TestServer s = TestServer.start(); RawClient waiter = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            send(waiter, "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "$", "$");
            awaitBlocked(s, 1);
            writer.call("MULTI");
            writer.call("XADD", "b", "3-1", "f", "v");
            writer.call("XADD", "a", "3-1", "f", "v");
            writer.call("EXEC");
            assertEquals("[[b, [[3-1, [f, v]]]]]", RespParser.toText(waiter.read()));
        }
    }

    @Test
    void writesThatAddNoEntryDoNotServeAndTimeoutRepliesNull() throws Exception {
        try (TestServer s = TestServer.start(); RawClient waiter = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            writer.call("XADD", "s", "1-1", "a", "1");
            send(waiter, "XREAD", "BLOCK", "300", "STREAMS", "s", "$");
            awaitBlocked(s, 1);
            writer.call("XSETID", "s", "5-0");
            writer.call("XDEL", "s", "1-1");
            long start = System.nanoTime();
            assertArrayEquals(b("*-1\r\n"), waiter.readRaw());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 20_000);
            assertEquals(0, s.server().onEngine(() -> s.server().engine().blocking().blockedClients()));
        }
    }

    @Test
    void blockInsideMultiRepliesNullAtOnce() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("MULTI");
            c.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            assertArrayEquals(b("*1\r\n*-1\r\n"), c.callRaw(b("EXEC")));
        }
    }

    @Test
    void groupReadersShareNewEntriesInBlockingOrder() throws Exception {
        try (TestServer s = TestServer.start(); RawClient w1 = new RawClient(s.host(), s.port());
                RawClient w2 = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            send(w1, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            awaitBlocked(s, 1);
            send(w2, "XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">");
            awaitBlocked(s, 2);
            writer.call("XADD", "s", "1-1", "a", "1");
            assertEquals("[[s, [[1-1, [a, 1]]]]]", RespParser.toText(w1.read()));
            awaitBlocked(s, 1);
            writer.call("XADD", "s", "2-1", "b", "2");
            assertEquals("[[s, [[2-1, [b, 2]]]]]", RespParser.toText(w2.read()));
            assertEquals("[2, 1-1, 2-1, [[c1, 1], [c2, 1]]]", RespParser.toText(writer.call("XPENDING", "s", "g")));
        }
    }

    @Test
    void groupReaderIsToldWhenTheGroupOrTheKeyGoesAway() throws Exception {
        try (TestServer s = TestServer.start(); RawClient waiter = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            send(waiter, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            awaitBlocked(s, 1);
            writer.call("XGROUP", "DESTROY", "s", "g");
            assertArrayEquals(b("-NOGROUP the consumer group this client was blocked on no longer exists\r\n"),
                    waiter.readRaw());
            writer.call("XGROUP", "CREATE", "s", "g", "$");
            send(waiter, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            awaitBlocked(s, 1);
            writer.call("DEL", "s");
            assertArrayEquals(b("-UNBLOCKED the stream key no longer exists\r\n"), waiter.readRaw());
        }
    }

    @Test
    void blockedXreadWithoutCountGetsAtMostAThousandEntries() throws Exception {
        try (TestServer s = TestServer.start(); RawClient waiter = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            writer.call("XADD", "s", "1-1", "a", "1");
            send(waiter, "XREAD", "BLOCK", "0", "STREAMS", "s", "1-1");
            awaitBlocked(s, 1);
            writer.call("MULTI");
            for (int i = 2; i <= 1002; i++) {
                writer.call("XADD", "s", i + "-1", "a", "1");
            }
            writer.call("EXEC");
            Object reply = waiter.read();
            List<?> streams = (List<?>) reply;
            List<?> entries = (List<?>) ((List<?>) streams.get(0)).get(1);
            assertEquals(1000, entries.size());
        }
    }

    /** Polls INFO until {@code n} clients are blocked (works against real Redis too), failing after 30 s. */
    private static void awaitBlockedInfo(RawClient c, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (RawClient.text(c.call("INFO", "clients")).contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("expected " + n + " blocked clients");
    }

    /**
     * A reader blocked in {@code read} (RESP {@code protocol}) while MULTI / XADD / XDEL of that entry / EXEC runs:
     * its reply, then XINFO GROUPS of the stream.
     */
    private static List<String> xaddThenXdel(int port, int protocol, String[] setup, String... read)
            throws Exception {
        try (RawClient waiter = new RawClient("127.0.0.1", port); RawClient writer = new RawClient("127.0.0.1", port)) {
            writer.call("DEL", "s");
            for (String cmd : setup) {
                writer.call(cmd.split(" "));
            }
            waiter.call("HELLO", Integer.toString(protocol));
            send(waiter, read);
            awaitBlockedInfo(writer, 1);
            writer.call("MULTI");
            writer.call("XADD", "s", "7-1", "f", "v");
            writer.call("XDEL", "s", "7-1");
            writer.call("EXEC");
            String reply = new String(waiter.readRaw(), StandardCharsets.UTF_8);
            return List.of(reply, RespParser.toText(writer.call("XINFO", "GROUPS", "s")));
        }
    }

    private static List<String> xaddThenXdelCases(int port) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (int protocol : new int[] {2, 3}) {
            out.addAll(xaddThenXdel(port, protocol, new String[] {"XADD s 1-1 a 1"},
                    "XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
            out.addAll(xaddThenXdel(port, protocol, new String[0], "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS",
                    "s", "0-0"));
            out.addAll(xaddThenXdel(port, protocol, new String[] {"XGROUP CREATE s g $ MKSTREAM"},
                    "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"));
        }
        return out;
    }

    @Test
    void xaddThenXdelInOneTransactionServesAnEmptyReadAsRedis() throws Exception {
        List<String> jredis;
        try (TestServer s = TestServer.start()) {
            jredis = xaddThenXdelCases(s.port());
        }
        assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", jredis.get(0));
        assertEquals("%1\r\n$1\r\ns\r\n*0\r\n", jredis.get(6));
        try (io.jredis.server.testing.RealRedis real = io.jredis.server.testing.RealRedis.start()) {
            assertEquals(xaddThenXdelCases(real.port()), jredis);
        }
    }

    /** A reader waiting past an ID beyond the new entry, then one waiting on "$": the replies after one XADD. */
    private static List<String> readerBehindOneThatCannotBeServed(int port) throws Exception {
        try (RawClient high = new RawClient("127.0.0.1", port); RawClient dollar = new RawClient("127.0.0.1", port);
                RawClient writer = new RawClient("127.0.0.1", port)) {
            writer.call("DEL", "s");
            writer.call("XADD", "s", "5-0", "a", "b");
            send(high, "XREAD", "BLOCK", "0", "STREAMS", "s", "100-0");
            awaitBlockedInfo(writer, 1);
            send(dollar, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            awaitBlockedInfo(writer, 2);
            writer.call("XADD", "s", "6-0", "f", "v");
            String served = new String(dollar.readRaw(), StandardCharsets.UTF_8);
            awaitBlockedInfo(writer, 1);
            writer.call("XADD", "s", "101-0", "g", "w");
            return List.of(served, new String(high.readRaw(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReaderThatCannotBeServedDoesNotHoldBackTheNextOne() throws Exception {
        List<String> jredis;
        try (TestServer s = TestServer.start()) {
            jredis = readerBehindOneThatCannotBeServed(s.port());
        }
        assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
                jredis.get(0));
        try (io.jredis.server.testing.RealRedis real = io.jredis.server.testing.RealRedis.start()) {
            assertEquals(readerBehindOneThatCannotBeServed(real.port()), jredis);
        }
    }
}
