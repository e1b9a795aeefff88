package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the slow log and the latency histograms record of a blocking command, compared with a real redis-server:
 * one entry with the arguments as sent when its wait ends served (ended by CLIENT UNBLOCK: one without arguments),
 * and none when it times out. jredis recorded it when it blocked and again, with the arguments narrowed to the served key, when it
 * was served.
 */
class BlockedCommandStatsVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    @Test
    void aBlockedCommandIsRecordedOnceWhenItsWaitEnds() throws Exception {
        assertEquals(record(servers.redis().port()), record(servers.jredis().port()),
                "redis-server's slow log and BLPOP histogram, then jredis's");
    }

    private static List<String> record(int port) throws Exception {
        try (RawClient control = new RawClient("127.0.0.1", port);
                RawClient waiter = new RawClient("127.0.0.1", port)) {
            control.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            control.call("CONFIG", "RESETSTAT");
            control.call("SLOWLOG", "RESET");
            String waiterId = RawClient.text(waiter.call("CLIENT", "ID"));

            waiter.send(RawClient.encode(RawClient.args("BLPOP", "l1", "l2", "5")));
            awaitBlocked(control, 1);
            control.call("RPUSH", "l2", "a");
            assertEquals("[l2, a]", RawClient.text(waiter.read()));

            assertEquals("(nil)", RawClient.text(waiter.call("BLPOP", "nokey", "0.01")));

            waiter.send(RawClient.encode(RawClient.args("BLPOP", "l3", "0")));
            awaitBlocked(control, 1);
            control.call("CLIENT", "UNBLOCK", waiterId);
            assertEquals("(nil)", RawClient.text(waiter.read()));

            List<String> seen = new ArrayList<>();
            for (Object entry : (List<?>) control.call("SLOWLOG", "GET", "-1")) {
                String argv = RawClient.text(((List<?>) entry).get(3));
                // Redis's entry for the command CLIENT UNBLOCK ended has no arguments (reset by then).
                if (argv.startsWith("[BLPOP") || argv.equals("[]")) {
                    seen.add(argv);
                }
            }
            List<?> histogram = (List<?>) control.call("LATENCY", "HISTOGRAM", "blpop");
            seen.add("histogram " + RawClient.text(((List<?>) histogram.get(1)).subList(0, 2)));
            seen.add(RawClient.text(control.call("INFO", "commandstats")).lines()
                    .filter(l -> l.startsWith("cmdstat_blpop:")).map(l -> l.replaceAll("usec[^,]*,", ""))
                    .findFirst().orElse("no cmdstat_blpop"));
            return seen;
        }
    }

    private static void awaitBlocked(RawClient control, long n) {
        Await.until(n + " blocked client(s)", 10, () -> control.infoLong("clients", "blocked_clients") == n);
    }
}
