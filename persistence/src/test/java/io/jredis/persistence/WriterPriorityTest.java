package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The BGSAVE writer thread runs at a lower priority on Linux, so it yields CPU to the engine thread under contention. */
class WriterPriorityTest {
    /** The nice value of this process's thread named {@code name}, or null when there is none. */
    private static Integer niceOf(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).trim().equals(name)) {
                        return nice(t.resolve("stat"));
                    }
                } catch (IOException e) {
                    // The thread ended while being read.
                }
            }
        }
        return null;
    }

    /** Field 19 of a {@code stat} file; the fields after the parenthesised command start with field 3. */
    private static int nice(Path stat) throws IOException {
        String s = Files.readString(stat);
        return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[19 - 3]);
    }

    @Test
    void bgsaveWriterRunsAtALowerPriority(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "renice"))),
                "renice is needed");
        int ownNice = nice(Path.of("/proc/thread-self/stat"));
        assumeTrue(ownNice < 10, "this JVM already runs at nice " + ownNice + ", not below the writer's 10");
        try (PersistentServer s = PersistentServer.start(dir, "save", "", "rdb-key-save-delay", "100000");
                Jedis j = s.jedis()) {
            for (int i = 0; i < 100; i++) {
                j.set("k" + i, "v" + i);
            }
            assertEquals("Background saving started", j.bgsave());
            Integer nice = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline && ((nice = niceOf("jredis-bgsave")) == null || nice <= ownNice)) {
                LockSupport.parkNanos(1_000_000);
            }
            assertTrue(nice != null && nice > ownNice, "nice of the writer thread: " + nice + ", ours " + ownNice);
            j.configSet("rdb-key-save-delay", "0");
            BgsaveConsistencyTest.awaitBgsaveDone(j);
            assertTrue(j.info("persistence").contains("rdb_last_bgsave_status:ok"));
        }
    }
}
