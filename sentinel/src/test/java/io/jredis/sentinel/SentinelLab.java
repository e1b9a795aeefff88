package io.jredis.sentinel;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A test deployment: real redis-server data nodes (a master and replicas), jredis Sentinels in process and real
 * redis-sentinels, all closed together in reverse start order.
 */
final class SentinelLab implements AutoCloseable {
    /** The per-master lines every Sentinel of a lab gets: fast failure detection, short failover timeout. */
    static final String FAST = "sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n";

    final Path dir;
    final List<AutoCloseable> resources = new ArrayList<>();
    RealRedis master;
    final List<RealRedis> replicas = new ArrayList<>();
    final List<Integer> sentinelPorts = new ArrayList<>();

    SentinelLab(Path dir) {
        this.dir = dir;
    }

    /** Starts a real master (with extra directives) and {@code n} real replicas of it, all in sync. */
    SentinelLab dataNodes(int n, String... masterDirectives) throws Exception {
        RealRedis.assumeInstalled();
        master = add(RealRedis.start(masterDirectives));
        List<String> replicaArgs = new ArrayList<>(List.of("--replicaof", "127.0.0.1",
                Integer.toString(master.port())));
        for (int i = 0; i + 1 < masterDirectives.length; i += 2) {
            if (masterDirectives[i].equals("--requirepass")) {
                replicaArgs.addAll(List.of("--masterauth", masterDirectives[i + 1], "--requirepass",
                        masterDirectives[i + 1]));
            }
        }
        for (int i = 0; i < n; i++) {
            replicas.add(add(RealRedis.start(replicaArgs.toArray(String[]::new))));
        }
        String[] auth = replicaArgs.contains("--masterauth")
                ? new String[] {"AUTH", replicaArgs.get(replicaArgs.indexOf("--masterauth") + 1)} : null;
        await("replicas online", () -> info(master.port(), auth).contains("connected_slaves:" + n));
        return this;
    }

    <T extends AutoCloseable> T add(T r) {
        resources.add(r);
        return r;
    }

    /** The sentinel.conf body monitoring this lab's master as "mymaster" with quorum 2, plus {@code extra}. */
    String sentinelConf(String extra) {
        return "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 2\n" + FAST + extra;
    }

    /** Starts an in-process jredis Sentinel from a config file holding {@code body}; returns its port. */
    RedisServer jredisSentinel(String name, String body) throws Exception {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, "bind 127.0.0.1\n" + body);
        RedisServer server = add(startSentinel(conf));
        sentinelPorts.add(server.port());
        return server;
    }

    /** Starts an in-process jredis Sentinel from an existing config file, on a free port. */
    static RedisServer startSentinel(Path conf) throws Exception {
        ServerConfig cfg = new ServerConfig();
        SentinelModule.prepare(cfg);
        new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(conf.toString(), "--port", "0")), System.in);
        RedisServer server = new RedisServer(cfg, Log.silent());
        SentinelModule module = SentinelModule.install(server);
        server.start();
        module.start(server);
        return server;
    }

    /** Starts a real redis-sentinel from a config file holding {@code body}; returns its port. */
    RealRedis realSentinel(String name, String body) throws Exception {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, body);
        RealRedis s = add(RealRedis.startWithConfig(conf, "--sentinel"));
        sentinelPorts.add(s.port());
        return s;
    }

    /** Waits until every Sentinel knows all replicas and all other Sentinels. */
    void awaitDiscovery() throws InterruptedException {
        for (int p : sentinelPorts) {
            await("sentinel " + p + " sees its peers and replicas", () ->
                    call(p, "SENTINEL", "SENTINELS", "mymaster") instanceof List<?> l
                            && l.size() == sentinelPorts.size() - 1
                            && call(p, "SENTINEL", "REPLICAS", "mymaster") instanceof List<?> r
                            && r.size() == replicas.size());
        }
    }

    /** The master address a Sentinel announces, as "ip:port". */
    static String masterAddr(int sentinelPort) {
        if (call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") instanceof List<?> l
                && l.size() == 2) {
            return RespParser.toText(l.get(0)) + ":" + RespParser.toText(l.get(1));
        }
        return null;
    }

    static String info(int port, String[] auth) {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            if (auth != null) {
                c.call(auth);
            }
            return RespParser.toText(c.call("INFO", "replication"));
        } catch (Exception e) {
            return "";
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, 60, condition);
    }

    static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** One command on a fresh connection; the parsed reply, or the exception. */
    static Object call(int port, String... args) {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return c.call(args);
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
    }
}
