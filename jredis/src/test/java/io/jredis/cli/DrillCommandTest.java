package io.jredis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.cluster.EmbeddedCluster;
import io.jredis.cluster.RespConnection;
import io.jredis.server.testing.RealRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DrillCommandTest {
    private static final Pattern STEP = Pattern.compile("\\{\"step\":\"([^\"]+)\",\"status\":\"(PASS|FAIL|SKIP)\"");

    record Result(int exit, String out) {
        /** step name -> status, in order, from the JSON output. */
        List<String> steps() {
            List<String> s = new ArrayList<>();
            Matcher m = STEP.matcher(out);
            while (m.find()) {
                s.add(m.group(1) + "=" + m.group(2));
            }
            return s;
        }
    }

    static Result drill(String... args) {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new DrillCommand()).setOut(new PrintWriter(out)).execute(args);
        return new Result(exit, out.toString());
    }

    static String sentinelList(List<Integer> ports) {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    @Test
    void sentinelFailoverDrillPassesOnEmbeddedCluster() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().build().start()) {
            List<Integer> ports = cluster.sentinels().stream().map(EmbeddedCluster.Node::port).toList();
            // Per step, and a step returns once it passes: room for a Sentinel in TILT (30 s) on a loaded machine.
            Result r = drill("--sentinel", sentinelList(ports), "--master", "mymaster", "--json", "--timeout", "120");
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().startsWith("{\"master\":\"mymaster\",\"mode\":\"failover\",\"result\":\"PASS\""),
                    r.out());
            assertEquals(List.of("identify master=PASS", "ckquorum=PASS", "write marker (WAIT)=PASS",
                    "subscribe +switch-master=PASS", "SENTINEL FAILOVER=PASS", "+switch-master=PASS",
                    "clients reach the new master=PASS", "marker on the new master=PASS",
                    "old master returns as replica=PASS"), r.steps(), r.out());
            assertTrue(cluster.sentinels().get(0).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")
                    instanceof List<?> l && !l.get(1).equals(Integer.toString(cluster.master().port())));
        }
    }

    @Test
    void killDrillPassesWhenTheOldMasterIsRestarted() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).build().start()) {
            EmbeddedCluster.Node master = cluster.master();
            // Restarted only after the failover: an empty master (no persistence) coming back before the Sentinels
            // notice would be resynced from by its replica, wiping the marker (the drill reports that as FAIL).
            Thread restarter = new Thread(() -> {
                EmbeddedCluster.awaitUntil("the drill kills the master", Duration.ofSeconds(30),
                        () -> !master.isRunning());
                cluster.awaitFailover(Duration.ofSeconds(60));
                master.restart();
            });
            restarter.start();
            List<Integer> ports = cluster.sentinels().stream().map(EmbeddedCluster.Node::port).toList();
            StringWriter text = new StringWriter();
            int exit = new CommandLine(new DrillCommand()).setOut(new PrintWriter(text))
                    .execute("--sentinel", sentinelList(ports), "--master", "mymaster", "--kill", "--timeout", "120");
            restarter.join();
            assertEquals(0, exit, text.toString());
            assertTrue(text.toString().contains("PASS kill master (SHUTDOWN NOSAVE)"), text.toString());
            assertTrue(text.toString().contains("PASS old master returns as replica"), text.toString());
            assertTrue(text.toString().endsWith(" ms\n") && text.toString().contains("\nPASS drill of mymaster in "),
                    text.toString());
        }
    }

    @Test
    void failsWhenTheSentinelsDoNotKnowTheMaster() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(0).sentinels(1).build().start()) {
            Result r = drill("--sentinel", "127.0.0.1:" + cluster.sentinels().get(0).port(), "--master", "nosuch",
                    "--json");
            assertEquals(1, r.exit());
            assertEquals(List.of("identify master=FAIL"), r.steps(), r.out());
            assertTrue(r.out().contains("\"result\":\"FAIL\""), r.out());
        }
    }

    /** Real redis-server and redis-sentinel 7.0 processes; the killed master stays down, so that step is skipped. */
    @Test
    void killDrillAgainstRealRedisSkipsTheOldMasterWhenNotRestarted(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            RealRedis master = RealRedis.start();
            toClose.add(master);
            for (int i = 0; i < 2; i++) {
                toClose.add(RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            }
            EmbeddedCluster.awaitUntil("replicas online", Duration.ofSeconds(30), () -> {
                try {
                    return "2".equals(RespConnection.infoField(
                            RespConnection.once("127.0.0.1", master.port(), 1000, "INFO", "replication"),
                            "connected_slaves"));
                } catch (Exception e) {
                    return false;
                }
            });
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path conf = dir.resolve("s" + i + ".conf");
                Files.writeString(conf, "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 2\n"
                        + "sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 5000\n");
                RealRedis s = RealRedis.startWithConfig(conf, "--sentinel");
                toClose.add(s);
                ports.add(s.port());
            }
            for (int p : ports) {
                EmbeddedCluster.awaitUntil("Sentinel " + p + " sees its peers", Duration.ofSeconds(30), () -> {
                    try {
                        return RespConnection.once("127.0.0.1", p, 1000, "SENTINEL", "SENTINELS", "mymaster")
                                instanceof List<?> l && l.size() == 2;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            Result r = drill("--sentinel", sentinelList(ports), "--master", "mymaster", "--kill", "--json",
                    "--timeout", "20");
            assertEquals(0, r.exit(), r.out());
            assertEquals(List.of("identify master=PASS", "ckquorum=PASS", "write marker (WAIT)=PASS",
                    "subscribe +switch-master=PASS", "kill master (SHUTDOWN NOSAVE)=PASS", "+switch-master=PASS",
                    "clients reach the new master=PASS", "marker on the new master=PASS",
                    "old master returns as replica=SKIP"), r.steps(), r.out());
        } finally {
            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
        }
    }
}
