package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.net.LoopbackPorts;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The jredis-only metrics-port endpoint, read directly and through Debian's redis_exporter. */
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();


    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesPrometheusText() throws Exception {
        int metrics = LoopbackPorts.claim();
        try (TestServer s = TestServer.start("metrics-port", String.valueOf(metrics));
                Jedis j = new Jedis(s.host(), s.port())) {
            j.set("a", "1");
            j.setex("b", 100, "2");
            j.select(3);
            j.set("c", "3");
            HttpResponse<String> r = get(metrics, "/metrics");
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").get());
            List<String> lines = r.body().lines().toList();
            assertTrue(lines.contains("redis_up 1"));
            assertTrue(lines.contains("redis_connected_clients 1"));
            assertTrue(lines.contains("redis_db_keys{db=\"db0\"} 2"));
            assertTrue(lines.contains("redis_db_keys_expiring{db=\"db0\"} 1"));
            assertTrue(lines.contains("redis_db_keys{db=\"db3\"} 1"));
            assertTrue(lines.contains("# TYPE redis_commands_processed_total counter"));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_instance_info{") && l.contains("role=\"master\"")));
            assertTrue(lines.stream().anyMatch(l -> l.matches("redis_memory_used_bytes \\d+")));
            assertEquals(404, get(metrics, "/").statusCode());
            // A jredis-only directive must not show in a real-Redis comparison of CONFIG GET *.
            assertFalse(j.configGet("*").containsKey("metrics-port"));
        }
    }

    @Test
    void offByDefault() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals("0", j.configGet("metrics-port").get("metrics-port"));
        }
    }

    @Test
    void redisExporterScrapesJredis() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.set("k1", "v");
            j.set("k2", "v");
            String body = scrape(s.port());
            List<String> lines = body.lines().toList();
            assertTrue(lines.contains("redis_db_keys{db=\"db0\"} 2"), body);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_connected_clients ")), body);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_memory_used_bytes ")), body);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_commands_processed_total ")), body);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_instance_info{")
                    && l.contains("redis_version=\"7.0.15\"") && l.contains("role=\"master\"")), body);
        }
    }

    /**
     * Labels whose values are the instance's or the clock's, not the dataset's; the directory and port settings are
     * each server's (a test server's port setting is 0, a free port).
     */
    private static final Pattern INSTANCE_LABELS = Pattern.compile(
            "\\b(run_id|process_id|tcp_port|redis_build_id|created_at|idle_since)=\"[^\"]*\"|"
                    + "(?<=key=\"(dir|port)\",value=)\"[^\"]*\"");

    /**
     * redis_exporter with its key, stream, client-list, config and script options, against jredis and against
     * redis-server holding the same dataset: the same metrics with the same labels. Values are not compared (memory
     * and times differ), nor the labels that name the process or a moment.
     */
    @Test
    void redisExporterSeesTheSameMetricsAsOnRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path script = Files.createTempFile("exporter", ".lua");
        Files.writeString(script, "return {'str_len', tostring(redis.call('STRLEN', 'str:1'))}\n");
        String[] options = {"-check-keys", "str:1*,bigzset,hash:*", "-check-single-keys", "db1=db1list,int:3",
            "-check-streams", "stream:*", "-check-single-streams", "bigstream", "-count-keys", "db0=str:*,db1=db1:*",
            "-check-key-groups", "^([a-z]+):", "-export-client-list", "-include-config-metrics",
            "-include-system-metrics", "-redis-only-metrics", "-ping-on-connect", "-script", script.toString()};
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "local");
                TestServer jredis = TestServer.start("loglevel", "warning", "save", "",
                        "enable-debug-command", "local")) {
            List<Set<String>> sides = new ArrayList<>();
            for (int port : new int[] {redis.port(), jredis.port()}) {
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                    load(j);
                }
                Set<String> series = new TreeSet<>();
                for (String line : scrape(port, options).lines().toList()) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        String name = line.substring(0, line.lastIndexOf(' '));
                        series.add(INSTANCE_LABELS.matcher(name)
                                .replaceAll(m -> m.group(1) == null ? "X" : m.group(1) + "=X"));
                    }
                }
                sides.add(series);
            }
            Set<String> onlyRedis = new TreeSet<>(sides.get(0));
            onlyRedis.removeAll(sides.get(1));
            Set<String> onlyJredis = new TreeSet<>(sides.get(1));
            onlyJredis.removeAll(sides.get(0));
            assertEquals(Set.of(), onlyRedis, "only on redis-server; only on jredis: " + onlyJredis);
            assertEquals(Set.of(), onlyJredis, "only on jredis");
            assertTrue(sides.get(0).size() > 500 && sides.get(0).contains("redis_key_size{db=\"db0\",key=\"bigzset\"}")
                    && sides.get(0).contains("redis_stream_group_consumer_messages_pending{consumer=\"c1\",db=\"db0\","
                    + "group=\"g1\",stream=\"bigstream\"}"), sides.get(0).toString());
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Every type, big and small, three databases, TTLs, a consumer group with a pending entry. */
    private static void load(Jedis j) {
        for (int i = 0; i < 20; i++) {
            j.set("str:" + i, "v".repeat(i + 1));
            j.set("int:" + i, Integer.toString(i * 1000));
            j.setex("ttl:" + i, 1000 + i, "v");
        }
        for (int i = 0; i < 300; i++) {
            j.rpush("biglist", "item" + i);
            j.hset("hash:big", "field" + i, "value" + i);
            j.sadd("set:big", "member" + i);
            j.zadd("bigzset", i, "m" + i);
        }
        j.hset("hash:small", "f", "v");
        j.sadd("intset", "1", "2", "3");
        for (int i = 1; i <= 5; i++) {
            j.xadd("stream:a", new redis.clients.jedis.StreamEntryID(i, 0), java.util.Map.of("f", "v" + i));
            j.xadd("bigstream", new redis.clients.jedis.StreamEntryID(i, 1), java.util.Map.of("f", "v" + i));
        }
        j.xgroupCreate("bigstream", "g1", new redis.clients.jedis.StreamEntryID(0, 0), false);
        j.sendCommand(redis.clients.jedis.Protocol.Command.XREADGROUP, "GROUP", "g1", "c1", "COUNT", "2", "STREAMS",
                "bigstream", ">");
        j.select(1);
        j.rpush("db1list", "a", "b");
        j.set("db1:a", "1");
        j.select(5);
        j.set("db5:a", "1");
        j.select(0);
    }

    /**
     * Runs redis_exporter against {@code port} with {@code options} and returns its first scrape that reports the
     * server up; skips the test when it is not installed.
     */
    private static String scrape(int port, String... options) throws Exception {
        Path exporter = Path.of("/usr/bin/prometheus-redis-exporter");
        Assumptions.assumeTrue(Files.isExecutable(exporter),
                "prometheus-redis-exporter not installed (apt-get install prometheus-redis-exporter)");
        int web = LoopbackPorts.claim();
        List<String> cmd = new ArrayList<>(List.of(exporter.toString(), "-redis.addr", "redis://127.0.0.1:" + port,
                "-web.listen-address", "127.0.0.1:" + web));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                try {
                    HttpResponse<String> r = get(web, "/metrics");
                    if (r.statusCode() == 200 && r.body().contains("redis_up 1")) {
                        return r.body();
                    }
                } catch (IOException notYetListening) {
                    Thread.onSpinWait();
                }
            }
            throw new AssertionError("redis_exporter never reported redis_up 1 for port " + port);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
