package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notification script runs for warning-level events with the event type and its message as arguments. */
class SentinelScriptsTest {

    @Test
    void notificationScriptGetsTheEvent(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Path out = dir.resolve("events.txt");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1|$2\" >> " + out + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (RealRedis master = RealRedis.start()) {
            Path conf = dir.resolve("s.conf");
            Files.writeString(conf, "bind 127.0.0.1\nport 0\nsentinel monitor mymaster 127.0.0.1 " + master.port()
                    + " 1\nsentinel notification-script mymaster " + script + "\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                assertEquals(1L, SentinelLab.call(sentinel.port(), "SENTINEL", "RESET", "mymaster"));
                String expected = "+reset-master|master mymaster 127.0.0.1 " + master.port();
                SentinelLab.await("the script records +reset-master", () -> {
                    try {
                        return Files.exists(out) && Files.readAllLines(out).contains(expected);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            }
        }
    }
}
