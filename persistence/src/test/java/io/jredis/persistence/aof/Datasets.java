package io.jredis.persistence.aof;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;

/** A mixed dataset to write, and a comparable description of what a server holds. */
final class Datasets {
    private Datasets() {}

    /** Strings, a big list, set, intset, zset, hash, TTLs, and keys in database 3. */
    static void fill(Jedis j) {
        j.select(0);
        j.set("s", "hello");
        j.set("n", "12345");
        j.set("bin", "a b\r\n\u00ff");
        j.set("ttl", "v");
        j.pexpire("ttl", 600_000);
        for (int i = 0; i < 150; i++) {
            j.rpush("list", "e" + i);
        }
        j.sadd("set", "a", "b", "c");
        j.sadd("ints", "1", "2", "3");
        j.zadd("z", 1.5, "one");
        j.zadd("z", -3, "neg");
        j.zadd("z", 0.1, "tenth");
        j.hset("h", Map.of("f1", "v1", "f2", "v2"));
        j.incr("counter");
        j.incrByFloat("float", 1.1);
        j.del("s");
        j.set("s", "again");
        j.select(3);
        j.set("in3", "x");
        j.lpush("l3", "a", "b");
        j.select(0);
    }

    /** Every key of databases 0..15 with its type, value and whether it has a TTL. */
    static Map<String, String> describe(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            j.select(db);
            for (String k : new TreeSet<>(j.keys("*"))) {
                String type = j.type(k);
                String v = switch (type) {
                    case "string" -> j.get(k);
                    case "list" -> j.lrange(k, 0, -1).toString();
                    case "set" -> new TreeSet<>(j.smembers(k)).toString();
                    case "zset" -> {
                        List<String> l = new ArrayList<>();
                        j.zrangeWithScores(k, 0, -1).forEach(t -> l.add(t.getElement() + "=" + t.getScore()));
                        yield l.toString();
                    }
                    case "hash" -> new TreeMap<>(j.hgetAll(k)).toString();
                    default -> "?";
                };
                out.put(db + ":" + k, type + " " + v + (j.pttl(k) > 0 ? " ttl" : ""));
            }
        }
        j.select(0);
        return out;
    }
}
