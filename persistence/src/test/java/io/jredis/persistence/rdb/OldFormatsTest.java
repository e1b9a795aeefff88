package io.jredis.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jredis.server.db.HashValue;
import io.jredis.server.db.ListValue;
import io.jredis.server.db.SetValue;
import io.jredis.server.db.ZSetValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Files written by older Redis versions (ziplists, zipmaps, quicklist v1, legacy zsets, second-resolution expiry)
 * load with the values and encodings Redis 7.0 would give them.
 */
class OldFormatsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A ziplist of the given entries (String or Long), laid out as Redis 3.2-6.2 wrote them. */
    static byte[] ziplist(Object... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prevLen = 0;
        int tail = 10;
        for (Object o : entries) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            if (prevLen < 254) {
                e.write(prevLen);
            } else {
                e.write(0xfe);
                le(e, prevLen, 4);
            }
            if (o instanceof Long v) {
                if (v >= 0 && v <= 12) {
                    e.write(0xf1 + v.intValue());
                } else if (v == (byte) (long) v) {
                    e.write(0xfe);
                    le(e, v, 1);
                } else if (v == (short) (long) v) {
                    e.write(0xc0);
                    le(e, v, 2);
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    e.write(0xf0);
                    le(e, v, 3);
                } else if (v == (int) (long) v) {
                    e.write(0xd0);
                    le(e, v, 4);
                } else {
                    e.write(0xe0);
                    le(e, v, 8);
                }
            } else {
                byte[] s = b((String) o);
                if (s.length < 64) {
                    e.write(s.length);
                } else if (s.length < 16384) {
                    e.write(0x40 | (s.length >> 8));
                    e.write(s.length & 0xff);
                } else {
                    e.write(0x80);
                    e.write(s.length >>> 24);
                    e.write(s.length >>> 16);
                    e.write(s.length >>> 8);
                    e.write(s.length);
                }
                e.writeBytes(s);
            }
            byte[] entry = e.toByteArray();
            tail = 10 + body.size();
            body.writeBytes(entry);
            prevLen = entry.length;
        }
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        le(zl, 10 + body.size() + 1, 4);
        le(zl, tail, 4);
        le(zl, entries.length, 2);
        zl.writeBytes(body.toByteArray());
        zl.write(0xff);
        return zl.toByteArray();
    }

    private static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) {
            o.write((int) (v >>> (8 * i)));
        }
    }

    /** A zipmap of field/value pairs, with some free bytes after one value as Redis left them. */
    static byte[] zipmap(String... kv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(kv.length / 2);
        for (int i = 0; i < kv.length; i += 2) {
            byte[] k = b(kv[i]);
            byte[] v = b(kv[i + 1]);
            o.write(k.length);
            o.writeBytes(k);
            if (v.length >= 254) {
                o.write(254);
                le(o, v.length, 4);
            } else {
                o.write(v.length);
            }
            int free = i == 0 ? 3 : 0;
            o.write(free);
            o.writeBytes(v);
            o.writeBytes(new byte[free]);
        }
        o.write(0xff);
        return o.toByteArray();
    }

    @Test
    void version9FileWithEveryLegacyEncodingLoads() throws Exception {
        String longValue = "y".repeat(300);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(file, false, true);
        out.writeRaw(b("REDIS0009"));
        out.writeByte(Rdb.OPCODE_AUX);
        out.writeString(b("redis-ver"));
        out.writeString(b("6.2.14"));
        out.writeByte(Rdb.OPCODE_AUX);
        out.writeString(b("some-future-field"));
        out.writeString(b("ignored"));
        out.writeByte(Rdb.OPCODE_SELECTDB);
        out.writeLength(0);
        out.writeByte(Rdb.TYPE_LIST_QUICKLIST);
        out.writeString(b("ql"));
        out.writeLength(2);
        out.writeString(ziplist("a", 1L, 300L, -70000L, 1L << 40, "b".repeat(100)));
        out.writeString(ziplist("tail", 12L, -5L, 5_000_000L));
        out.writeByte(Rdb.TYPE_LIST_ZIPLIST);
        out.writeString(b("zl"));
        out.writeString(ziplist("x", "y"));
        out.writeByte(Rdb.TYPE_LIST);
        out.writeString(b("plainlist"));
        out.writeLength(2);
        out.writeString(b("p1"));
        out.writeString(b("p2"));
        out.writeByte(Rdb.TYPE_HASH_ZIPLIST);
        out.writeString(b("hz"));
        out.writeString(ziplist("f1", "v1", "n", 42L));
        out.writeByte(Rdb.TYPE_HASH_ZIPMAP);
        out.writeString(b("hm"));
        out.writeString(zipmap("a", "1", "b", longValue));
        out.writeByte(Rdb.TYPE_ZSET_ZIPLIST);
        out.writeString(b("zz"));
        out.writeString(ziplist("m1", 1L, "m2", "2.5", "m3", "-inf"));
        out.writeByte(Rdb.OPCODE_EXPIRETIME);
        out.writeLE(2_000_000_000L, 4);
        out.writeByte(Rdb.TYPE_ZSET);
        out.writeString(b("legacyz"));
        out.writeLength(2);
        out.writeString(b("a"));
        out.writeRaw(new byte[] {3, '1', '.', '5'});
        out.writeString(b("b"));
        out.writeByte(254);
        out.writeByte(Rdb.TYPE_SET);
        out.writeString(b("s"));
        out.writeLength(2);
        out.writeString(b("1"));
        out.writeString(b("two"));
        RdbWriter.end(out);

        Map<String, Object> keys = new TreeMap<>();
        Map<String, Long> expires = new TreeMap<>();
        List<String> aux = new ArrayList<>();
        byte[] bytes = file.toByteArray();
        int version = RdbLoader.load(new RdbInput(new java.io.ByteArrayInputStream(bytes), bytes.length),
                EncodingConfig.DEFAULTS, 16, new RdbLoader.Target() {
                    @Override
                    public void key(int db, byte[] key, Object value, long expireAt, long idle) {
                        keys.put(new String(key, StandardCharsets.US_ASCII), value);
                        expires.put(new String(key, StandardCharsets.US_ASCII), expireAt);
                    }

                    @Override
                    public void aux(String key, byte[] value) {
                        aux.add(key);
                    }
                });
        assertEquals(9, version);
        assertEquals(List.of("redis-ver", "some-future-field"), aux);
        assertEquals("[a, 1, 300, -70000, 1099511627776, " + "b".repeat(100) + ", tail, 12, -5, 5000000]",
                strings(((ListValue) keys.get("ql")).toArray()));
        assertEquals("[x, y]", strings(((ListValue) keys.get("zl")).toArray()));
        assertEquals("[p1, p2]", strings(((ListValue) keys.get("plainlist")).toArray()));
        HashValue hz = (HashValue) keys.get("hz");
        assertEquals("listpack", hz.encoding());
        assertEquals("42", new String(hz.get(b("n")), StandardCharsets.US_ASCII));
        HashValue hm = (HashValue) keys.get("hm");
        assertEquals("hashtable", hm.encoding(), "a value over hash-max-listpack-value converts");
        assertEquals(longValue, new String(hm.get(b("b")), StandardCharsets.US_ASCII));
        assertEquals("1", new String(hm.get(b("a")), StandardCharsets.US_ASCII));
        ZSetValue zz = (ZSetValue) keys.get("zz");
        assertEquals(Double.NEGATIVE_INFINITY, zz.score(b("m3")));
        assertEquals(2.5, zz.score(b("m2")));
        ZSetValue legacy = (ZSetValue) keys.get("legacyz");
        assertEquals(1.5, legacy.score(b("a")));
        assertEquals(Double.POSITIVE_INFINITY, legacy.score(b("b")));
        assertEquals(2_000_000_000_000L, expires.get("legacyz"));
        assertEquals(-1L, expires.get("s"), "an expiry applies to one key only");
        SetValue s = (SetValue) keys.get("s");
        assertEquals("hashtable", s.encoding());
        assertEquals(2, s.size());
    }

    @Test
    void damagedZiplistIsRefused() {
        byte[] zl = ziplist("a", "b");
        zl[8] = 5;
        assertThrows(IllegalArgumentException.class, () -> {
            Ziplist z = new Ziplist(zl);
            while (z.next()) {
                z.bytes();
            }
        });
        byte[] prev = ziplist("a", "b");
        prev[13] = 7;
        assertThrows(IllegalArgumentException.class, () -> {
            Ziplist z = new Ziplist(prev);
            while (z.next()) {
                z.bytes();
            }
        });
    }

    private static String strings(byte[][] items) {
        String[] s = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            s[i] = new String(items[i], StandardCharsets.US_ASCII);
        }
        return Arrays.toString(s);
    }
}
