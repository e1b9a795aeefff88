package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.Sockets;
import io.jredis.server.testing.Threads;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class EmbeddedRedisTest {
    @TempDir
    Path dir;

    @Test
    void twoServersAtOnceAreIndependent() {
        try (EmbeddedRedis a = EmbeddedRedis.builder().build().start();
                EmbeddedRedis b = EmbeddedRedis.builder().build().start()) {
            assertNotEquals(a.port(), b.port());
            assertEquals("127.0.0.1", a.host());
            assertEquals("redis://127.0.0.1:" + a.port(), a.uri());
            try (Jedis ja = new Jedis(a.host(), a.port()); Jedis jb = new Jedis(b.host(), b.port())) {
                ja.set("only-in", "a");
                jb.set("only-in", "b");
                assertEquals("a", ja.get("only-in"));
                assertEquals("b", jb.get("only-in"));
                ja.set("a-only", "1");
                assertNull(jb.get("a-only"));
            }
            RedisClient lettuce = RedisClient.create(b.uri());
            try (StatefulRedisConnection<String, String> conn = lettuce.connect()) {
                assertEquals("PONG", conn.sync().ping());
                assertEquals("OK", conn.sync().set("from", "lettuce"));
                assertEquals("lettuce", conn.sync().get("from"));
            } finally {
                lettuce.shutdown(0, 5, TimeUnit.SECONDS);
            }
            assertEquals("lettuce", getOnce(b, "from"));
            assertNull(getOnce(a, "from"));
        }
    }

    @Test
    void closeLeavesNothingBehind() throws Exception {
        // JVM-wide lazy resources appear with the first server and the first client socket (Netty's and the JIT's
        // threads, the JDK socket dispatcher's pre-close descriptor); only the second server's must vanish.
        try (EmbeddedRedis warm = EmbeddedRedis.builder().build().start();
                Jedis w = new Jedis(warm.host(), warm.port())) {
            assertEquals("PONG", w.ping());
        }
        Set<String> threadsBefore = Threads.liveNames();
        List<String> fdsBefore = openFiles();
        Path log = dir.resolve("embedded.log");

        EmbeddedRedis redis = EmbeddedRedis.builder().setting("logfile", log.toString()).setting("dir", dir.toString())
                .quiet(false).build().start();
        int port = redis.port();
        try (Jedis jedis = new Jedis(redis.host(), port)) {
            assertEquals("OK", jedis.set("k", "v"));
            assertNotEquals(threadsBefore, Threads.liveNames());
            if (fdsBefore != null) {
                assertFalse(Sockets.openServerSockets(port).isEmpty(), "the server's sockets are seen");
            }
            redis.close();
            assertThrows(JedisConnectionException.class, jedis::ping, "open connections are closed");
        }
        assertFalse(redis.isRunning());

        try (Socket probe = new Socket()) {
            assertThrows(IOException.class, () -> probe.connect(new InetSocketAddress("127.0.0.1", port), 1000),
                    "nobody listens on the port");
        }
        try (ServerSocket reuse = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, reuse.getLocalPort(), "the port is free again");
        }
        assertEventually(() -> threadsBefore.containsAll(Threads.liveNames()),
                () -> "threads left: " + Threads.liveNames() + " before: " + threadsBefore);
        if (fdsBefore != null) {
            // Sockets are matched by the server's port: an earlier test class's client may still be closing its own.
            assertEventually(() -> withoutSockets(openFiles()).size() <= withoutSockets(fdsBefore).size(),
                    () -> "open files now: " + openFiles() + "\nbefore: " + fdsBefore);
            assertEventually(() -> Sockets.openServerSockets(port).isEmpty(),
                    () -> "sockets on port " + port + " still open: " + Sockets.openServerSockets(port));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("embedded.log"), files.map(f -> f.getFileName().toString()).toList());
        }
        assertTrue(Files.readString(log).contains(" * Ready to accept connections\n"));
        redis.close();
    }

    @Test
    void onlyDirectivesNoModuleActsOnAreReportedAsNotImplemented() throws Exception {
        Path log = dir.resolve("warnings.log");
        try (EmbeddedRedis redis = EmbeddedRedis.builder().setting("logfile", log.toString())
                .setting("dir", dir.toString()).setting("appendonly", "yes").setting("save", "900", "1")
                .setting("repl-diskless-sync", "no").setting("syslog-enabled", "yes")
                .setting("sanitize-dump-payload", "yes").setting("lazyfree-lazy-expire", "yes")
                .setting("lazyfree-lazy-user-del", "yes").setting("lazyfree-lazy-user-flush", "yes")
                .setting("oom-score-adj", "no").setting("oom-score-adj-values", "0", "200", "800")
                .setting("shutdown-timeout", "5").setting("shutdown-on-sigint", "default")
                .setting("shutdown-on-sigterm", "default").setting("latency-tracking-info-percentiles", "50", "99")
                .setting("stream-node-max-bytes", "4096").setting("stream-node-max-entries", "100")
                .setting("client-output-buffer-limit", "pubsub", "32mb", "8mb", "60")
                .setting("use-exit-on-panic", "no").setting("bind-source-addr", "127.0.0.1")
                .quiet(false).build().start()) {
            assertEquals("yes", getConfig(redis, "appendonly"));
        }
        String text = Files.readString(log);
        assertTrue(text.contains("Config directive 'syslog-enabled' is accepted but not implemented yet"), text);
        // Directives jredis acts on must not be reported as ignored: operators would believe their setting is lost.
        for (String implemented : List.of("appendonly", "save", "repl-diskless-sync", "logfile", "dir",
                "sanitize-dump-payload", "lazyfree-lazy-expire", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush",
                "oom-score-adj", "oom-score-adj-values", "shutdown-timeout", "shutdown-on-sigint",
                "shutdown-on-sigterm", "latency-tracking-info-percentiles", "stream-node-max-bytes",
                "stream-node-max-entries", "client-output-buffer-limit", "use-exit-on-panic", "bind-source-addr")) {
            assertFalse(text.contains("'" + implemented + "' is accepted but not implemented"), text);
        }
    }

    private static String getConfig(EmbeddedRedis redis, String name) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            return jedis.configGet(name).get(name);
        }
    }

    @Test
    void settingsOverrideTheConfigFile() throws Exception {
        int filePort = RealRedis.freePort();
        Path conf = Files.writeString(dir.resolve("redis.conf"), "databases 2\nport " + filePort + "\n");
        try (EmbeddedRedis fromFile = EmbeddedRedis.builder().configFile(conf).build().start();
                EmbeddedRedis overridden = EmbeddedRedis.builder().configFile(conf).port(0)
                        .setting("databases", "4").build().start()) {
            assertEquals(filePort, fromFile.port());
            assertNotEquals(filePort, overridden.port());
            try (Jedis a = new Jedis(fromFile.host(), fromFile.port());
                    Jedis b = new Jedis(overridden.host(), overridden.port())) {
                JedisDataException e = assertThrows(JedisDataException.class, () -> a.select(3));
                assertEquals("ERR DB index is out of range", e.getMessage());
                assertEquals("OK", b.select(3));
            }
        }
    }

    @Test
    void badSettingsAreRejectedWithRedisReasons() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedRedis.builder().setting("no-such-directive", "1").build());
        assertEquals("Invalid setting 'no-such-directive 1': Bad directive or wrong number of arguments",
                e.getMessage());
        Path conf = Files.writeString(dir.resolve("bad.conf"), "port 0\nfoo bar\n");
        e = assertThrows(IllegalArgumentException.class, () -> EmbeddedRedis.builder().configFile(conf).build());
        assertEquals("Bad config file '" + conf + "', line 2 'foo bar': Bad directive or wrong number of arguments",
                e.getMessage());
    }

    @Test
    void portInUseFailsStartAndReleasesEverything() throws Exception {
        Set<String> threadsBefore = Threads.liveNames();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedRedis redis = EmbeddedRedis.builder().port(taken.getLocalPort()).build();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, redis::start);
            assertEquals("Warning: Could not create server TCP listening socket 127.0.0.1:" + taken.getLocalPort()
                    + ": bind: Address already in use\nFailed listening on port " + taken.getLocalPort()
                    + " (TCP), aborting.", e.getMessage());
            redis.close();
        }
        assertEventually(() -> threadsBefore.containsAll(Threads.liveNames()),
                () -> "threads left: " + Threads.liveNames());
    }

    @Test
    void aServerRunsOnce() {
        EmbeddedRedis redis = EmbeddedRedis.builder().build();
        assertThrows(IllegalStateException.class, redis::port, "not started");
        redis.start();
        assertThrows(IllegalStateException.class, redis::start);
        redis.close();
        redis.close();
        assertThrows(IllegalStateException.class, redis::start);
        assertThrows(IllegalStateException.class, redis::port);
    }

    private static String getOnce(EmbeddedRedis redis, String key) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            return jedis.get(key);
        }
    }

    /** What this JVM's file descriptors point to on Linux (files, sockets, pipes), or null without /proc. */
    private static List<String> openFiles() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return null;
        }
        try (var list = Files.list(fds)) {
            return list.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "closed while listing";
                }
            }).filter(t -> !t.equals("closed while listing")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> withoutSockets(List<String> files) {
        return files.stream().filter(f -> !f.startsWith("socket:")).toList();
    }

    private static void assertEventually(Supplier<Boolean> condition, Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
