package io.jredis.sentinel;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * A test deployment: real redis-server data nodes (a master and replicas), jredis Sentinels in process and real
 * redis-sentinels, all closed together in reverse start order.
 */
final class SentinelLab implements AutoCloseable {
    /**
     * The per-master lines every Sentinel of a lab gets: fast failure detection, short failover timeout. Not under
     * 3 s: after a switch-master a Sentinel reconnects to the new master at most a second after its last attempt (at
     * the old one), as Redis's sentinel.c, and with 1 s the promoted master's first PING reply could come late on a
     * loaded machine, with the other Sentinels' fresh "down" replies about the old master still counting towards the
     * quorum: a second failover (seen in SentinelStragglerTest, which uses 3 s since).
     */
    static final String FAST = "sentinel down-after-milliseconds mymaster 3000\nsentinel failover-timeout mymaster 10000\n";

    final Path dir;
    final List<AutoCloseable> resources = new ArrayList<>();
    RealRedis master;
    final List<RealRedis> replicas = new ArrayList<>();
    final List<Integer> sentinelPorts = new ArrayList<>();

    SentinelLab(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts a real master and {@code n} real replicas of it, all in sync; with a password (may be null) every node
     * requires it and the replicas authenticate with it.
     */
    SentinelLab dataNodes(int n, String password) throws Exception {
        RealRedis.assumeInstalled();
        master = add(RealRedis.start());
        String[] auth = password == null ? null : new String[] {"AUTH", password};
        requirePass(master.port(), password);
        List<String> replicaArgs = new ArrayList<>(List.of("--replicaof", "127.0.0.1",
                Integer.toString(master.port())));
        if (password != null) {
            replicaArgs.addAll(List.of("--masterauth", password));
        }
        for (int i = 0; i < n; i++) {
            RealRedis r = add(RealRedis.start(replicaArgs.toArray(String[]::new)));
            requirePass(r.port(), password);
            replicas.add(r);
        }
        await("replicas online", () -> info(master.port(), auth).contains("connected_slaves:" + n));
        return this;
    }

    /** Sets requirepass after the start (RealRedis waits for a PONG, which a protected server does not give). */
    private static void requirePass(int port, String password) {
        if (password != null) {
            call(port, "CONFIG", "SET", "requirepass", password);
        }
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
        return startSentinel(conf, 0);
    }

    /** Starts an in-process jredis Sentinel from an existing config file on {@code port} (0: a free one). */
    static RedisServer startSentinel(Path conf, int port) throws Exception {
        ServerConfig cfg = new ServerConfig();
        SentinelModule.prepare(cfg);
        new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(conf.toString(), "--port",
                Integer.toString(port))), System.in);
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

    /** The ports of a real redis-sentinel and a jredis Sentinel that monitor the lab's master side by side. */
    record SentinelPair(int real, int jredis) {}

    /**
     * Starts a real redis-sentinel ("real") and a jredis Sentinel ("jredis"), both with {@link #sentinelConf}'s
     * defaults, and waits until they know each other and the replicas ({@link #awaitDiscovery}).
     */
    SentinelPair sentinelPair() throws Exception {
        int real = realSentinel("real", sentinelConf("")).port();
        int jredis = jredisSentinel("jredis", sentinelConf("")).port();
        awaitDiscovery();
        return new SentinelPair(real, jredis);
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

    /**
     * Subscribes to {@code channel} on each of {@code ports}; every message arrives in the returned queue as
     * "port message". The connections close with the lab.
     */
    BlockingQueue<String> events(String channel, List<Integer> ports) throws IOException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        for (int port : ports) {
            RawClient sub = add(new RawClient("127.0.0.1", port));
            sub.call("SUBSCRIBE", channel);
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        queue.add(port + " " + RespParser.toText(((List<?>) sub.read()).get(2)));
                    }
                } catch (IOException e) {
                    // the lab closed the connection, or the read timed out with nothing to report
                }
            }, "events-" + channel + "-" + port);
            t.setDaemon(true);
            t.start();
        }
        return queue;
    }

    /** The master address a Sentinel announces, as "ip:port". */
    static String masterAddr(int sentinelPort) {
        if (call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") instanceof List<?> l
                && l.size() == 2) {
            return RespParser.toText(l.get(0)) + ":" + RespParser.toText(l.get(1));
        }
        return null;
    }

    /** Whether a Sentinel announces a master other than {@code oldAddr} ("ip:port"), as once it saw a failover. */
    static boolean announcesOtherThan(int sentinelPort, String oldAddr) {
        String addr = masterAddr(sentinelPort);
        return addr != null && !addr.equals(oldAddr);
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

    /** Waits for {@code condition} with the lab's bound: a minute, room for a failover on a loaded machine. */
    static void await(String what, BooleanSupplier condition) {
        Await.until(what, 60, condition);
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
