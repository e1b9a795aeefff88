package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.Engine;
import io.jredis.server.commands.CoreCommands;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Pipelining and fragmentation: thousands of commands in one write, commands split into single bytes, huge
 * arguments arriving in pieces, hostile clients that announce huge arguments or never read their replies.
 */
class PipelineTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] out = in.readNBytes(n);
        assertEquals(n, out.length, "connection closed early");
        return out;
    }

    @Test
    void thousandsOfCommandsInOneWriteAreAnsweredInOrder() throws Exception {
        int n = 5000;
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String v = "v" + i;
            req.writeBytes(RawClient.encode(b("SET"), b("k" + (i % 10)), b(v)));
            req.writeBytes(RawClient.encode(b("GET"), b("k" + (i % 10))));
            expected.append("+OK\r\n$").append(v.length()).append("\r\n").append(v).append("\r\n");
        }
        try (TestServer s = TestServer.start(); Socket sock = new Socket(s.host(), s.port())) {
            sock.getOutputStream().write(req.toByteArray());
            byte[] got = readExactly(sock.getInputStream(), expected.length());
            assertEquals(expected.toString(), new String(got, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void repliesOfOneReadBatchAreFlushedOnce() {
        Engine engine = new Engine(new ServerConfig(), Log.silent());
        CoreCommands.register(engine);
        RespDecoder.Limits limits = new RespDecoder.Limits() {
            @Override
            public long protoMaxBulkLen() {
                return 512L * 1024 * 1024;
            }

            @Override
            public long queryBufferLimit() {
                return 1024L * 1024 * 1024;
            }

            @Override
            public boolean authenticated() {
                return true;
            }

            @Override
            public void readBegins(int bytes) {
                engine.readBegins();
            }

            @Override
            public void readEnds() {
                engine.readEnds();
            }
        };
        ClientHandler handler = new ClientHandler(engine);
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(limits, handler::received), handler);
        try {
            ByteBuf batch = Unpooled.buffer();
            for (int i = 0; i < 3000; i++) {
                batch.writeBytes(b("*1\r\n$4\r\nPING\r\n"));
            }
            ch.writeInbound(batch);
            // The engine loop flushes after each I/O pass; an embedded channel has no loop.
            engine.flushPending();
            ByteBuf out = ch.readOutbound();
            assertNotNull(out);
            try {
                assertEquals(3000 * 7, out.readableBytes());
            } finally {
                out.release();
            }
            assertNull(ch.readOutbound(), "all replies of the batch in one write");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void commandsSplitIntoSingleBytes() throws Exception {
        byte[] value = new byte[3000];
        new Random(1).nextBytes(value);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(RawClient.encode(b("SET"), b("k"), value));
        req.writeBytes(b("GET k\r\n"));
        req.writeBytes(RawClient.encode(b("GET"), b("k")));
        byte[] bytes = req.toByteArray();
        try (TestServer s = TestServer.start(); Socket sock = new Socket(s.host(), s.port())) {
            sock.setTcpNoDelay(true);
            OutputStream out = sock.getOutputStream();
            for (byte x : bytes) {
                out.write(x);
                out.flush();
            }
            InputStream in = sock.getInputStream();
            assertEquals("+OK\r\n", new String(readExactly(in, 5), StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 2; i++) {
                assertEquals("$3000\r\n", new String(readExactly(in, 7), StandardCharsets.ISO_8859_1));
                assertArrayEquals(value, readExactly(in, 3000));
                assertEquals("\r\n", new String(readExactly(in, 2), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void hugeArgumentArrivingInPieces() throws Exception {
        int size = 48 * 1024 * 1024 + 7;
        byte[] value = new byte[size];
        new Random(2).nextBytes(value);
        try (TestServer s = TestServer.start(); Socket sock = new Socket(s.host(), s.port())) {
            OutputStream out = sock.getOutputStream();
            out.write(b("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + size + "\r\n"));
            for (int off = 0; off < size; off += 65_521) {
                out.write(value, off, Math.min(65_521, size - off));
                out.flush();
            }
            out.write(b("\r\n"));
            out.write(RawClient.encode(b("GET"), b("big")));
            InputStream in = sock.getInputStream();
            assertEquals("+OK\r\n", new String(readExactly(in, 5), StandardCharsets.ISO_8859_1));
            String header = "$" + size + "\r\n";
            assertEquals(header, new String(readExactly(in, header.length()), StandardCharsets.ISO_8859_1));
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            sent.update(value);
            got.update(readExactly(in, size));
            assertArrayEquals(sent.digest(), got.digest());
        }
    }

    @Test
    void announcedHugeArgumentsCostOnlyWhatArrived() throws Exception {
        Runtime.getRuntime().gc();
        long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        List<Socket> hostile = new ArrayList<>();
        try (TestServer s = TestServer.start(); Jedis other = new Jedis(s.host(), s.port())) {
            byte[] piece = new byte[256 * 1024];
            for (int i = 0; i < 16; i++) {
                Socket h = new Socket(s.host(), s.port());
                hostile.add(h);
                h.getOutputStream().write(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n"));
                h.getOutputStream().write(piece);
            }
            // 16 clients announced 8 GiB between them; allocating that up front would show (or fail) here.
            assertEquals("PONG", other.ping());
            Runtime.getRuntime().gc();
            long grown = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heapBefore;
            assertTrue(grown < 512L * 1024 * 1024, "heap grew by " + grown + " bytes");
            for (Socket h : hostile) {
                h.close();
            }
            hostile.clear();
            assertEquals("PONG", other.ping());
            // The server sees the closed sockets when their close events are processed: poll, with a bound.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            long clients;
            while ((clients = s.server().onEngine(() -> (long) s.server().engine().clients().size())) != 1L
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assertEquals(1L, clients);
        } finally {
            for (Socket h : hostile) {
                h.close();
            }
        }
    }

    @Test
    void manyConnectionsWithPartialCommands() throws Exception {
        int n = 200;
        List<Socket> socks = new ArrayList<>();
        try (TestServer s = TestServer.start(); Jedis other = new Jedis(s.host(), s.port())) {
            for (int i = 0; i < n; i++) {
                Socket sock = new Socket(s.host(), s.port());
                socks.add(sock);
                sock.getOutputStream().write(b("*3\r\n$3\r\nSET\r\n$" + ("key" + i).length() + "\r\nkey" + i + "\r\n$5\r\nval"));
            }
            assertEquals("PONG", other.ping());
            assertNull(other.get("key0"));
            for (Socket sock : socks) {
                sock.getOutputStream().write(b("ue\r\n"));
            }
            for (Socket sock : socks) {
                assertEquals("+OK\r\n", new String(readExactly(sock.getInputStream(), 5), StandardCharsets.ISO_8859_1));
            }
            assertEquals("value", other.get("key" + (n - 1)));
        } finally {
            for (Socket sock : socks) {
                sock.close();
            }
        }
    }

    @Test
    void clientThatNeverReadsDoesNotStopTheServer() throws Exception {
        byte[] value = new byte[100 * 1024];
        Arrays.fill(value, (byte) 'x');
        try (TestServer s = TestServer.start(); Jedis other = new Jedis(s.host(), s.port(), 30_000)) {
            other.set(b("big"), value);
            Socket greedy = new Socket(s.host(), s.port());
            try {
                greedy.setReceiveBufferSize(4096);
                byte[] get = RawClient.encode(b("GET"), b("big"));
                ByteArrayOutputStream many = new ByteArrayOutputStream();
                for (int i = 0; i < 400; i++) {
                    many.writeBytes(get);
                }
                greedy.getOutputStream().write(many.toByteArray());
                // About 40 MB of replies pile up for a client that reads none of them; others are still served.
                for (int i = 0; i < 20; i++) {
                    assertEquals("PONG", other.ping());
                    assertEquals(value.length, other.get(b("big")).length);
                }
            } finally {
                greedy.close();
            }
            assertEquals("PONG", other.ping());
        }
    }

    /**
     * A reply batch the socket cannot take at once is finished by the channel; replies of a later batch must queue
     * behind its rest, not go out ahead of it straight to the socket.
     */
    @Test
    void laterRepliesWaitForTheRestOfAPartlyWrittenOne() throws Exception {
        byte[] value = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(value);
        try (TestServer s = TestServer.start(); Jedis other = new Jedis(s.host(), s.port(), 30_000);
                Socket slow = new Socket()) {
            other.set(b("big"), value);
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress(s.host(), s.port()));
            slow.getOutputStream().write(RawClient.encode(b("CLIENT"), b("SETNAME"), b("slow")));
            assertArrayEquals(b("+OK\r\n"), readExactly(slow.getInputStream(), 5));
            slow.getOutputStream().write(RawClient.encode(b("GET"), b("big")));
            Await.until("the big reply is stuck in the server's output buffer", 30, () -> Arrays.stream(
                    other.clientList().split("\n")).anyMatch(l -> l.contains("name=slow") && !l.contains(" omem=0 ")));
            slow.getOutputStream().write(RawClient.encode(b("ECHO"), b("after")));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(b("$" + value.length + "\r\n"));
            expected.writeBytes(value);
            expected.writeBytes(b("\r\n$5\r\nafter\r\n"));
            assertArrayEquals(expected.toByteArray(), readExactly(slow.getInputStream(), expected.size()));
        }
    }

    /** Floods SETs without reading; returns true if the server dropped the connection within the bound. */
    private static boolean droppedWhileFlooding(int port) throws IOException {
        byte[] sets;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            o.writeBytes(b("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n5\r\n"));
        }
        sets = o.toByteArray();
        try (Socket flood = new Socket()) {
            flood.setReceiveBufferSize(4096);
            flood.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            try {
                // 300k NOAUTH replies (11 MB) is far more than socket buffers absorb.
                for (int i = 0; i < 3000; i++) {
                    flood.getOutputStream().write(sets);
                }
            } catch (IOException dropped) {
                return true;
            }
            return false;
        }
    }

    @Test
    void unauthenticatedClientThatNeverReadsIsDropped() throws Exception {
        try (TestServer s = TestServer.start("requirepass", "pw"); RawClient other = new RawClient(s.host(), s.port())) {
            assertTrue(droppedWhileFlooding(s.port()));
            assertEquals("-NOAUTH Authentication required.\r\n",
                    new String(other.callRaw(b("PING")), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void unauthenticatedClientThatNeverReadsIsDroppedByRealRedis() throws Exception {
        try (RealRedis r = RealRedis.start()) {
            try (RawClient c = new RawClient("127.0.0.1", r.port())) {
                assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "requirepass", "pw")));
            }
            assertTrue(droppedWhileFlooding(r.port()));
        }
    }
}
