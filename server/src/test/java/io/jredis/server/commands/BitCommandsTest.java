package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.SharedServerTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.args.BitCountOption;
import redis.clients.jedis.args.BitOP;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.BitPosParams;

/** SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO over real sockets, and against redis-server. */
class BitCommandsTest extends SharedServerTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private String error(Runnable r) {
        return assertThrows(JedisDataException.class, r::run).getMessage();
    }

    @Test
    void setbitRepliesOldBitAndPadsWithZeros() {
        assertFalse(j.setbit("k", 7, true));
        assertTrue(j.setbit("k", 7, true));
        assertTrue(j.setbit("k", 7, false));
        assertFalse(j.setbit("k", 17, true));
        assertArrayEquals(bytes(0, 0, 0x40), j.get("k".getBytes()));
        assertTrue(j.getbit("k", 17));
        assertFalse(j.getbit("k", 16));
        assertFalse(j.getbit("k", 4_294_967_295L));
        assertFalse(j.getbit("missing", 3));
        j.set("n", "12345");
        assertFalse(j.setbit("n", 0, true));
        assertEquals("\u00b12345", new String(j.get("n".getBytes()), StandardCharsets.ISO_8859_1));
    }

    @Test
    void setbitErrors() throws Exception {
        try (RawClient c = new RawClient(server.host(), server.port())) {
            String badOffset = "(error) ERR bit offset is not an integer or out of range";
            assertEquals(badOffset, RawClient.text(c.call("SETBIT", "k", "-1", "1")));
            assertEquals(badOffset, RawClient.text(c.call("SETBIT", "k", "4294967296", "1")));
            assertEquals(badOffset, RawClient.text(c.call("SETBIT", "k", "#1", "1")));
            assertEquals(badOffset, RawClient.text(c.call("GETBIT", "k", "01")));
            String badBit = "(error) ERR bit is not an integer or out of range";
            assertEquals(badBit, RawClient.text(c.call("SETBIT", "k", "1", "2")));
            assertEquals(badBit, RawClient.text(c.call("SETBIT", "k", "1", "-1")));
            assertEquals(badBit, RawClient.text(c.call("SETBIT", "k", "1", "x")));
            c.call("RPUSH", "list", "x");
            String wrongType = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
            assertEquals(wrongType, RawClient.text(c.call("SETBIT", "list", "1", "1")));
            assertEquals(wrongType, RawClient.text(c.call("GETBIT", "list", "1")));
            assertEquals(0L, c.call("EXISTS", "k"));
        }
    }

    @Test
    void offsetLimitFollowsProtoMaxBulkLen() throws Exception {
        j.configSet("proto-max-bulk-len", "1mb");
        try {
            assertFalse(j.setbit("big", 8 * 1024 * 1024 - 1, true));
            assertEquals(1024 * 1024, j.strlen("big"));
            assertEquals("ERR bit offset is not an integer or out of range",
                    error(() -> j.setbit("big", 8 * 1024 * 1024, true)));
            try (RawClient c = new RawClient(server.host(), server.port())) {
                assertEquals("(error) ERR bit offset is not an integer or out of range",
                        RawClient.text(c.call("BITFIELD", "big", "GET", "u8", "#1048576")));
                assertEquals("[1]", RespParser.toText(c.call("BITFIELD", "big", "GET", "u8", "#1048575")));
            }
        } finally {
            j.configSet("proto-max-bulk-len", "512mb");
        }
    }

    @Test
    void bitcountRangesInBytesAndBits() throws Exception {
        j.set("s", "foobar");
        assertEquals(26, j.bitcount("s"));
        assertEquals(4, j.bitcount("s", 0, 0));
        assertEquals(6, j.bitcount("s", 1, 1));
        assertEquals(17, j.bitcount("s", 5, 30, BitCountOption.BIT));
        assertEquals(26, j.bitcount("s", 0, -1, BitCountOption.BYTE));
        assertEquals(0, j.bitcount("s", -1, -3));
        assertEquals(0, j.bitcount("missing"));
        try (RawClient c = new RawClient(server.host(), server.port())) {
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("BITCOUNT", "s", "0")));
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("BITCOUNT", "s", "0", "1", "FOO")));
            // Redis 7.0 reads the key first and checks a reversed negative range before the unit.
            assertEquals(0L, c.call("BITCOUNT", "missing", "0"));
            assertEquals(0L, c.call("BITCOUNT", "s", "-1", "-2", "FOO"));
            assertEquals("(error) ERR value is not an integer or out of range",
                    RawClient.text(c.call("BITCOUNT", "s", "a", "1")));
        }
    }

    @Test
    void bitposSpecialRules() throws Exception {
        j.set("p".getBytes(), bytes(0x00, 0xff, 0xf0));
        assertEquals(8, j.bitpos("p", true));
        assertEquals(0, j.bitpos("p", false));
        assertEquals(20, j.bitpos("p", false, new BitPosParams(1)));
        assertEquals(7 + 13, j.bitpos("p", false, new BitPosParams(8, 23).modifier(BitCountOption.BIT)));
        j.set("ones".getBytes(), bytes(0xff, 0xff, 0xff));
        // Without an end the string counts as zero-padded: the first clear bit is the one after the string.
        assertEquals(24, j.bitpos("ones", false));
        assertEquals(24, j.bitpos("ones", false, new BitPosParams(1)));
        assertEquals(-1, j.bitpos("ones", false, new BitPosParams(1, -1)));
        assertEquals(-1, j.bitpos("ones", false, new BitPosParams(8, -1).modifier(BitCountOption.BIT)));
        j.set("zeros".getBytes(), bytes(0, 0));
        assertEquals(-1, j.bitpos("zeros", true));
        assertEquals(0, j.bitpos("missing", false));
        assertEquals(-1, j.bitpos("missing", true));
        try (RawClient c = new RawClient(server.host(), server.port())) {
            assertEquals("(error) ERR The bit argument must be 1 or 0.", RawClient.text(c.call("BITPOS", "p", "2")));
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("BITPOS", "p", "1", "0", "-1", "FOO")));
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("BITPOS", "p", "1", "0", "-1", "BIT", "x")));
            assertEquals(-1L, c.call("BITPOS", "missing", "1", "0", "-1", "BIT", "x"));
        }
    }

    @Test
    void bitopCombinesAndDeletesOnEmptyResult() throws Exception {
        j.set("a".getBytes(), bytes(0xff, 0x0f, 0xaa));
        j.set("b".getBytes(), bytes(0x0f, 0xf0));
        assertEquals(3, j.bitop(BitOP.AND, "d", "a", "b"));
        assertArrayEquals(bytes(0x0f, 0x00, 0x00), j.get("d".getBytes()));
        assertEquals(3, j.bitop(BitOP.OR, "d", "a", "b"));
        assertArrayEquals(bytes(0xff, 0xff, 0xaa), j.get("d".getBytes()));
        assertEquals(3, j.bitop(BitOP.XOR, "d", "a", "b", "missing"));
        assertArrayEquals(bytes(0xf0, 0xff, 0xaa), j.get("d".getBytes()));
        j.expire("d", 100);
        assertEquals(3, j.bitop(BitOP.NOT, "d", "a"));
        assertArrayEquals(bytes(0x00, 0xf0, 0x55), j.get("d".getBytes()));
        assertEquals(-1, j.ttl("d"));
        propagated.clear();
        assertEquals(0, j.bitop(BitOP.OR, "d", "missing"));
        assertFalse(j.exists("d"));
        assertEquals(0, j.bitop(BitOP.OR, "d", "missing"));
        assertEquals(List.of("BITOP OR d missing"), List.copyOf(propagated));
        assertEquals("ERR BITOP NOT must be called with a single source key.",
                error(() -> j.bitop(BitOP.NOT, "d", "a", "b")));
        j.rpush("list", "x");
        assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value",
                error(() -> j.bitop(BitOP.AND, "d", "a", "list")));
        try (RawClient c = new RawClient(server.host(), server.port())) {
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("BITOP", "NAND", "d", "a")));
        }
    }

    @Test
    void bitfieldOverflowModes() {
        assertEquals(Arrays.asList(0L, 255L, -1L), j.bitfield("f", "SET", "u8", "0", "255", "GET", "u8", "0",
                "GET", "i8", "0"));
        assertEquals(Arrays.asList(1L, 127L, null), j.bitfield("g", "INCRBY", "i8", "0", "1",
                "OVERFLOW", "SAT", "INCRBY", "i8", "0", "200", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "1"));
        assertEquals(Arrays.asList(-128L), j.bitfield("g", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "1"));
        assertEquals(Arrays.asList(0L, 3L), j.bitfield("h", "OVERFLOW", "SAT", "SET", "u2", "#3", "-1",
                "GET", "u2", "#3"));
        assertArrayEquals(bytes(0x03), j.get("h".getBytes()));
        assertEquals(Arrays.asList(0L, Long.MAX_VALUE), j.bitfield("i", "SET", "i64", "0",
                Long.toString(Long.MIN_VALUE), "INCRBY", "i64", "0", "-1"));
        assertEquals("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
                + "i64 is.", error(() -> j.bitfield("f", "GET", "u64", "0")));
        assertEquals("ERR Invalid OVERFLOW type specified", error(() -> j.bitfield("f", "OVERFLOW", "BAD")));
        assertEquals("ERR bit offset is not an integer or out of range",
                error(() -> j.bitfield("f", "GET", "u8", "#-1")));
        assertEquals("ERR syntax error", error(() -> j.bitfield("f", "GET", "u8")));
    }

    @Test
    void bitfieldReadOnlyVariantOnlyGets() {
        j.set("f", "A");
        assertEquals(List.of(65L, 4L), j.bitfieldReadonly("f", "GET", "u8", "0", "GET", "u4", "#0"));
        assertEquals("ERR BITFIELD_RO only supports the GET subcommand",
                error(() -> j.bitfieldReadonly("f", "GET", "u8", "0", "SET", "u8", "0", "1")));
        assertEquals("A", j.get("f"));
        assertEquals(List.of(0L), j.bitfieldReadonly("missing", "GET", "i8", "100"));
    }

    @Test
    void propagatesOnlyRealChanges() {
        j.setbit("k", 3, true);
        j.setbit("k", 3, true);
        j.setbit("k", 2, false);
        j.setbit("k", 9, false);
        j.bitfield("k", "GET", "u8", "0");
        j.bitfieldReadonly("k", "GET", "u8", "0");
        j.bitfield("k", "SET", "u8", "0", "17");
        j.bitfield("k", "SET", "u8", "0", "17", "GET", "u4", "0");
        // Every write failing on OVERFLOW FAIL still creates the padded key, unpropagated, as Redis does.
        assertEquals(Arrays.asList((Long) null), j.bitfield("new", "OVERFLOW", "FAIL", "INCRBY", "u8", "8", "300"));
        assertArrayEquals(bytes(0, 0), j.get("new".getBytes()));
        assertEquals(List.of("SETBIT k 3 1", "SETBIT k 9 0", "BITFIELD k SET u8 0 17"), List.copyOf(propagated));
    }

    @Test
    void keyspaceEvents() throws Exception {
        j.configSet("notify-keyspace-events", "KEA");
        try (RawClient sub = new RawClient(server.host(), server.port())) {
            sub.call("PSUBSCRIBE", "__keyevent@0__:*");
            j.setbit("k", 1, true);
            j.setbit("k", 1, true);
            j.bitfield("k", "INCRBY", "u4", "0", "1");
            j.bitop(BitOP.NOT, "d", "k");
            j.bitop(BitOP.AND, "d", "missing");
            assertEquals("[pmessage, __keyevent@0__:*, __keyevent@0__:setbit, k]", RespParser.toText(sub.read()));
            assertEquals("[pmessage, __keyevent@0__:*, __keyevent@0__:setbit, k]", RespParser.toText(sub.read()));
            assertEquals("[pmessage, __keyevent@0__:*, __keyevent@0__:set, d]", RespParser.toText(sub.read()));
            assertEquals("[pmessage, __keyevent@0__:*, __keyevent@0__:del, d]", RespParser.toText(sub.read()));
        } finally {
            j.configSet("notify-keyspace-events", "");
        }
    }

    /** Random bitmap commands on a few keys give the same reply bytes as redis-server, values included. */
    @Test
    void randomCommandsMatchRealRedis() throws Exception {
        try (RealRedis redis = RealRedis.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(server.host(), server.port())) {
            Random rnd = new Random(20240607);
            String[] keys = {"a", "b", "c"};
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < 4000 && mismatches.size() < 5; i++) {
                compare(real, ours, randomCommand(rnd, keys), "", mismatches);
            }
            assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
        }
    }

    /**
     * BITOP writes its result into the destination's own array when that is a raw string of the result's length:
     * random BITOPs whose destination is also a source (first or later, repeated), or whose value a COPY took,
     * with sources of different lengths, over values long enough for the vectorised loops and often enough for the
     * JIT to compile them, give redis-server's replies, values, encodings and TTLs.
     */
    @Test
    void bitopIntoItsDestinationMatchesRealRedis() throws Exception {
        try (RealRedis redis = RealRedis.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(server.host(), server.port())) {
            Random rnd = new Random(160);
            String[] keys = {"bo:a", "bo:b", "bo:c", "bo:d"};
            int[] lengths = {1, 3, 64, 65, 300};
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < 3000 && mismatches.size() < 5; i++) {
                String key = keys[rnd.nextInt(keys.length)];
                List<String> cmd = new ArrayList<>();
                int kind = rnd.nextInt(20);
                if (kind < 2) {
                    StringBuilder v = new StringBuilder();
                    int n = lengths[rnd.nextInt(lengths.length)];
                    for (int k = 0; k < n; k++) {
                        v.append((char) rnd.nextInt(256));
                    }
                    cmd.addAll(List.of("SET", key, v.toString()));
                } else if (kind == 2) {
                    cmd.addAll(List.of("COPY", key, keys[rnd.nextInt(keys.length)], "REPLACE"));
                } else if (kind == 3) {
                    cmd.addAll(List.of("SETRANGE", key, Integer.toString(rnd.nextInt(70)), "\u00ff\u0001"));
                } else if (kind == 4) {
                    cmd.addAll(List.of("EXPIRE", key, "1000"));
                } else if (kind == 5) {
                    cmd.addAll(List.of("TTL", key));
                } else if (kind == 6) {
                    cmd.addAll(List.of("OBJECT", "ENCODING", key));
                } else if (kind < 10) {
                    cmd.addAll(List.of("GET", key));
                } else {
                    String op = new String[] {"AND", "OR", "XOR", "NOT"}[rnd.nextInt(4)];
                    cmd.addAll(List.of("BITOP", op, key));
                    int sources = op.equals("NOT") ? 1 : 1 + rnd.nextInt(4);
                    for (int k = 0; k < sources; k++) {
                        cmd.add(rnd.nextInt(8) == 0 ? "bo:missing" : keys[rnd.nextInt(keys.length)]);
                    }
                }
                compare(real, ours, cmd, i + " ", mismatches);
                if (cmd.get(0).equals("BITOP")) {
                    compare(real, ours, List.of("GET", key), i + " after " + cmd + ": ", mismatches);
                }
            }
            assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
        }
    }

    /** Sends {@code cmd} to redis-server and jredis; adds both replies to {@code mismatches} when they differ. */
    private static void compare(RawClient real, RawClient ours, List<String> cmd, String where,
            List<String> mismatches) throws Exception {
        byte[][] argv = new byte[cmd.size()][];
        for (int k = 0; k < argv.length; k++) {
            argv[k] = cmd.get(k).getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] expected = real.callRaw(argv);
        byte[] actual = ours.callRaw(argv);
        if (!Arrays.equals(expected, actual)) {
            mismatches.add(where + cmd + "\n  redis:  " + DifferentialRunner.show(expected) + "\n  jredis: "
                    + DifferentialRunner.show(actual));
        }
    }

    private static List<String> randomCommand(Random rnd, String[] keys) {
        String key = keys[rnd.nextInt(keys.length)];
        List<String> cmd = new ArrayList<>();
        switch (rnd.nextInt(8)) {
            case 0 -> {
                StringBuilder v = new StringBuilder();
                int n = rnd.nextInt(10);
                for (int i = 0; i < n; i++) {
                    v.append((char) (rnd.nextBoolean() ? (rnd.nextBoolean() ? 0 : 255) : rnd.nextInt(256)));
                }
                cmd.addAll(List.of("SET", key, v.toString()));
            }
            case 1 -> cmd.addAll(List.of("SETBIT", key, Integer.toString(rnd.nextInt(90)), rnd.nextInt(3) > 0 ? "1"
                    : "0"));
            case 2 -> {
                cmd.addAll(List.of("BITCOUNT", key));
                int n = rnd.nextInt(4);
                if (n >= 1) {
                    cmd.add(index(rnd));
                    cmd.add(index(rnd));
                }
                if (n == 3) {
                    cmd.add(rnd.nextBoolean() ? "BIT" : "byte");
                }
            }
            case 3, 4 -> {
                cmd.addAll(List.of("BITPOS", key, rnd.nextBoolean() ? "1" : "0"));
                int n = rnd.nextInt(4);
                if (n >= 1) {
                    cmd.add(index(rnd));
                }
                if (n >= 2) {
                    cmd.add(index(rnd));
                }
                if (n == 3) {
                    cmd.add(rnd.nextBoolean() ? "BIT" : "BYTE");
                }
            }
            case 5 -> {
                String op = new String[] {"AND", "OR", "XOR", "NOT"}[rnd.nextInt(4)];
                cmd.addAll(List.of("BITOP", op, keys[rnd.nextInt(keys.length)], key));
                if (!op.equals("NOT")) {
                    cmd.add(rnd.nextBoolean() ? "missing" : keys[rnd.nextInt(keys.length)]);
                }
            }
            case 6 -> {
                cmd.addAll(List.of("BITFIELD", key));
                int ops = 1 + rnd.nextInt(3);
                for (int i = 0; i < ops; i++) {
                    String type = (rnd.nextBoolean() ? "i" : "u") + (1 + rnd.nextInt(63));
                    String offset = rnd.nextBoolean() ? Integer.toString(rnd.nextInt(40)) : "#" + rnd.nextInt(4);
                    long value = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(2001) - 1000;
                    switch (rnd.nextInt(4)) {
                        case 0 -> cmd.addAll(List.of("GET", type, offset));
                        case 1 -> cmd.addAll(List.of("SET", type, offset, Long.toString(value)));
                        case 2 -> cmd.addAll(List.of("INCRBY", type, offset, Long.toString(value)));
                        default -> cmd.addAll(List.of("OVERFLOW", new String[] {"WRAP", "SAT", "FAIL"}[rnd.nextInt(3)]));
                    }
                }
            }
            default -> cmd.addAll(List.of("GET", key));
        }
        return cmd;
    }

    private static String index(Random rnd) {
        int[] common = {0, 1, 2, 7, 8, 9, 15, 16, -1, -2, -8, -9, 100, -100};
        return Integer.toString(rnd.nextBoolean() ? common[rnd.nextInt(common.length)] : rnd.nextInt(81) - 40);
    }
}
