package io.jredis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.cluster.RespConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar jredis.jar cluster start|stop} as a user runs it: six real processes, then none. */
class ClusterCommandTest {
    private static final Path JAR = Path.of(System.getProperty("jredis.jar", "target/jredis.jar"));

    record Run(int exit, String output) {}

    static Run jar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command returns");
        return new Run(p.exitValue(), out);
    }

    /** A base port with {@code n} free consecutive ports above it. */
    static int freeRange(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + (int) (Math.random() * 30000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getByName("127.0.0.1"))) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free port range");
    }

    @Test
    void startsTheClassicDeploymentAndStopsItCleanly(@TempDir Path dir) throws Exception {
        int port = freeRange(3);
        int sentinelPort = freeRange(3);
        List<Long> pids = new ArrayList<>();
        try {
            Run start = jar("cluster", "start", "--dir", dir.toString(), "--port", Integer.toString(port),
                    "--sentinel-port", Integer.toString(sentinelPort), "--down-after", "1000");
            for (String node : List.of("redis-0", "redis-1", "redis-2", "sentinel-0", "sentinel-1", "sentinel-2")) {
                Path pidfile = dir.resolve(node).resolve("node.pid");
                if (Files.exists(pidfile)) {
                    pids.add(Long.parseLong(Files.readString(pidfile).strip()));
                }
                assertTrue(Files.exists(dir.resolve(node).resolve("node.log")), node + " logs in its directory");
            }
            assertEquals(0, start.exit(), start.output());
            assertTrue(start.output().contains("cluster ready: master mymaster at 127.0.0.1:" + port
                    + ", Sentinels 127.0.0.1:" + sentinelPort), start.output());
            assertEquals(6, pids.size());
            assertTrue(Files.readString(dir.resolve("redis-1/redis.conf")).contains("replicaof 127.0.0.1 " + port));
            assertEquals("slave", ((List<?>) RespConnection.once("127.0.0.1", port + 2, 2000, "ROLE")).get(0));
            assertEquals(List.of("127.0.0.1", Integer.toString(port)), RespConnection.once("127.0.0.1",
                    sentinelPort + 2, 2000, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));

            Run again = jar("cluster", "start", "--dir", dir.toString(), "--port", Integer.toString(port));
            assertEquals(1, again.exit(), again.output());
            assertTrue(again.output().contains("is already running"), again.output());

            Run stop = jar("cluster", "stop", "--dir", dir.toString());
            assertEquals(0, stop.exit(), stop.output());
            assertTrue(stop.output().startsWith("stopped sentinel-2"), "Sentinels first: " + stop.output());
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
            }
            assertTrue(Files.readString(dir.resolve("redis-0/node.log")).contains("Redis is now ready to exit"),
                    "the master shut down cleanly");
            assertFalse(Files.exists(dir.resolve("redis-0/node.pid")), "pid files are removed");
        } finally {
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void stopOfAnEmptyDirectoryStopsNothing(@TempDir Path dir) throws Exception {
        Run stop = jar("cluster", "stop", "--dir", dir.toString());
        assertEquals(0, stop.exit(), stop.output());
        assertEquals("", stop.output());
    }
}
