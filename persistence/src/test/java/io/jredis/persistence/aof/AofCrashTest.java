package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A jredis child JVM killed with SIGKILL while a client writes: what the AOF promised must be there on restart,
 * and the AOF must load (a torn last command is cut under aof-load-truncated yes).
 */
class AofCrashTest {
    private static final int WRITES_BEFORE_KILL = 20;

    @TempDir
    Path dir;

    private Process started;

    @AfterEach
    void killChild() throws InterruptedException {
        if (started != null && started.isAlive()) {
            started.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process child(String fsync) throws Exception {
        Path portFile = dir.resolve("port");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AofServer.class.getName(),
                dir.toString(), portFile.toString(), "appendonly", "yes", "appendfsync", fsync));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.out").toFile()).start();
        started = p;
        // A cold JVM on a loaded machine: a generous bound, polled.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(portFile) && p.isAlive() && System.nanoTime() < deadline) {
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        assertTrue(p.isAlive() && Files.exists(portFile), () -> "child did not start: " + read(dir.resolve("child.out")));
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * Writes k0, k1, ... until the child, killed {@code killAfterMs} after the first acknowledgement but not before
     * {@link #WRITES_BEFORE_KILL} were acknowledged, dies; returns the acknowledgement times (nanos) of each write.
     * A cold child on a loaded machine with a slow disk (under always each reply waits for an fsync) can acknowledge
     * only a few writes in that time.
     */
    private long[] writeUntilKilled(Process p, long killAfterMs) throws Exception {
        int port = Integer.parseInt(Files.readString(dir.resolve("port")).trim());
        long[] acked = new long[1_000_000];
        int n = 0;
        boolean killed = false;
        // A generous timeout: under always each reply waits for an fsync, which a loaded disk can stall for seconds.
        try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
            while (n < acked.length) {
                if (!killed && n >= WRITES_BEFORE_KILL && System.nanoTime() - acked[0] > killAfterMs * 1_000_000) {
                    // Killed from another thread so the kill lands while a write is in flight.
                    new Thread(p::destroyForcibly).start();
                    killed = true;
                }
                j.set("k" + n, "v" + n);
                acked[n++] = System.nanoTime();
            }
        } catch (Exception e) {
            // The connection dies with the child.
        }
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return java.util.Arrays.copyOf(acked, n);
    }

    /** The loaded keys must be a prefix k0..k(m-1): returns m. */
    private int loadedPrefix(Jedis j, int acknowledged) {
        long size = j.dbSize();
        for (int i = 0; i < size; i++) {
            assertEquals("v" + i, j.get("k" + i), "gap in the recovered writes at k" + i);
        }
        return (int) size;
    }

    /** What a crash left: the acknowledgement times of the writes, and how many of them (a prefix) a restart loaded. */
    private record Crash(long[] acked, int loaded) {}

    /** Starts a child with appendfsync {@code fsync}, writes until it is killed 700 ms in, and restarts on its AOF. */
    private Crash crashAndReload(String fsync) throws Exception {
        Process p = child(fsync);
        long[] acked = writeUntilKilled(p, 700);
        assertTrue(acked.length >= WRITES_BEFORE_KILL, "too few writes before the kill: " + acked.length);
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            return new Crash(acked, loadedPrefix(j, acked.length));
        }
    }

    @Test
    void alwaysKeepsEveryAcknowledgedWrite() throws Exception {
        Crash c = crashAndReload("always");
        assertTrue(c.loaded() >= c.acked().length, "lost acknowledged writes: " + c.acked().length + " acked, "
                + c.loaded() + " loaded");
    }

    @Test
    void everysecLosesAtMostAboutTwoSeconds() throws Exception {
        Crash c = crashAndReload("everysec");
        long[] acked = c.acked();
        if (c.loaded() < acked.length) {
            long lostWindowMs = (acked[acked.length - 1] - acked[Math.max(0, c.loaded() - 1)]) / 1_000_000;
            assertTrue(lostWindowMs <= 2_500, "lost " + lostWindowMs + " ms of acknowledged writes");
        }
    }
}
