package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How sentinel.conf is read: line order and file names relative to {@code dir}, as Redis's chdir makes them. */
class SentinelConfigLoadTest {

    /** Redis queues sentinel lines and applies monitor lines before per-master options, wherever they stand. */
    @Test
    void perMasterOptionsMayPrecedeTheMonitorLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("s.conf");
        Files.writeString(conf, "bind 127.0.0.1\nsentinel down-after-milliseconds setmaster 20000\n"
                + "sentinel parallel-syncs setmaster 2\nsentinel monitor setmaster 10.0.0.1 30000 2\n"
                + "sentinel myid 0123456789012345678901234567890123456789\n");
        try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
            List<?> master = (List<?>) SentinelLab.call(sentinel.port(), "SENTINEL", "MASTER", "setmaster");
            assertEquals("20000", field(master, "down-after-milliseconds"));
            assertEquals("2", field(master, "parallel-syncs"));
            assertEquals("0123456789012345678901234567890123456789",
                    RespParser.toText(SentinelLab.call(sentinel.port(), "SENTINEL", "MYID")));
        }
    }

    /** A relative script path names a file in {@code dir}, and the script runs there. */
    @Test
    void relativeScriptPathsAreRelativeToDir(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Path work = Files.createDirectory(dir.resolve("work"));
        Path script = work.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1\" >> events.txt\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (RealRedis master = RealRedis.start()) {
            Path conf = dir.resolve("s.conf");
            Files.writeString(conf, "bind 127.0.0.1\ndir " + work + "\nsentinel deny-scripts-reconfig no\n"
                    + "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 1\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                int port = sentinel.port();
                assertEquals("(error) ERR Notification script seems non existing or non executable.", RespParser.toText(
                        SentinelLab.call(port, "SENTINEL", "SET", "mymaster", "notification-script", "none.sh")));
                assertEquals("OK", RespParser.toText(
                        SentinelLab.call(port, "SENTINEL", "SET", "mymaster", "notification-script", "notify.sh")));
                assertEquals(1L, SentinelLab.call(port, "SENTINEL", "RESET", "mymaster"));
                Path out = work.resolve("events.txt");
                SentinelLab.await("the script writes +reset-master into dir", () -> {
                    try {
                        return Files.exists(out) && Files.readAllLines(out).contains("+reset-master");
                    } catch (IOException e) {
                        return false;
                    }
                });
            }
        }
    }

    private static String field(List<?> flat, String name) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (RespParser.toText(flat.get(i)).equals(name)) {
                return RespParser.toText(flat.get(i + 1));
            }
        }
        return null;
    }
}
