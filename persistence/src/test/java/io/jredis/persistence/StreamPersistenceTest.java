package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams cross between jredis and redis-server 7.0.15: RDB files (type 19) in both directions, DUMP payloads in
 * both directions (see aof.StreamAofRewriteTest for the AOF rewrite).
 */
class StreamPersistenceTest {
    @Test
    void jredisRdbLoadsInRedis(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Map<String, String> expected;
        try (PersistentServer s = PersistentServer.start(dir); RawClient c = new RawClient("127.0.0.1", s.port())) {
            StreamData.populate(c);
            expected = StreamData.state(c);
            assertEquals("+OK\r\n", new String(StreamData.raw(c, "SAVE"), StandardCharsets.US_ASCII));
        }
        String check = RdbInteropTest.checkRdb(dir.resolve("dump.rdb"));
        assertTrue(check.contains("\\o/ RDB looks OK! \\o/"), check);
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
                RawClient c = new RawClient("127.0.0.1", r.port())) {
            assertEquals(expected, StreamData.state(c));
        }
    }

    @Test
    void redisRdbLoadsInJredis(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Map<String, String> expected;
        try (RealRedis r = RealRedis.start(); RawClient c = new RawClient("127.0.0.1", r.port())) {
            StreamData.populate(c);
            expected = StreamData.state(c);
            assertEquals("+OK\r\n", new String(StreamData.raw(c, "SAVE"), StandardCharsets.US_ASCII));
            Files.copy(r.dir().resolve("dump.rdb"), dir.resolve("dump.rdb"));
        }
        try (PersistentServer s = PersistentServer.start(dir); RawClient c = new RawClient("127.0.0.1", s.port())) {
            assertEquals(expected, StreamData.state(c));
            assertTrue(s.log().contains("Done loading RDB, keys loaded: 6, keys expired: 0."), s.log());
        }
    }

    @Test
    void dumpPayloadsRestoreBothWaysAndMatchUncompressed(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (PersistentServer s = PersistentServer.start(dir, "rdbcompression", "no");
                RawClient jc = new RawClient("127.0.0.1", s.port());
                RealRedis r = RealRedis.start("--rdbcompression", "no");
                RawClient rc = new RawClient("127.0.0.1", r.port())) {
            StreamData.populate(jc);
            StreamData.populate(rc);
            for (String k : new String[] {"empty", "tomb", "big", "wide", "tangled"}) {
                // Without consumer times, the payloads are byte for byte Redis's: same nodes, same listpacks.
                assertArrayEquals(StreamData.raw(rc, "DUMP", k), StreamData.raw(jc, "DUMP", k), k);
            }
            for (String k : StreamData.KEYS) {
                byte[][] restore = {b("RESTORE"), b(k + "-copy"), b("0"), payload(StreamData.raw(jc, "DUMP", k))};
                assertEquals("+OK\r\n", new String(rc.callRaw(restore), StandardCharsets.US_ASCII));
                assertArrayEquals(StreamData.raw(jc, "XINFO", "STREAM", k, "FULL"), StreamData.raw(rc, "XINFO", "STREAM", k + "-copy", "FULL"));
                restore = new byte[][] {b("RESTORE"), b(k + "-copy"), b("0"), payload(StreamData.raw(rc, "DUMP", k))};
                assertEquals("+OK\r\n", new String(jc.callRaw(restore), StandardCharsets.US_ASCII));
                assertArrayEquals(StreamData.raw(rc, "XINFO", "STREAM", k, "FULL"), StreamData.raw(jc, "XINFO", "STREAM", k + "-copy", "FULL"));
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bulk string's content. */
    private static byte[] payload(byte[] bulk) {
        int crlf = new String(bulk, StandardCharsets.ISO_8859_1).indexOf("\r\n");
        int n = Integer.parseInt(new String(bulk, 1, crlf - 1, StandardCharsets.US_ASCII));
        byte[] out = new byte[n];
        System.arraycopy(bulk, crlf + 2, out, 0, n);
        return out;
    }

}
