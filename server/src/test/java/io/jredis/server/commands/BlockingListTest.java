package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Blocking list pops over real connections: wake-up, ordering, timeouts, disconnects, deferred pipelines. */
class BlockingListTest {

    /** Polls until {@code n} clients are blocked, failing after 5 s. */
    private static void awaitBlocked(TestServer s, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (s.server().onEngine(() -> s.server().engine().blocking().blockedClients()) == n) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("expected " + n + " blocked clients");
    }

    @Test
    void pushWakesBlockedClient() throws Exception {
        try (TestServer s = TestServer.start(); Jedis waiter = new Jedis(s.host(), s.port());
                Jedis pusher = new Jedis(s.host(), s.port())) {
            CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> waiter.blpop(0, "q"));
            awaitBlocked(s, 1);
            assertEquals(1, pusher.rpush("q", "hello"));
            assertEquals(List.of("q", "hello"), popped.get(5, TimeUnit.SECONDS));
            assertEquals(0, pusher.llen("q"));
        }
    }

    @Test
    void monitorShowsAServedCommandOnceWhenSent() throws Exception {
        try (TestServer s = TestServer.start(); RawClient monitor = new RawClient(s.host(), s.port());
                RawClient waiter = new RawClient(s.host(), s.port());
                RawClient pusher = new RawClient(s.host(), s.port())) {
            assertEquals("OK", RawClient.text(monitor.call("MONITOR")));
            waiter.send(RawClient.encode(b("BLPOP"), b("a"), b("q"), b("0")));
            awaitBlocked(s, 1);
            assertEquals(1L, pusher.call("RPUSH", "q", "x"));
            assertEquals("[q, x]", RespParser.toText(waiter.read()));
            pusher.call("PING", "end");
            String first = RawClient.text(monitor.read());
            assertTrue(first.endsWith("\"BLPOP\" \"a\" \"q\" \"0\""), first);
            String second = RawClient.text(monitor.read());
            assertTrue(second.endsWith("\"RPUSH\" \"q\" \"x\""), second);
            String third = RawClient.text(monitor.read());
            assertTrue(third.endsWith("\"PING\" \"end\""), third);
        }
    }

    @Test
    void waitersAreServedInBlockingOrderAndEachElementGoesToOneClient() throws Exception {
        try (TestServer s = TestServer.start(); RawClient pusher = new RawClient(s.host(), s.port())) {
            List<RawClient> waiters = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawClient w = new RawClient(s.host(), s.port());
                    waiters.add(w);
                    w.send(RawClient.encode(b("BLPOP"), b("q"), b("0")));
                    awaitBlocked(s, i + 1);
                }
                assertEquals(2L, pusher.call("RPUSH", "q", "e0", "e1"));
                assertEquals("[q, e0]", RespParser.toText(waiters.get(0).read()));
                assertEquals("[q, e1]", RespParser.toText(waiters.get(1).read()));
                awaitBlocked(s, 1);
                assertEquals(1L, pusher.call("LPUSH", "q", "e2"));
                assertEquals("[q, e2]", RespParser.toText(waiters.get(2).read()));
                assertEquals(0L, pusher.call("LLEN", "q"));
            } finally {
                for (RawClient w : waiters) {
                    w.close();
                }
            }
        }
    }

    @Test
    void timeoutRepliesNullAfterTheDeadline() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            long start = System.nanoTime();
            byte[] reply = c.callRaw(b("BLPOP"), b("none"), b("0.2"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertArrayEquals(b("*-1\r\n"), reply);
            assertTrue(ms >= 190, "returned after " + ms + " ms");
            assertArrayEquals(b("*-1\r\n"), c.callRaw(b("BLMOVE"), b("none"), b("x"), b("LEFT"), b("LEFT"), b("0.05")));
        }
    }

    @Test
    void clientThatDisconnectsWhileBlockedLosesNothing() throws Exception {
        try (TestServer s = TestServer.start(); RawClient pusher = new RawClient(s.host(), s.port())) {
            RawClient w = new RawClient(s.host(), s.port());
            w.send(RawClient.encode(b("BLPOP"), b("q"), b("0")));
            awaitBlocked(s, 1);
            w.close();
            awaitBlocked(s, 0);
            assertEquals(1L, pusher.call("RPUSH", "q", "kept"));
            assertEquals("[kept]", RespParser.toText(pusher.call("LRANGE", "q", "0", "-1")));
        }
    }

    @Test
    void commandsPipelinedBehindABlockedOneRunAfterItIsServed() throws Exception {
        try (TestServer s = TestServer.start(); RawClient w = new RawClient(s.host(), s.port());
                RawClient pusher = new RawClient(s.host(), s.port())) {
            byte[] pipeline = concat(RawClient.encode(b("BLPOP"), b("q"), b("0")),
                    RawClient.encode(b("LLEN"), b("q")), RawClient.encode(b("ECHO"), b("after")));
            w.send(pipeline);
            awaitBlocked(s, 1);
            pusher.call("RPUSH", "q", "a", "b");
            assertEquals("[q, a]", RespParser.toText(w.read()));
            assertEquals(1L, w.read());
            assertEquals("after", RespParser.toText(w.read()));
        }
    }

    @Test
    void servedPopIsPropagatedAsPlainPop() throws Exception {
        try (TestServer s = TestServer.start(); RawClient w = new RawClient(s.host(), s.port());
                RawClient pusher = new RawClient(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            w.send(RawClient.encode(b("BRPOP"), b("q"), b("0")));
            awaitBlocked(s, 1);
            pusher.call("LPUSH", "q", "x");
            assertEquals("[q, x]", RespParser.toText(w.read()));
            pusher.call("RPUSH", "q2", "1", "2");
            pusher.call("LMPOP", "1", "q2", "LEFT", "COUNT", "5");
            assertEquals(List.of("0:LPUSH q x", "0:RPOP q", "0:RPUSH q2 1 2", "0:LPOP q2 2"), propagated);
        }
    }

    /**
     * A timeout ends the wait only once it fully passed, as Redis fires it when the deadline is strictly behind the
     * clock. A deadline of whole milliseconds, timed by a delay read from the clock again, fired up to a millisecond
     * early whenever the clock ticked in between: a client measuring its own wait saw WAIT 2 2000 return in 1999 ms.
     */
    @Test
    void timeoutNeverEndsTheWaitEarly() throws Exception {
        try (TestServer s = TestServer.start(); RawClient w = new RawClient(s.host(), s.port())) {
            byte[] blpop = RawClient.encode(b("BLPOP"), b("q"), b("0.002"));
            for (int i = 0; i < 500; i++) {
                long start = System.nanoTime();
                w.send(blpop);
                assertEquals("(nil)", RespParser.toText(w.read()));
                long waited = System.nanoTime() - start;
                assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(2), "call " + i + " waited " + waited + " ns");
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
