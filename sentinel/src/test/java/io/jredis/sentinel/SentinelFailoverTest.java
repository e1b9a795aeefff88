package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed quorum (two jredis Sentinels and one real redis-sentinel) watching real redis-server data nodes agrees
 * that the master is down, elects a leader, promotes a replica and announces +switch-master everywhere.
 */
class SentinelFailoverTest {

    /** Starts an in-process jredis Sentinel monitoring {@code masterPort} with a short down-after period. */
    static RedisServer startSentinel(Path dir, String name, int masterPort) throws Exception {
        return startSentinel(dir, name, masterPort, "");
    }

    /** As {@link #startSentinel(Path, String, int)}, with extra config lines. */
    static RedisServer startSentinel(Path dir, String name, int masterPort, String extra) throws Exception {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, "bind 127.0.0.1\nport 0\nsentinel monitor mymaster 127.0.0.1 " + masterPort + " 2\n"
                + "sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n" + extra);
        ServerConfig cfg = new ServerConfig();
        SentinelModule.prepare(cfg);
        new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(conf.toString(), "--port", "0")),
                System.in);
        RedisServer server = new RedisServer(cfg, Log.silent());
        SentinelModule module = SentinelModule.install(server);
        server.start();
        module.start(server);
        return server;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static Object call(int port, String... args) {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return c.call(args);
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void mixedQuorumFailsOverTogether(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            RealRedis master = RealRedis.start();
            toClose.add(master);
            RealRedis r1 = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
            toClose.add(r1);
            RealRedis r2 = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
            toClose.add(r2);
            await("replicas online", () -> RespParser.toText(call(master.port(), "INFO", "replication"))
                    .contains("connected_slaves:2"));
            // Each jredis Sentinel runs a client-reconfig script: the leader's "end" or an observer's "start" call.
            Path reconf = dir.resolve("reconf.txt");
            Path script = dir.resolve("reconf.sh");
            Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + reconf + "\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            String scriptLine = "sentinel client-reconfig-script mymaster " + script + "\n";
            RedisServer s1 = startSentinel(dir, "s1", master.port(), scriptLine);
            toClose.add(s1);
            RedisServer s2 = startSentinel(dir, "s2", master.port(), scriptLine);
            toClose.add(s2);
            Path conf3 = dir.resolve("s3.conf");
            Files.writeString(conf3, "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 2\n"
                    + "sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n");
            RealRedis s3 = RealRedis.startWithConfig(conf3, "--sentinel");
            toClose.add(s3);
            int[] sentinels = {s1.port(), s2.port(), s3.port()};
            for (int p : sentinels) {
                await("sentinel " + p + " sees its peers and replicas", () ->
                        ((List<?>) call(p, "SENTINEL", "SENTINELS", "mymaster")).size() == 2
                                && ((List<?>) call(p, "SENTINEL", "REPLICAS", "mymaster")).size() == 2);
            }
            List<RawClient> subscribers = new ArrayList<>();
            for (int p : sentinels) {
                RawClient sub = new RawClient("127.0.0.1", p);
                sub.call("SUBSCRIBE", "+switch-master");
                subscribers.add(sub);
                toClose.add(sub);
            }

            master.close();

            Set<Integer> replicas = Set.of(r1.port(), r2.port());
            for (RawClient sub : subscribers) {
                String msg = RespParser.toText(((List<?>) sub.read()).get(2));
                String[] w = msg.split(" ");
                assertEquals("mymaster", w[0], msg);
                assertEquals(Integer.toString(master.port()), w[2], msg);
                assertTrue(replicas.contains(Integer.parseInt(w[4])), msg);
            }
            String promoted = null;
            for (int p : sentinels) {
                String addr = RespParser.toText(call(p, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));
                if (promoted == null) {
                    promoted = addr;
                }
                assertEquals(promoted, addr, "every Sentinel names the same master");
            }
            int newMaster = Integer.parseInt(promoted.substring(promoted.lastIndexOf(' ') + 1, promoted.length() - 1));
            assertEquals("OK", RespParser.toText(call(newMaster, "SET", "after", "failover")));
            String move = "127.0.0.1 " + master.port() + " 127.0.0.1 " + newMaster;
            await("a client-reconfig script call", () -> {
                try {
                    return Files.exists(reconf) && Files.readAllLines(reconf).stream().anyMatch(l ->
                            l.equals("mymaster leader end " + move) || l.equals("mymaster observer start " + move));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            int other = newMaster == r1.port() ? r2.port() : r1.port();
            await("the other replica follows the new master", () -> RespParser.toText(call(other, "INFO",
                    "replication")).contains("master_port:" + newMaster));
        } finally {
            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
        }
    }
}
