package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * master-reboot-down-after-period: a master seen rebooted (a new run id) counts as down after that period unless it
 * answers PONG meanwhile. A real redis-sentinel and a jredis Sentinel watch the same master restart on its port and
 * must both keep it up once it answers again.
 */
class SentinelMasterRebootVsRedisTest {

    @Test
    void aRebootedMasterThatAnswersIsNotDown(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(0, null)) {
            SentinelLab.SentinelPair pair = lab.sentinelPair();
            int[] ports = {pair.real(), pair.jredis()};
            for (int port : ports) {
                assertEquals("OK", RespParser.toText(SentinelLab.call(port, "SENTINEL", "SET", "mymaster",
                        "master-reboot-down-after-period", "5000")));
                // INFO, which tells the reboot, every second instead of ten.
                assertEquals("OK", RespParser.toText(SentinelLab.call(port, "SENTINEL", "DEBUG", "info-period",
                        "1000")));
            }
            BlockingQueue<String> reboots = lab.events("+reboot", List.of(ports[0], ports[1]));
            int port = lab.master.port();
            lab.master.close();
            // RealRedis picks its own port: the new master is started by hand on the old one.
            Process restarted = new ProcessBuilder(RealRedis.binary(), "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            lab.add(() -> {
                restarted.destroyForcibly();
                restarted.waitFor(10, TimeUnit.SECONDS);
            });
            for (int i = 0; i < ports.length; i++) {
                assertNotNull(reboots.poll(60, TimeUnit.SECONDS), "+reboot seen by both");
            }
            // Past the period by each Sentinel's own clock: seven more INFO refreshes of the master (one a second).
            for (int p : ports) {
                long[] refreshes = {0, Long.MAX_VALUE};
                SentinelLab.await("seven INFO refreshes on " + p, () -> {
                    long ago = Long.parseLong(field(p, "info-refresh"));
                    if (ago < refreshes[1]) {
                        refreshes[0]++;
                    }
                    refreshes[1] = ago;
                    return refreshes[0] > 7;
                });
            }
            assertEquals("master", field(ports[0], "flags"));
            assertEquals(field(ports[0], "flags"), field(ports[1], "flags"));
        }
    }

    private static String field(int port, String name) {
        List<?> f = (List<?>) SentinelLab.call(port, "SENTINEL", "MASTER", "mymaster");
        for (int i = 0; i + 1 < f.size(); i += 2) {
            if (RespParser.toText(f.get(i)).equals(name)) {
                return RespParser.toText(f.get(i + 1));
            }
        }
        throw new AssertionError("no " + name + " on " + port);
    }
}
