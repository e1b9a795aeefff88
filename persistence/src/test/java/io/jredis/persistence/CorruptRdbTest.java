package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.persistence.rdb.Rdb;
import io.jredis.persistence.rdb.RdbException;
import io.jredis.server.testing.RealRedis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * A value that fails its integrity check is followed by Redis's redis-check-rdb report of the file: the AUX fields
     * and databases with their offsets, then what was being read (key and type) and the key counts. Compared with the
     * report real redis-server prints for the same file, apart from the error's own wording.
     */
    @Test
    void aDamagedValueIsFollowedByTheCheckReportAsRealRedis(@TempDir Path redisDir) throws Exception {
        RealRedis.assumeInstalled();
        byte[] file = good.clone();
        int listpack = indexOf(file, new byte[] {Rdb.TYPE_HASH_LISTPACK, 1, 'h'}, 0) + 3;
        int end = listpack + 1 + (file[listpack] & 0x3f) - 1;
        assertEquals((byte) 0xff, file[end], "the listpack's terminator");
        file[end] = 0;
        Files.write(dir.resolve("dump.rdb"), file);
        // The report goes to standard output, as Redis's checker prints it, whatever the log file.
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThrows(RdbException.class, () -> PersistentServer.start(dir).close());
        } finally {
            System.setOut(stdout);
        }
        List<String> jredis = report(printed.toString(StandardCharsets.UTF_8));

        Files.write(redisDir.resolve("dump.rdb"), file);
        Process p = new ProcessBuilder(RealRedis.binary(), "--port", String.valueOf(RealRedis.freePort()), "--dir",
                redisDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        List<String> redis = report(out);
        assertTrue(redis.contains("[additional info] Reading key 'h'"), out);
        assertEquals(redis, jredis);
    }

    /** The check report's lines, the error's wording left out (jredis names the integrity check in its own words). */
    private static List<String> report(String log) {
        List<String> lines = new ArrayList<>();
        boolean errorLine = false;
        for (String line : log.split("\n")) {
            if (errorLine) {
                lines.add(line.substring(0, line.indexOf(']') + 1));
                errorLine = false;
            } else if (line.startsWith("[") || line.startsWith("---")) {
                lines.add(line);
                errorLine = line.equals("--- RDB ERROR DETECTED ---");
            }
        }
        return lines;
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
