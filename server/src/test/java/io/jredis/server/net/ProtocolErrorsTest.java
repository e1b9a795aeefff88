package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.log.Log;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and unusual requests: jredis must answer with Redis 7.0.15's exact bytes and close (or keep) the
 * connection exactly when Redis does. Every case asserts jredis's expected bytes; when redis-server is installed the
 * same expectations are asserted against it, so the table stays honest.
 */
class ProtocolErrorsTest {
    /** What the connection does after the reply. */
    enum After {
        /** The server closes it. */
        CLOSED,
        /** It stays usable: a following PING gets PONG. */
        OPEN,
        /** The server waits for the rest of a request: no reply, no close. */
        WAITING
    }

    /** {@code server}: which configuration (plain, auth = requirepass pw, smallbulk = proto-max-bulk-len 1mb). */
    record Case(String name, String server, byte[] input, String reply, After after) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String PW = "pw";
    private static final List<AutoCloseable> STARTED = new ArrayList<>();
    private static final java.util.Map<String, Integer> JREDIS = new java.util.HashMap<>();
    private static final java.util.Map<String, Integer> REAL = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        String[][] configs = {
            {"plain"}, {"auth", "requirepass", PW}, {"smallbulk", "proto-max-bulk-len", "1mb"}
        };
        for (String[] c : configs) {
            String[] directives = java.util.Arrays.copyOfRange(c, 1, c.length);
            TestServer j = TestServer.start(directives);
            STARTED.add(j);
            JREDIS.put(c[0], j.port());
            if (RealRedis.binary() != null) {
                // Directives go through CONFIG SET: RealRedis.start's readiness PING cannot authenticate.
                RealRedis r = RealRedis.start();
                STARTED.add(r);
                REAL.put(c[0], r.port());
                try (RawClient rc = new RawClient("127.0.0.1", r.port())) {
                    for (int i = 0; i < directives.length; i += 2) {
                        assertEquals("OK", RawClient.text(rc.call("CONFIG", "SET", directives[i], directives[i + 1])));
                    }
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : STARTED) {
            c.close();
        }
        STARTED.clear();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static byte[] repeat(char c, int n) {
        return b(String.valueOf(c).repeat(n));
    }

    private static String err(String text) {
        return "-ERR Protocol error: " + text + "\r\n";
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("non-numeric multibulk count", "plain", b("*abc\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("empty multibulk count", "plain", b("*\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("plus sign in count", "plain", b("*+1\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("leading zero in count", "plain", b("*01\r\n$4\r\nPING\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("count over INT_MAX", "plain", b("*2147483648\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("count over LLONG_MAX", "plain", b("*9223372036854775808\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("negative count is an empty request", "plain", b("*-5\r\nPING\r\n"), "+PONG\r\n", After.OPEN),
                new Case("LLONG_MIN count is an empty request", "plain", b("*-9223372036854775808\r\nPING\r\n"), "+PONG\r\n", After.OPEN),
                new Case("zero count is an empty request", "plain", b("*0\r\nPING\r\n"), "+PONG\r\n", After.OPEN),
                new Case("INT_MAX count allocates nothing up front", "plain", b("*2147483647\r\nPING\r\n"),
                        err("expected '$', got 'P'"), After.CLOSED),
                new Case("bulk line without CR waits", "plain", b("*3\r\n$x"), "", After.WAITING),
                new Case("non-numeric bulk length", "plain", b("*3\r\n$x\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("$-1 inside a multibulk", "plain", b("*2\r\n$-1\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("$-0", "plain", b("*1\r\n$-0\r\nx\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("empty bulk length", "plain", b("*1\r\n$\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("leading zero in bulk length", "plain", b("*1\r\n$04\r\nPING\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("space in bulk length", "plain", b("*1\r\n$ 4\r\nPING\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("integer instead of bulk", "plain", b("*2\r\n:1\r\n"), err("expected '$', got ':'"), After.CLOSED),
                new Case("CR alone ends the count line", "plain", b("*1\r$4\r\nPING\r\n"), err("expected '$', got '4'"), After.CLOSED),
                new Case("bulk over proto-max-bulk-len", "plain", b("*2\r\n$536870913\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("bulk of proto-max-bulk-len waits", "plain", b("*2\r\n$536870912\r\n"), "", After.WAITING),
                new Case("lowered proto-max-bulk-len", "smallbulk", b("*2\r\n$1048577\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("bulk of lowered proto-max-bulk-len waits", "smallbulk", b("*2\r\n$1048576\r\n"), "", After.WAITING),
                new Case("bytes after a bulk are skipped unread", "plain", b("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"),
                        "+PONG\r\n+PONG\r\n", After.OPEN),
                new Case("commands before an error are answered", "plain", b("PING\r\n*abc\r\nPING\r\n"),
                        "+PONG\r\n" + err("invalid multibulk length"), After.CLOSED),
                new Case("too big mbulk count string", "plain", cat(b("*"), repeat('1', 70000)),
                        err("too big mbulk count string"), After.CLOSED),
                new Case("too big bulk count string", "plain", cat(b("*1\r\n$"), repeat('1', 70000)),
                        err("too big bulk count string"), After.CLOSED),
                new Case("too big inline request", "plain", repeat('a', 70000), err("too big inline request"), After.CLOSED),
                new Case("long inline request with a newline is fine", "plain", cat(b("ECHO "), repeat('a', 70000), b("\r\n")),
                        "$70000\r\n" + "a".repeat(70000) + "\r\n", After.OPEN),
                new Case("unbalanced double quote", "plain", b("SET \"a\r\n"), err("unbalanced quotes in request"), After.CLOSED),
                new Case("unbalanced single quote", "plain", b("SET 'a\r\n"), err("unbalanced quotes in request"), After.CLOSED),
                new Case("closing quote followed by a letter", "plain", b("ECHO \"a\"b\r\n"), err("unbalanced quotes in request"), After.CLOSED),
                new Case("backslash before the end of line", "plain", b("ECHO \"a\\\r\n"), err("unbalanced quotes in request"), After.CLOSED),
                new Case("inline escapes", "plain", b("ECHO \"\\x41\\n\\t\"\r\n"), "$3\r\nA\n\t\r\n", After.OPEN),
                new Case("inline binary escapes", "plain", b("SET k \"\\x00\\xff\"\r\nGET k\r\n"), "+OK\r\n$2\r\n\u0000\u00ff\r\n", After.OPEN),
                new Case("unknown escapes keep the letter", "plain", b("ECHO \"\\xzz\\q\"\r\n"), "$4\r\nxzzq\r\n", After.OPEN),
                new Case("single quotes", "plain", b("ECHO 'a\\'b'\r\n"), "$3\r\na'b\r\n", After.OPEN),
                new Case("empty lines are skipped", "plain", b("\r\n\r\n\n   \r\nPING\r\n"), "+PONG\r\n", After.OPEN),
                new Case("LF alone ends an inline request", "plain", b("PING\nPING\n"), "+PONG\r\n+PONG\r\n", After.OPEN),
                new Case("NUL in an inline request hides the newline", "plain", b("PI\u0000NG\r\n"), "", After.WAITING),
                new Case("NUL in an inline request until it is too big", "plain", cat(b("PI\u0000NG\r\n"), repeat('a', 70000)),
                        err("too big inline request"), After.CLOSED),
                new Case("NUL in a count line hides the CR", "plain", b("*1\u0000\r\n$4\r\nPING\r\n"), "", After.WAITING),
                new Case("QUIT stops reading", "plain", b("QUIT\r\nPING\r\n"), "+OK\r\n", After.CLOSED),
                new Case("a malformed request after QUIT is not answered", "plain", b("QUIT\r\n*01\r\n"), "+OK\r\n", After.CLOSED),
                new Case("unauthenticated multibulk length", "auth", b("*11\r\n"), err("unauthenticated multibulk length"), After.CLOSED),
                new Case("unauthenticated multibulk of 10 waits", "auth", b("*10\r\n"), "", After.WAITING),
                new Case("unauthenticated huge multibulk", "auth", b("*2000000\r\n"), err("unauthenticated multibulk length"), After.CLOSED),
                new Case("invalid count is checked before auth", "auth", b("*2147483648\r\n"), err("invalid multibulk length"), After.CLOSED),
                new Case("unauthenticated bulk length", "auth", b("*1\r\n$16385\r\n"), err("unauthenticated bulk length"), After.CLOSED),
                new Case("unauthenticated bulk of 16384 waits", "auth", b("*1\r\n$16384\r\n"), "", After.WAITING),
                new Case("invalid bulk is checked before auth", "auth", b("*1\r\n$536870913\r\n"), err("invalid bulk length"), After.CLOSED),
                new Case("pipelined AUTH lifts the limits", "auth", b("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$20000\r\n"), "+OK\r\n", After.WAITING),
                new Case("authenticated huge multibulk waits", "auth", b("AUTH pw\r\n*2000000\r\n"), "+OK\r\n", After.WAITING),
                new Case("unauthenticated long inline is not limited", "auth", cat(b("PING "), repeat('a', 70000), b("\r\n")),
                        "-NOAUTH Authentication required.\r\n", After.OPEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void jredis(Case c) throws Exception {
        if (new String(c.input(), StandardCharsets.ISO_8859_1).contains("AUTH")) {
            try (TestServer s = TestServer.start()) {
                Assumptions.assumeTrue(s.server().engine().commands().lookup("auth") != null,
                        "the AUTH command is not in this build yet");
            }
        }
        check(c, JREDIS.get(c.server()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void realRedis(Case c) throws Exception {
        RealRedis.assumeInstalled();
        check(c, REAL.get(c.server()));
    }

    private static void check(Case c, int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(c.input());
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] expected = b(c.reply());
            switch (c.after()) {
                case CLOSED -> {
                    assertEquals(c.reply(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
                case OPEN -> {
                    assertArrayEquals(expected, in.readNBytes(expected.length));
                    s.getOutputStream().write(b("*1\r\n$4\r\nPING\r\n"));
                    String pong = c.server().equals("auth") ? "-NOAUTH Authentication required.\r\n" : "+PONG\r\n";
                    assertEquals(pong, new String(in.readNBytes(pong.length()), StandardCharsets.ISO_8859_1),
                            "the connection must still serve commands");
                }
                case WAITING -> {
                    assertArrayEquals(expected, in.readNBytes(expected.length));
                    // Absence of a reply can only be observed over some time; 200 ms is ample on loopback.
                    s.setSoTimeout(200);
                    int next;
                    try {
                        next = in.read();
                    } catch (SocketTimeoutException e) {
                        next = -2;
                    }
                    assertEquals(-2, next, "expected the server to wait for more input (-1 = closed)");
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    @Test
    void otherClientsAreServedWhileOneMisbehaves() throws Exception {
        int port = JREDIS.get("plain");
        try (RawClient good = new RawClient("127.0.0.1", port); RawClient bad = new RawClient("127.0.0.1", port)) {
            good.send(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv"));
            bad.send(b("*1\r\n$x\r\n"));
            assertEquals(err("invalid bulk length"), new String(bad.readRaw(), StandardCharsets.ISO_8859_1));
            assertTrue(bad.closedByServer());
            good.send(b("\r\n"));
            assertEquals("+OK\r\n", new String(good.readRaw(), StandardCharsets.ISO_8859_1));
            assertEquals("v", RawClient.text(good.call("GET", "k")));
        }
    }

    @Test
    void protocolErrorsCountAsErrorReplies() throws Exception {
        try (TestServer s = TestServer.start()) {
            try (Socket sock = new Socket("127.0.0.1", s.port())) {
                sock.getOutputStream().write(b("*abc\r\n"));
                assertEquals(err("invalid multibulk length"),
                        new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            long errors = s.server().onEngine(() -> s.server().engine().stats().errorReplies);
            assertEquals(1, errors);
            assertEquals(1L, (long) s.server().onEngine(() -> s.server().engine().stats().errorCounts.get("ERR")));
        }
    }

    @Test
    void protocolErrorIsLoggedAtVerbose() throws Exception {
        Path logFile = Files.createTempFile("jredis-proto", ".log");
        try (RedisServer server = startLogged(logFile, "verbose")) {
            try (Socket sock = new Socket("127.0.0.1", server.port())) {
                sock.getOutputStream().write(b("*1\r\n$x\r\n"));
                assertEquals(err("invalid bulk length"),
                        new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            String line = awaitLogLine(logFile, "Protocol error");
            assertTrue(line.matches(".* - Protocol error \\(invalid bulk length\\) from client: id=\\d+ addr=127\\.0\\.0\\.1:\\d+ "
                    + ".* Query buffer during protocol error: '\\$x\\.\\.'"), line);
        } finally {
            Files.deleteIfExists(logFile);
        }
    }

    @Test
    void queryBufferLimitClosesTheClientAndLogs() throws Exception {
        Path logFile = Files.createTempFile("jredis-qbuf", ".log");
        try (RedisServer server = startLogged(logFile, "notice", "client-query-buffer-limit", "1mb")) {
            server.onEngine(() -> server.engine().stats().netInputBytes = 0);
            try (Socket sock = new Socket("127.0.0.1", server.port());
                    RawClient other = new RawClient("127.0.0.1", server.port())) {
                byte[] head = b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n");
                sock.getOutputStream().write(head);
                byte[] chunk = repeat('a', 65536);
                try {
                    for (int i = 0; i < 32; i++) {
                        sock.getOutputStream().write(chunk);
                    }
                } catch (IOException closedWhileWriting) {
                    // The server may close while we are still sending: that is the expected outcome.
                }
                assertEquals(-1, readUntilClosed(sock.getInputStream()), "closed without a reply");
                assertEquals("PONG", RawClient.text(other.call("PING")));
                assertEquals("(nil)", RawClient.text(other.call("GET", "k")));
            }
            String line = awaitLogLine(logFile, "max query buffer");
            assertTrue(line.matches(".* # Closing client that reached max query buffer length: id=\\d+ addr=.* "
                    + "\\(qbuf initial bytes: \"a{64}\"\\)"), line);
        } finally {
            Files.deleteIfExists(logFile);
        }
    }

    private static int readUntilClosed(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    static RedisServer startLogged(Path logFile, String level, String... directives) throws Exception {
        RedisServer server = new RedisServer(TestServer.config(directives), Log.open(logFile.toString(), level));
        server.start();
        return server;
    }

    static String awaitLogLine(Path logFile, String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(logFile)) {
                if (line.contains(needle)) {
                    return line;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no log line containing '" + needle + "' in " + Files.readString(logFile));
    }
}
