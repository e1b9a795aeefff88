package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.protocol.RespParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-reconfig-script of the Sentinel that leads a failover: a real redis-sentinel and a jredis Sentinel,
 * each alone over its own identical master and replica, run SENTINEL FAILOVER; their scripts must get the same
 * arguments (the leader's "start" call once the replica is promoted, and no other).
 */
class SentinelReconfigScriptVsRedisTest {

    @Test
    void leaderCallsTheScriptAsRedisDoes(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("real"));
        Files.createDirectories(dir.resolve("jredis"));
        try (SentinelLab real = new SentinelLab(dir.resolve("real")).dataNodes(1, null);
                SentinelLab jredis = new SentinelLab(dir.resolve("jredis")).dataNodes(1, null)) {
            int realPort = real.realSentinel("s", real.sentinelConf(script(real))).port();
            int jredisPort = jredis.jredisSentinel("s", jredis.sentinelConf(script(jredis))).port();
            assertEquals(calls(real, realPort), calls(jredis, jredisPort));
        }
    }

    /** The config line of a script that appends its arguments to calls.txt in the lab's directory. */
    private static String script(SentinelLab lab) throws IOException {
        Path script = lab.dir.resolve("reconf.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + lab.dir.resolve("calls.txt") + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return "sentinel client-reconfig-script mymaster " + script + "\n";
    }

    /** Fails the lab's master over through the Sentinel; the script calls, ports written as M (old) and R. */
    private static List<String> calls(SentinelLab lab, int sentinel) throws Exception {
        lab.awaitDiscovery();
        // NOGOODSLAVE until the Sentinel has read the replica's own INFO.
        SentinelLab.await("the failover starts", () -> "OK".equals(RespParser.toText(SentinelLab.call(sentinel,
                "SENTINEL", "FAILOVER", "mymaster"))));
        String old = "127.0.0.1:" + lab.master.port();
        SentinelLab.await("the switch", () -> SentinelLab.announcesOtherThan(sentinel, old));
        Path calls = lab.dir.resolve("calls.txt");
        SentinelLab.await("a script call", () -> {
            try {
                return Files.exists(calls) && !Files.readAllLines(calls).isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
        return Files.readAllLines(calls).stream().map(l -> l.replace(" " + lab.master.port(), " M")
                .replace(" " + lab.replicas.get(0).port(), " R")).toList();
    }
}
