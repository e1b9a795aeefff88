package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The software watchdog (watchdog-period): a command that keeps the server from its cron longer than the period gets
 * Redis's "WATCHDOG TIMER EXPIRED" report with the stack of the thread it held, once per stall, in redis-server's
 * layout (the frames are the JVM's).
 */
class WatchdogLogVsRedisTest {
    private static final String END = ":signal-handler (";

    @Test
    void aStalledServerLogsTheWatchdogReportAsRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path ourLog = TempPaths.file("watchdog", ".log");
        RedisServer ours = new RedisServer(TestServer.config("enable-debug-command", "yes"),
                Log.open(ourLog.toString(), "notice"));
        ours.start();
        try (RealRedis real = RealRedis.start("--enable-debug-command", "yes")) {
            List<String> expected = report(real.port(), real::log);
            List<String> actual = report(ours.port(), () -> RedisLog.read(ourLog));
            assertEquals(shape(expected), shape(actual), "redis-server's report, then jredis's:\n" + actual);
            assertTrue(actual.stream().anyMatch(l -> l.contains("DebugCommand.sleep")),
                    "the engine thread's frames, down to the sleeping command: " + actual);
        } finally {
            ours.close();
        }
    }

    /** Sleeps the server for a second with a 200 ms watchdog, twice, and answers the report lines it logged. */
    private static List<String> report(int port, Supplier<String> log) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            c.call("CONFIG", "SET", "watchdog-period", "200");
            c.call("DEBUG", "SLEEP", "1");
            Await.until("the watchdog's report", 10, () -> ends(log.get()) == 1);
            // A second stall after the period was turned off: no second report (the ping is served after the
            // cron ran, so a report would be on its way by then).
            c.call("CONFIG", "SET", "watchdog-period", "0");
            c.call("DEBUG", "SLEEP", "0.5");
            c.call("PING");
        }
        List<String> lines = log.get().lines().toList();
        int first = 0;
        while (!lines.get(first).contains(END)) {
            first++;
        }
        int last = first + 1;
        while (!lines.get(last).contains(END)) {
            last++;
        }
        assertEquals(1, ends(log.get()), "one report");
        return lines.subList(first, last + 1);
    }

    /** The report with pids, times and each run of frames masked: the binaries' frames cannot match. */
    private static List<String> shape(List<String> report) {
        List<String> out = new ArrayList<>();
        boolean inFrames = false;
        for (String line : report) {
            if (line.contains(END)) {
                out.add(line.replaceFirst("^\\d+:signal-handler \\(\\d+\\) ", "<pid>:signal-handler (<time>) "));
                inFrames = false;
            } else if (line.equals("EIP:") || line.equals("Backtrace:")) {
                out.add(line);
                inFrames = true;
            } else if (inFrames && !line.isEmpty()) {
                if (!out.get(out.size() - 1).equals("<frames>")) {
                    out.add("<frames>");
                }
            } else {
                out.add(line);
                inFrames = false;
            }
        }
        return out;
    }

    private static long ends(String log) {
        return log.lines().filter(l -> l.contains(END) && l.endsWith("--------")).count();
    }
}
