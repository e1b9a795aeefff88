package io.jredis.bench;

import io.jredis.persistence.PersistenceModule;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigException;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * SAVE, BGSAVE and load at start-up of 1,000,000 keys of mixed types, jredis against redis-server side by side with
 * identical data: 60% strings (8-120 bytes, a third of them integers), 10% each lists, hashes, sets (half intsets)
 * and sorted sets of 10 elements. Times in seconds; the second SAVE shows jredis with its code compiled by the JIT.
 * Run: {@code java -Xmx6g -cp benchmarks.jar io.jredis.bench.RdbSaveLoadBenchmark [keys]}; needs redis-server on
 * the PATH.
 */
public final class RdbSaveLoadBenchmark {
    private RdbSaveLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path jdir = Files.createTempDirectory("bench-jredis");
        Path rdir = Files.createTempDirectory("bench-redis");
        System.out.printf(Locale.ROOT, "%,d keys of mixed types%n", keys);

        RedisServer jredis = startJredis(jdir);
        int rport = LoopbackPorts.claim();
        Process redis = startRedis(rdir, rport);
        try (Jedis j = new Jedis("127.0.0.1", jredis.port(), 600_000);
                Jedis r = new Jedis("127.0.0.1", rport, 600_000)) {
            populate(j, keys);
            populate(r, keys);
            report("SAVE", time(j::save), time(r::save));
            report("SAVE again", time(j::save), time(r::save));
            report("file MB", Files.size(jdir.resolve("dump.rdb")) / 1e6, Files.size(rdir.resolve("dump.rdb")) / 1e6);
            report("BGSAVE", time(() -> bgsave(j)), time(() -> bgsave(r)));
        } finally {
            jredis.close();
            redis.destroy();
            redis.waitFor(30, TimeUnit.SECONDS);
        }

        long start = System.nanoTime();
        RedisServer reloaded = startJredis(jdir);
        double jload = (System.nanoTime() - start) / 1e9;
        reloaded.close();
        Process again = startRedis(rdir, rport);
        again.destroy();
        again.waitFor(30, TimeUnit.SECONDS);
        double rload = loadSeconds(Files.readString(rdir.resolve("redis.log")));
        report("load at start", jload, rload);
    }

    private static RedisServer startJredis(Path dir) throws IOException, ConfigException {
        ServerConfig cfg = new ServerConfig();
        cfg.find("bind").setFromString("127.0.0.1");
        cfg.find("port").setFromString("0");
        cfg.find("dir").setFromString(dir.toString());
        cfg.find("save").setFromString("");
        RedisServer s = new RedisServer(cfg, Log.open(dir.resolve("jredis.log").toString(), "notice"));
        PersistenceModule.install(s);
        s.start();
        return s;
    }

    private static Process startRedis(Path dir, int port) throws Exception {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--logfile", dir.resolve("redis.log").toString())
                .inheritIO().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            try (Jedis c = new Jedis("127.0.0.1", port)) {
                if ("PONG".equals(c.ping())) {
                    return p;
                }
            } catch (Exception e) {
                Thread.sleep(10);
            }
        }
        throw new IOException("redis-server did not start");
    }


    private static double loadSeconds(String log) {
        int at = log.lastIndexOf("DB loaded from disk: ");
        String rest = log.substring(at + "DB loaded from disk: ".length());
        return Double.parseDouble(rest.substring(0, rest.indexOf(' ')));
    }

    private static void populate(Jedis c, int keys) {
        Random rnd = new Random(2024);
        Pipeline p = c.pipelined();
        for (int i = 0; i < keys; i++) {
            String k = "key:" + i;
            int kind = rnd.nextInt(10);
            if (kind < 6) {
                p.set(k, i % 3 == 0 ? Integer.toString(rnd.nextInt()) : "v".repeat(8 + rnd.nextInt(112)));
            } else if (kind == 6) {
                String[] items = new String[10];
                for (int e = 0; e < 10; e++) {
                    items[e] = "item-" + rnd.nextInt(1000);
                }
                p.rpush(k, items);
            } else if (kind == 7) {
                for (int f = 0; f < 10; f++) {
                    p.hset(k, "field" + f, "value-" + rnd.nextInt(100000));
                }
            } else if (kind == 8) {
                String[] members = new String[10];
                for (int m = 0; m < 10; m++) {
                    members[m] = i % 2 == 0 ? Integer.toString(rnd.nextInt(100000)) : "member-" + rnd.nextInt();
                }
                p.sadd(k, members);
            } else {
                for (int m = 0; m < 10; m++) {
                    p.zadd(k, rnd.nextInt(10000) / 10.0, "m" + m);
                }
            }
            if (i % 10_000 == 9_999) {
                p.sync();
            }
        }
        p.sync();
    }

    private static void bgsave(Jedis c) {
        c.bgsave();
        while (c.info("persistence").contains("rdb_bgsave_in_progress:1")) {
            Thread.onSpinWait();
        }
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static void report(String what, double jredis, double redis) {
        System.out.printf(Locale.ROOT, "%-14s jredis %8.3f   redis-server %8.3f%n", what, jredis, redis);
    }
}
