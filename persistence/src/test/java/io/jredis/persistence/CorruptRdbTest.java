package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.persistence.rdb.RdbException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A damaged RDB file stops the server at start with an error naming the file and the offset, as Redis exits. */
class CorruptRdbTest {
    @TempDir
    Path dir;
    private byte[] good;

    @BeforeEach
    void writeGoodFile() throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            j.set("k", "v");
            j.rpush("l", "a", "b", "c");
            j.hset("h", "f", "v");
            j.save();
        }
        good = Files.readAllBytes(dir.resolve("dump.rdb"));
    }

    private String refused(byte[] file, String expected) throws IOException {
        Files.write(dir.resolve("dump.rdb"), file);
        Files.deleteIfExists(dir.resolve("jredis.log"));
        RdbException e = assertThrows(RdbException.class, () -> PersistentServer.start(dir).close());
        String msg = e.getMessage();
        assertTrue(msg.contains(dir.resolve("dump.rdb").toString()), msg);
        assertTrue(msg.contains("offset " + e.offset()), msg);
        assertTrue(msg.contains(expected), msg);
        String log = Files.readString(dir.resolve("jredis.log"));
        assertTrue(log.contains("Internal error in RDB reading offset " + e.offset()), log);
        assertFalse(log.contains("Terminating server after rdb file reading failure."), log);
        return msg;
    }

    @Test
    void truncatedFile() throws Exception {
        String msg = refused(Arrays.copyOf(good, good.length / 2), "Unexpected EOF reading RDB file");
        assertTrue(msg.contains("offset " + good.length / 2), msg);
    }

    @Test
    void missingChecksum() throws Exception {
        refused(Arrays.copyOf(good, good.length - 3), "Unexpected EOF reading RDB file");
    }

    @Test
    void checksumMismatch() throws Exception {
        byte[] bad = good.clone();
        int at = indexOf(bad, "v".getBytes(StandardCharsets.US_ASCII), 60);
        bad[at] = 'w';
        String msg = refused(bad, "RDB CRC error");
        assertTrue(Files.readString(dir.resolve("jredis.log")).contains("# Wrong RDB checksum expected: ("), msg);
    }

    @Test
    void notAnRdbFile() throws Exception {
        refused("hello world, not a dump".getBytes(StandardCharsets.US_ASCII), "Wrong signature");
    }

    @Test
    void newerVersion() throws Exception {
        byte[] bad = good.clone();
        bad[8] = '1';
        bad[7] = '1';
        refused(bad, "Can't handle RDB format version 11");
    }

    @Test
    void unknownValueType() throws Exception {
        byte[] bad = good.clone();
        // SELECTDB 0, RESIZEDB 3 0, then the first key's type byte.
        int at = indexOf(bad, new byte[] {(byte) 0xfe, 0, (byte) 0xfb, 3, 0}, 9);
        bad[at + 5] = 42;
        Arrays.fill(bad, bad.length - 8, bad.length, (byte) 0);
        refused(bad, "Unknown RDB encoding type 42");
    }

    /** An empty collection in the file is skipped with the lines redis-server 7.0.15 logs for it. */
    @Test
    void emptyCollectionsAreSkippedAndLogged() throws Exception {
        byte[] file = {'R', 'E', 'D', 'I', 'S', '0', '0', '1', '0', (byte) 0xfe, 0, 2, 1, 's', 0, 0, 1, 'k', 1, 'v',
                (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
        Files.write(dir.resolve("dump.rdb"), file);
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            assertEquals(1, j.dbSize());
            assertEquals("v", j.get("k"));
            String log = s.log();
            assertTrue(log.contains("# rdbLoadObject skipping empty key: s\n"), log);
            assertTrue(log.contains("# Done loading RDB, keys loaded: 1, keys expired: 0, empty keys skipped: 1.\n"),
                    log);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        for (int i = from; i <= hay.length - needle.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
