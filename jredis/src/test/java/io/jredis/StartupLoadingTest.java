package io.jredis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.persistence.PersistenceModule;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The jar loads its data as redis-server does: it listens and logs "Server initialized" first, answers -LOADING
 * while the RDB loads, exits at once without saving on SIGTERM meanwhile, and exits with status 1 after logging
 * when the file turns out damaged.
 */
class StartupLoadingTest {
    private static final Path JAR = Path.of(System.getProperty("jredis.jar", "target/jredis.jar"));
    private static final String LOADING = "-LOADING Redis is loading the dataset in memory\r\n";

    @TempDir
    Path dir;

    /** 2000 keys of 1100 random letters, saved to dir/dump.rdb by an in-process jredis. */
    private void writeRdb() throws Exception {
        ServerConfig cfg = new ServerConfig();
        cfg.find("bind").setFromString("127.0.0.1");
        cfg.find("port").setFromString("0");
        cfg.find("dir").setFromString(dir.toString());
        RedisServer s = new RedisServer(cfg, Log.open(dir.resolve("writer.log").toString(), "notice"));
        try {
            PersistenceModule.install(s);
            s.start();
            try (Jedis j = new Jedis("127.0.0.1", s.port(), 30_000)) {
                Random random = new Random(3);
                char[] value = new char[1100];
                String[] kv = new String[4000];
                for (int i = 0; i < 2000; i++) {
                    for (int k = 0; k < value.length; k++) {
                        value[k] = (char) ('a' + random.nextInt(26));
                    }
                    kv[2 * i] = "key:" + i;
                    kv[2 * i + 1] = new String(value);
                }
                j.mset(kv);
                assertEquals("OK", j.save());
            }
        } finally {
            s.close();
        }
    }

    private Process startJar(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    private static String get(int port) {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return new String(c.callRaw("GET".getBytes(StandardCharsets.US_ASCII),
                    "key:1".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void sigtermWhileLoadingExitsWithoutSavingTheHalfLoadedData() throws Exception {
        writeRdb();
        byte[] before = Files.readAllBytes(dir.resolve("dump.rdb"));
        int port = RealRedis.freePort();
        Path out = dir.resolve("out.txt");
        // 50 ms per key: the load lasts 100 s unless stopped.
        Process p = startJar(out, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "900", "1", "--key-load-delay", "50000", "--loading-process-events-interval-bytes", "1024");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!LOADING.equals(get(port))) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "no -LOADING; output: " + Files.readString(out));
                p.waitFor(20, TimeUnit.MILLISECONDS);
            }
            String log = Files.readString(out);
            int initialized = log.indexOf("# Server initialized");
            assertTrue(initialized >= 0 && initialized < log.indexOf("* Loading RDB produced by version 7.0.15"), log);
            assertFalse(log.contains("Ready to accept connections"), log);
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        String log = Files.readString(out);
        assertTrue(log.contains("Received SIGTERM scheduling shutdown..."), log);
        assertTrue(log.contains("# User requested shutdown..."), log);
        assertTrue(log.contains("# Redis is now ready to exit, bye bye..."), log);
        assertFalse(log.contains("Saving the final RDB snapshot"), log);
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("dump.rdb")));
    }

    @Test
    void aDamagedRdbEndsTheServerWithStatusOneAfterItListened() throws Exception {
        writeRdb();
        Path rdb = dir.resolve("dump.rdb");
        byte[] whole = Files.readAllBytes(rdb);
        Files.write(rdb, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path out = dir.resolve("out.txt");
        Process p = startJar(out, "--port", Integer.toString(RealRedis.freePort()), "--bind", "127.0.0.1", "--dir",
                dir.toString());
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "exits");
            assertEquals(1, p.exitValue());
        } finally {
            p.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        String log = Files.readString(out);
        assertTrue(log.contains("# Server initialized"), log);
        assertTrue(log.contains("# Short read or OOM loading DB. Unrecoverable error, aborting now."), log);
        assertFalse(log.contains("Ready to accept connections"), log);
        assertEquals(whole.length / 2, Files.size(rdb));
    }

    @Test
    void aDamagedRdbLogsWhatRedisLogsOnce() throws Exception {
        RealRedis.assumeInstalled();
        writeRdb();
        byte[] whole = Files.readAllBytes(dir.resolve("dump.rdb"));
        byte[] badSum = whole.clone();
        badSum[badSum.length - 1] ^= (byte) 0xff;
        for (byte[] file : List.of(java.util.Arrays.copyOf(whole, whole.length / 2), badSum)) {
            NodeFiles files = d -> Files.write(d.resolve("dump.rdb"), file);
            List<String> real = tailAfterStart(files, List.of(RealRedis.binary()));
            List<String> jredis = tailAfterStart(files, jarCommand());
            assertEquals(real, jredis);
            assertEquals(1, jredis.stream().filter(l -> l.startsWith("# Internal error in RDB reading")).count(),
                    jredis.toString());
        }
    }

    /**
     * A value whose encoding is broken (a listpack without its terminator) ends the load with the integrity check
     * Redis names, then Redis's "Terminating server after rdb file reading failure.".
     */
    @Test
    void aDamagedValueLogsTheFailedCheckAndTerminating() throws Exception {
        RealRedis.assumeInstalled();
        byte[] listpack = {13, 0, 0, 0, 2, 0, (byte) 0x81, 'f', 2, (byte) 0x81, 'v', 2, (byte) 0xfe};
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(new byte[] {(byte) 0xfe, 0, 16, 1, 'h', (byte) listpack.length});
        file.writeBytes(listpack);
        file.writeBytes(new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0});
        NodeFiles files = d -> Files.write(d.resolve("dump.rdb"), file.toByteArray());
        for (List<String> command : List.of(List.of(RealRedis.binary()), jarCommand())) {
            List<String> tail = tailAfterStart(files, command);
            assertEquals("# Terminating server after rdb file reading failure.", tail.get(tail.size() - 1),
                    tail.toString());
            assertTrue(tail.get(tail.size() - 2).startsWith("# Internal error in RDB reading offset ...: "),
                    tail.toString());
            assertTrue(tail.get(tail.size() - 2).contains("Hash listpack integrity check failed"), tail.toString());
        }
    }

    /**
     * An AOF or manifest Redis refuses: the server logs "Server initialized" first, then exactly Redis's lines (the
     * "FATAL AOF MANIFEST FILE ERROR" report, the loader's error), each once, and exits with status 1.
     */
    @Test
    void aBrokenAofLogsWhatRedisLogsOnce() throws Exception {
        RealRedis.assumeInstalled();
        String set = "*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$5\r\nhello\r\n";
        String incr1 = "file appendonly.aof.1.incr.aof seq 1 type i\n";
        List<List<String>> cases = List.of(
                List.of(incr1, set + "!!!" + set),
                List.of(incr1, set + "*1\r\n$5\r\nmulti\r\n" + set),
                List.of(incr1, set + set.substring(0, set.length() - 1)),
                List.of(incr1, "*2\r\n$5\r\nnosuc\r\n$1\r\nx\r\n"),
                List.of("file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.1.incr.aof seq 1 type i\n", set),
                List.of("# comment\nfile appendonly.aof.1.base.aof seq 1 type b\n\nfile x seq 1 type i\n", set),
                List.of("file appendonly.aof.1.incr.aof seq 1 type i", set),
                List.of("file appendonlydir/x seq 1 type i\n", set),
                List.of("", set),
                List.of(incr1 + "file appendonly.aof.2.incr.aof seq 2 type i\n", set));
        for (List<String> c : cases) {
            NodeFiles files = d -> {
                Path aof = Files.createDirectories(d.resolve("appendonlydir"));
                Files.writeString(aof.resolve("appendonly.aof.manifest"), c.get(0));
                Files.writeString(aof.resolve("appendonly.aof.1.incr.aof"), c.get(1));
            };
            List<String> real = tailAfterStart(files, List.of(RealRedis.binary()), "--appendonly", "yes",
                    "--aof-load-truncated", "no");
            List<String> jredis = tailAfterStart(files, jarCommand(), "--appendonly", "yes",
                    "--aof-load-truncated", "no");
            assertEquals(real, jredis, c.toString());
        }
    }

    private static List<String> jarCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-jar", JAR.toString());
    }

    /** What a test puts in a node's directory before it starts. */
    private interface NodeFiles {
        void write(Path dir) throws IOException;
    }

    /**
     * Starts {@code command} in a new directory {@code files} fills, waits for it to exit with status 1, and
     * returns its log after "Server initialized", without the pid/time prefix: Redis's system warnings left out,
     * the RDB's age and the error report's location (Redis's C source line, jredis's file and offset) blanked.
     */
    private List<String> tailAfterStart(NodeFiles files, List<String> command, String... args) throws Exception {
        Path d = Files.createTempDirectory(dir, "node");
        files.write(d);
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--port", Integer.toString(RealRedis.freePort()), "--bind", "127.0.0.1", "--save", "",
                "--dir", d.toString(), "--logfile", d.resolve("log").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectErrorStream(true)
                .redirectOutput(d.resolve("out.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "exits");
            assertEquals(1, p.exitValue());
        } finally {
            p.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(d.resolve("log"));
        List<String> tail = new ArrayList<>();
        boolean started = false;
        for (String line : lines) {
            // "pid:role dd Mon yyyy hh:mm:ss.mmm <level> message"
            String msg = line.replaceFirst("^\\d+:[A-Z] \\d+ \\w+ \\d+ [\\d:.]+ ", "");
            if (started && !msg.startsWith("# WARNING")) {
                tail.add(msg.replaceFirst("RDB age \\d+ seconds", "RDB age N seconds")
                        .replaceFirst("reading offset .*(:| ->) ", "reading offset ...: "));
            }
            started |= msg.equals("# Server initialized");
        }
        return tail;
    }
}
