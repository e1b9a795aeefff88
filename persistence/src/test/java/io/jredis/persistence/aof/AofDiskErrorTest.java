package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A full disk, made real with {@code /dev/full} (every write fails with ENOSPC, even for root): the file the server
 * opens next is a symbolic link to it, and "space returns" when the link is removed. The server refuses writes with
 * Redis's {@code -MISCONF}, reports the error in INFO and the log, loses nothing, and recovers by itself.
 */
class AofDiskErrorTest {
    private static final Path FULL = Path.of("/dev/full");
    private static final String ENOSPC = "MISCONF Errors writing to the AOF file: No space left on device";

    @TempDir
    Path dir;

    @BeforeEach
    void needsDevFull() {
        Assumptions.assumeTrue(Files.isWritable(FULL), "/dev/full is needed to simulate a full disk");
    }

    /** The incr file the next rewrite opens (seq 2) becomes a link to /dev/full; returns the link. */
    private Path fullNextIncr(Jedis j) throws Exception {
        Path link = dir.resolve("appendonlydir").resolve("appendonly.aof.2.incr.aof");
        Files.createSymbolicLink(link, FULL);
        assertEquals("Background append only file rewriting started", j.bgrewriteaof());
        AofRewriteTest.awaitRewriteDone(j);
        assertEquals("ok", AppendOnlyFileTest.info(j, "aof_last_bgrewrite_status"));
        return link;
    }

    @Test
    void everysecRefusesWritesWithMisconfUntilTheDiskTakesThemAgain() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            j.set("before", "1");
            Path link = fullNextIncr(j);
            // Under everysec the write is acknowledged before it reaches the disk, as in Redis.
            assertEquals("OK", j.set("acknowledged", "while failing"));
            Await.until("the write error", 30, () -> "err".equals(AppendOnlyFileTest.info(j, "aof_last_write_status")));
            assertEquals(ENOSPC, assertThrows(JedisDataException.class, () -> j.set("refused", "x")).getMessage());
            assertEquals(ENOSPC, assertThrows(JedisDataException.class, () -> j.incr("counter")).getMessage());
            assertEquals(ENOSPC, assertThrows(JedisDataException.class, j::ping).getMessage());
            assertEquals("1", j.get("before"));
            assertFalse(j.exists("refused"));
            assertTrue(logged(s, "Error writing to the AOF file: No space left on device"), String.join("\n", s.log));

            Files.delete(link);
            Await.until("recovery", 30, () -> "ok".equals(AppendOnlyFileTest.info(j, "aof_last_write_status")));
            assertTrue(logged(s, "AOF write error looks solved, Redis can write again."));
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("after", "3"));
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("1", j.get("before"));
            assertEquals("while failing", j.get("acknowledged"));
            assertEquals("3", j.get("after"));
            assertFalse(j.exists("refused"));
        }
    }

    @Test
    void alwaysAcknowledgesNothingThatIsNotOnDisk() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "appendfsync", "always"); Jedis j = s.jedis()) {
            j.set("before", "1");
            Path link = fullNextIncr(j);
            CompletableFuture<String> reply;
            try (Jedis other = new Jedis("127.0.0.1", s.port(), 30_000)) {
                reply = CompletableFuture.supplyAsync(() -> other.set("k", "durable"));
                Await.until("the error", 30, () -> logged(s, "Error writing to the AOF file"));
                assertFalse(reply.isDone(), "a write that is not on disk must not be acknowledged");
                Files.delete(link);
                assertEquals("OK", reply.get(30, TimeUnit.SECONDS));
            }
            Await.until("recovery", 30, () -> "ok".equals(AppendOnlyFileTest.info(j, "aof_last_write_status")));
            assertEquals("OK", j.set("after", "2"));
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("1", j.get("before"));
            assertEquals("durable", j.get("k"));
            assertEquals("2", j.get("after"));
        }
    }

    @Test
    void aRewriteOnAFullDiskFailsAndTheNextOneSucceeds() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            for (int i = 0; i < 100; i++) {
                j.rpush("list", "e" + i);
            }
            Path temp = dir.resolve("temp-rewriteaof-bg-" + (ProcessHandle.current().pid() + 1) + ".aof");
            Files.createSymbolicLink(temp, FULL);
            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            AofRewriteTest.awaitRewriteDone(j);
            assertEquals("err", AppendOnlyFileTest.info(j, "aof_last_bgrewrite_status"));
            assertEquals("1", AppendOnlyFileTest.info(j, "aof_rewrites_consecutive_failures"));
            assertTrue(logged(s, "Write error writing append only file on disk: No space left on device"),
                    String.join("\n", s.log));
            assertTrue(logged(s, "Background AOF rewrite terminated with error"));
            assertFalse(Files.exists(temp, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the temp file is removed");
            // A failed rewrite refuses no writes: the incr files still hold everything.
            assertEquals(101, j.rpush("list", "during"));

            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            AofRewriteTest.awaitRewriteDone(j);
            assertEquals("ok", AppendOnlyFileTest.info(j, "aof_last_bgrewrite_status"));
            assertEquals("0", AppendOnlyFileTest.info(j, "aof_rewrites_consecutive_failures"));
            j.rpush("list", "after");
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(102, j.llen("list"));
            assertEquals("during", j.lindex("list", 100));
        }
    }

    private static boolean logged(AofServer s, String text) {
        return s.log.stream().anyMatch(l -> l.contains(text));
    }

}
