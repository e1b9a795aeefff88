package io.jredis.persistence;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads a whole dataset through a client into a canonical, comparable form: per database and key, the type, the
 * value (sets and hashes sorted, zsets with scores) and the absolute expiry (PEXPIRETIME), binary-safe as hex.
 */
public final class Datasets {
    private Datasets() {}

    public static Map<String, String> read(Jedis j, int databases) {
        Map<String, String> out = new TreeMap<>();
        for (int db = 0; db < databases; db++) {
            j.select(db);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<byte[]> r = j.scan(cursor.getBytes(), new ScanParams().count(1000));
                for (byte[] key : r.getResult()) {
                    out.put(db + ":" + hex(key), describe(j, key));
                }
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
        }
        j.select(0);
        return out;
    }

    static String describe(Jedis j, byte[] key) {
        String type = j.type(key);
        String value = switch (type) {
            case "string" -> hex(j.get(key));
            case "list" -> join(j.lrange(key, 0, -1), false);
            case "set" -> join(new ArrayList<>(j.smembers(key)), true);
            case "zset" -> {
                StringBuilder sb = new StringBuilder();
                for (Tuple t : j.zrangeWithScores(key, 0, -1)) {
                    sb.append(hex(t.getBinaryElement())).append('=').append(t.getScore()).append(',');
                }
                yield sb.toString();
            }
            case "hash" -> {
                List<String> pairs = new ArrayList<>();
                for (Map.Entry<byte[], byte[]> e : j.hgetAll(key).entrySet()) {
                    pairs.add(hex(e.getKey()) + "=" + hex(e.getValue()));
                }
                pairs.sort(null);
                yield String.join(",", pairs);
            }
            default -> "?";
        };
        return type + ":" + value + "|expire=" + j.pexpireTime(key);
    }

    private static String join(List<byte[]> items, boolean sort) {
        List<String> s = new ArrayList<>(items.size());
        for (byte[] b : items) {
            s.add(hex(b));
        }
        if (sort) {
            s.sort(null);
        }
        return String.join(",", s);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
