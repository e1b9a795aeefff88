package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AofManifestTest {
    private static AofManifest parse(String s) throws AofException {
        return AofManifest.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String s) {
        return assertThrows(AofException.class, () -> parse(s)).getMessage();
    }

    @Test
    void roundTripsRedisLayout() throws AofException {
        String text = "file appendonly.aof.3.base.rdb seq 3 type b\n"
                + "file appendonly.aof.2.incr.aof seq 2 type h\n"
                + "file appendonly.aof.3.incr.aof seq 3 type i\n"
                + "file appendonly.aof.4.incr.aof seq 4 type i\n";
        AofManifest m = parse(text);
        assertEquals("appendonly.aof.3.base.rdb", m.base().name());
        assertEquals(2, m.incr().size());
        assertEquals(1, m.history().size());
        assertEquals(text, new String(m.format(), StandardCharsets.UTF_8));
        assertEquals("appendonly.aof.5.incr.aof", m.addIncr("appendonly.aof").name());
        assertEquals("appendonly.aof.4.base.aof", m.nextBase("appendonly.aof", false).name());
    }

    @Test
    void rewriteTurnsOldFilesIntoHistory() throws AofException {
        AofManifest m = parse("file a.1.base.aof seq 1 type b\nfile a.1.incr.aof seq 1 type i\n");
        m.addIncr("a");
        m.installBase(m.nextBase("a", false), true);
        // Redis's order: the retired incr files, then the old base (AofRewriteTest compares with redis-server).
        assertEquals("file a.2.base.aof seq 2 type b\nfile a.1.incr.aof seq 1 type h\n"
                + "file a.1.base.aof seq 1 type h\nfile a.2.incr.aof seq 2 type i\n",
                new String(m.format(), StandardCharsets.UTF_8));
    }

    @Test
    void quotesNamesWithSpaces() throws AofException {
        AofManifest m = parse("file \"my file.1.base.aof\" seq 1 type b\n# comment\nfile x seq 1 type i\n");
        assertEquals("my file.1.base.aof", m.base().name());
        assertEquals("file \"my file.1.base.aof\" seq 1 type b\nfile x seq 1 type i\n",
                new String(m.format(), StandardCharsets.UTF_8));
    }

    @Test
    void strictParsing() {
        assertEquals("Found an empty AOF manifest", error(""));
        assertEquals("The AOF manifest file contains too long line", error("file a seq 1 type b"));
        assertEquals("Invalid AOF manifest file format", error("file a seq 1\n"));
        assertEquals("Invalid AOF manifest file format", error("file a seq 1 type b extra\n"));
        assertEquals("Invalid AOF manifest file format", error("file a seq x type b\n"));
        assertEquals("Invalid AOF manifest file format", error("name a seq 1 kind b\n"));
        assertEquals("Found duplicate base file information",
                error("file a seq 1 type b\nfile b seq 2 type b\n"));
        assertEquals("Found a non-monotonic sequence number",
                error("file a seq 2 type i\nfile b seq 2 type i\n"));
        assertEquals("Unknown AOF file type", error("file a seq 1 type x\n"));
        assertEquals("The AOF manifest file contains too long line",
                error("file " + "a".repeat(1100) + " seq 1 type b\n"));
        assertEquals("File can't be a path, just a filename", error("file a/b seq 1 type i\n"));
        assertEquals("Invalid AOF manifest file format", error("file a seq 1 type b\n  \r\n"));
    }

    /** Redis reads a manifest with fgets and atoll: what it accepts beyond the lines it writes. */
    @Test
    void acceptsWhatRedisAccepts() throws AofException {
        assertEquals(0, parse("# only a comment\n").incr().size());
        AofManifest m = parse("FILE a SEQ 5x TYPE incr\n");
        assertEquals(new AofManifest.Entry("a", 5, AofManifest.Type.INCR), m.lastIncr());
        String longest = "file " + "a".repeat(1024 - 19) + " seq 1 type i\n";
        assertEquals(1024, longest.length());
        assertEquals(1, parse(longest).incr().size());
        assertEquals("The AOF manifest file contains too long line",
                error("file " + "a".repeat(1025 - 19) + " seq 1 type i\n"));
    }

    @Test
    void invalidLinesNameWhereTheyAre() {
        AofManifest.Invalid e = assertThrows(AofManifest.Invalid.class,
                () -> parse("# c\nfile a seq 1 type b\n\t file b seq 1 type b \n"));
        assertEquals("Found duplicate base file information", e.getMessage());
        assertEquals(3, e.lineNumber());
        assertEquals("file b seq 1 type b", e.line());
        assertEquals(null, assertThrows(AofManifest.Invalid.class, () -> parse("file a")).line());
    }
}
