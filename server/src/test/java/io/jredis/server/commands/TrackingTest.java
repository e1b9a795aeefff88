package io.jredis.server.commands;

import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Client-side caching (CLIENT TRACKING) with real clients on two connections: Lettuce's RESP3 cache frontend and
 * push listener, Jedis as a RESP2 redirect target subscribed to {@code __redis__:invalidate}, and raw RESP3 for
 * BCAST, NOLOOP and OPTIN, whose exact message bytes were checked against Redis 7.0.15.
 */
class TrackingTest {
    private static final int WAIT_SECONDS = 5;

    @Test
    void lettuceCacheFrontendIsInvalidatedByAnotherConnectionsWrite() throws Exception {
        try (TestServer s = TestServer.start(); RawClient writer = new RawClient(s.host(), s.port())) {
            RedisClient client = RedisClient.create("redis://" + s.host() + ":" + s.port());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                writer.call("SET", "user:1", "alice");
                Map<String, String> cache = new ConcurrentHashMap<>();
                CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(cache), conn,
                        TrackingArgs.Builder.enabled());
                assertEquals("alice", frontend.get("user:1"));
                assertEquals("alice", cache.get("user:1"));
                writer.call("SET", "user:1", "bob");
                Await.until("the cached key to be evicted", WAIT_SECONDS, () -> !cache.containsKey("user:1"));
                assertEquals("bob", frontend.get("user:1"));
                frontend.close();
            } finally {
                client.shutdown();
            }
        }
    }

    /** A test with a writer connection and the invalidation pushes of a Lettuce connection that tracks a and b. */
    private interface TrackedPushes {
        void run(RawClient writer, BlockingQueue<List<Object>> pushes) throws Exception;
    }

    /** Starts a server; a Lettuce connection (RESP3) turns tracking on and reads a and b, then {@code test} runs. */
    private static void withLettuceTrackingAB(TrackedPushes test) throws Exception {
        try (TestServer s = TestServer.start(); RawClient writer = new RawClient(s.host(), s.port())) {
            RedisClient client = RedisClient.create("redis://" + s.host() + ":" + s.port());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                BlockingQueue<List<Object>> pushes = new LinkedBlockingQueue<>();
                conn.addListener(msg -> {
                    if (msg.getType().equals("invalidate")) {
                        pushes.add(msg.getContent(b -> StandardCharsets.UTF_8.decode(b).toString()));
                    }
                });
                assertEquals("OK", conn.sync().clientTracking(TrackingArgs.Builder.enabled()));
                conn.sync().mget("a", "b");
                test.run(writer, pushes);
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void loweringTheTableLimitInvalidatesWithoutFurtherCommands() throws Exception {
        withLettuceTrackingAB((writer, pushes) -> {
            writer.call("CONFIG", "SET", "tracking-table-max-keys", "1");
            // The server's periodic check trims the table: one of the two keys is invalidated.
            String push = String.valueOf(pushes.poll(20, TimeUnit.SECONDS));
            assertTrue(push.equals("[invalidate, [a]]") || push.equals("[invalidate, [b]]"), push);
        });
    }

    @Test
    void lettuceReceivesInvalidatePushesAndTheFlushNull() throws Exception {
        withLettuceTrackingAB((writer, pushes) -> {
            writer.call("DEL", "a");
            writer.call("SET", "b", "1");
            assertEquals("[invalidate, [b]]", String.valueOf(pushes.poll(5, TimeUnit.SECONDS)));
            // DEL of a missing key modifies nothing, so only b was invalidated; a stays tracked.
            writer.call("SET", "a", "1");
            assertEquals("[invalidate, [a]]", String.valueOf(pushes.poll(5, TimeUnit.SECONDS)));
            writer.call("FLUSHALL");
            List<Object> flush = pushes.poll(5, TimeUnit.SECONDS);
            assertEquals(2, flush.size());
            assertNull(flush.get(1), "a flush invalidates everything with a null");
        });
    }

    @Test
    void jedisResp2RedirectTargetGetsInvalidationsOnTheInvalidateChannel() throws Exception {
        try (TestServer s = TestServer.start(); Jedis tracked = new Jedis(s.host(), s.port());
                Jedis target = new Jedis(s.host(), s.port()); Jedis writer = new Jedis(s.host(), s.port())) {
            long targetId = target.clientId();
            target.getConnection().sendCommand(Protocol.Command.SUBSCRIBE, "__redis__:invalidate");
            assertEquals("[subscribe, __redis__:invalidate, 1]", text(target.getConnection().getOne()));
            assertEquals("OK", text(tracked.sendCommand(Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT",
                    Long.toString(targetId))));
            assertNull(tracked.get("k"));
            assertEquals(Long.valueOf(targetId), tracked.sendCommand(Protocol.Command.CLIENT, "GETREDIR"));
            writer.set("k", "v");
            assertEquals("[message, __redis__:invalidate, [k]]", text(target.getConnection().getOne()));
            writer.flushAll();
            // A RESP2 tracking client's flush null is RESP2's null bulk string.
            assertEquals("[message, __redis__:invalidate, null]", text(target.getConnection().getOne()));
        }
    }

    @Test
    void bcastSendsModifiedKeysPerPrefixOnceAndNoloopSkipsOwnWrites() throws Exception {
        try (TestServer s = TestServer.start(); RawClient bcast = new RawClient(s.host(), s.port());
                RawClient noloop = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            bcast.call("HELLO", "3");
            noloop.call("HELLO", "3");
            assertEquals("OK", text(bcast.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX",
                    "obj")));
            assertEquals("OK", text(noloop.call("CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP")));
            writer.call("MSET", "obj2", "a", "obj1", "b", "user:3", "c", "other", "d");
            // One message per prefix, keys in byte order, as Redis builds them from its radix tree.
            assertEquals(">2\r\n$10\r\ninvalidate\r\n*2\r\n$4\r\nobj1\r\n$4\r\nobj2\r\n",
                    new String(bcast.readRaw(), StandardCharsets.UTF_8));
            assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:3\r\n",
                    new String(bcast.readRaw(), StandardCharsets.UTF_8));
            assertEquals("[invalidate, [obj1, obj2, other, user:3]]", RespParser.toText(noloop.read()));
            // The NOLOOP client's own write is not reported back to it; the other client still hears of it.
            assertEquals("OK", text(noloop.call("SET", "obj9", "x")));
            assertEquals("[invalidate, [obj9]]", RespParser.toText(bcast.read()));
            writer.call("SET", "zz", "1");
            assertEquals("[invalidate, [zz]]", RespParser.toText(noloop.read()));
            String info = text(writer.call("INFO", "stats"));
            assertTrue(info.contains("tracking_total_prefixes:3\r\n"), info);
            assertTrue(text(writer.call("INFO", "clients")).contains("tracking_clients:2\r\n"));
            String list = text(writer.call("CLIENT", "LIST"));
            assertTrue(list.contains("flags=tB "), list);
        }
    }

    @Test
    void optinTracksOnlyAfterCachingYesAndOwnWritesArriveAfterTheReply() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            c.call("HELLO", "3");
            assertEquals("OK", text(c.call("CLIENT", "TRACKING", "ON", "OPTIN")));
            c.call("GET", "untracked");
            assertEquals("OK", text(c.call("CLIENT", "CACHING", "YES")));
            assertEquals("[flags, [on, optin, caching-yes], redirect, 0, prefixes, []]",
                    flat(c.call("CLIENT", "TRACKINGINFO")));
            c.call("GET", "tracked");
            writer.call("MSET", "untracked", "1", "tracked", "1");
            assertEquals("[invalidate, [tracked]]", RespParser.toText(c.read()));
            // The caching flag lasted for one command only.
            c.call("GET", "again");
            writer.call("SET", "again", "1");
            assertEquals("_\r\n", new String(c.callRaw("GET".getBytes(), "nothing".getBytes()),
                    StandardCharsets.UTF_8));
            // A client's write to a key it tracks: the invalidation follows the command's own reply.
            c.call("CLIENT", "CACHING", "YES");
            c.call("GET", "mine");
            assertEquals("+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\nmine\r\n",
                    new String(c.callRaw("SET".getBytes(), "mine".getBytes(), "v".getBytes()),
                            StandardCharsets.UTF_8) + new String(c.readRaw(), StandardCharsets.UTF_8));
        }
    }

    private static String flat(Object reply) {
        return RespParser.toText(reply instanceof Map<?, ?> m ? List.copyOf(flatten(m)) : reply);
    }

    private static List<Object> flatten(Map<?, ?> m) {
        java.util.ArrayList<Object> out = new java.util.ArrayList<>();
        m.forEach((k, v) -> {
            out.add(k);
            out.add(v instanceof java.util.Set<?> set ? List.copyOf(set) : v);
        });
        return out;
    }

    @Test
    void brokenRedirectIsReportedToResp3Clients() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            RawClient target = new RawClient(s.host(), s.port());
            long targetId = (Long) target.call("CLIENT", "ID");
            c.call("HELLO", "3");
            assertEquals("OK", text(c.call("CLIENT", "TRACKING", "ON", "REDIRECT", Long.toString(targetId))));
            c.call("GET", "k");
            target.close();
            Await.until("the redirect target to disconnect", WAIT_SECONDS,
                    () -> !text(call(writer, "CLIENT", "LIST")).contains("id=" + targetId + " "));
            writer.call("SET", "k", "v");
            assertEquals("[tracking-redir-broken, " + targetId + "]", RespParser.toText(c.read()));
            String list = text(writer.call("CLIENT", "LIST"));
            assertTrue(list.contains("flags=tR ") && list.contains("redir=" + targetId + " "), list);
        }
    }

    private static Object call(RawClient c, String... args) {
        try {
            return c.call(args);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void overlappingPrefixesAfterTheFirstReplyAnErrorAndStillEnableTracking() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            // Redis 7.0.15 answers twice here (its collision check returns the index, non-zero means success).
            c.send(RawClient.encode(args("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", "a",
                    "PREFIX", "ab")));
            assertEquals("-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client "
                    + "must not overlap.\r\n", new String(c.readRaw(), StandardCharsets.UTF_8));
            assertEquals("OK", text(c.read()));
            assertEquals("[flags, [on, bcast], redirect, 0, prefixes, [a, ab, x]]",
                    RespParser.toText(c.call("CLIENT", "TRACKINGINFO")));
        }
    }

    @Test
    void expiredTrackedKeyIsInvalidatedAndResetEndsTracking() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            c.call("HELLO", "3");
            c.call("CLIENT", "TRACKING", "ON");
            writer.call("SET", "short", "v");
            c.call("GET", "short");
            // The TTL is set only once the key is tracked, and behind the clients' backs (an EXPIRE would invalidate
            // by itself): with a TTL from the SET, a test thread descheduled before the GET found the key gone, and
            // no invalidation ever came.
            s.server().onEngine(() -> {
                var db = s.server().engine().database(0);
                db.setExpire(db.entry("short".getBytes(StandardCharsets.UTF_8)), System.currentTimeMillis() + 20);
                return null;
            });
            // Active expiry deletes the key without any client command: the invalidation comes on its own.
            assertEquals("[invalidate, [short]]", RespParser.toText(c.read()));
            c.call("RESET");
            assertEquals("[flags, [off], redirect, -1, prefixes, []]",
                    RespParser.toText(c.call("CLIENT", "TRACKINGINFO")));
            assertTrue(text(writer.call("INFO", "clients")).contains("tracking_clients:0\r\n"));
        }
    }

    @Test
    void clientUnblockWithTimeoutOrError() throws Exception {
        try (TestServer s = TestServer.start(); RawClient blocked = new RawClient(s.host(), s.port());
                RawClient admin = new RawClient(s.host(), s.port())) {
            String id = Long.toString((Long) blocked.call("CLIENT", "ID"));
            blocked.send(RawClient.encode(args("BLPOP", "nolist", "0")));
            Await.until("the client to block", WAIT_SECONDS,
                    () -> text(call(admin, "CLIENT", "LIST")).contains("flags=b "));
            assertEquals(1L, admin.call("CLIENT", "UNBLOCK", id));
            assertEquals("*-1\r\n", new String(blocked.readRaw(), StandardCharsets.UTF_8),
                    "TIMEOUT gives the command's timeout reply");
            blocked.send(RawClient.encode(args("BLPOP", "nolist", "0")));
            Await.until("the client to block", WAIT_SECONDS,
                    () -> text(call(admin, "CLIENT", "LIST")).contains("flags=b "));
            assertEquals(1L, admin.call("CLIENT", "UNBLOCK", id, "ERROR"));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n",
                    new String(blocked.readRaw(), StandardCharsets.UTF_8));
            assertEquals(0L, admin.call("CLIENT", "UNBLOCK", id));
            assertTrue(text(admin.call("INFO", "errorstats")).contains("errorstat_UNBLOCKED:count=1"));
            assertEquals("PONG", text(blocked.call("PING")), "the unblocked connection reads commands again");
        }
    }

    /** Replies as text: RawClient's parsed values and Jedis's raw objects (bulk strings as byte arrays) alike. */
    private static String text(Object reply) {
        return RespParser.toText(reply);
    }
}
