package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jredis.server.config.ServerConfig;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Runs the built {@code jredis.jar} as a child process, as a user or a script would. */
class MainCommandLineTest {
    private static final Path JAR = Path.of(System.getProperty("jredis.jar", "target/jredis.jar"));
    private static final long TIMEOUT_SECONDS = 60;
    private static final String REPORT_HEAD = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n";

    @TempDir
    Path dir;

    @Test
    void configFileWithCommandLineOverrides() throws Exception {
        int port = RealRedis.freePort();
        Path log = dir.resolve("jredis.log");
        Path pid = dir.resolve("jredis.pid");
        Path conf = write("redis.conf", "port 1\nloglevel warning\nlogfile " + log + "\n");
        try (Server s = Server.start(this, null, log, conf.toString(), "--port", Integer.toString(port),
                "--loglevel", "notice", "--pidfile", pid.toString())) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("PONG", jedis.ping());
                assertEquals("OK", jedis.set("greeting", "hello"));
                assertEquals("hello", jedis.get("greeting"));
            }
            String text = Files.readString(log);
            assertTrue(text.contains(" # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"), text);
            assertTrue(text.contains("Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid="
                    + s.process.pid() + ", just started"), text);
            assertTrue(text.matches("(?s).*" + s.process.pid() + ":C \\d\\d \\w{3} \\d{4} [0-9:.]{12} # Configuration "
                    + "loaded\n.*"), text);
            assertTrue(text.contains(":M ") && text.contains(" * Running mode=standalone, port=" + port + ".\n"), text);
            assertTrue(text.contains(" # Server initialized\n"), text);
            assertEquals(s.process.pid() + "\n", Files.readString(pid));

            assertEquals(0, s.stop());
            text = Files.readString(log);
            assertTrue(text.contains(s.process.pid() + ":signal-handler ("), text);
            assertTrue(text.contains(") Received SIGTERM scheduling shutdown...\n"), text);
            assertTrue(text.contains(" # User requested shutdown...\n"), text);
            assertTrue(text.contains(" * Removing the pid file.\n"), text);
            assertTrue(text.endsWith(" # Redis is now ready to exit, bye bye...\n"), text);
            assertFalse(Files.exists(pid), "pid file removed at shutdown");
        }
    }

    /**
     * A fresh JVM commits its initial heap without touching it. INFO's allocator figures count the committed heap only
     * as far as it is resident, as jemalloc's resident pages always cover its active ones on redis-server: before, a
     * fresh server reported allocator_rss_bytes of minus several hundred megabytes.
     */
    @Test
    void infoMemoryCountsNoMoreActiveThanResidentMemory() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, List.of("-Xms1g"), null, null, "--port", Integer.toString(port), "--save",
                "");
                Jedis jedis = new Jedis("127.0.0.1", port)) {
            Map<String, String> info = new java.util.HashMap<>();
            for (String line : jedis.info("memory").split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    info.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
            String figures = info.toString();
            assertTrue(Long.parseLong(info.get("allocator_active")) <= Long.parseLong(info.get("allocator_resident")),
                    figures);
            assertTrue(Long.parseLong(info.get("allocator_rss_bytes")) >= 0, figures);
            assertTrue(Double.parseDouble(info.get("allocator_rss_ratio")) >= 1.0, figures);
        }
    }

    /**
     * A plain {@code java -jar} runs G1, which kept what a burst of large values made it commit for as long as the
     * server stayed quiet; {@link G1HeapTrim} has it give the memory back. The burst lasts a few of the trim's checks,
     * each with fewer commands than a busy one but megabytes of input: a trim started during it took the values still
     * arriving for live data, and the memory came back only after the trims' cooldown, or not at all.
     */
    @Test
    void aQuietServerOnG1GivesBackWhatABurstCommitted() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, List.of("-XX:+UseG1GC", "-Xms64m"), null, null, "--port",
                Integer.toString(port), "--save", "");
                Jedis jedis = new Jedis("127.0.0.1", port)) {
            byte[] value = new byte[1 << 20];
            long burstEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (int i = 0; i < 300 || System.nanoTime() < burstEnd; i++) {
                jedis.set(("big:" + i % 300).getBytes(StandardCharsets.UTF_8), value);
            }
            long burst = residentKb(s.process);
            assertTrue(burst > 300 * 1024, "resident after the burst: " + burst + " KB");
            assertEquals("OK", jedis.flushAll());
            // Within G1HeapTrim's cooldown, which a trim started during the burst made the next one wait for.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(G1HeapTrim.COOLDOWN_MS - 5_000);
            long rss = burst;
            while (rss > 200 * 1024 && System.nanoTime() < deadline) {
                s.process.waitFor(100, TimeUnit.MILLISECONDS);
                rss = residentKb(s.process);
            }
            assertTrue(rss <= 200 * 1024, "resident " + (G1HeapTrim.COOLDOWN_MS / 1000 - 5)
                    + " s after the burst was deleted: " + rss + " KB (" + burst + " KB after the burst)");
        }
    }

    private static long residentKb(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + p.pid());
    }

    /**
     * A signal's shutdown starts from the cron, as Redis's shutdown_asap: while DEBUG PAUSE-CRON holds it, SHUTDOWN
     * ABORT cancels it, and the server goes on.
     */
    @Test
    void shutdownAbortCancelsASignalsPendingShutdown() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, null, null, "--port", Integer.toString(port), "--save", "",
                "--enable-debug-command", "yes");
                RawClient c = new RawClient("127.0.0.1", port)) {
            assertEquals("OK", RawClient.text(c.call("DEBUG", "PAUSE-CRON", "1")));
            s.process.destroy();
            awaitOutput(s, ") Received SIGTERM scheduling shutdown...");
            assertEquals("OK", RawClient.text(c.call("SHUTDOWN", "ABORT")));
            awaitOutput(s, " * Shutdown manually aborted.");
            assertEquals("OK", RawClient.text(c.call("DEBUG", "PAUSE-CRON", "0")));
            assertEquals("PONG", RawClient.text(c.call("PING")));
            assertEquals("(error) ERR No shutdown in progress.", RawClient.text(c.call("SHUTDOWN", "ABORT")));
            assertTrue(s.process.isAlive());
            // The aborted request is forgotten: the next SIGINT is a first one, a clean shutdown.
            signal("INT", s.process);
            assertTrue(s.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "jredis exits after SIGINT");
            assertEquals(0, s.process.exitValue());
            assertFalse(s.stdout().contains("You insist"), s.stdout());
        }
    }

    /**
     * A second SIGINT while the shutdown's save runs exits at once with status 1 and deletes the save's temp file
     * (Redis's temp-PID.rdb), as Redis's signal handler does.
     */
    @Test
    void secondSigintDuringTheShutdownSaveExitsAndDeletesTheTempFile() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, null, null, "--port", Integer.toString(port), "--dir", dir.toString(),
                "--save", "3600 1");
                RawClient c = new RawClient("127.0.0.1", port)) {
            for (int i = 0; i < 20; i++) {
                c.call("SET", "k" + i, "v");
            }
            assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "rdb-key-save-delay", "1000000")));
            Path temp = dir.resolve("temp-" + s.process.pid() + ".rdb");
            signal("INT", s.process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!Files.exists(temp)) {
                assertTrue(System.nanoTime() < deadline, "the shutdown's save did not start");
                s.process.waitFor(10, TimeUnit.MILLISECONDS);
            }
            signal("INT", s.process);
            assertTrue(s.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "jredis exits on the second SIGINT");
            assertEquals(1, s.process.exitValue());
            assertFalse(Files.exists(temp), "temp file deleted");
            assertTrue(s.stdout().contains(") You insist... exiting now.\n"), s.stdout());
        }
    }

    private static void signal(String name, Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor());
    }

    private static void awaitOutput(Server s, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!s.stdout().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in " + s.stdout());
            s.process.waitFor(10, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * daemonize yes, as Redis's daemonize(): the command returns status 0 at once, printing nothing, while the server
     * goes on in another process that writes its pid file and log and answers clients, until SHUTDOWN.
     */
    @Test
    void daemonizeReturnsAndTheServerGoesOnInTheBackground() throws Exception {
        int port = RealRedis.freePort();
        Path pid = dir.resolve("daemon.pid");
        Path log = dir.resolve("daemon.log");
        Result r = exec(java("--daemonize", "yes", "--port", Integer.toString(port), "--pidfile", pid.toString(),
                "--logfile", log.toString(), "--save", ""), null);
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.stdout + r.stderr);
        Await.until("the daemon's pid file", (int) TIMEOUT_SECONDS, () -> Files.exists(pid) && readable(pid));
        ProcessHandle daemon = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).orElseThrow();
        try {
            Await.until("the daemon ready", (int) TIMEOUT_SECONDS,
                    () -> readable(log) && read(log).contains("Ready to accept connections"));
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                assertEquals(Long.toString(daemon.pid()), RawClient.infoValue(c.info("server"), "process_id"));
                c.send(RawClient.encode(RawClient.args("SHUTDOWN", "NOSAVE")));
            }
            Await.until("the daemon gone", (int) TIMEOUT_SECONDS, () -> !daemon.isAlive());
            assertFalse(Files.exists(pid), "SHUTDOWN removes the pid file");
        } finally {
            daemon.destroyForcibly();
        }
    }

    /**
     * supervised systemd, as a Type=notify unit runs Redis: the sd_notify datagrams go to NOTIFY_SOCKET (loading,
     * then ready once clients are served, then stopping on SIGTERM), INFO says so, and daemonize yes is ignored.
     */
    @Test
    void supervisedBySystemdNotifiesReadyAndStopping() throws Exception {
        io.netty.channel.epoll.Epoll.ensureAvailability();
        Path socketPath = dir.resolve("notify.sock");
        io.netty.channel.unix.Socket notifications = io.netty.channel.unix.Socket.newSocketDomainDgram();
        notifications.bind(new io.netty.channel.unix.DomainSocketAddress(socketPath.toString()));
        int port = RealRedis.freePort();
        Path out = dir.resolve("supervised.out");
        ProcessBuilder pb = new ProcessBuilder(java("--port", Integer.toString(port), "--supervised", "systemd",
                "--daemonize", "yes", "--save", "")).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectErrorStream(true);
        pb.environment().put("NOTIFY_SOCKET", socketPath.toString());
        Process p = start(pb, null);
        List<String> received = new ArrayList<>();
        try {
            Await.until("READY=1", (int) TIMEOUT_SECONDS, () -> receive(notifications, received)
                    .contains("READY=1\n"));
            assertEquals(List.of("STATUS=Redis is loading...\n", "STATUS=Ready to accept connections\n",
                    "READY=1\n"), received);
            assertTrue(p.isAlive(), "a supervised server stays in the foreground");
            assertTrue(read(out).contains("Supervised by systemd."), read(out));
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                assertEquals("systemd", RawClient.infoValue(c.info("server"), "process_supervised"));
            }
            p.destroy();
            Await.until("STOPPING=1", (int) TIMEOUT_SECONDS, () -> receive(notifications, received)
                    .contains("STOPPING=1\n"));
            assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
            notifications.close();
        }
    }

    /** Appends the datagrams waiting on {@code socket} to {@code into}, and returns it. */
    private static List<String> receive(io.netty.channel.unix.Socket socket, List<String> into) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(4096);
        try {
            io.netty.channel.unix.DomainDatagramSocketAddress from;
            while ((from = socket.recvFromDomainSocket(buf, 0, buf.capacity())) != null) {
                byte[] b = new byte[from.receivedAmount()];
                buf.get(0, b);
                into.add(new String(b, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return into;
    }

    /**
     * A dataset that outgrows the JVM's heap: without maxmemory, writes are refused with Redis's OOM error once used
     * memory reaches 90% of the heap, instead of an OutOfMemoryError killing the event loop (which left a process
     * that answered nothing and ignored SIGTERM); reads, DEL and a new write after it work.
     */
    @Test
    void aDatasetAtTheHeapLimitRefusesWritesAndKeepsServing() throws Exception {
        int port = RealRedis.freePort();
        Path log = dir.resolve("heap.log");
        try (Server s = Server.start(this, List.of("-Xmx96m"), null, log, "--port", Integer.toString(port),
                "--logfile", log.toString(), "--save", "");
                RawClient c = new RawClient("127.0.0.1", port)) {
            String value = "v".repeat(10_000);
            int stored = 0;
            Object reply = "OK";
            while (stored < 20_000 && "OK".equals(RawClient.text(reply))) {
                reply = c.call("SET", "key:" + stored, value);
                stored++;
            }
            assertEquals("(error) OOM command not allowed when used memory > 'maxmemory'.", RawClient.text(reply));
            assertEquals("PONG", RawClient.text(c.call("PING")));
            assertEquals(value, RawClient.text(c.call("GET", "key:0")));
            assertEquals("0", RawClient.infoValue(c.info("memory"), "maxmemory"));
            assertTrue(read(log).contains("reached 90% of the JVM's maximum heap"), read(log));
            for (int i = 0; i < stored / 2; i++) {
                c.call("DEL", "key:" + i);
            }
            assertEquals("OK", RawClient.text(c.call("SET", "after", value)));
            assertEquals(0, s.stop());
        }
    }

    private static boolean readable(Path p) {
        return Files.exists(p) && !read(p).isBlank();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** Redis chdirs into {@code dir} while reading its config: relative logfile and pidfile names land there. */
    @Test
    void relativeLogfileAndPidfileAreInDir() throws Exception {
        int port = RealRedis.freePort();
        Path data = Files.createDirectory(dir.resolve("data"));
        Path conf = write("redis.conf", "logfile log.txt\npidfile p.pid\ndir data\nport " + port + "\n");
        try (Server s = Server.start(this, null, data.resolve("log.txt"), conf.toString())) {
            assertEquals(s.process.pid() + "\n", Files.readString(data.resolve("p.pid")));
            assertFalse(Files.exists(dir.resolve("log.txt")), "no log file in the working directory");
            assertEquals(0, s.stop());
        }
    }

    @Test
    void emptySaveAndAppendonlyOverrides() throws Exception {
        ServerConfig known = new ServerConfig();
        assumeTrue(known.find("save") != null && known.find("appendonly") != null,
                "the save and appendonly directives are not in this build's config yet");
        int port = RealRedis.freePort();
        Path data = Files.createDirectory(dir.resolve("data"));
        Path conf = write("redis.conf", "save 900 1\nappendonly yes\ndir " + data + "\n");
        try (Server s = Server.start(this, null, null, conf.toString(), "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no")) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("OK", jedis.set("k", "v"));
                assertEquals(Map.of("save", ""), jedis.configGet("save"));
                assertEquals(Map.of("appendonly", "no"), jedis.configGet("appendonly"));
            }
            assertEquals(0, s.stop());
        }
        try (var files = Files.list(data)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).toList(), "no RDB or AOF written");
        }
    }

    @Test
    void alwaysShowLogoPrintsTheBannerWithPortAndPid() throws Exception {
        int port = RealRedis.freePort();
        Path log = dir.resolve("jredis.log");
        Path conf = write("redis.conf", "always-show-logo yes\nlogfile " + log + "\n");
        try (Server s = Server.start(this, null, log, conf.toString(), "--port", Integer.toString(port))) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("PONG", jedis.ping());
            }
            String text = Files.readString(log);
            assertTrue(text.contains("           Redis 7.0.15 (00000000/0) 64 bit\n"), text);
            assertTrue(text.contains("    Running in standalone mode\n"), text);
            assertTrue(text.contains("    Port: " + port + "\n"), text);
            assertTrue(text.contains("    PID: " + s.process.pid() + "\n"), text);
            assertFalse(text.contains("Running mode="), text);
            assertEquals(0, s.stop());
        }
    }

    @Test
    void configFileThenStdinThenOptions() throws Exception {
        int port = RealRedis.freePort();
        Path log = dir.resolve("jredis.log");
        Path conf = write("redis.conf", "port 1\nloglevel warning\n");
        String stdin = "port 2\nlogfile " + log + "\nloglevel notice\n";
        try (Server s = Server.start(this, stdin, log, conf.toString(), "--port", Integer.toString(port), "-")) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("PONG", jedis.ping());
            }
            assertTrue(Files.readString(log).contains("Running mode=standalone, port=" + port + "."));
            assertTrue(s.stdout().matches(s.process.pid() + ":C .* # Reading config from stdin\n"), s.stdout());
            assertEquals(0, s.stop());
        }
    }

    @Test
    void configFromStdinOnly() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, "port " + port + "\nbind 127.0.0.1\n", null, "-")) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("OK", jedis.set("k", "v"));
                assertEquals("v", jedis.get("k"));
            }
            assertTrue(s.stdout().contains(" * Ready to accept connections\n"), s.stdout());
            assertEquals(0, s.stop());
        }
    }

    @Test
    void optionValuesMayStartWithADash() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, null, null, "--bind", "127.0.0.1", "-::1", "--port",
                Integer.toString(port))) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("PONG", jedis.ping());
            }
            assertEquals(0, s.stop());
        }
    }

    @Test
    void versionPrintsRedisServerLineFirst() throws Exception {
        for (String flag : List.of("--version", "-v")) {
            Result r = run(null, flag);
            assertEquals(0, r.exit, r.toString());
            String[] lines = r.stdout.split("\n");
            assertTrue(lines[0].matches("Redis server v=7\\.0\\.15 sha=00000000:0 malloc=libc bits=64 build=[0-9a-f]{16}"),
                    r.stdout);
            assertTrue(lines[1].startsWith("jredis 0.1.0"), r.stdout);
            assertEquals("", r.stderr);
        }
    }

    @Test
    void helpPrintsUsage() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            Result r = run(null, flag);
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.stdout.startsWith("Usage: java -jar jredis.jar [/path/to/redis.conf] [options] [-]\n"
                    + "       java -jar jredis.jar - (read config from stdin)\n"), r.stdout);
            assertTrue(r.stdout.contains("\nExamples:\n"), r.stdout);
            assertTrue(r.stdout.contains("java -jar jredis.jar /etc/sentinel.conf --sentinel"), r.stdout);
        }
    }

    /** SIGTERM shuts down with shutdown-on-sigterm's flags: NOSAVE skips the final save the save points ask for. */
    @Test
    void sigtermUsesShutdownOnSigtermFlags() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, null, null, "--port", Integer.toString(port), "--save", "3600 1",
                "--shutdown-on-sigterm", "nosave")) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("OK", jedis.set("k", "v"));
            }
            assertEquals(0, s.stop());
            assertFalse(s.stdout().contains("Saving the final RDB snapshot"), s.stdout());
            assertTrue(s.stdout().endsWith(" # Redis is now ready to exit, bye bye...\n"), s.stdout());
            assertFalse(Files.exists(dir.resolve("dump.rdb")));
        }
    }

    @Test
    void sentinelModeStartsWithTheFlagAnywhere() throws Exception {
        int masterPort = RealRedis.freePort();
        for (boolean flagFirst : new boolean[] {true, false}) {
            Path conf = write("sentinel" + flagFirst + ".conf", "sentinel monitor mymaster 127.0.0.1 " + masterPort
                    + " 2\n");
            int port = RealRedis.freePort();
            String[] args = flagFirst
                    ? new String[] {"--sentinel", conf.toString(), "--port", Integer.toString(port)}
                    : new String[] {conf.toString(), "--port", Integer.toString(port), "--sentinel"};
            try (Server s = Server.start(this, null, null, args)) {
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    assertEquals("[sentinel, [mymaster]]", RespParser.toText(c.call("ROLE")));
                    assertEquals("[127.0.0.1, " + masterPort + "]",
                            RespParser.toText(c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")));
                }
                assertTrue(s.stdout().contains("Running mode=sentinel, port=" + port + "."), s.stdout());
                assertEquals(0, s.stop());
                assertTrue(s.stdout().endsWith(" # Sentinel is now ready to exit, bye bye...\n"), s.stdout());
            }
            // Sentinel saves its state in the config file, so a restart keeps its identity.
            assertTrue(Files.readString(conf).contains("sentinel myid "), Files.readString(conf));
        }
    }

    /**
     * DEBUG SEGFAULT, as a failover drill crashes a node: the process ends at once after the bug report, with the
     * status of a process killed by SIGSEGV (redis-server's, 139), and DEBUG PANIC with use-exit-on-panic exits 1.
     */
    @Test
    void debugSegfaultAndPanicEndTheProcessAsRedisDoes() throws Exception {
        for (String[] how : new String[][] {{"segfault", "no", "139"}, {"panic", "yes", "1"}}) {
            int port = RealRedis.freePort();
            try (Server s = Server.start(this, null, null, "--port", Integer.toString(port), "--save", "",
                    "--enable-debug-command", "yes", "--use-exit-on-panic", how[1])) {
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    c.send(("DEBUG " + how[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertTrue(s.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "jredis ended");
                }
                assertEquals(Integer.parseInt(how[2]), s.process.exitValue(), s.stdout());
                assertTrue(s.stdout().contains("=== REDIS BUG REPORT END"), s.stdout());
                assertFalse(s.stdout().contains("ready to exit"), "no shutdown: " + s.stdout());
            }
        }
    }

    @Test
    void sentinelWithoutConfigFileExits() throws Exception {
        Result r = run(null, "--sentinel");
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stdout.matches("\\d+:X \\d\\d \\w{3} \\d{4} [0-9:.]{12} # Sentinel needs config file on disk "
                + "to save state\\. Exiting\\.\\.\\.\n"), r.stdout);
    }

    /**
     * A Sentinel, and a server listening on a unix socket only, log what redis-sentinel and redis-server log from
     * start to SIGTERM: a Sentinel no "Server initialized" and no "Ready to accept connections" (it logged both), a
     * server without a TCP port the socket's ready line instead, and the socket's removal at shutdown.
     */
    @Test
    void sentinelAndUnixSocketServerLogTheLinesRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        for (String mode : List.of("sentinel", "unixsocket", "replica")) {
            List<List<String>> logs = new ArrayList<>();
            for (boolean real : new boolean[] {true, false}) {
                Path home = Files.createDirectories(dir.resolve(mode + "-" + (real ? "real" : "jredis")));
                List<String> args = new ArrayList<>();
                if (mode.equals("sentinel")) {
                    Path conf = home.resolve("sentinel.conf");
                    Files.writeString(conf, "port " + RealRedis.freePort() + "\nsentinel monitor mymaster 127.0.0.1 "
                            + RealRedis.freePort() + " 2\n");
                    args.addAll(List.of(conf.toString(), "--sentinel"));
                } else if (mode.equals("replica")) {
                    // Ready to accept connections before the first attempt to reach the master.
                    args.addAll(List.of("--port", Integer.toString(RealRedis.freePort()), "--save", "",
                            "--replicaof", "127.0.0.1", Integer.toString(RealRedis.freePort())));
                } else {
                    args.addAll(List.of("--port", "0", "--unixsocket", home.resolve("redis.sock").toString(),
                            "--save", ""));
                }
                List<String> cmd = new ArrayList<>();
                if (real) {
                    cmd.add(RealRedis.binary());
                    cmd.addAll(args);
                } else {
                    cmd.addAll(java(args.toArray(String[]::new)));
                }
                String ready = switch (mode) {
                    case "sentinel" -> "+monitor master";
                    case "replica" -> "Error condition on socket for SYNC";
                    default -> "ready to accept connections at";
                };
                logs.add(messages(runUntilTerminated(cmd, home, ready).replace(home.toString(), "<home>")));
            }
            assertEquals(logs.get(0), logs.get(1), mode + ": redis-server's log, then jredis's");
        }
    }

    /** Runs {@code cmd} in {@code home} until its output shows {@code ready}, then stops it with SIGTERM. */
    private static String runUntilTerminated(List<String> cmd, Path home, String ready) throws Exception {
        Path out = home.resolve("stdout.txt");
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            Await.until(cmd.get(0) + " logs '" + ready + "'", (int) TIMEOUT_SECONDS,
                    () -> read(out).contains(ready));
            p.destroy();
            assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), Files.readString(out));
            return Files.readString(out);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A log's messages with their role (a replica's is S from the start) and level marks, numbers and run ids
     * masked; warnings about the machine or the JVM, which differ between the two, and the signal handler's line
     * (its own format) left out.
     */
    private static List<String> messages(String log) {
        return RedisLog.messages(log).stream().filter(m -> !m.contains("WARNING")).toList();
    }

    /**
     * A config file Sentinel cannot write makes it exit 1, as Redis does. Root may write any file, so then the jar
     * runs as nobody (setpriv), like the real redis-sentinel the test checks first.
     */
    @Test
    void sentinelWithReadOnlyConfigFileExits() throws Exception {
        Path conf = write("ro.conf", "port " + RealRedis.freePort() + "\n");
        Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> asUser = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            assumeTrue(RealRedis.onPath("setpriv") != null, "running as root without setpriv: every file is writable");
            asUser.addAll(List.of(RealRedis.onPath("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        String line = " # Sentinel config file " + conf + " is not writable: Permission denied. Exiting...\n";
        if (RealRedis.binary() != null) {
            List<String> real = new ArrayList<>(asUser);
            real.addAll(List.of(RealRedis.binary(), conf.toString(), "--sentinel"));
            Result r = exec(real, null);
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.stdout.endsWith(line), "real redis-sentinel: " + r.stdout);
        }
        List<String> cmd = new ArrayList<>(asUser);
        cmd.addAll(java(conf.toString(), "--sentinel"));
        Result r = exec(cmd, null);
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stdout.matches("\\d+:X [^#]*" + java.util.regex.Pattern.quote(line)), r.stdout);
    }

    @Test
    void badDirectiveInConfigFileIsReportedWithItsLine() throws Exception {
        Path conf = write("redis.conf", "# comment\nport 7000\nfoo bar\n");
        Result r = run(null, conf.toString(), "--port", "7001");
        assertEquals(1, r.exit, r.toString());
        assertEquals(REPORT_HEAD + "Reading the configuration file, at line 3\n>>> 'foo bar'\n"
                + "Bad directive or wrong number of arguments\n", r.stderr);
    }

    @Test
    void unknownOptionIsReportedAsAConfigLine() throws Exception {
        Result r = run(null, "--foo", "bar");
        assertEquals(1, r.exit, r.toString());
        assertEquals(REPORT_HEAD + "Reading the configuration file, at line 2\n>>> 'foo \"bar\"'\n"
                + "Bad directive or wrong number of arguments\n", r.stderr);
    }

    @Test
    void missingConfigFileIsFatal() throws Exception {
        Path missing = dir.resolve("missing.conf");
        Result r = run(null, missing.toString());
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stdout.endsWith(" # Fatal error, can't open config file '" + missing
                + "': No such file or directory\n"), r.stdout);
    }

    /** The same bad command lines give redis-server's exact report: proves how arguments become config lines. */
    @Test
    void commandLineBecomesTheSameConfigLinesAsInRedisServer() throws Exception {
        RealRedis.assumeInstalled();
        Path conf = write("redis.conf", "port 7000\n");
        List<List<String>> cases = List.of(
                List.of("--foo", "bar"),
                List.of("--port", "7001", "--foo", "é", "", "a b", "q\"x\\"),
                List.of("--port", "7001", "--foo", "--", "--bar"),
                List.of("--port 7001", "--foo bar", "baz"),
                List.of(conf.toString(), "--port", "7001", "--foo"),
                List.of(conf.toString(), "--foo", "-"),
                List.of("-", "--foo", "1"));
        if (new ServerConfig().find("save") != null) {
            // A bare --save before another option means an empty save list; needs the save directive to get there.
            cases = new ArrayList<>(cases);
            cases.add(List.of("--save", "--foo", "x"));
        }
        for (List<String> args : cases) {
            List<String> redis = new ArrayList<>(List.of(RealRedis.binary()));
            redis.addAll(args);
            Result expected = exec(redis, "");
            Result actual = run("", args.toArray(String[]::new));
            assertEquals(expected.exit, actual.exit, args + ": " + actual);
            assertEquals(expected.stderr, actual.stderr, args.toString());
        }
    }

    @Test
    void portInUseAbortsLikeRedis() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Result r = run(null, "--bind", "127.0.0.1", "--port", Integer.toString(port));
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.stdout.contains(":M ") && r.stdout.contains(" # Warning: Could not create server TCP listening"
                    + " socket 127.0.0.1:" + port + ": bind: Address already in use\n"), r.stdout);
            assertTrue(r.stdout.endsWith(" # Failed listening on port " + port + " (TCP), aborting.\n"), r.stdout);
        }
    }

    @Test
    void badTlsFilesAbortLikeRedis() throws Exception {
        Result r = run(null, "--port", "0", "--tls-port", Integer.toString(RealRedis.freePort()),
                "--tls-cert-file", "missing.crt", "--tls-key-file", "missing.key", "--tls-auth-clients", "no");
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stdout.contains(" # Failed to load certificate: missing.crt: error:80000002:system library::No "
                + "such file or directory\n"), r.stdout);
        assertTrue(r.stdout.endsWith(" # Failed to configure TLS. Check logs for more info.\n"), r.stdout);
    }

    @Test
    void redisCliTalksToJredis() throws Exception {
        String cli = RealRedis.onPath("redis-cli");
        assumeTrue(cli != null, "redis-cli is not installed (apt-get install -y redis-tools)");
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, null, null, "--port", Integer.toString(port))) {
            String p = Integer.toString(port);
            assertEquals("PONG\n", exec(List.of(cli, "-p", p, "ping"), null).stdout);
            assertEquals("OK\n", exec(List.of(cli, "-p", p, "set", "name", "jredis"), null).stdout);
            assertEquals("jredis\n", exec(List.of(cli, "-p", p, "get", "name"), null).stdout);
            assertEquals(0, s.stop());
        }
    }

    /** A failed DEBUG LOADAOF ends the process with status 1, as Redis's exit(1). */
    @Test
    void failedDebugLoadAofExitsWithStatusOne() throws Exception {
        int port = RealRedis.freePort();
        try (Server s = Server.start(this, null, null, "--port", Integer.toString(port), "--appendonly", "no",
                "--enable-debug-command", "yes");
                RawClient c = new RawClient("127.0.0.1", port)) {
            c.send(RawClient.encode(new byte[][] {"DEBUG".getBytes(), "LOADAOF".getBytes()}));
            assertTrue(c.closedByServer());
            assertTrue(s.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), s.stdout());
            assertEquals(1, s.process.exitValue(), s.stdout());
        }
    }

    // ---- helpers ----

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** {@code java -jar jredis.jar args}; the JIT and GC flags only make these short-lived JVMs start sooner. */
    private static List<String> java(String... args) {
        return java(List.of(), args);
    }

    private static List<String> java(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1"));
        if (jvmOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
            cmd.add("-XX:+UseSerialGC");
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Result run(String stdin, String... args) throws Exception {
        return exec(java(args), stdin);
    }

    private Result exec(List<String> cmd, String stdin) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = start(new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()), stdin);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not exit; stdout: " + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts {@code pb} with {@code stdin} as its input, closed once written; with null, /dev/null (no terminal). */
    private static Process start(ProcessBuilder pb, String stdin) throws IOException {
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        return p;
    }


    private record Result(int exit, String stdout, String stderr) {}

    /** A running jredis child process; close kills it if the test did not stop it. */
    private static final class Server implements AutoCloseable {
        final Process process;
        final Path out;

        private Server(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        /**
         * Starts the jar and waits for Redis's "ready to accept connections" (a Sentinel's "Sentinel ID is") in
         * {@code log} (or stdout when null).
         */
        static Server start(MainCommandLineTest t, String stdin, Path log, String... args) throws Exception {
            return start(t, List.of(), stdin, log, args);
        }

        /** The same with JVM options before {@code -jar}. */
        static Server start(MainCommandLineTest t, List<String> jvmOptions, String stdin, Path log, String... args)
                throws Exception {
            Path out = Files.createTempFile(t.dir, "stdout", ".txt");
            Process p = MainCommandLineTest.start(new ProcessBuilder(java(jvmOptions, args)).directory(t.dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())), stdin);
            Server s = new Server(p, out);
            Path watched = log == null ? out : log;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!(Files.exists(watched) && ready(Files.readString(watched)))) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    s.close();
                    throw new AssertionError("jredis did not start; output: " + Files.readString(out));
                }
                p.waitFor(20, TimeUnit.MILLISECONDS);
            }
            return s;
        }

        private static boolean ready(String log) {
            return log.contains("eady to accept connections") || log.contains(" # Sentinel ID is ");
        }

        String stdout() throws IOException {
            return Files.readString(out);
        }

        /** Sends SIGTERM and returns the exit code. */
        int stop() throws InterruptedException {
            process.destroy();
            assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "jredis exits after SIGTERM");
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }
}
