package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WATCH against the persistence module's commands (RESTORE, DEBUG RELOAD, SAVE), compared with a real
 * redis-server: connection A watches k, connection B runs a change, then A's MULTI PING EXEC must reply the same
 * (a null array when Redis counts the change as touching k).
 */
class WatchPersistenceVsRedisTest {
    /** DUMP of the string "v" by Redis 7.0 (RDB version 10). */
    private static final String PAYLOAD = "\"\\x00\\x01v\\n\\x00\\x91\\b\\xce\\xb2\\x198\\x8a\\xce\"";

    /** Each scenario: set-up lines for B, then after A's WATCH k, B's changes. */
    private static final String[][][] SCENARIOS = {
        {{}, {"RESTORE k 0 " + PAYLOAD}},
        {{"SET k v"}, {"RESTORE k 0 " + PAYLOAD}},
        {{"SET k v"}, {"RESTORE k 0 " + PAYLOAD + " REPLACE"}},
        {{"SET k v"}, {"RESTORE k 1 " + PAYLOAD + " REPLACE ABSTTL"}},
        {{}, {"RESTORE k 1 " + PAYLOAD + " ABSTTL"}},
        {{"SET k v"}, {"RESTORE other 0 " + PAYLOAD}},
        {{"SET k v"}, {"DEBUG RELOAD"}},
        {{"SET other v"}, {"DEBUG RELOAD"}},
        {{"SET k v"}, {"SAVE"}},
        {{"SET k v"}, {"FLUSHALL"}},
        {{"SET k v", "SELECT 1", "SET k w", "SELECT 0"}, {"DEBUG RELOAD"}},
    };

    @TempDir
    Path dir;

    @Test
    void watchedKeysTouchedAsRedis() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start("--enable-debug-command", "yes");
                PersistentServer jr = PersistentServer.start(dir)) {
            assertEquals(transcript(real.port()), transcript(jr.port()));
        }
    }

    private static String transcript(int port) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (RawClient a = new RawClient("127.0.0.1", port); RawClient b = new RawClient("127.0.0.1", port)) {
            for (String[][] s : SCENARIOS) {
                b.call("SELECT", "0");
                b.call("FLUSHALL");
                run(sb, b, s[0]);
                run(sb, a, new String[] {"WATCH k"});
                run(sb, b, s[1]);
                run(sb, a, new String[] {"MULTI", "PING", "EXEC", "UNWATCH"});
            }
            b.call("FLUSHALL");
        }
        return sb.toString();
    }

    private static void run(StringBuilder sb, RawClient c, String[] lines) throws IOException {
        for (String line : lines) {
            byte[][] argv = SplitArgs.split(line.getBytes(StandardCharsets.UTF_8)).toArray(new byte[0][]);
            sb.append(line).append(" -> ")
                    .append(new String(c.callRaw(argv), StandardCharsets.UTF_8).replace("\r\n", "\\r\\n"))
                    .append('\n');
        }
    }
}
