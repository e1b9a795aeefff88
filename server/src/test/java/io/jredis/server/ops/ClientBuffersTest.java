package io.jredis.server.ops;

import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.Sockets;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What clients hold, as Redis 7.0 accounts and limits it: a reply over the output hard limit is never sent (not even
 * in part), the soft limit also closes a client nobody writes to any more, partial requests and replica buffers
 * count where Redis counts them (replicas: ReplicaBufferMemoryTest), and client eviction may close the client whose
 * command is being admitted.
 */
class ClientBuffersTest {
    @Test
    void replyOverTheHardLimitIsNeverSentInPart() throws Exception {
        try (TestServer s = TestServer.start("client-output-buffer-limit", "normal 100000 0 0");
                RawClient r = new RawClient(s.host(), s.port())) {
            String item = "x".repeat(1000);
            for (int i = 0; i < 150; i++) {
                r.call("RPUSH", "list", item);
            }
            assertClosedWithoutReply(s, "LRANGE", "list", "0", "-1");
            // 1000 keys of 103 bytes: the reply (about 111 KB) ends between two of the 16 KB checkpoints.
            String prefix = "k".repeat(100);
            for (int i = 0; i < 1000; i++) {
                r.call("SET", prefix + (100 + i % 900) + (i / 900), "v");
            }
            assertClosedWithoutReply(s, "KEYS", "*");
            r.call("HSET", "h", "a", "b");
            r.call("SADD", "s", "a");
            r.call("ZADD", "z", "1", "a");
            // Redis stops these mid-run once the client is over its limit instead of building a huge reply.
            assertClosedWithoutReply(s, "HRANDFIELD", "h", "-999999999");
            assertClosedWithoutReply(s, "SRANDMEMBER", "s", "-999999999");
            assertClosedWithoutReply(s, "ZRANDMEMBER", "z", "-999999999", "WITHSCORES");
            assertEquals("PONG", RawClient.text(r.call("PING")), "only the clients over the limit are closed");
        }
    }

    private static void assertClosedWithoutReply(TestServer s, String... command) throws IOException {
        try (RawClient c = new RawClient(s.host(), s.port())) {
            c.send(RawClient.encode(args(command)));
            assertTrue(c.closedByServer(), String.join(" ", command) + " sent a reply over the hard limit");
        }
    }

    @Test
    void softLimitClosesASubscriberOnceTrafficStopped() throws Exception {
        try (TestServer s = TestServer.start("client-output-buffer-limit", "pubsub 0 100000 1");
                RawClient pub = new RawClient(s.host(), s.port()); Socket sub = new Socket()) {
            // A small window before connecting (it is negotiated then), so the kernel's buffers fill up soon.
            sub.setReceiveBufferSize(4096);
            sub.connect(new InetSocketAddress(s.host(), s.port()));
            sub.getOutputStream().write("SUBSCRIBE ch\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the subscription", 10, () -> subscribers(pub) == 1);
            String payload = "p".repeat(10_000);
            for (int i = 0; i < 4000 && omem(pub) <= 100_000; i++) {
                pub.call("PUBLISH", "ch", payload);
            }
            assertTrue(omem(pub) > 100_000, "the subscriber's output never passed the soft limit");
            // No more publishing: only the server's cron can notice that the soft limit has been exceeded too long.
            Await.until("the subscriber closed by the soft limit", 15, () -> subscribers(pub) == 0);
        }
    }

    private static long omem(RawClient c) {
        for (String line : call(c, "CLIENT", "LIST").split("\n")) {
            if (line.contains(" sub=1 ")) {
                return Long.parseLong(line.replaceAll(".* omem=(\\d+) .*", "$1").trim());
            }
        }
        return 0;
    }

    private static long subscribers(RawClient c) {
        try {
            return (Long) ((List<?>) c.call("PUBSUB", "NUMSUB", "ch")).get(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void clientEvictionMayCloseTheClientWhoseCommandRuns() throws Exception {
        try (TestServer s = TestServer.start("maxmemory-clients", "200000");
                RawClient other = new RawClient(s.host(), s.port());
                RawClient watcher = new RawClient(s.host(), s.port())) {
            boolean closed = false;
            for (int i = 0; i < 200_000 && !closed; i++) {
                try {
                    watcher.call("WATCH", "key:" + i);
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "the client watching ever more keys was never evicted");
            assertEquals("PONG", RawClient.text(other.call("PING")), "the small idle client is spared");
            assertTrue(other.info("stats").contains("evicted_clients:1\r\n"));
        }
    }

    @Test
    void partialRequestsOverMaxmemoryClientsCostClientsNotKeys() throws Exception {
        try (TestServer s = TestServer.start("maxmemory-policy", "allkeys-lru", "maxmemory-clients", "1500000");
                RawClient r = new RawClient(s.host(), s.port())) {
            r.call("CLIENT", "NO-EVICT", "on");
            String value = "x".repeat(50_000);
            for (int i = 0; i < 20; i++) {
                r.call("SET", "key:" + i, value);
            }
            // Room for one client with a partial request below (700 KB sent, 1 MB declared, which is what client
            // eviction weighs, and the rest of the client, about 20 KB), not for two: only evicting clients before
            // keys keeps every key.
            long used = r.infoLong("memory", "used_memory");
            r.call("CONFIG", "SET", "maxmemory", String.valueOf(used + 1_200_000));
            List<RawClient> partial = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawClient c = new RawClient(s.host(), s.port());
                    partial.add(c);
                    c.send("*2\r\n$3\r\nGET\r\n$1000000\r\n".getBytes(StandardCharsets.US_ASCII));
                    c.send("v".repeat(700_000).getBytes(StandardCharsets.US_ASCII));
                }
                // Watched from the kernel's socket table, not with commands: a command evicts clients first anyway,
                // the cron is what must too. Left open: the listener, r and one partial request.
                Await.until("two of the three partial requests evicted", 15,
                        () -> Sockets.openServerSockets(s.port()).size() <= 3);
                assertEquals(2, r.infoLong("stats", "evicted_clients"));
                assertEquals(0, r.infoLong("stats", "evicted_keys"));
                assertEquals(20L, r.call("DBSIZE"));
            } finally {
                for (RawClient c : partial) {
                    c.close();
                }
            }
        }
    }

    @Test
    void trackingPrefixesCountAsClientMemory() throws Exception {
        try (TestServer s = TestServer.start("maxmemory-clients", "200000");
                RawClient other = new RawClient(s.host(), s.port());
                RawClient tracker = new RawClient(s.host(), s.port())) {
            boolean closed = false;
            for (int i = 0; i < 20_000 && !closed; i++) {
                try {
                    tracker.call("CLIENT", "TRACKING", "on", "prefix", String.format("%012d", i), "bcast");
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "the client with ever more BCAST prefixes was never evicted");
            assertEquals("PONG", RawClient.text(other.call("PING")));
        }
    }

    @Test
    void partialRequestsCountAsClientMemory() throws Exception {
        try (TestServer s = TestServer.start(); RawClient r = new RawClient(s.host(), s.port());
                RawClient partial = new RawClient(s.host(), s.port())) {
            long before = r.infoLong("memory", "mem_clients_normal");
            partial.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n".getBytes(StandardCharsets.US_ASCII));
            partial.send("v".repeat(600_000).getBytes(StandardCharsets.US_ASCII));
            Await.until("the partial request counted in mem_clients_normal", 15,
                    () -> r.infoLong("memory", "mem_clients_normal") >= before + 600_000);
            long used = r.infoLong("memory", "used_memory");
            assertTrue(used >= r.infoLong("memory", "used_memory_startup") + 600_000, "used_memory " + used);
        }
    }

    @Test
    void clientsOverTheirOutputLimitAreNotCountedForClientEviction() throws Exception {
        try (TestServer s = TestServer.start("maxmemory-clients", "6000000", "client-output-buffer-limit",
                "pubsub 3000000 0 0"); RawClient publisher = new RawClient(s.host(), s.port());
                RawClient sub1 = new RawClient(s.host(), s.port());
                RawClient sub2 = new RawClient(s.host(), s.port())) {
            sub1.call("SUBSCRIBE", "ch");
            sub2.call("SUBSCRIBE", "ch");
            // One read: the PING's eviction check comes while both subscribers still hold the 4 MB message they
            // are about to be closed for; counting them would evict a client (here the publisher) for nothing.
            byte[] message = "x".repeat(4_000_000).getBytes(StandardCharsets.US_ASCII);
            byte[] publish = RawClient.encode(RawClient.args("PUBLISH")[0], RawClient.args("ch")[0], message);
            byte[] ping = RawClient.encode(RawClient.args("PING"));
            byte[] both = new byte[publish.length + ping.length];
            System.arraycopy(publish, 0, both, 0, publish.length);
            System.arraycopy(ping, 0, both, publish.length, ping.length);
            publisher.send(both);
            assertEquals(2L, publisher.read());
            assertEquals("PONG", RawClient.text(publisher.read()));
            assertTrue(sub1.closedByServer() && sub2.closedByServer(), "subscribers over the pubsub limit stay");
            assertTrue(publisher.info("stats").contains("evicted_clients:0\r\n"));
        }
    }

    @Test
    void bigArgumentCountsAtItsDeclaredLengthFromItsHeader() throws Exception {
        try (TestServer s = TestServer.start(); RawClient r = new RawClient(s.host(), s.port());
                RawClient partial = new RawClient(s.host(), s.port())) {
            partial.call("CLIENT", "SETNAME", "partial");
            partial.send("*2\r\n$3\r\nGET\r\n$1000000\r\n".getBytes(StandardCharsets.US_ASCII));
            partial.send("v".repeat(1000).getBytes(StandardCharsets.US_ASCII));
            // Redis reserves the query buffer for the whole argument once it reads its length: 1 KB sent of 1 MB
            // declared already weighs 1 MB for client eviction, and qbuf shows what arrived.
            Await.until("the 1000 bytes sent shown as qbuf", 15, () -> clientField(r, "partial", "qbuf") == 1000);
            assertTrue(clientField(r, "partial", "qbuf-free") >= 999_000);
            assertTrue(clientField(r, "partial", "tot-mem") >= 1_000_000);
        }
    }

    @Test
    void queryBufferLeftByABigArgumentIsTrimmedByTheCron() throws Exception {
        try (TestServer s = TestServer.start(); RawClient r = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port())) {
            writer.call("CLIENT", "SETNAME", "writer");
            writer.call("SET", "k", "v".repeat(100_000));
            // Redis gives the buffer to the argument and starts a new one of its size for the next big argument.
            assertTrue(clientField(r, "writer", "qbuf-free") >= 100_002);
            // Small commands keep the recent peak small: a cron run trims the buffer without the client idling.
            Await.until("the big query buffer trimmed", 15, () -> {
                call(writer, "PING");
                return clientField(r, "writer", "qbuf-free") < 100_000;
            });
            assertTrue(clientField(r, "writer", "qbuf-free") > 0);
        }
    }

    private static long clientField(RawClient r, String name, String field) {
        for (String line : call(r, "CLIENT", "LIST").split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                return Long.parseLong(line.replaceAll(".* " + field + "=(\\d+) .*", "$1").trim());
            }
        }
        throw new AssertionError("no client named " + name);
    }

    private static String call(RawClient c, String... args) {
        try {
            return RawClient.text(c.call(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
