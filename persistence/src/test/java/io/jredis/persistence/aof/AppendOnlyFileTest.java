package io.jredis.persistence.aof;

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
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class AppendOnlyFileTest {
    @TempDir
    Path dir;

    private Path aofDir() {
        return dir.resolve("appendonlydir");
    }

    /** A server restarted on the AOF (appendonly yes) loads k = v. */
    private void assertReloadsK() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("v", j.get("k"));
        }
    }

    /**
     * Writes a=1 through a server with appendonly yes, then appends {@code tail} to its incr file; returns the file's
     * size before the tail.
     */
    private long setAThenAppendToIncr(String tail) throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            j.set("a", "1");
        }
        Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
        long size = Files.size(incr);
        Files.writeString(incr, tail, StandardOpenOption.APPEND);
        return size;
    }

    private String manifest() throws IOException {
        return Files.readString(aofDir().resolve("appendonly.aof.manifest"));
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(aofDir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String info(Jedis j, String field) {
        return RawClient.infoValue(j.info("persistence"), field);
    }

    @Test
    void layoutIsRedis70sAndDataSurvivesRestart() throws Exception {
        Map<String, String> before;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    manifest());
            j.set("a", "1");
            j.select(2);
            j.set("b", "2");
            Datasets.fill(j);
            before = Datasets.describe(j);
            assertEquals("1", info(j, "aof_enabled"));
            assertEquals("ok", info(j, "aof_last_write_status"));
        }
        assertEquals(List.of("appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"),
                files());
        assertTrue(Files.readString(aofDir().resolve("appendonly.aof.1.base.rdb"), StandardCharsets.ISO_8859_1)
                .startsWith("REDIS0010"));
        String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
        assertTrue(incr.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n"), incr);
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(before, Datasets.describe(j));
            assertTrue(s.log.stream().anyMatch(l -> l.contains("DB loaded from append only file")));
        }
    }

    @Test
    void timestampAnnotationsAreWrittenAndSkippedOnLoad() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "aof-timestamp-enabled", "yes");
                Jedis j = s.jedis()) {
            j.set("k", "v");
        }
        String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"));
        assertTrue(incr.matches("(?s)#TS:\\d+\r\n\\*2\r\n\\$6\r\nSELECT.*"), incr);
        assertReloadsK();
    }

    /** A base written as commands starts with an annotation too, as Redis's rewrite writes one. */
    @Test
    void rewrittenAofBaseStartsWithATimestamp() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "aof-timestamp-enabled", "yes",
                "aof-use-rdb-preamble", "no"); Jedis j = s.jedis()) {
            j.set("k", "v");
            j.bgrewriteaof();
            Await.until("rewrite end", 10, () -> "0".equals(info(j, "aof_rewrite_in_progress"))
                    && "0".equals(info(j, "aof_rewrite_scheduled")));
        }
        String base = Files.readString(aofDir().resolve("appendonly.aof.2.base.aof"));
        assertTrue(base.matches("(?s)#TS:\\d+\r\n\\*.*"), base);
        assertReloadsK();
    }

    @Test
    void appendonlyNoWritesNothing() throws Exception {
        try (AofServer s = AofServer.start(dir); Jedis j = s.jedis()) {
            j.set("k", "v");
            assertEquals("0", info(j, "aof_enabled"));
            assertEquals(null, info(j, "aof_current_size"));
        }
        assertFalse(Files.exists(aofDir()));
    }

    @Test
    void bgrewriteaofMakesANewBaseAndDeletesHistory() throws Exception {
        Map<String, String> before;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "aof-use-rdb-preamble", "no");
                Jedis j = s.jedis()) {
            Datasets.fill(j);
            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            j.set("after", "rewrite");
            Await.until("rewrite end", 10, () -> "0".equals(info(j, "aof_rewrite_in_progress")));
            Await.until("new manifest", 10, () -> {
                try {
                    return manifest().contains("seq 2 type b");
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals("file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                    manifest());
            Await.until("history deleted", 10, () -> {
                try {
                    return files().equals(List.of("appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof",
                            "appendonly.aof.manifest"));
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals("ok", info(j, "aof_last_bgrewrite_status"));
            assertEquals("1", info(j, "aof_rewrites"));
            String base = Files.readString(aofDir().resolve("appendonly.aof.2.base.aof"));
            assertTrue(base.contains("$5\r\nRPUSH\r\n$4\r\nlist\r\n"), base);
            assertTrue(base.contains("PEXPIREAT"), base);
            assertTrue(Files.readString(aofDir().resolve("appendonly.aof.2.incr.aof")).contains("after"));
            before = Datasets.describe(j);
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(before, Datasets.describe(j));
        }
    }

    @Test
    void bgrewriteaofWithAofOffWritesALoadableDirectory() throws Exception {
        try (AofServer s = AofServer.start(dir); Jedis j = s.jedis()) {
            j.set("k", "v");
            j.bgrewriteaof();
            Await.until("manifest", 10, () -> {
                try {
                    return Files.exists(aofDir().resolve("appendonly.aof.manifest"));
                } catch (RuntimeException e) {
                    return false;
                }
            });
            assertEquals("0", info(j, "aof_enabled"));
            j.set("not-logged", "x");
        }
        // A base only, as redis-server 7.0.15 writes it: the incr file comes when AOF is turned on.
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\n", manifest());
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("v", j.get("k"));
            assertEquals(null, j.get("not-logged"));
        }
    }

    @Test
    void rdbPreambleBaseAfterRewrite() throws Exception {
        Map<String, String> before;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            Datasets.fill(j);
            j.bgrewriteaof();
            Await.until("rdb base", 10, () -> {
                try {
                    return manifest().contains("appendonly.aof.2.base.rdb seq 2 type b");
                } catch (IOException e) {
                    return false;
                }
            });
            j.set("after", "1");
            before = Datasets.describe(j);
        }
        String base = Files.readString(aofDir().resolve("appendonly.aof.2.base.rdb"), StandardCharsets.ISO_8859_1);
        assertTrue(base.startsWith("REDIS0010") && base.contains("aof-base"), base);
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(before, Datasets.describe(j));
        }
    }

    @Test
    void legacyFileWithRdbPreambleAndTailIsLoaded() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            j.set("from-rdb", "1");
            j.bgrewriteaof();
            Await.until("rdb base", 10, () -> {
                try {
                    return manifest().contains("seq 2 type b");
                } catch (IOException e) {
                    return false;
                }
            });
        }
        Path legacy = dir.resolve("legacy");
        Files.createDirectories(legacy);
        byte[] rdb = Files.readAllBytes(aofDir().resolve("appendonly.aof.2.base.rdb"));
        byte[] tail = "*3\r\n$3\r\nset\r\n$9\r\nfrom-tail\r\n$1\r\n2\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(rdb, rdb.length + tail.length);
        System.arraycopy(tail, 0, all, rdb.length, tail.length);
        Files.write(legacy.resolve("appendonly.aof"), all);
        try (AofServer s = AofServer.start(legacy, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("1", j.get("from-rdb"));
            assertEquals("2", j.get("from-tail"));
        }
    }

    /**
     * Redis migrates an old-style AOF also when the AOF directory exists but its manifest lists no base and no incr
     * file, or when a migration stopped before its rename (the manifest lists the old file as base, and it is not in
     * the directory yet); an old file next to a directory holding it is left alone.
     */
    @Test
    void interruptedOrEmptyUpgradesAreCompleted() throws Exception {
        byte[] old = "*3\r\n$3\r\nset\r\n$2\r\nk1\r\n$2\r\nv1\r\n".getBytes(StandardCharsets.US_ASCII);
        for (String manifest : List.of("file appendonly.aof seq 1 type b\n", "# nothing yet\n")) {
            Path node = Files.createTempDirectory(dir, "node");
            Files.createDirectories(node.resolve("appendonlydir"));
            Files.writeString(node.resolve("appendonlydir/appendonly.aof.manifest"), manifest);
            Files.write(node.resolve("appendonly.aof"), old);
            try (AofServer s = AofServer.start(node, "appendonly", "yes"); Jedis j = s.jedis()) {
                assertEquals("v1", j.get("k1"), manifest);
                assertTrue(s.log.stream().anyMatch(l -> l.endsWith("Successfully migrated an old-style AOF file "
                        + "(appendonly.aof) into the AOF directory (appendonlydir).")), s.log.toString());
            }
            assertFalse(Files.exists(node.resolve("appendonly.aof")), manifest);
            assertTrue(Files.exists(node.resolve("appendonlydir/appendonly.aof")), manifest);
            assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    Files.readString(node.resolve("appendonlydir/appendonly.aof.manifest")), manifest);
        }
        Path both = Files.createTempDirectory(dir, "node");
        Files.createDirectories(both.resolve("appendonlydir"));
        Files.writeString(both.resolve("appendonlydir/appendonly.aof.manifest"), "file appendonly.aof seq 1 type b\n");
        Files.write(both.resolve("appendonlydir/appendonly.aof"), old);
        Files.write(both.resolve("appendonly.aof"), "*1\r\n$8\r\nflushall\r\n".getBytes(StandardCharsets.US_ASCII));
        try (AofServer s = AofServer.start(both, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("v1", j.get("k1"));
        }
        assertTrue(Files.exists(both.resolve("appendonly.aof")));
    }

    /**
     * As in Redis, a rewrite is reported in progress until its files are in place: once INFO shows it done, the
     * manifest on disk names the new base (DEBUG LOADAOF, a backup script, a restart read that one).
     */
    @Test
    void aFinishedRewriteHasItsManifestOnDisk() throws Exception {
        try (AofServer s = AofServer.start(dir, "enable-debug-command", "yes"); Jedis j = s.jedis()) {
            for (int i = 1; i <= 15; i++) {
                j.set("k", Integer.toString(i));
                j.bgrewriteaof();
                Await.until("rewrite " + i + " done", 30, () -> "0".equals(info(j, "aof_rewrite_in_progress")));
                assertTrue(manifest().startsWith("file appendonly.aof." + i + ".base.rdb seq " + i + " type b\n"),
                        manifest());
                Object reply = j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "LOADAOF");
                assertEquals("OK", new String((byte[]) reply, StandardCharsets.US_ASCII));
                assertEquals(Integer.toString(i), j.get("k"));
            }
        }
    }

    @Test
    void automaticRewriteOnGrowth() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "auto-aof-rewrite-min-size", "1",
                "auto-aof-rewrite-percentage", "100"); Jedis j = s.jedis()) {
            for (int i = 0; i < 200; i++) {
                j.set("k" + (i % 10), "v" + i);
            }
            Await.until("automatic rewrite", 10,
                    () -> Integer.parseInt(info(j, "aof_rewrites")) > 0
                            && "0".equals(info(j, "aof_rewrite_in_progress")));
            assertTrue(s.log.stream().anyMatch(l -> l.contains("Starting automatic rewriting of AOF on")));
            assertEquals("v199", j.get("k9"));
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("v199", j.get("k9"));
            assertEquals(10, j.dbSize());
        }
    }

    @Test
    void configSetAppendonlyAtRunTime() throws Exception {
        try (AofServer s = AofServer.start(dir); Jedis j = s.jedis()) {
            j.set("before", "1");
            assertEquals("OK", j.configSet("appendonly", "yes"));
            assertEquals("1", info(j, "aof_enabled"));
            j.set("during", "2");
            Await.until("rewrite end", 10, () -> "0".equals(info(j, "aof_rewrite_in_progress")));
            Await.until("manifest", 10, () -> {
                try {
                    return Files.exists(aofDir().resolve("appendonly.aof.manifest"))
                            && manifest().contains("type i");
                } catch (IOException e) {
                    return false;
                }
            });
            j.set("after", "3");
            assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    manifest());
            assertEquals("OK", j.configSet("appendonly", "no"));
            assertEquals("0", info(j, "aof_enabled"));
            j.set("off", "4");
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("1", j.get("before"));
            assertEquals("2", j.get("during"));
            assertEquals("3", j.get("after"));
            assertEquals(null, j.get("off"));
        }
    }

    @Test
    void truncatedTailIsCutWhenAllowed() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            j.set("a", "1");
            j.set("b", "2");
        }
        Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
        long good = Files.size(incr);
        Files.writeString(incr, "*3\r\n$3\r\nset\r\n$1\r\nc\r\n$1", StandardOpenOption.APPEND);
        AofException refused = assertThrows(AofException.class,
                () -> AofServer.start(dir, "appendonly", "yes", "aof-load-truncated", "no"));
        assertTrue(refused.getMessage().contains("Unexpected end of file reading the append only file "
                + "appendonly.aof.1.incr.aof"), refused.getMessage());
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("2", j.get("b"));
            assertEquals(null, j.get("c"));
            assertTrue(s.log.stream().anyMatch(l -> l.contains(
                    "!!! Truncating the AOF appendonly.aof.1.incr.aof at offset " + good + " !!!")), s.log.toString());
            assertTrue(s.log.stream().anyMatch(l -> l.contains(
                    "AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled")));
            j.set("d", "4");
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("4", j.get("d"));
        }
    }

    /**
     * Headers that straddle the loader's 1 MB read buffer, arguments larger than it and empty arguments all load. The
     * replayed commands run as Redis runs them while loading (the command's proc, no command statistics).
     */
    @Test
    void everyHeaderFormLoadsAcrossTheReadBuffer() throws Exception {
        Files.createDirectories(aofDir());
        Files.writeString(aofDir().resolve("appendonly.aof.manifest"),
                "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.write(aofDir().resolve("appendonly.aof.1.base.aof"), new byte[0]);
        StringBuilder aof = new StringBuilder();
        int n = 0;
        while (aof.length() < 3 << 20) {
            String v = "v".repeat(n % 97);
            aof.append("*3\r\n$3\r\nSET\r\n$").append(Integer.toString(n).length() + 1).append("\r\nk").append(n)
                    .append("\r\n$").append(v.length()).append("\r\n").append(v).append("\r\n");
            n++;
        }
        String big = "b".repeat(1_500_000);
        aof.append("*3\r\n$3\r\nset\r\n$3\r\nbig\r\n$").append(big.length()).append("\r\n").append(big).append("\r\n");
        aof.append("*4\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$0\r\n\r\n$1\r\ny\r\n");
        Files.writeString(aofDir().resolve("appendonly.aof.1.incr.aof"), aof.toString());
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(n + 2, j.dbSize());
            for (int i = 0; i < n; i += 997) {
                assertEquals("v".repeat(i % 97), j.get("k" + i));
            }
            assertEquals(big, j.get("big"));
            assertEquals(List.of("", "y"), j.lrange("list", 0, -1));
            assertFalse(j.info("commandstats").contains("cmdstat_set"), j.info("commandstats"));
        }
    }

    @Test
    void corruptionInTheMiddleStopsStartUp() throws Exception {
        long at = setAThenAppendToIncr("garbage\r\n*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n");
        AofException e = assertThrows(AofException.class, () -> AofServer.start(dir, "appendonly", "yes"));
        assertTrue(e.getMessage().startsWith("Bad file format reading the append only file appendonly.aof.1.incr.aof"
                + " at offset " + at), e.getMessage());
    }

    @Test
    void unknownCommandStopsStartUp() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes")) {
            assertTrue(s.port() > 0);
        }
        Files.writeString(aofDir().resolve("appendonly.aof.1.incr.aof"), "*1\r\n$5\r\nnosuc\r\n");
        AofException e = assertThrows(AofException.class, () -> AofServer.start(dir, "appendonly", "yes"));
        assertTrue(e.getMessage().startsWith("Unknown command 'nosuc' reading the append only file"), e.getMessage());
    }

    @Test
    void truncatedFileThatIsNotLastIsFatal() throws Exception {
        Files.createDirectories(aofDir());
        Files.writeString(aofDir().resolve("appendonly.aof.manifest"),
                "file b seq 1 type b\nfile i1 seq 1 type i\nfile i2 seq 2 type i\n");
        Files.writeString(aofDir().resolve("b"), "");
        Files.writeString(aofDir().resolve("i1"), "*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n");
        Files.writeString(aofDir().resolve("i2"), "*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n");
        AofException e = assertThrows(AofException.class, () -> AofServer.start(dir, "appendonly", "yes"));
        assertTrue(e.getMessage().contains("Fatal error: the truncated file i1 is not the last file"),
                e.getMessage());
    }

    @Test
    void missingListedFileRefusesStartUp() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            j.set("a", "1");
        }
        Files.delete(aofDir().resolve("appendonly.aof.1.base.rdb"));
        AofException e = assertThrows(AofException.class, () -> AofServer.start(dir, "appendonly", "yes"));
        assertTrue(e.getMessage().contains("appendonly.aof.1.base.rdb"), e.getMessage());
    }

    @Test
    void incompleteMultiIsReverted() throws Exception {
        long good = setAThenAppendToIncr("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n");
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("1", j.get("a"));
            assertEquals(null, j.get("b"));
            assertTrue(s.log.stream().anyMatch(l -> l.contains("Revert incomplete MULTI/EXEC transaction")));
        }
        assertTrue(Files.size(aofDir().resolve("appendonly.aof.1.incr.aof")) >= good);
    }

    @Test
    void legacySingleFileIsUpgraded() throws Exception {
        Files.writeString(dir.resolve("appendonly.aof"), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                + "*3\r\n$3\r\nset\r\n$6\r\nlegacy\r\n$3\r\nyes\r\n");
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("yes", j.get("legacy"));
            j.set("new", "1");
        }
        assertFalse(Files.exists(dir.resolve("appendonly.aof")));
        assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", manifest());
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals("yes", j.get("legacy"));
            assertEquals("1", j.get("new"));
        }
    }

    @Test
    void alwaysWritesBeforeTheReply() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "appendfsync", "always"); Jedis j = s.jedis()) {
            Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v" + i);
                String content = Files.readString(incr);
                assertTrue(content.endsWith("$" + ("k" + i).length() + "\r\nk" + i + "\r\n$" + ("v" + i).length()
                        + "\r\nv" + i + "\r\n"), "write " + i + " acknowledged before it reached the file");
                assertEquals("v" + i, j.get("k" + i));
            }
        }
    }

    /** DEBUG AOF-FLUSH-SLEEP delays each AOF write; under always the reply still waits for the write. */
    @Test
    void aofFlushSleepDelaysTheWriteNotTheAcknowledgement() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "appendfsync", "always",
                "enable-debug-command", "yes"); Jedis j = s.jedis()) {
            Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
            Object ok = j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "aof-flush-sleep", "300000");
            assertEquals("OK", new String((byte[]) ok, StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            j.set("slow", "v");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs >= 250, "the write took " + tookMs + " ms");
            assertTrue(Files.readString(incr).endsWith("$4\r\nslow\r\n$1\r\nv\r\n"));
        }
    }

    /**
     * Under everysec and no too, a write is in the file (safe from a crash of the process) before its reply, as Redis
     * writes its AOF buffer before it sends the loop's replies; only the fsync is deferred.
     */
    @Test
    void writeIsInTheFileBeforeItsReplyUnderEverysecAndNo() throws Exception {
        for (String policy : List.of("everysec", "no")) {
            try (AofServer s = AofServer.start(dir, "appendonly", "yes", "appendfsync", policy,
                    "enable-debug-command", "yes"); Jedis j = s.jedis()) {
                Path incr = aofDir().resolve(manifestIncr());
                j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "aof-flush-sleep", "200000");
                j.set("acked-" + policy, "v");
                assertTrue(Files.readString(incr).contains("acked-" + policy), policy);
            }
        }
    }

    /** The incr file the manifest names last. */
    private String manifestIncr() throws IOException {
        String name = null;
        for (String line : Files.readAllLines(aofDir().resolve("appendonly.aof.manifest"))) {
            if (line.contains("type i")) {
                name = line.split(" ")[1];
            }
        }
        return name;
    }

    @Test
    void bgrewriteaofWhileRunningIsRefused() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            for (int i = 0; i < 20000; i++) {
                j.sadd("big" + (i % 50), "m" + i);
            }
            j.bgrewriteaof();
            boolean refusedOnce = false;
            while ("1".equals(info(j, "aof_rewrite_in_progress"))) {
                try {
                    j.bgrewriteaof();
                } catch (JedisDataException e) {
                    assertEquals("ERR Background append only file rewriting already in progress", e.getMessage());
                    refusedOnce = true;
                    break;
                }
            }
            assertTrue(refusedOnce || "0".equals(info(j, "aof_rewrite_in_progress")));
        }
    }
}
