package io.jredis.persistence.aof;

import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.HashValue;
import io.jredis.server.db.ListValue;
import io.jredis.server.db.SetValue;
import io.jredis.server.db.Values;
import io.jredis.server.db.ZSetValue;
import io.jredis.server.util.Doubles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An AOF-format base (Redis's rewriteAppendOnlyFileRio with {@code aof-use-rdb-preamble no}): per database a
 * SELECT, then per key the commands that rebuild it (SET, RPUSH, SADD, ZADD, HMSET, at most 64 items per command)
 * and PEXPIREAT for a TTL.
 *
 * <p>The point-in-time image is a copy taken on the engine thread ({@link #capture}); a JVM cannot fork, and the
 * copy shares immutable strings, so only collections are duplicated. Serialising and writing run on the rewrite
 * thread.
 */
final class AofRewrite {
    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    static final int ITEMS_PER_CMD = 64;

    record Key(byte[] key, Object value, long expireAt) {}

    record Db(int id, List<Key> keys) {}

    private AofRewrite() {}

    /** Copies every database's keys; call on the engine thread. */
    static List<Db> capture(Engine engine) {
        List<Db> dbs = new ArrayList<>();
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            List<Key> keys = new ArrayList<>(db.size());
            db.dict().forEach(e -> keys.add(new Key(e.key, Values.copy(e.value), e.expireAt)));
            dbs.add(new Db(i, keys));
        }
        return dbs;
    }

    /** Writes the image to {@code file} and fsyncs it; returns its size. */
    static long write(List<Db> dbs, Path file) throws IOException {
        RespBuffer buf = new RespBuffer(1 << 16);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            long size = 0;
            for (Db db : dbs) {
                buf.command(new byte[][] {b("SELECT"), io.jredis.server.util.Bytes.fromLong(db.id())});
                for (Key k : db.keys()) {
                    key(buf, k);
                    if (buf.length() >= 1 << 16) {
                        byte[] chunk = buf.take();
                        out.write(chunk);
                        size += chunk.length;
                    }
                }
            }
            byte[] chunk = buf.take();
            out.write(chunk);
            size += chunk.length;
            out.flush();
            ch.force(true);
            return size;
        }
    }

    private static void key(RespBuffer buf, Key k) throws IOException {
        Object v = k.value();
        byte[] key = k.key();
        switch (Values.type(v)) {
            case STRING -> buf.command(new byte[][] {b("SET"), key, (byte[]) v});
            case LIST -> items(buf, "RPUSH", key, List.of(((ListValue) v).toArray()), 1);
            case SET -> items(buf, "SADD", key, ((SetValue) v).members(), 1);
            case HASH -> {
                List<byte[]> flat = new ArrayList<>();
                for (byte[][] fv : ((HashValue) v).entries()) {
                    flat.add(fv[0]);
                    flat.add(fv[1]);
                }
                items(buf, "HMSET", key, flat, 2);
            }
            case ZSET -> {
                ZSetValue z = (ZSetValue) v;
                List<byte[]> flat = new ArrayList<>(z.size() * 2);
                z.forRange(0, z.size() - 1, false, (member, score) -> {
                    flat.add(b(Doubles.g17(score)));
                    flat.add(member);
                });
                items(buf, "ZADD", key, flat, 2);
            }
            default -> throw new IOException("AOF rewrite cannot serialise a " + Values.type(v).typeName()
                    + " value yet");
        }
        if (k.expireAt() != -1) {
            buf.command(new byte[][] {b("PEXPIREAT"), key, io.jredis.server.util.Bytes.fromLong(k.expireAt())});
        }
    }

    /** {@code cmd key item...} in commands of at most 64 items of {@code width} arguments each. */
    private static void items(RespBuffer buf, String cmd, byte[] key, List<byte[]> flat, int width) {
        int items = flat.size() / width;
        int i = 0;
        while (i < items) {
            int n = Math.min(ITEMS_PER_CMD, items - i);
            buf.header('*', 2 + (long) n * width);
            buf.bulk(cmd);
            buf.bulk(key, 0, key.length);
            for (int j = i * width; j < (i + n) * width; j++) {
                byte[] a = flat.get(j);
                buf.bulk(a, 0, a.length);
            }
            i += n;
        }
    }

    private static byte[] b(String s) {
        return io.jredis.server.util.Bytes.of(s);
    }
}
