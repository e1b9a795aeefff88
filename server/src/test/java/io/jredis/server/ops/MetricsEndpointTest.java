package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.net.LoopbackPorts;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Path exporter = Path.of("/usr/bin/prometheus-redis-exporter");
        Assumptions.assumeTrue(Files.isExecutable(exporter),
                "prometheus-redis-exporter not installed (apt-get install prometheus-redis-exporter)");
        int web = LoopbackPorts.claim();
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.set("k1", "v");
            j.set("k2", "v");
            Process p = new ProcessBuilder(exporter.toString(), "-redis.addr", "redis://127.0.0.1:" + s.port(),
                    "-web.listen-address", "127.0.0.1:" + web).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                String body = null;
                long deadline = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < deadline) {
                    try {
                        HttpResponse<String> r = get(web, "/metrics");
                        if (r.statusCode() == 200 && r.body().contains("redis_up 1")) {
                            body = r.body();
                            break;
                        }
                    } catch (IOException notYetListening) {
                        Thread.onSpinWait();
                    }
                }
                assertTrue(body != null, "redis_exporter never reported redis_up 1");
                List<String> lines = body.lines().toList();
                assertTrue(lines.contains("redis_db_keys{db=\"db0\"} 2"), body);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_connected_clients ")), body);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_memory_used_bytes ")), body);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_commands_processed_total ")), body);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("redis_instance_info{")
                        && l.contains("redis_version=\"7.0.15\"") && l.contains("role=\"master\"")), body);
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
    }
}
