package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.persistence.PersistenceModule;
import io.jredis.persistence.RdbPersistence;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.ReplicationSnapshots;
import io.jredis.persistence.Snapshot;
import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;

/** Test helpers: jredis servers with replication installed, polling, dataset comparison, INFO fields. */
final class Nodes {
    private Nodes() {}

    private static final Map<RedisServer, Path> LOGS = java.util.Collections.synchronizedMap(
            new java.util.WeakHashMap<>());

    /** What a server built by {@link #jredis} logged so far. */
    static String log(RedisServer s) {
        try {
            return Files.readString(LOGS.get(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} string keys {@code prefix0..} with values of {@code size} bytes, pipelined. */
    static void fill(Jedis j, String prefix, int n, int size) {
        String pad = "v".repeat(Math.max(0, size - 8));
        redis.clients.jedis.Pipeline p = j.pipelined();
        for (int i = 0; i < n; i++) {
            p.set(prefix + i, pad + i);
            if (i % 1000 == 999) {
                p.sync();
            }
        }
        p.sync();
    }

    /** A jredis server on a free port with replication; {@code directives} are name/value pairs. */
    static RedisServer jredis(String... directives) {
        ServerConfig cfg = TestServer.set(TestServer.config("dir", TempPaths.dir("jredis-repl").toString()),
                directives);
        try {
            Path logFile = TempPaths.file("jredis-repl", ".log");
            RedisServer s = new RedisServer(cfg, Log.open(logFile.toString(), "notice"));
            LOGS.put(s, logFile);
            RdbPersistence rdb = PersistenceModule.install(s);
            Replication repl = ReplicationModule.install(s, new Codec(new ReplicationSnapshots(rdb)));
            // As the jredis module's DataModules: the history recorded in the RDB file survives a restart.
            RdbWriter.ReplInfo loaded = rdb.loadedReplInfo();
            if (loaded != null) {
                repl.restore(new Replication.SaveInfo(loaded.streamDb(), loaded.replId(), loaded.offset()));
                for (RdbPersistence.ExpiredKey k : rdb.takeLoadExpired()) {
                    repl.feedLoadExpired(k.db(), k.key());
                }
            }
            rdb.replInfo(() -> {
                Replication.SaveInfo i = repl.saveInfo();
                return i == null ? null : new RdbWriter.ReplInfo(i.streamDb(), i.replId(), i.offset());
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the jredis module wires in production (its ReplicationCodec), for servers built here. */
    private record Codec(ReplicationSnapshots snapshots) implements SnapshotCodec {
        @Override
        public boolean busy() {
            return snapshots.busy();
        }

        @Override
        public Job saveToDisk(Engine engine, String replId, long replOffset, Consumer<Path> done) {
            Snapshot s = snapshots.saveToDisk(replId, replOffset, done);
            return s == null ? null : s::abort;
        }

        @Override
        public Job saveToStream(Engine engine, String replId, long replOffset, boolean data, boolean functions,
                OutputStream out, Consumer<Boolean> done) {
            Snapshot s = snapshots.saveToStream(replId, replOffset, data, functions, out, done);
            return s == null ? null : s::abort;
        }

        @Override
        public void parse(Engine engine, InputStream in, byte[] trailer, Keys keys) throws IOException {
            ReplicationSnapshots.parse(engine, in, trailer, ReplicationSnapshots.target(keys::key, keys::function));
        }

        @Override
        public void load(Engine engine, Path file, Keys keys) throws IOException {
            ReplicationSnapshots.load(engine, file, ReplicationSnapshots.target(keys::key, keys::function));
        }

        @Override
        public Path rdbPath(Engine engine) {
            return snapshots.rdbPath();
        }
    }

    /** Waits up to {@code seconds} for {@code cond}: see {@link Await#until}. */
    static void await(String what, int seconds, BooleanSupplier cond) {
        Await.until(what, seconds, cond);
    }

    static String info(Jedis j, String field) {
        return RawClient.infoValue(j.info("all"), field);
    }

    static long infoLong(Jedis j, String field) {
        String v = info(j, field);
        return v == null ? -1 : Long.parseLong(v);
    }

    /** Waits until the replica has applied everything the master produced so far. */
    static void awaitCaughtUp(Jedis master, Jedis replica) {
        await("replica link up", 20, () -> "up".equals(info(replica, "master_link_status")));
        long target = infoLong(master, "master_repl_offset");
        await("replica offset " + target, 20, () -> infoLong(replica, "slave_repl_offset") >= target);
    }

    /**
     * Whether the master counts its {@code n} replicas online: a replica's offset can match the master's before the
     * master has its first ACK, and FAILOVER TO wants the target online.
     */
    static boolean online(Jedis master, int n) {
        for (int i = 0; i < n; i++) {
            String replica = info(master, "slave" + i);
            if (replica == null || !replica.contains("state=online")) {
                return false;
            }
        }
        return true;
    }

    /** Every key of db 0 with a type-specific rendering of its value and whether it has a TTL. */
    static Map<String, String> dataset(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (String k : j.keys("*")) {
            String type = j.type(k);
            String v = switch (type) {
                case "string" -> j.get(k);
                case "list" -> j.lrange(k, 0, -1).toString();
                case "hash" -> new TreeMap<>(j.hgetAll(k)).toString();
                case "set" -> {
                    List<String> m = new ArrayList<>(j.smembers(k));
                    Collections.sort(m);
                    yield m.toString();
                }
                case "zset" -> j.zrangeWithScores(k, 0, -1).stream().map(Tuple::toString).toList().toString();
                default -> type;
            };
            out.put(k, type + "=" + v + (j.pttl(k) >= 0 ? " (ttl)" : ""));
        }
        return out;
    }

    /** Waits until the replica has applied everything the master produced so far; then both must hold the same data. */
    static void awaitSameData(Jedis master, Jedis replica) {
        awaitCaughtUp(master, replica);
        assertSameData(master, replica);
    }

    static void assertSameData(Jedis master, Jedis replica) {
        Map<String, String> m = dataset(master);
        Map<String, String> r = dataset(replica);
        assertEquals(m.keySet(), r.keySet(), "key sets");
        for (String k : m.keySet()) {
            assertEquals(m.get(k), r.get(k), "key " + k);
        }
    }

    /** Writes of every family, expiries and a transaction: what the stream must carry. */
    static void writeLoad(Jedis j, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            j.set(prefix + "s" + i, "v" + i);
            j.incr(prefix + "counter");
            j.rpush(prefix + "list", "e" + i);
            j.hset(prefix + "hash", "f" + i, "x" + i);
            j.sadd(prefix + "set", "m" + (i % 7));
            j.zadd(prefix + "zset", i * 1.5, "z" + i);
        }
        j.setex(prefix + "ttl", 1000, "temp");
        j.incrByFloat(prefix + "float", 1.25);
        j.lpop(prefix + "list");
        j.del(prefix + "s0");
        j.select(1);
        j.set(prefix + "db1", "one");
        j.select(0);
        redis.clients.jedis.Transaction t = j.multi();
        t.set(prefix + "tx1", "a");
        t.set(prefix + "tx2", "b");
        t.exec();
    }
}
