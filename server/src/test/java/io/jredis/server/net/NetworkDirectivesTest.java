package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.Client;
import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bind, port, unixsocket, tcp-backlog, tcp-keepalive, maxclients and timeout, as Redis 7.0 applies them. */
class NetworkDirectivesTest {
    /** An address no interface has (TEST-NET-1): binding it fails with "Cannot assign requested address". */
    private static final String UNASSIGNED = "192.0.2.1";

    private static boolean ipv6Loopback() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String ping(String host, int port) throws IOException {
        try (RawClient c = new RawClient(host, port)) {
            return RawClient.text(c.call("PING"));
        }
    }

    @Test
    void severalAddressesShareTheChosenPort() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback here");
        try (TestServer s = TestServer.start("bind", "127.0.0.1 ::1")) {
            assertTrue(s.port() > 0);
            assertEquals("PONG", ping("127.0.0.1", s.port()));
            assertEquals("PONG", ping("::1", s.port()));
            String laddr = s.server().onEngine(() -> {
                for (Client c : s.server().engine().clients().values()) {
                    return c.laddr();
                }
                return "";
            });
            assertTrue(laddr.isEmpty() || laddr.endsWith(":" + s.port()), laddr);
        }
    }

    @Test
    void wildcardAddresses() throws Exception {
        try (TestServer s = TestServer.start("bind", "* -::*")) {
            assertEquals("PONG", ping("127.0.0.1", s.port()));
            if (ipv6Loopback()) {
                assertEquals("PONG", ping("::1", s.port()));
            }
        }
    }

    @Test
    void optionalAddressThatCannotBeBoundIsSkipped() throws Exception {
        try (TestServer s = TestServer.start("bind", "-" + UNASSIGNED + " 127.0.0.1")) {
            assertEquals("PONG", ping("127.0.0.1", s.port()));
        }
    }

    @Test
    void mandatoryAddressThatCannotBeBoundFailsTheStart(@TempDir Path dir) throws Exception {
        Path logFile = dir.resolve("bind.log");
        int port = RealRedis.freePort();
        IOException e = assertThrows(IOException.class, () -> ProtocolErrorsTest.startLogged(logFile, "notice",
                "bind", "127.0.0.1 " + UNASSIGNED, "port", Integer.toString(port)).close());
        // Redis 7.0.15's words for the same configuration.
        // The exception carries both of Redis 7.0.15's log lines for the same configuration; Main logs them.
        assertEquals("Warning: Could not create server TCP listening socket " + UNASSIGNED + ":" + port
                + ": bind: Cannot assign requested address\nFailed listening on port " + port + " (TCP), aborting.",
                e.getMessage());
    }

    @Test
    void addressInUseFailsEvenWhenOptional() throws Exception {
        try (TestServer first = TestServer.start()) {
            assertThrows(UncheckedIOException.class,
                    () -> TestServer.start("bind", "-127.0.0.1", "port", Integer.toString(first.port())).close());
        }
    }

    @Test
    void unixSocketWithPermissions(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix sockets need the epoll transport");
        Path sock = dir.resolve("jredis.sock");
        int port = RealRedis.freePort();
        try (TestServer s = TestServer.start("port", Integer.toString(port), "unixsocket", sock.toString(),
                "unixsocketperm", "700")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.write(ByteBuffer.wrap(RawClient.encode("PING".getBytes(StandardCharsets.US_ASCII))));
                ByteBuffer in = ByteBuffer.allocate(7);
                while (in.hasRemaining() && ch.read(in) >= 0) {
                    // keep reading until the whole reply is in
                }
                assertEquals("+PONG\r\n", new String(in.array(), StandardCharsets.US_ASCII));
            }
            assertEquals("PONG", ping("127.0.0.1", s.port()), "TCP is still served next to the unix socket");
            String cli = redisCli("-s", sock.toString(), "ping");
            if (cli != null) {
                assertEquals("PONG", cli.strip());
            }
        }
        assertFalse(Files.exists(sock), "the socket file is removed at shutdown");
    }

    /**
     * A server that cannot start (its TCP port is taken) leaves the Unix socket alone: a supervisor that starts
     * another server on the same socket path meanwhile keeps it, as with Redis, which unlinks it only at shutdown.
     */
    @Test
    void aServerThatFailsToStartKeepsAnotherServersSocket(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix sockets need the epoll transport");
        Path sock = dir.resolve("shared.sock");
        try (TestServer running = TestServer.start("unixsocket", sock.toString());
                java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(Files.exists(sock));
            java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.UncheckedIOException.class, () -> TestServer.start(
                    "port", Integer.toString(busy.getLocalPort()), "bind", "127.0.0.1", "unixsocket", sock.toString()));
            assertTrue(e.getMessage().contains("Failed listening on port " + busy.getLocalPort()), e.getMessage());
            assertTrue(Files.exists(sock), "the running server's socket is still there");
        }
    }

    @Test
    void portZeroWithUnixSocketListensOnlyThere(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix sockets need the epoll transport");
        Path sock = dir.resolve("only.sock");
        try (TestServer s = TestServer.start("unixsocket", sock.toString())) {
            // TestServer sets port 0: as in Redis, port 0 next to a unix socket means no TCP listener.
            assertEquals(0, s.port());
            assertTrue(Files.exists(sock));
        }
    }

    /** Runs redis-cli when installed; null otherwise. */
    private static String redisCli(String... args) throws Exception {
        if (RealRedis.binary() == null) {
            return null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("redis-cli");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void tcpBacklogIsTheListenQueueLength() throws Exception {
        try (TestServer s = TestServer.start("tcp-backlog", "123")) {
            Process p = new ProcessBuilder("ss", "-ltnH", "sport = :" + s.port()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Assumptions.assumeTrue(p.exitValue() == 0 && !out.isBlank(), "ss is not available: " + out);
            // ss prints the backlog of a listening socket in the Send-Q column: State Recv-Q Send-Q Local Peer.
            assertEquals("123", out.strip().split("\\s+")[2], out);
        } catch (IOException noSs) {
            Assumptions.abort("ss is not installed");
        }
    }

    private static Channel onlyClientChannel(TestServer s) throws Exception {
        return s.server().onEngine(() -> s.server().engine().clients().values().iterator().next().channel());
    }

    @Test
    void tcpKeepaliveSetsTheSocketOptions() throws Exception {
        try (TestServer s = TestServer.start("tcp-keepalive", "60"); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("PONG", RawClient.text(c.call("PING")));
            Channel ch = onlyClientChannel(s);
            assertTrue(ch.config().getOption(ChannelOption.SO_KEEPALIVE));
            assertTrue(ch.config().getOption(ChannelOption.TCP_NODELAY));
            if (Epoll.isAvailable()) {
                assertEquals(60, ch.config().getOption(EpollChannelOption.TCP_KEEPIDLE));
                assertEquals(20, ch.config().getOption(EpollChannelOption.TCP_KEEPINTVL));
                assertEquals(3, ch.config().getOption(EpollChannelOption.TCP_KEEPCNT));
            }
        }
        try (TestServer s = TestServer.start("tcp-keepalive", "0"); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("PONG", RawClient.text(c.call("PING")));
            assertFalse(onlyClientChannel(s).config().getOption(ChannelOption.SO_KEEPALIVE));
        }
    }

    /**
     * Connects and returns the rejection the server sends right after accepting, or null when it accepts the client
     * (which then answers PING). Nothing is sent while the verdict is awaited for {@code verdictMillis}: data the server
     * never reads would turn its close into a reset that can destroy the message, with real Redis as well. A rejection
     * that comes later than that (a server descheduled on a loaded machine) is still told from an acceptance by what
     * arrives instead of the reply to PING.
     */
    private static String rejection(int port, List<Socket> keep, int verdictMillis) throws Exception {
        Socket sock = new Socket("127.0.0.1", port);
        keep.add(sock);
        InputStream in = sock.getInputStream();
        sock.setSoTimeout(verdictMillis);
        try {
            int first = in.read();
            sock.setSoTimeout(10_000);
            return first < 0 ? "" : (char) first + new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketTimeoutException accepted) {
            sock.setSoTimeout(10_000);
        }
        try {
            sock.getOutputStream().write(RawClient.encode("PING".getBytes(StandardCharsets.US_ASCII)));
            String reply = new String(in.readNBytes(7), StandardCharsets.US_ASCII);
            return reply.equals("+PONG\r\n") ? null : reply + new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException lateRejectionReset) {
            return "";
        }
    }

    private static void assertMaxclients(int port) throws Exception {
        List<Socket> keep = new ArrayList<>();
        try {
            assertEquals(null, rejection(port, keep, 300));
            assertEquals(null, rejection(port, keep, 300));
            // Expected, so waited for as long as it takes: it ends the wait as soon as it comes.
            assertEquals("-ERR max number of clients reached\r\n", rejection(port, keep, 10_000));
            keep.remove(0).close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String again;
            do {
                again = rejection(port, keep, 300);
            } while (again != null && System.nanoTime() < deadline);
            assertEquals(null, again, "a slot frees up once a client leaves");
        } finally {
            for (Socket s : keep) {
                s.close();
            }
        }
    }

    @Test
    void maxclientsRejectsAndCounts() throws Exception {
        try (TestServer s = TestServer.start("maxclients", "2")) {
            assertMaxclients(s.port());
            assertTrue(s.server().onEngine(() -> s.server().engine().stats().rejectedConnections) >= 1);
        }
    }

    @Test
    void maxclientsMatchesRealRedis() throws Exception {
        try (RealRedis r = RealRedis.start("--maxclients", "2")) {
            assertMaxclients(r.port());
        }
    }

    @Test
    void idleClientsAreClosedAfterTimeout() throws Exception {
        try (TestServer s = TestServer.start("timeout", "1"); RawClient busy = new RawClient(s.host(), s.port())) {
            // Timed from before the connection: its accept is the idle client's last interaction, and a test thread
            // descheduled between the two would have made a punctual close look early.
            long start = System.nanoTime();
            try (Socket idle = new Socket(s.host(), s.port())) {
                idle.setSoTimeout(10_000);
                // The busy client keeps interacting while the idle one waits for the server to hang up.
                int[] result = {-2};
                Thread reader = new Thread(() -> {
                    try {
                        result[0] = idle.getInputStream().read();
                    } catch (IOException e) {
                        result[0] = -1;
                    }
                });
                reader.start();
                while (reader.isAlive() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                    assertEquals("PONG", RawClient.text(busy.call("PING")));
                    reader.join(100);
                }
                assertEquals(-1, result[0], "the idle client is disconnected");
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMs >= 1000, "not before the timeout: " + elapsedMs + " ms");
            assertEquals("PONG", RawClient.text(busy.call("PING")), "an active client stays connected");
        }
    }

    @Test
    void boundPortIsReportedForPortZero() throws Exception {
        try (TestServer s = TestServer.start()) {
            RedisServer server = s.server();
            assertTrue(server.port() > 0);
            try (Socket sock = new Socket()) {
                sock.connect(new InetSocketAddress("127.0.0.1", server.port()));
                assertTrue(sock.isConnected());
            }
        }
    }
}
