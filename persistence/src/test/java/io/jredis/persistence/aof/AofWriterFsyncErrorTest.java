package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsync failing with EINVAL (a device such as /dev/full cannot be synced) is no error, as in Redis's bio fsync job:
 * the write error clients see stays "No space left on device" (Redis's aof_last_write_errno), never "Invalid
 * argument", whatever the order of the writer's retries and syncs.
 */
class AofWriterFsyncErrorTest {
    private static final Path FULL = Path.of("/dev/full");

    @Test
    void einvalFromFsyncNeverReplacesTheWriteError(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isWritable(FULL), "/dev/full is needed to simulate a full disk");
        AofWriter w = new AofWriter(Log.silent(), "everysec", offset -> { });
        try {
            w.open(dir.resolve("ok.aof"), true);
            w.append("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII), 14);
            w.sync();
            assertNull(w.lastWriteError());
            Path link = dir.resolve("full.aof");
            Files.createSymbolicLink(link, FULL);
            w.open(link, false);
            w.sync();
            assertNull(w.lastWriteError(), "fsync of /dev/full is no write error");
            w.append("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII), 28);
            Await.until("the write error", 30, () -> w.lastWriteError() != null);
            for (int i = 0; i < 3; i++) {
                w.sync();
                assertEquals("No space left on device", w.lastWriteError());
            }
            w.open(dir.resolve("ok.aof"), false);
            Await.until("recovery", 30, () -> w.lastWriteError() == null);
        } finally {
            w.shutdown();
        }
    }
}
