package io.jredis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * CONFIG GET of every directive must equal a real redis-server 7.0.15 started with the same non-default
 * directives (the ones {@link RealRedis} passes). Skipped when redis-server is not installed.
 */
class ConfigDefaultsVsRedisTest {
    /** Values that differ by nature between two servers started side by side. */
    private static final Set<String> PER_INSTANCE = Set.of(
            "port", // each server listens on its own free port
            "dir"); // each server runs in its own directory

    /** Directives only listed when asked for by exact name. */
    private static final List<String> HIDDEN = List.of("use-exit-on-panic", "rdb-key-save-delay", "key-load-delay",
            "watchdog-period", "loading-process-events-interval-bytes", "lua-enable-deprecated-api");

    @Test
    void everyDirectiveAndDefaultMatchesRealRedis() throws Exception {
        try (RealRedis real = RealRedis.start();
                TestServer ours = TestServer.start("save", "", "appendonly", "no", "loglevel", "warning");
                Jedis r = new Jedis("127.0.0.1", real.port());
                Jedis j = new Jedis(ours.host(), ours.port())) {
            Map<String, String> expected = new TreeMap<>(r.configGet("*"));
            Map<String, String> actual = new TreeMap<>(j.configGet("*"));
            for (String k : PER_INSTANCE) {
                assertEquals(expected.containsKey(k), actual.containsKey(k), k);
                expected.remove(k);
                actual.remove(k);
            }
            assertEquals(expected.keySet(), actual.keySet(), "directive names listed by CONFIG GET *");
            assertEquals(expected, actual);
            for (String hidden : HIDDEN) {
                assertEquals(r.configGet(hidden), j.configGet(hidden), hidden);
            }
        }
    }

    @Test
    void nonDefaultCommandLineValuesReadBackAsInRealRedis() throws Exception {
        String[] args = {"--maxmemory", "100mb", "--save", "900", "1", "--save", "300", "10",
            "--client-output-buffer-limit", "pubsub", "64mb", "16mb", "90", "--notify-keyspace-events", "Exg$",
            "--hash-max-ziplist-entries", "100", "--slave-read-only", "no", "--maxmemory-clients", "10%",
            "--latency-tracking-info-percentiles", "50", "99.99", "--oom-score-adj", "relative",
            "--shutdown-on-sigterm", "force", "now", "--unixsocketperm", "700"};
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).loadString("\n" + ConfigFile.fromCommandLine(List.of(args)));
        try (RealRedis real = RealRedis.start(args); Jedis r = new Jedis("127.0.0.1", real.port())) {
            for (String name : List.of("maxmemory", "save", "client-output-buffer-limit", "notify-keyspace-events",
                    "hash-max-listpack-entries", "hash-max-ziplist-entries", "replica-read-only",
                    "maxmemory-clients", "latency-tracking-info-percentiles", "oom-score-adj",
                    "shutdown-on-sigterm", "unixsocketperm")) {
                assertEquals(r.configGet(name).get(name), cfg.find(name).get(), name);
            }
        }
    }
}
