package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * Lines Redis logs at loglevel verbose, as redis-server's: serverCron's every 5 seconds (the number of keys, and of
 * keys with a TTL, of each database that holds any), and a connection's accept and end.
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

    /**
     * A connection's verbose lines: "Accepted ip:port", then "Client closed connection" with the client's CLIENT
     * LIST line when the client closes it, or "Reading from client: Connection reset by peer" when it resets it.
     */
    @Test
    void connectionLinesAreRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path ourLog = TempPaths.file("verbose", ".log");
        RedisServer ours = new RedisServer(TestServer.config(), Log.open(ourLog.toString(), "verbose"));
        ours.start();
        try (RealRedis real = RealRedis.start("--loglevel", "verbose")) {
            assertEquals(connectionLines(real.port(), real::log),
                    connectionLines(ours.port(), () -> RedisLog.read(ourLog)),
                    "redis-server's lines, then jredis's");
        } finally {
            ours.close();
        }
    }

    /** One client that closes its connection after a PING, one that resets it: the lines they caused. */
    private static List<String> connectionLines(int port, Supplier<String> log) throws IOException {
        // Not the connections RealRedis made to see the server up: once each is logged closed.
        Await.until("earlier connections logged closed", 10, () -> count(log.get(), "Accepted ")
                == count(log.get(), "Client closed connection ") + count(log.get(), "Reading from client: "));
        int before = RedisLog.messages(log.get()).size();
        for (boolean reset : new boolean[] {false, true}) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                // The whole reply: unread bytes would turn the close into a reset.
                assertEquals("+PONG\r\n", new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
                if (reset) {
                    s.setSoLinger(true, 0);
                }
            }
            String end = reset ? "Reading from client: " : "Client closed connection ";
            Await.until("'" + end + "' logged", 10, () -> log.get().contains(end));
        }
        List<String> messages = RedisLog.messages(log.get());
        return messages.subList(before, messages.size()).stream().filter(m -> m.contains("Accepted ")
                || m.contains("Client closed connection ") || m.contains("Reading from client: ")).toList();
    }

    private static long count(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).count();
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
