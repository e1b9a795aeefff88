package io.jredis.persistence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.Jedis;

/**
 * The same dataset, written through a client into any server: every type in every encoding Redis 7.0 saves
 * (int, raw and compressible strings; quicklists of one and many nodes; intsets of each width and hashtable sets;
 * listpack and skiplist zsets with special scores; listpack and hashtable hashes), binary data, big values, keys
 * with TTLs and several databases. Deterministic, so two servers get identical data.
 */
final class TestData {
    private TestData() {}

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void populate(Jedis j) {
        Random rnd = new Random(42);
        j.select(0);
        j.set("str:small", "hello");
        j.set("str:int", "12345");
        j.set("str:neg", "-7");
        j.set("str:int64", "123456789012345");
        j.set("str:leadingzero", "007");
        j.set("str:empty", "");
        byte[] bin = new byte[256];
        for (int i = 0; i < 256; i++) {
            bin[i] = (byte) i;
        }
        j.set(b("str:binary"), bin);
        j.set(bin, b("binary key"));
        j.set("str:compressible", "abc".repeat(1000));
        byte[] noise = new byte[100_000];
        rnd.nextBytes(noise);
        j.set(b("str:random"), noise);
        StringBuilder text = new StringBuilder();
        while (text.length() < 1_000_000) {
            text.append("line ").append(text.length() % 977).append(" of a long and repetitive document\n");
        }
        j.set("str:bigtext", text.toString());

        j.rpush("list:small", "a", "b", "1", "200", "-5", "70000");
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            big.add(i % 3 == 0 ? Integer.toString(i * 7919) : "item-" + i);
        }
        j.rpush("list:big", big.toArray(new String[0]));
        for (int i = 0; i < 40; i++) {
            byte[] e = new byte[10_000];
            rnd.nextBytes(e);
            j.rpush(b("list:bigelems"), e);
        }
        j.rpush(b("list:binary"), bin, b(""), b("x"));

        for (int i = 1; i <= 100; i++) {
            j.sadd("set:intset16", Integer.toString(i));
        }
        j.sadd("set:intset32", "1", "70000", "-100000");
        j.sadd("set:intset64", Long.toString(-(1L << 40)), "0", Long.toString(1L << 62));
        for (int i = 0; i < 1000; i++) {
            j.sadd("set:bigints", Integer.toString(i * 31));
        }
        j.sadd("set:strings", "apple", "banana", "cherry", "x".repeat(100));
        j.sadd("set:mixed", "1", "2", "three");

        j.zadd("zset:small", 1, "a");
        j.zadd("zset:small", 2.5, "b");
        j.zadd("zset:small", -3, "c");
        j.zadd("zset:small", 1e300, "d");
        j.zadd("zset:small", Double.POSITIVE_INFINITY, "e");
        j.zadd("zset:small", Double.NEGATIVE_INFINITY, "f");
        j.zadd("zset:small", 0.1, "g");
        j.zadd("zset:small", 123456789012.5, "h");
        Map<String, Double> bigZ = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            bigZ.put("member-" + i, rnd.nextGaussian() * 1000);
        }
        j.zadd("zset:big", bigZ);
        j.zadd("zset:longmember", 1, "m".repeat(100));

        j.hset("hash:small", Map.of("f", "v", "f2", "12", "empty", ""));
        Map<String, String> bigH = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            bigH.put("field-" + i, "value-" + rnd.nextInt());
        }
        j.hset("hash:big", bigH);
        j.hset("hash:longvalue", "f", "v".repeat(200));
        j.hset(b("hash:binary"), bin, bin);

        long future = System.currentTimeMillis() + 3_600_000;
        j.set("ttl:str", "expiring");
        j.pexpireAt("ttl:str", future);
        j.rpush("ttl:list", "a", "b");
        j.pexpireAt("ttl:list", future + 1);
        j.zadd("ttl:zset", 1, "a");
        j.pexpireAt("ttl:zset", future + 2);
        j.hset("ttl:hash", "f", "v");
        j.pexpireAt("ttl:hash", future + 3);
        j.sadd("ttl:set", "1");
        j.pexpireAt("ttl:set", future + 4);

        j.select(1);
        j.set("db1:key", "in db 1");
        j.rpush("db1:list", "x");
        j.select(15);
        j.set("db15:key", "in db 15");
        j.pexpireAt("db15:key", future + 5);
        j.select(0);
    }

    /** OBJECT ENCODING of every key in the databases that {@link #populate} writes. */
    static Map<String, String> encodings(Jedis j) {
        Map<String, String> out = new HashMap<>();
        for (int db : new int[] {0, 1, 15}) {
            j.select(db);
            for (byte[] k : j.keys(b("*"))) {
                out.put(db + ":" + Datasets.hex(k), new String(j.objectEncoding(k), StandardCharsets.UTF_8));
            }
        }
        j.select(0);
        return out;
    }
}
