package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.util.SplitArgs;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-state checks a script meets, byte for byte against redis-server 7.0.15: the -MISCONF of a failed
 * BGSAVE or of an AOF write error and the -OOM of maxmemory, at the call (processCommand, from the script's declared
 * flags) or at the script's first write (scriptVerifyWriteCommandAllow, scriptVerifyOOM), and CLIENT PAUSE WRITE,
 * which holds a script unless its flags say it does not write.
 */
class ScriptChecksVsRedisTest {
    private static final Path DEV_FULL = Path.of("/dev/full");

    /** A library with a writing function, a no-writes one and an allow-oom writing one. */
    private static final String LIBRARY = "FUNCTION LOAD \"#!lua name=lib\\n"
            + "redis.register_function('w', function() return redis.call('set','k','v') end)\\n"
            + "redis.register_function{function_name='r', callback=function() return redis.call('get','k') end,"
            + " flags={'no-writes'}}\\n"
            + "redis.register_function{function_name='o', callback=function() return redis.call('set','k','v') end,"
            + " flags={'allow-oom'}}\\n"
            + "redis.register_function{function_name='s', callback=function() return 1 end, flags={'allow-stale'}}\"";

    /** Scripts and functions run while writes are refused; each line is one command, split as redis-cli does. */
    private static final String[] SCRIPTS = {
        "SET k v", "PING", "GET k",
        "EVAL \"return redis.call('set','k','v')\" 0",
        "EVAL \"return redis.pcall('set','k','v')\" 0",
        "EVAL \"local r = redis.pcall('set','k','v'); return r['err']\" 0",
        "EVAL \"redis.call('get','k'); return redis.call('incr','n')\" 0",
        "EVAL \"return redis.call('get','k')\" 0",
        "EVAL \"return 1\" 0",
        "EVAL \"return redis.call('ping')\" 0",
        "EVAL \"return redis.call('publish','ch','m')\" 0",
        "EVAL \"#!lua\\nreturn redis.call('set','k','v')\" 0",
        "EVAL \"#!lua\\nreturn 1\" 0",
        "EVAL \"#!lua flags=no-writes\\nreturn redis.call('get','k')\" 0",
        "EVAL \"#!lua flags=no-writes\\nreturn redis.call('set','k','v')\" 0",
        "EVAL \"#!lua flags=allow-oom\\nreturn redis.call('set','k','v')\" 0",
        "EVAL \"#!lua flags=allow-oom,no-writes\\nreturn 2\" 0",
        "EVAL_RO \"return redis.call('set','k','v')\" 0",
        "EVAL_RO \"return redis.call('get','k')\" 0",
        "EVALSHA 1111111111111111111111111111111111111111 0",
        "FCALL w 0", "FCALL r 0", "FCALL o 0", "FCALL s 0", "FCALL_RO r 0", "FCALL_RO w 0", "FCALL nosuch 0",
        "MULTI", "EVAL \"return redis.call('set','k','v')\" 0", "EVAL \"return 1\" 0", "EXEC",
        "MULTI", "EVAL \"#!lua\\nreturn redis.call('set','k','v')\" 0", "EXEC",
        "MULTI", "FCALL w 0", "FCALL r 0", "EXEC",
    };

    /** OOM: a write that is not denyoom (DEL) dirties the script, whose later writes then pass. */
    private static final String[] OOM_ONLY = {
        "EVAL \"redis.call('del','nokey'); return redis.call('set','k','v')\" 0",
        "EVAL \"redis.call('get','k'); return redis.call('set','k','v')\" 0",
        "EVAL \"return redis.call('del','k')\" 0",
    };

    @TempDir
    Path dir;

    @BeforeEach
    void needsRedis() {
        RealRedis.assumeInstalled();
    }

    @Test
    void failedBackgroundSaveRefusesScriptWritesAsRedis() throws Exception {
        try (RealRedis real = RealRedis.start("--save", "3600 1");
                PersistentServer jr = PersistentServer.start(dir, "save", "3600 1")) {
            String expected = failBgsave(real.port(), real.dir());
            String actual = failBgsave(jr.port(), dir);
            assertEquals(expected, actual);
            assertEquals(transcript(real.port(), SCRIPTS), transcript(jr.port(), SCRIPTS));
            Files.delete(real.dir().resolve("dump.rdb"));
            Files.delete(dir.resolve("dump.rdb"));
        }
    }

    /** Transactions opened before writes are refused: what they queue first, then what they send after. */
    private static final String[][] QUEUED_BEFORE = {
        {"SET k v"}, {"GET k"}, {"GET k"}, {"EVAL \"return 1\" 0"}, {"PING"}, {"FCALL r 0"}, {"GET k"},
        {"EVAL \"#!lua flags=no-writes\\nreturn 1\" 0"}, {"EVAL \"#!lua\\nreturn redis.call('set','k','v')\" 0"},
        {"EVAL \"return redis.call('set','k','v')\" 0", "GET k"}, {"FCALL w 0"},
    };
    private static final String[][] SENT_AFTER = {
        {"EXEC"}, {"EXEC"}, {"SET k2 v", "GET k", "EXEC"}, {"EXEC"}, {"EXEC"}, {"EXEC"}, {"PING", "EXEC"},
        {"EXEC"}, {"EXEC"}, {"EXEC"}, {"EXEC"},
    };

    /**
     * A BGSAVE fails while transactions are open: what their later commands and EXEC answer depends on the flags
     * their commands had when queued (Redis's processCommand refuses an EXEC of queued writes with -EXECABORT ...
     * MISCONF; FCALL of a function loaded after it was queued reaches scriptPrepareForRun's own -MISCONF) and on
     * what is queued after (a refused command flags the transaction).
     */
    @Test
    void failedBackgroundSaveWhileQueuedAsRedis() throws Exception {
        try (RealRedis real = RealRedis.start("--save", "3600 1");
                PersistentServer jr = PersistentServer.start(dir, "save", "3600 1")) {
            String expected = queuedThenRefused(real.port(), () -> failBgsave(real.port(), real.dir()));
            String actual = queuedThenRefused(jr.port(), () -> failBgsave(jr.port(), dir));
            assertEquals(expected, actual);
            Files.delete(real.dir().resolve("dump.rdb"));
            Files.delete(dir.resolve("dump.rdb"));
        }
    }

    /** Makes the server refuse writes; returns what the replies along the way should show. */
    @FunctionalInterface
    private interface WriteFailure {
        String fail() throws IOException;
    }

    /** Opens one transaction per {@link #QUEUED_BEFORE} entry, fails writes, then sends {@link #SENT_AFTER}. */
    private static String queuedThenRefused(int port, WriteFailure failure) throws IOException {
        List<RawClient> conns = new ArrayList<>();
        try {
            StringBuilder out = new StringBuilder();
            for (String[] queued : QUEUED_BEFORE) {
                RawClient c = new RawClient("127.0.0.1", port);
                conns.add(c);
                out.append(transcript(c, concat(new String[] {"MULTI"}, queued)));
            }
            out.append(failure.fail()).append('\n');
            for (int i = 0; i < SENT_AFTER.length; i++) {
                out.append(transcript(conns.get(i), SENT_AFTER[i]));
            }
            out.append(transcript(port, new String[] {"MULTI", "GET k", "EXEC", "MULTI", "SET k v", "EXEC"}));
            return out.toString();
        } finally {
            for (RawClient c : conns) {
                c.close();
            }
        }
    }

    /** Loads the library, makes a BGSAVE fail (dump.rdb a directory: the rename fails, even for root). */
    private static String failBgsave(int port, Path dataDir) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            String loaded = new String(c.callRaw(args(LIBRARY)), StandardCharsets.UTF_8);
            Files.createDirectory(dataDir.resolve("dump.rdb"));
            String started = RawClient.text(c.call("BGSAVE"));
            Await.until("the failed BGSAVE on " + port, 30, () -> {
                String info = c.info("persistence");
                return info.contains("rdb_last_bgsave_status:err") && info.contains("rdb_bgsave_in_progress:0");
            });
            return loaded + started;
        }
    }

    @Test
    void aofWriteErrorRefusesScriptWritesAsRedis() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(DEV_FULL), "/dev/full is needed to simulate a full disk");
        try (RealRedis real = RealRedis.start("--appendonly", "yes");
                PersistentServer jr = PersistentServer.start(dir, "appendonly", "yes", "save", "")) {
            Path realLink = failAof(real.port(), real.dir());
            Path jrLink = failAof(jr.port(), dir);
            try {
                assertEquals(transcript(real.port(), SCRIPTS), transcript(jr.port(), SCRIPTS));
            } finally {
                Files.delete(realLink);
                Files.delete(jrLink);
            }
        }
    }

    /**
     * Loads the library, then makes the incr file the next rewrite opens a link to /dev/full (every write fails with
     * ENOSPC, even for root) and writes until the server reports the error; returns the link.
     */
    private static Path failAof(int port, Path dataDir) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            c.callRaw(args(LIBRARY));
            Path link = dataDir.resolve("appendonlydir").resolve("appendonly.aof.2.incr.aof");
            Files.createSymbolicLink(link, DEV_FULL);
            assertEquals("Background append only file rewriting started", RawClient.text(c.call("BGREWRITEAOF")));
            Await.until("the rewrite on " + port, 30, () -> {
                String info = c.info("persistence");
                return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")
                        && info.contains("aof_last_bgrewrite_status:ok");
            });
            Await.until("the write error on " + port, 30, () -> {
                try {
                    c.call("SET", "trigger", "x");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return c.info("persistence").contains("aof_last_write_status:err");
            });
            return link;
        }
    }

    @Test
    void maxmemoryRefusesScriptWritesAsRedis() throws Exception {
        try (RealRedis real = RealRedis.start();
                PersistentServer jr = PersistentServer.start(dir)) {
            String[] setup = {LIBRARY, "CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory 1"};
            assertEquals(transcript(real.port(), setup), transcript(jr.port(), setup));
            String[] cases = concat(SCRIPTS, OOM_ONLY, new String[] {"CONFIG SET maxmemory 0"});
            assertEquals(transcript(real.port(), cases), transcript(jr.port(), cases));
        }
    }

    /** Memory goes over maxmemory while scripts are queued: EXEC (Redis's processCommand) or the scripts refuse. */
    @Test
    void maxmemoryReachedWhileQueuedAsRedis() throws Exception {
        String[][] transactions = {
            {"EVAL \"#!lua\\nreturn redis.call('set','k','v')\" 0"},
            {"EVAL \"#!lua flags=no-writes\\nreturn 1\" 0", "GET k"},
            {"EVAL \"#!lua flags=allow-oom\\nreturn redis.call('set','k','v')\" 0"},
            {"EVAL \"return redis.call('set','k','v')\" 0", "EVAL \"return 1\" 0"},
            {"FCALL w 0"}, {"FCALL r 0"}, {"FCALL o 0"}, {"SET k v"},
        };
        try (RealRedis real = RealRedis.start();
                PersistentServer jr = PersistentServer.start(dir)) {
            String[] setup = {LIBRARY, "CONFIG SET maxmemory-policy noeviction"};
            assertEquals(transcript(real.port(), setup), transcript(jr.port(), setup));
            for (String[] queued : transactions) {
                assertEquals(queuedThenOom(real.port(), queued), queuedThenOom(jr.port(), queued));
            }
        }
    }

    private static String queuedThenOom(int port, String[] queued) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port); RawClient admin = new RawClient("127.0.0.1", port)) {
            String out = transcript(c, concat(new String[] {"MULTI"}, queued));
            assertEquals("OK", RawClient.text(admin.call("CONFIG", "SET", "maxmemory", "1")));
            try {
                return out + transcript(c, new String[] {"EXEC"});
            } finally {
                assertEquals("OK", RawClient.text(admin.call("CONFIG", "SET", "maxmemory", "0")));
            }
        }
    }

    /** Under CLIENT PAUSE WRITE, which script calls wait for the pause to end (in Redis, getCommandFlags decides). */
    @Test
    void writePauseHoldsScriptsThatMayWriteAsRedis() throws Exception {
        String[] calls = {
            "EVAL \"return 1\" 0", "EVAL \"return redis.call('get','k')\" 0", "EVAL \"#!lua\\nreturn 1\" 0",
            "EVAL \"#!lua flags=no-writes\\nreturn 1\" 0", "EVAL \"#!lua flags=allow-stale,no-writes\\nreturn 1\" 0",
            "EVAL_RO \"return 1\" 0", "EVAL_RO \"#!lua\\nreturn 1\" 0",
            "EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0", "EVALSHA_RO e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0",
            "EVALSHA 1111111111111111111111111111111111111111 0",
            "FCALL r 0", "FCALL w 0", "FCALL s 0", "FCALL_RO r 0", "FCALL nosuch 0",
        };
        try (RealRedis real = RealRedis.start();
                PersistentServer jr = PersistentServer.start(dir)) {
            String[] setup = {LIBRARY, "SCRIPT LOAD \"return 1\""};
            assertEquals(transcript(real.port(), setup), transcript(jr.port(), setup));
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            for (String call : calls) {
                expected.add(call + " -> " + pausedCall(real.port(), call));
                actual.add(call + " -> " + pausedCall(jr.port(), call));
            }
            assertEquals(String.join("\n", expected), String.join("\n", actual));
        }
    }

    /**
     * Runs {@code call} under CLIENT PAUSE WRITE: once the server shows it took the command (CLIENT LIST cmd=), a
     * reply that has not come within 2 seconds is held by the pause; returns "held"/"ran" and the reply.
     */
    private static String pausedCall(int port, String call) throws IOException {
        try (RawClient control = new RawClient("127.0.0.1", port); Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            s.getOutputStream().write(RawClient.encode(args("CLIENT SETNAME probe")));
            assertEquals("+OK", readLine(in, 10_000));
            assertEquals("OK", RawClient.text(control.call("CLIENT", "PAUSE", "600000", "WRITE")));
            String name = call.split(" ")[0].toLowerCase();
            s.getOutputStream().write(RawClient.encode(args(call)));
            Await.until(call + " taken on " + port, 30, () -> {
                try {
                    return RawClient.text(control.call("CLIENT", "LIST"))
                            .matches("(?s).*name=probe [^\\n]*cmd=" + name + " .*");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String early = readLine(in, 2_000);
            assertEquals("OK", RawClient.text(control.call("CLIENT", "UNPAUSE")));
            return early != null ? "ran " + early : "held " + readLine(in, 10_000);
        }
    }

    /** One line of a reply (enough for the short replies here), or null if none came within {@code millis}. */
    private static String readLine(InputStream in, int millis) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            int b;
            try {
                b = readWithin(in, deadline);
            } catch (SocketTimeoutException e) {
                if (line.size() == 0) {
                    return null;
                }
                throw e;
            }
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
    }

    private static int readWithin(InputStream in, long deadline) throws IOException {
        while (in.available() == 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new SocketTimeoutException();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        return in.read();
    }

    /** Each command's exact reply, one connection, as "command -> reply" lines. */
    private static String transcript(int port, String[] lines) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return transcript(c, lines);
        }
    }

    private static String transcript(RawClient c, String[] lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append(" -> ")
                    .append(new String(c.callRaw(args(line)), StandardCharsets.UTF_8).replace("\r\n", "\\r\\n"))
                    .append('\n');
        }
        return sb.toString();
    }

    private static byte[][] args(String line) {
        return SplitArgs.split(line.getBytes(StandardCharsets.UTF_8)).toArray(new byte[0][]);
    }

    private static String[] concat(String[]... lists) {
        return java.util.Arrays.stream(lists).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
