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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How sentinel.conf is read (line order, file names relative to {@code dir} as Redis's chdir makes them) and written
 * (a failed save is the command's error).
 */
class SentinelConfigFileTest {

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

    /** Commands that save the config reply Redis's error when the file cannot be written, and OK again after. */
    @Test
    void unwritableConfigFileIsTheCommandsError(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("s.conf");
        Files.writeString(conf, "bind 127.0.0.1\nsentinel monitor mymaster 10.0.0.1 30000 2\n");
        try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
            int port = sentinel.port();
            Path saved = dir.resolve("s.conf.bak");
            Files.move(conf, saved);
            Files.createDirectory(conf);
            String error = "(error) ERR Failed to save config file. Check server logs.";
            assertEquals(error, RespParser.toText(SentinelLab.call(port, "SENTINEL", "SET", "mymaster", "quorum",
                    "3")));
            assertEquals(error, RespParser.toText(SentinelLab.call(port, "SENTINEL", "FLUSHCONFIG")));
            assertEquals(error, RespParser.toText(SentinelLab.call(port, "SENTINEL", "CONFIG", "SET",
                    "announce-port", "0")));
            // The option was applied although the save failed, as in Redis.
            assertEquals("3", field((List<?>) SentinelLab.call(port, "SENTINEL", "MASTER", "mymaster"), "quorum"));
            Files.delete(conf);
            Files.move(saved, conf);
            assertEquals("OK", RespParser.toText(SentinelLab.call(port, "SENTINEL", "SET", "mymaster", "quorum",
                    "2")));
            assertEquals(true, Files.readString(conf).contains("sentinel monitor mymaster 10.0.0.1 30000 2"));
        }
    }

    /** The +set event of SENTINEL SET auth-pass hides the password, in the log and on the +set channel. */
    @Test
    void setEventRedactsThePassword(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("s.conf");
        Files.writeString(conf, "bind 127.0.0.1\nsentinel monitor mymaster 10.0.0.1 30000 2\n");
        try (RedisServer sentinel = SentinelLab.startSentinel(conf); SentinelLab lab = new SentinelLab(dir)) {
            int port = sentinel.port();
            BlockingQueue<String> events = lab.events("+set", List.of(port));
            SentinelLab.await("the +set subscription is active", () -> {
                SentinelLab.call(port, "SENTINEL", "SET", "mymaster", "auth-user", "probe");
                return !events.isEmpty();
            });
            events.clear();
            assertEquals("OK", RespParser.toText(SentinelLab.call(port, "SENTINEL", "SET", "mymaster", "auth-pass",
                    "s3cret", "quorum", "2")));
            assertEquals(port + " master mymaster 10.0.0.1 30000 auth-pass ******", events.poll(30, TimeUnit.SECONDS));
            assertEquals(port + " master mymaster 10.0.0.1 30000 quorum 2", events.poll(30, TimeUnit.SECONDS));
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
