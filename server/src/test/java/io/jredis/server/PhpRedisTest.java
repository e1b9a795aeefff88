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
    private static String php(Path script, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("php", script.toString(), Integer.toString(port)).redirectErrorStream(true)
                .start();
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

    @Test
    void wooCommerceObjectCacheSessionAsWithRedis(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(phpRedisInstalled(), "php-cli with the redis extension is not installed");
        Path script = dir.resolve("woo.php");
        try (InputStream in = PhpRedisTest.class.getResourceAsStream("/clients/woocommerce-object-cache.php")) {
            Files.write(script, in.readAllBytes());
        }
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
}
