package io.jredis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.log.Log;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import io.netty.channel.epoll.Epoll;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** CONFIG GET/SET/RESETSTAT/REWRITE through a real client. */
class ConfigCommandTest {
    @TempDir
    Path tmp;

    @Test
    void getMatchesPatternsAliasesAndExactNames() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals(Set.of("maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-clients",
                    "maxmemory-eviction-tenacity"), j.configGet("maxmemory*").keySet());
            assertEquals(Map.of("slave-read-only", "yes"), j.configGet("slave-read-only"));
            assertEquals(Map.of("PORT", Integer.toString(s.port())), j.configGet("PORT"),
                    "an exact name is echoed as typed");
            assertEquals(Set.of("hz", "timeout"), j.configGet("hz", "timeout", "HZ").keySet(),
                    "names repeat case-insensitively only once");
            assertEquals(Map.of(), j.configGet("rdb-key-*"), "hidden directives only by exact name");
            assertEquals(Map.of("rdb-key-save-delay", "0"), j.configGet("rdb-key-save-delay"));
            assertEquals(Map.of(), j.configGet("no-such-thing"));
            assertEquals(Map.of("list-max-listpack-size", "-2", "list-max-ziplist-size", "-2"),
                    j.configGet("list-max-*-size"));
        }
    }

    @Test
    void setIsAtomicAcrossParameters() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals("OK", j.configSet("hz", "20", "timeout", "5", "maxmemory", "1gb"));
            assertEquals(Map.of("hz", "20", "timeout", "5", "maxmemory", "1073741824"),
                    j.configGet("hz", "timeout", "maxmemory"));
            JedisDataException e = assertThrows(JedisDataException.class,
                    () -> j.configSet("hz", "30", "maxmemory-policy", "bogus"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must"
                    + " be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
                    + "allkeys-lru, allkeys-lfu, allkeys-random, noeviction", e.getMessage());
            assertEquals("20", j.configGet("hz").get("hz"), "the first parameter was rolled back");
            e = assertThrows(JedisDataException.class, () -> j.configSet("hz", "1", "hz", "2"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter",
                    e.getMessage());
            e = assertThrows(JedisDataException.class, () -> j.configSet("timeout", "1", "foo", "2"));
            assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'foo'", e.getMessage());
            e = assertThrows(JedisDataException.class, () -> j.configSet("daemonize", "yes"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
                    + "config", e.getMessage());
            e = assertThrows(JedisDataException.class, () -> j.configSet("dir", "/tmp"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
                    e.getMessage());
            assertEquals(Map.of("timeout", "5"), j.configGet("timeout"));
        }
    }

    @Test
    void failingApplyHookRestoresEveryValue() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            s.server().onEngine(() -> s.server().config().maxmemory.onApply(() -> "Unable to apply"));
            JedisDataException e = assertThrows(JedisDataException.class,
                    () -> j.configSet("hz", "30", "maxmemory", "1mb"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - Unable to apply",
                    e.getMessage());
            assertEquals(Map.of("hz", "10", "maxmemory", "0"), j.configGet("hz", "maxmemory"));
        }
    }

    @Test
    void protectedConfigsFollowEnableProtectedConfigs() throws Exception {
        try (TestServer s = TestServer.start("enable-protected-configs", "local");
                Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals("OK", j.configSet("dir", tmp.toString()));
            assertEquals(tmp.toRealPath().toString(), j.configGet("dir").get("dir"));
            JedisDataException e = assertThrows(JedisDataException.class,
                    () -> j.configSet("dir", tmp.resolve("missing").toString()));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
                    e.getMessage());
        }
    }

    @Test
    void hooksTakeEffect() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals("OK", j.configSet("loglevel", "debug"));
            assertTrue(s.server().log().enabled(Log.DEBUG), "CONFIG SET loglevel changes the live log level");
            assertEquals("OK", j.configSet("hz", "1000"));
            assertEquals("500", j.configGet("hz").get("hz"), "hz is clamped as in Redis");
            assertEquals("OK", j.configSet("requirepass", "secret"));
            try (Jedis fresh = new Jedis(s.host(), s.port())) {
                JedisDataException e = assertThrows(JedisDataException.class, fresh::ping);
                assertEquals("NOAUTH Authentication required.", e.getMessage());
            }
            assertEquals("PONG", j.ping(), "connections already authenticated stay so");
            assertEquals("OK", j.configSet("requirepass", ""));
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getByName("127.0.0.1"))) {
                JedisDataException e = assertThrows(JedisDataException.class,
                        () -> j.configSet("port", Integer.toString(taken.getLocalPort())));
                assertEquals("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
                        + "port. Check server logs.", e.getMessage());
            }
            assertEquals(Integer.toString(s.port()), j.configGet("port").get("port"),
                    "a value that cannot be applied is rolled back (to port 0, shown as the port it listens on)");
            try (Jedis again = new Jedis(s.host(), s.port())) {
                assertEquals("PONG", again.ping(), "the old listener is restored after a failed rebind");
            }
            // Setting every value CONFIG GET * returned (what config-restoring tools do) needs no rebind.
            String bind = j.configGet("bind").get("bind");
            assertEquals("OK", j.configSet("bind", bind));
            assertThrows(JedisDataException.class, () -> j.configSet("bind", "192.0.2.1 " + bind));
            assertEquals(bind, j.configGet("bind").get("bind"));
        }
    }

    /** CONFIG SET port moves the listener at run time, as Redis's changeListenPort; connections stay open. */
    @Test
    void portChangesAtRunTime() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            int oldPort = s.port();
            int newPort = RealRedis.freePort();
            assertEquals("OK", j.configSet("port", Integer.toString(newPort)));
            assertEquals(Integer.toString(newPort), j.configGet("port").get("port"));
            assertEquals("PONG", j.ping(), "the connection made before the change stays open");
            try (Jedis moved = new Jedis(s.host(), newPort)) {
                assertEquals("PONG", moved.ping());
                assertTrue(moved.info("server").contains("tcp_port:" + newPort + "\r\n"));
            }
            try (java.net.Socket old = new java.net.Socket()) {
                assertThrows(java.io.IOException.class,
                        () -> old.connect(new java.net.InetSocketAddress(s.host(), oldPort), 2000),
                        "nothing listens on the old port any more");
            }
            assertEquals("OK", j.configSet("bind", "127.0.0.1"));
            try (Jedis rebound = new Jedis("127.0.0.1", newPort)) {
                assertEquals("PONG", rebound.ping());
            }
        }
    }

    @Test
    void resetstatClearsServerAndCommandStatistics() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.set("k", "v");
            j.get("k");
            assertThrows(JedisDataException.class, () -> j.configSet("nosuch", "1"));
            assertEquals("OK", j.configResetStat());
            long[] after = s.server().onEngine(() -> {
                long calls = 0;
                for (CommandSpec spec : s.server().engine().commands().allWithSubcommands()) {
                    if (!spec.fullName().equals("config|resetstat")) {
                        calls += spec.calls + spec.failedCalls + spec.rejectedCalls;
                    }
                }
                return new long[] {calls, s.server().engine().stats().errorReplies};
            });
            assertEquals(0, after[0]);
            assertEquals(0, after[1]);
        }
    }

    /**
     * A server started with port 0 and neither a unix socket nor a TLS port listens on a port the system picked
     * (jredis's embedded mode). Redis shows every TCP client the port it connected to (its port 0 means no TCP
     * listener), so CONFIG GET shows the bound port, as INFO tcp_port does; CONFIG REWRITE keeps port 0 so that a
     * restart picks a free port again.
     */
    @Test
    void portZeroReadsBackTheBoundPortButRewritesZero() throws Exception {
        Path conf = Files.writeString(tmp.resolve("port0.conf"), "port 0\n");
        try (RedisServer s = startFromFile(conf, "--save", "", "--appendonly", "no", "--dir", tmp.toString());
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            String bound = Integer.toString(s.port());
            assertEquals(Map.of("port", bound), j.configGet("port"));
            assertEquals(bound, j.configGet("*").get("port"));
            assertTrue(j.info("server").contains("tcp_port:" + bound + "\r\n"));
            assertEquals("OK", j.configSet("maxmemory", "1mb"));
            assertEquals("OK", j.configRewrite());
        }
        List<String> lines = Files.readAllLines(conf);
        assertTrue(lines.contains("port 0") && lines.contains("maxmemory 1mb"), lines.toString());
    }

    /** Port 0 beside a unix socket means no TCP listener, as in Redis: CONFIG GET port stays 0 there. */
    @Test
    void portZeroBesideAUnixSocketReadsBackZero() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix sockets need the epoll transport");
        Path sock = tmp.resolve("config.sock");
        String expected = "*2\r\n$4\r\nport\r\n$1\r\n0\r\n";
        try (TestServer s = TestServer.start("unixsocket", sock.toString());
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertEquals(0, s.port());
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(RawClient.encode(RawClient.args("CONFIG", "GET", "port"))));
            ByteBuffer in = ByteBuffer.allocate(256);
            int read = 0;
            while (in.position() < expected.length() && read >= 0) {
                read = ch.read(in);
            }
            assertEquals(expected, new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void rewriteWithoutConfigFileFails() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            JedisDataException e = assertThrows(JedisDataException.class, j::configRewrite);
            assertEquals("ERR The server is running without a config file", e.getMessage());
        }
    }

    private static final String ORIGINAL = """
            # Top comment
            bind 127.0.0.1

            # save section
            save 900 1
            save 300 10
            include %s
            rename-command KEYS ""
            slave-read-only yes
            maxmemory 100mb
            Hz 12
            loglevel notice
            logfile ""
            list-max-ziplist-entries 10
            hash-max-ziplist-entries 100
            client-output-buffer-limit pubsub 32mb 8mb 60
            notify-keyspace-events ""
            timeout 0
            # trailing comment



            """;

    @Test
    void rewriteKeepsCommentsAndLayout() throws Exception {
        Path inc = Files.writeString(tmp.resolve("inc.conf"), "hz 11\n");
        Path conf = Files.writeString(tmp.resolve("redis.conf"), ORIGINAL.formatted(inc));
        try (RedisServer s = startFromFile(conf, "--dir", tmp.toString());
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals("12", j.configGet("hz").get("hz"));
            assertEquals("OK", j.configSet("maxmemory", "200mb", "timeout", "5", "notify-keyspace-events", "KEA",
                    "loglevel", "warning", "slave-read-only", "no"));
            assertEquals("OK", j.configRewrite());
            String expected = """
                    # Top comment
                    bind 127.0.0.1

                    # save section
                    save 900 1
                    save 300 10
                    include %s
                    rename-command KEYS ""
                    replica-read-only no
                    maxmemory 200mb
                    hz 12
                    loglevel warning
                    logfile ""
                    # ??? list-max-ziplist-entries 10
                    hash-max-listpack-entries 100
                    client-output-buffer-limit normal 0 0 0
                    notify-keyspace-events "AKE"
                    timeout 5
                    # trailing comment

                    # Generated by CONFIG REWRITE
                    port 0
                    dir "%s"
                    latency-tracking-info-percentiles 50 99 99.9
                    user default on nopass ~* &* +@all
                    """.formatted(inc, tmp.toRealPath());
            assertEquals(expected, Files.readString(conf));
            assertEquals("OK", j.configRewrite());
            assertEquals(expected + "\n", Files.readString(conf), "a second rewrite changes nothing but the "
                    + "trailing empty line Redis also keeps");
        }
    }

    /** The same file, options and CONFIG SETs rewritten by real Redis and by jredis give the same file. */
    @Test
    void rewriteMatchesRealRedis() throws Exception {
        Path inc = Files.writeString(tmp.resolve("inc.conf"), "hz 11\n");
        Path theirs = Files.writeString(tmp.resolve("real.conf"), ORIGINAL.formatted(inc));
        Path ours = Files.writeString(tmp.resolve("ours.conf"), ORIGINAL.formatted(inc));
        String[] set = {"maxmemory", "200mb", "timeout", "5", "notify-keyspace-events", "KEA", "requirepass", "s3",
            "slave-read-only", "no", "client-output-buffer-limit", "replica 1gb 512mb 30", "maxmemory-clients", "5%",
            "oom-score-adj", "relative", "save", "900 1 60 5"};
        try (RealRedis real = RealRedis.startWithConfig(theirs);
                Jedis r = new Jedis("127.0.0.1", real.port())) {
            assertEquals("OK", r.configSet(set));
            assertEquals("OK", r.configRewrite());
        }
        try (RedisServer s = startFromFile(ours, "--save", "", "--appendonly", "no", "--dir", tmp.toString(),
                "--daemonize", "no", "--loglevel", "warning");
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals("OK", j.configSet(set));
            assertEquals("OK", j.configRewrite());
        }
        String[] expected = normalize(Files.readString(theirs));
        String[] actual = normalize(Files.readString(ours));
        assertEquals(expected[0], actual[0], "lines before the generated section");
        assertEquals(expected[1], actual[1], "generated lines (Redis appends them in hash order)");
    }

    /**
     * DEBUG CONFIG-REWRITE-FORCE-ALL writes the directives at their defaults too: the same directive names as real
     * Redis's, and a server started from the file reads back the same configuration.
     */
    @Test
    void debugConfigRewriteForceAllWritesEveryDirective() throws Exception {
        Path theirs = Files.writeString(tmp.resolve("real.conf"), "");
        Path ours = Files.writeString(tmp.resolve("ours.conf"), "");
        try (RealRedis real = RealRedis.startWithConfig(theirs, "--enable-debug-command", "yes");
                RawClient r = new RawClient("127.0.0.1", real.port())) {
            assertEquals("OK", RawClient.text(r.call("DEBUG", "CONFIG-REWRITE-FORCE-ALL")));
        }
        Map<String, String> before;
        try (RedisServer s = startFromFile(ours, "--enable-debug-command", "yes", "--dir", tmp.toString());
                Jedis j = new Jedis("127.0.0.1", s.port());
                RawClient raw = new RawClient("127.0.0.1", s.port())) {
            before = j.configGet("*");
            assertEquals("OK", RawClient.text(raw.call("DEBUG", "CONFIG-REWRITE-FORCE-ALL")));
        }
        Set<String> written = directiveNames(Files.readString(ours));
        // jredis's own directive (the Prometheus endpoint), which Redis does not have.
        assertTrue(written.remove("metrics-port"));
        assertEquals(directiveNames(Files.readString(theirs)), written);
        try (RedisServer s = startFromFile(ours); Jedis j = new Jedis("127.0.0.1", s.port())) {
            Map<String, String> after = j.configGet("*");
            before.remove("port");
            after.remove("port");
            assertEquals(before, after);
        }
    }

    private static Set<String> directiveNames(String file) {
        Set<String> names = new java.util.TreeSet<>();
        for (String line : file.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split(" ", 2)[0]);
            }
        }
        return names;
    }

    /** Splits a rewritten file into its kept part and its sorted generated part, hiding port and dir. */
    private static String[] normalize(String text) {
        String cleaned = text.replaceAll("(?m)^port \\d+$", "port N").replaceAll("(?m)^dir \".*\"$", "dir D");
        int sig = cleaned.indexOf(ConfigRewrite.SIGNATURE);
        List<String> generated = new ArrayList<>(List.of(cleaned.substring(sig).split("\n")));
        generated.sort(null);
        return new String[] {cleaned.substring(0, sig), String.join("\n", generated)};
    }

    private static RedisServer startFromFile(Path file, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(file.toString(), "--port", "0", "--bind", "127.0.0.1"));
        args.addAll(List.of(options));
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(args), null);
        RedisServer s = new RedisServer(cfg, Log.silent());
        s.start();
        return s;
    }
}
