package io.jredis.server.scripting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.ServerPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A script returning a table that contains itself: Redis nests arrays as deep as its Lua stack allows and puts
 * "-ERR reached lua stack limit" in the innermost one (about 8000 levels, so read as raw bytes: a recursive RESP
 * parser would overflow). The reply bytes and the error count must be Redis's.
 */
class RecursiveReplyVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    private static final String[] SCRIPTS = {
        "local a = {}; local b = {a}; a[1] = b; return a",
        "local a = {}; local b = {a}; a[1] = b; return {1, a}",
        "redis.setresp(3); local a = {}; a[1] = {map={k=a}}; return a",
        "redis.setresp(3); local a = {}; a[1] = {set={[a]=true}}; return a",
    };

    @Test
    void selfContainingTablesReplyAsRedis() throws IOException {
        for (String script : SCRIPTS) {
            byte[] redis = run(servers.redis().port(), script);
            byte[] jredis = run(servers.jredis().port(), script);
            assertTrue(redis.length > 8000, script);
            assertArrayEquals(redis, jredis, script);
        }
    }

    /** EVAL's reply up to its error line, then PING's reply (the connection stays usable). */
    private static byte[] run(int port, String script) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            byte[] body = script.getBytes(StandardCharsets.UTF_8);
            String req = "*3\r\n$4\r\nEVAL\r\n$" + body.length + "\r\n" + script + "\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] chunk = new byte[65536];
            while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("+PONG\r\n")) {
                int n = in.read(chunk);
                if (n < 0) {
                    break;
                }
                got.write(chunk, 0, n);
            }
            return got.toByteArray();
        }
    }
}
