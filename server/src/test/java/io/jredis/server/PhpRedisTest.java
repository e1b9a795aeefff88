package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * phpredis (the PHP extension WordPress object caches use) running a WooCommerce-style session: pconnect, select,
 * setex, get, mget, incr, pipeline, multi/exec, an EVAL group flush, SCRIPT LOAD/EVALSHA, SCAN with a pattern.
 * The script prints every result; jredis must print exactly what real Redis makes it print. Skipped without
 * php-cli and its redis extension.
 */
class PhpRedisTest {
    private static String php(Path script, int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("php", script.toString(), Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "php finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static boolean phpRedisInstalled() {
        try {
            Process p = new ProcessBuilder("php", "-r", "exit(extension_loaded('redis') ? 0 : 1);")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path script(Path dir, String name) throws IOException {
        Path script = dir.resolve(name);
        try (InputStream in = PhpRedisTest.class.getResourceAsStream("/clients/" + name)) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    @Test
    void wooCommerceObjectCacheSessionAsWithRedis(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(phpRedisInstalled(), "php-cli with the redis extension is not installed");
        Path script = script(dir, "woocommerce-object-cache.php");
        String ours;
        try (TestServer s = TestServer.start()) {
            ours = php(script, s.port());
        }
        String theirs;
        try (RealRedis redis = RealRedis.start()) {
            theirs = php(script, redis.port());
        }
        assertTrue(theirs.contains("'7.0.15'"), theirs);
        assertEquals(theirs, ours);
    }

    /**
     * Every phpredis method with fifteen argument shapes on a key of each type (about 17,000 calls per mode): the
     * reply as phpredis hands it to PHP, getLastError() and the key's type afterwards must be what real Redis gives,
     * called directly and queued in MULTI (where phpredis parses QUEUED and EXEC's nested replies and errors).
     */
    @Test
    void everyPhpRedisMethodOnEveryKeyTypeAsWithRedis(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(phpRedisInstalled(), "php-cli with the redis extension is not installed");
        assertSweepAsWithRedis(script(dir, "phpredis-api-sweep.php"), List.of("direct", "multi"), 10_000);
    }

    /**
     * The methods the sweep above leaves out because a fixed set of argument shapes cannot call them (blocking pops,
     * XREAD/XREADGROUP, XGROUP/XINFO/XPENDING/XCLAIM, EVAL's reply conversions, PUBSUB, OBJECT, SCRIPT, and the option
     * arrays of SORT, GEORADIUS, ZADD and SET), each with shapes it accepts, directly, in MULTI and in a pipeline.
     */
    @Test
    void phpRedisOptionArraysBlockingAndStreamGroupMethodsAsWithRedis(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(phpRedisInstalled(), "php-cli with the redis extension is not installed");
        assertSweepAsWithRedis(script(dir, "phpredis-option-sweep.php"), List.of("direct", "multi", "pipeline"), 600);
    }

    private static void assertSweepAsWithRedis(Path script, List<String> modes, int minLines) throws Exception {
        for (String mode : modes) {
            String ours;
            try (TestServer s = TestServer.start()) {
                ours = php(script, s.port(), mode);
            }
            String theirs;
            try (RealRedis redis = RealRedis.start()) {
                theirs = php(script, redis.port(), mode);
            }
            List<String> expected = theirs.lines().toList();
            List<String> actual = ours.lines().toList();
            assertTrue(expected.size() > minLines, "the sweep ran: " + expected.size() + " lines");
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < Math.max(expected.size(), actual.size()) && differences.size() < 20; i++) {
                String e = i < expected.size() ? expected.get(i) : "(missing)";
                String a = i < actual.size() ? actual.get(i) : "(missing)";
                if (!e.equals(a)) {
                    differences.add("redis:  " + e + "\njredis: " + a);
                }
            }
            assertEquals("", String.join("\n", differences), mode + " mode");
        }
    }
}
