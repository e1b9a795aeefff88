package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * The lines serverCron logs at loglevel verbose, as redis-server's: every 5 seconds, the number of keys (and of
 * keys with a TTL) of each database that holds any.
 */
class VerboseLogVsRedisTest {
    private static final Pattern DB_LINE = Pattern.compile("\\d+:M \\d+ \\w+ \\d+ [\\d:.]+ (- DB \\d+: .*)");

    @Test
    void theDatabaseSizeLineIsRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path ourLog = TempPaths.file("verbose", ".log");
        RedisServer ours = new RedisServer(TestServer.config(), Log.open(ourLog.toString(), "verbose"));
        ours.start();
        // Both run side by side: the line comes 5 seconds after the first cron tick.
        try (RealRedis real = RealRedis.start("--loglevel", "verbose");
                Jedis r = new Jedis("127.0.0.1", real.port()); Jedis j = new Jedis("127.0.0.1", ours.port())) {
            for (Jedis c : new Jedis[] {r, j}) {
                c.set("a", "1");
                c.set("b", "2");
                c.set("c", "3", SetParams.setParams().ex(100));
                c.select(3);
                c.set("d", "4");
            }
            Path realLog = real.dir().resolve("redis.log");
            Await.until("both logs' database lines", 15,
                    () -> dbLine(realLog, 3) != null && dbLine(ourLog, 3) != null);
            assertEquals(dbLine(realLog, 0), dbLine(ourLog, 0));
            assertEquals(dbLine(realLog, 3), dbLine(ourLog, 3));
        } finally {
            ours.close();
        }
    }

    /** The first line about database {@code db}, its slot count masked (hash table sizing is not Redis's). */
    private static String dbLine(Path log, int db) {
        try {
            for (String l : Files.readAllLines(log)) {
                Matcher m = DB_LINE.matcher(l);
                if (m.matches() && m.group(1).startsWith("- DB " + db + ":")) {
                    return m.group(1).replaceAll("in \\d+ slots", "in <n> slots");
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
