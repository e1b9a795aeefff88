package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replies of a client that does not read them, as Redis 7.0 holds them and CLIENT LIST reports them (obl, oll,
 * omem), compared with a real redis-server: the static buffer is sent first; the rest waits in a list of blocks of
 * 20,464 bytes (a 16 KB block's jemalloc size class) or, for a long bulk value, one block of its size class; omem
 * counts the blocks whole plus 40 bytes each. How much the kernel takes differs between runs and servers, so the
 * block counts of many small replies are compared through that relation, not exactly.
 */
class ReplyListVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    /** A 16 KB block as getClientOutputBufferMemoryUsage counts it: its 20,464 bytes of room and 40 of headers. */
    private static final long BLOCK = 20_464 + 40;

    private static int[] ports() {
        return new int[] {servers.redis().port(), servers.jredis().port()};
    }

    /** A 3.7 MB reply left unread: one block of its size class, 4 MB (less the header), beyond the static buffer. */
    @Test
    void bigReplyTakesOneBlockOfItsSizeClass() throws IOException {
        List<String> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port); Socket reader = slowReader(port)) {
                c.call("SET", "big", "x".repeat(3_700_000));
                send(reader, "CLIENT", "SETNAME", "big", "GET", "big");
                Await.until("the GET run on " + port, 10, () -> line(c, "big").contains("cmd=get"));
                sides.add(outputFields(line(c, "big")));
            }
        }
        assertEquals("obl=0 oll=1 omem=4194328", sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /** 10,000 pipelined GETs of a 1000-byte value: the unsent replies fill 16 KB blocks, the static buffer sent. */
    @Test
    void manySmallRepliesFillSixteenKilobyteBlocks() throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port); Socket reader = slowReader(port)) {
                c.call("SET", "k", "v".repeat(1000));
                StringBuilder gets = new StringBuilder(name("gets"));
                gets.append("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".repeat(10_000));
                reader.getOutputStream().write(gets.toString().getBytes());
                assertBlocks(c, port, "gets", true);
            }
        }
    }

    /** One LRANGE reply of 100,000 small elements: the part the kernel did not take fills 16 KB blocks. */
    @Test
    void bigArrayReplyFillsSixteenKilobyteBlocks() throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port); Socket reader = slowReader(port)) {
                c.call("DEL", "list");
                for (int i = 0; i < 100; i++) {
                    String[] push = new String[1002];
                    push[0] = "RPUSH";
                    push[1] = "list";
                    for (int j = 2; j < push.length; j++) {
                        push[j] = "e".repeat(90) + (i * 1000 + j);
                    }
                    c.call(push);
                }
                send(reader, "CLIENT", "SETNAME", "lrange", "LRANGE", "list", "0", "-1");
                assertBlocks(c, port, "lrange", true);
            }
        }
    }

    /** A subscriber that does not read: the messages published to it fill 16 KB blocks. */
    @Test
    void messagesToASubscriberFillSixteenKilobyteBlocks() throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port); Socket reader = slowReader(port)) {
                send(reader, "CLIENT", "SETNAME", "sub", "SUBSCRIBE", "news");
                Await.until("the subscriber on " + port, 5, () -> line(c, "sub").contains("sub=1"));
                byte[] publish = RawClient.encode(RawClient.args("PUBLISH", "news", "m".repeat(1000)));
                for (int i = 0; i < 10_000; i++) {
                    c.send(publish);
                }
                for (int i = 0; i < 10_000; i++) {
                    c.read();
                }
                // The static buffer, which the cron shrinks while the subscriber idles, may hold the first unsent ones.
                assertBlocks(c, port, "sub", false);
            }
        }
    }

    /**
     * client-output-buffer-limit weighs the blocks, not the bytes: a 3.7 MB reply needs a 4 MB block, over a 4 MB
     * hard limit, so the client is closed; a 3 MB one (a 3 MB block) is sent.
     */
    @Test
    void outputLimitWeighsTheBlocks() throws IOException {
        List<List<Boolean>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 4mb 0 0");
                try {
                    List<Boolean> served = new ArrayList<>();
                    for (int size : new int[] {3_700_000, 3_000_000}) {
                        c.call("SET", "limited", "x".repeat(size));
                        try (RawClient r = new RawClient("127.0.0.1", port)) {
                            r.send(RawClient.encode(RawClient.args("GET", "limited")));
                            served.add(readsValue(r, size));
                        }
                    }
                    sides.add(served);
                } finally {
                    c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
                }
            }
        }
        assertEquals(List.of(false, true), sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /**
     * An unauthenticated client may not hold over 1 KB of reply list: its -NOAUTH errors close it as soon as they
     * overflow the 16 KB static buffer (490 of 34 bytes), not before (481).
     */
    @Test
    void unauthenticatedClientClosedOnceRepliesOverflowTheStaticBuffer() throws IOException {
        List<List<Boolean>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "requirepass", "secret");
                try {
                    List<Boolean> closed = new ArrayList<>();
                    for (int pings : new int[] {481, 490}) {
                        try (Socket s = slowReader(port)) {
                            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".repeat(pings).getBytes());
                            closed.add(closedWithin(s));
                        }
                    }
                    sides.add(closed);
                } finally {
                    c.call("CONFIG", "SET", "requirepass", "");
                }
            }
        }
        assertEquals(List.of(false, true), sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /** True when the server closes the connection; false when it is still open after a second without data. */
    private static boolean closedWithin(Socket s) throws IOException {
        s.setSoTimeout(1000);
        byte[] chunk = new byte[65536];
        try {
            while (s.getInputStream().read(chunk) >= 0) {
                // The replies of an open connection, read until none comes.
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static boolean readsValue(RawClient r, int size) {
        try {
            return RawClient.text(r.read()).length() == size;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * Waits until the named client holds over 2 MB of replies in its list (the kernel took what it takes by then),
     * then checks that they are all in 16 KB blocks, and, when {@code staticSent}, that the static buffer is empty.
     */
    private static void assertBlocks(RawClient c, int port, String name, boolean staticSent) {
        Await.until("over 2 MB unsent to " + name + " on " + port, 20,
                () -> field(line(c, name), "oll") > 100);
        String line = line(c, name);
        long oll = field(line, "oll");
        assertEquals(oll * BLOCK, field(line, "omem"), "port " + port + ": " + line);
        if (staticSent) {
            assertEquals(0, field(line, "obl"), "port " + port + ": " + line);
        } else {
            assertTrue(field(line, "obl") <= field(line, "rbs"), "port " + port + ": " + line);
        }
    }

    /** A connection that reads nothing, with a small receive window so that the kernel holds little for it. */
    private static Socket slowReader(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static String name(String name) {
        return new String(RawClient.encode(RawClient.args("CLIENT", "SETNAME", name)));
    }

    /** Sends CLIENT SETNAME (its 3 arguments first), then the command in the rest of {@code args}. */
    private static void send(Socket s, String... args) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(RawClient.encode(RawClient.args(args[0], args[1], args[2])));
        String[] command = new String[args.length - 3];
        System.arraycopy(args, 3, command, 0, command.length);
        out.write(RawClient.encode(RawClient.args(command)));
        out.flush();
    }

    private static String line(RawClient c, String name) {
        try {
            for (String line : RawClient.text(c.call("CLIENT", "LIST")).split("\n")) {
                if (line.contains(" name=" + name + " ")) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "";
    }

    private static long field(String line, String name) {
        int at = line.indexOf(" " + name + "=");
        if (at < 0) {
            return -1;
        }
        int end = line.indexOf(' ', at + 1);
        return Long.parseLong(line.substring(at + name.length() + 2, end < 0 ? line.length() : end).trim());
    }

    private static String outputFields(String line) {
        return "obl=" + field(line, "obl") + " oll=" + field(line, "oll") + " omem=" + field(line, "omem");
    }
}
