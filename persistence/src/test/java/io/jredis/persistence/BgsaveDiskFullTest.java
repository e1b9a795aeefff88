package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * BGSAVE on a full disk (ENOSPC), made real with a 1 MB tmpfs as the server's {@code dir} that a filler file nearly
 * fills; "space returns" when the filler is removed. As Redis: the failed save is logged, INFO reports
 * {@code rdb_last_bgsave_status:err}, writes (and PING) get {@code -MISCONF} under stop-writes-on-bgsave-error, no
 * temp file is left, and the next successful BGSAVE lifts it. Mounting needs root with CAP_SYS_ADMIN: the test is
 * skipped, with the reason, where that is not available.
 */
class BgsaveDiskFullTest {
    @TempDir
    Path parent;

    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountTinyDisk() throws Exception {
        disk = Files.createDirectories(parent.resolve("disk"));
        String out;
        int rc;
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString())
                    .redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            rc = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            out = e.getMessage();
            rc = -1;
        }
        mounted = rc == 0;
        Assumptions.assumeTrue(mounted, "a 1 MB tmpfs cannot be mounted here (needs root with CAP_SYS_ADMIN) to "
                + "simulate a full disk: " + out);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString()).redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String field(Jedis j, String name) {
        return RawClient.infoValue(j.info("persistence"), name);
    }

    private List<String> tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(disk)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("temp-")).toList();
        }
    }

    @Test
    void aBgsaveOnAFullDiskFailsWithMisconfUntilASaveSucceeds() throws Exception {
        try (PersistentServer s = PersistentServer.start(disk, "save", "3600 1"); Jedis j = s.jedis()) {
            // 300 KB that LZF cannot shrink: the RDB needs more than the room the filler leaves.
            Random random = new Random(7);
            for (int i = 0; i < 3; i++) {
                byte[] v = new byte[100_000];
                random.nextBytes(v);
                j.set(("big:" + i).getBytes(StandardCharsets.US_ASCII), v);
            }
            Path filler = disk.resolve("filler");
            Files.write(filler, new byte[900 * 1024]);

            assertEquals("Background saving started", j.bgsave());
            Await.until("the save to end", 60, () -> "0".equals(field(j, "rdb_bgsave_in_progress")));
            assertEquals("err", field(j, "rdb_last_bgsave_status"));
            Await.until("the failure in the log", 60, () -> {
                try {
                    return s.log().contains("Background saving error");
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(s.log().contains("Write error saving DB on disk: No space left on device"), s.log());
            assertEquals(List.of(), tempFiles());
            assertFalse(Files.exists(disk.resolve("dump.rdb")));

            String misconf = RdbPersistence.MISCONF;
            assertEquals(misconf, assertThrows(JedisDataException.class, () -> j.set("refused", "x")).getMessage());
            assertEquals(misconf, assertThrows(JedisDataException.class, j::ping).getMessage());
            assertEquals(100_000, j.get("big:0".getBytes(StandardCharsets.US_ASCII)).length);
            assertFalse(j.exists("refused"));

            Files.delete(filler);
            assertEquals("Background saving started", j.bgsave());
            Await.until("the second save to end", 60, () -> "0".equals(field(j, "rdb_bgsave_in_progress")));
            assertEquals("ok", field(j, "rdb_last_bgsave_status"));
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("after", "1"));
            assertTrue(Files.size(disk.resolve("dump.rdb")) > 300_000);
            assertEquals(List.of(), tempFiles());
        }
        try (PersistentServer s = PersistentServer.start(disk); Jedis j = s.jedis()) {
            assertEquals(3, j.dbSize());
        }
    }
}
