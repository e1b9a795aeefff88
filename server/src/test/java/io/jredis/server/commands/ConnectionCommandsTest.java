package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;

class ConnectionCommandsTest {
    private static final String NOAUTH_HELLO = "-NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
            + "RESP protocol version at the same time\r\n";

    private static String raw(RawClient c, String... args) throws Exception {
        return new String(c.callRaw(RawClient.args(args)), StandardCharsets.ISO_8859_1);
    }

    /** HELLO's reply as Redis 7.0.15 sends it in RESP2 (flat array) or RESP3 (map). */
    private static String helloReply(int proto, long id) {
        String body = "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" + proto
                + "\r\n$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n";
        return (proto == 3 ? "%7\r\n" : "*14\r\n") + body;
    }

    private static long id(RawClient c) throws Exception {
        return (Long) c.call("CLIENT", "ID");
    }

    @Test
    void authWithoutRequirepass() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("-ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?\r\n", raw(c, "AUTH", "x"));
            assertEquals("+OK\r\n", raw(c, "AUTH", "default", "anything"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                    raw(c, "AUTH", "nobody", "x"));
            assertEquals("-ERR syntax error\r\n", raw(c, "AUTH", "a", "b", "c"));
        }
    }

    @Test
    void authWithRequirepass() throws Exception {
        try (TestServer s = TestServer.start("requirepass", "secret"); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("-NOAUTH Authentication required.\r\n", raw(c, "PING"));
            assertEquals("-NOAUTH Authentication required.\r\n", raw(c, "CLIENT", "ID"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", raw(c, "AUTH", "nope"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                    raw(c, "AUTH", "other", "secret"));
            assertEquals("-NOAUTH Authentication required.\r\n", raw(c, "PING"));
            assertEquals("+OK\r\n", raw(c, "AUTH", "secret"));
            assertEquals("+PONG\r\n", raw(c, "PING"));
            // A failed attempt does not undo an earlier success.
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", raw(c, "AUTH", "bad"));
            assertEquals("+PONG\r\n", raw(c, "PING"));
            assertEquals("+OK\r\n", raw(c, "AUTH", "default", "secret"));
        }
    }

    @Test
    void helloRepliesInBothProtocols() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            long id = id(c);
            assertEquals(helloReply(2, id), raw(c, "HELLO"));
            assertEquals(helloReply(3, id), raw(c, "HELLO", "3"));
            // Without a version HELLO keeps the current protocol.
            assertEquals(helloReply(3, id), raw(c, "HELLO"));
            assertEquals("_\r\n", raw(c, "GET", "missing"));
            assertEquals("-NOPROTO unsupported protocol version\r\n", raw(c, "HELLO", "4"));
            assertEquals("-ERR Protocol version is not an integer or out of range\r\n", raw(c, "HELLO", "x"));
            assertEquals("-ERR Syntax error in HELLO option 'AUTH'\r\n", raw(c, "HELLO", "3", "AUTH", "default"));
            assertEquals(helloReply(2, id), raw(c, "HELLO", "2", "SETNAME", "conn-a"));
            assertEquals("$-1\r\n", raw(c, "GET", "missing"));
            assertEquals("$6\r\nconn-a\r\n", raw(c, "CLIENT", "GETNAME"));
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                    raw(c, "HELLO", "3", "SETNAME", "a b"));
            assertEquals("$-1\r\n", raw(c, "GET", "missing"), "a failed HELLO must not switch protocol");
        }
    }

    @Test
    void helloAuthenticatesWhenPasswordRequired() throws Exception {
        try (TestServer s = TestServer.start("requirepass", "secret"); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals(NOAUTH_HELLO, raw(c, "HELLO"));
            assertEquals(NOAUTH_HELLO, raw(c, "HELLO", "3"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                    raw(c, "HELLO", "3", "AUTH", "default", "wrong"));
            assertEquals("-NOAUTH Authentication required.\r\n", raw(c, "PING"));
            String reply = raw(c, "HELLO", "3", "AUTH", "default", "secret", "SETNAME", "app");
            assertTrue(reply.startsWith("%7\r\n$6\r\nserver\r\n"), reply);
            assertEquals("+PONG\r\n", raw(c, "PING"));
            assertEquals("$3\r\napp\r\n", raw(c, "CLIENT", "GETNAME"));
        }
    }

    @Test
    void resetRestoresFreshConnectionState() throws Exception {
        try (TestServer s = TestServer.start("requirepass", "secret"); RawClient c = new RawClient(s.host(), s.port())) {
            raw(c, "HELLO", "3", "AUTH", "default", "secret", "SETNAME", "before");
            assertEquals("+OK\r\n", raw(c, "SELECT", "5"));
            assertEquals("+OK\r\n", raw(c, "SET", "in5", "v"));
            assertEquals("+OK\r\n", raw(c, "CLIENT", "NO-EVICT", "on"));
            assertEquals("+RESET\r\n", raw(c, "RESET"));
            assertEquals("-NOAUTH Authentication required.\r\n", raw(c, "GET", "in5"));
            assertEquals("+OK\r\n", raw(c, "AUTH", "secret"));
            assertEquals("$-1\r\n", raw(c, "GET", "in5"), "RESP2 again and back in database 0");
            assertEquals("$-1\r\n", raw(c, "CLIENT", "GETNAME"));
            String info = new String((byte[]) c.call("CLIENT", "INFO"), StandardCharsets.UTF_8);
            // Redis keeps CLIENT NO-EVICT across RESET.
            assertTrue(info.contains(" flags=e db=0 "), info);
            assertTrue(info.contains(" resp=2\n"), info);
        }
    }

    @Test
    void resetTurnsRepliesBackOn() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.send(RawClient.encode(b("CLIENT"), b("REPLY"), b("OFF")));
            c.send(RawClient.encode(b("PING"), b("dropped")));
            assertEquals("+RESET\r\n", raw(c, "RESET"));
            assertEquals("+PONG\r\n", raw(c, "PING"));
        }
    }

    @Test
    void selectAndEcho() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("+OK\r\n", raw(c, "SELECT", "15"));
            assertEquals("-ERR DB index is out of range\r\n", raw(c, "SELECT", "16"));
            assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                    raw(c, "SELECT", "2147483648"));
            assertArrayEquals("$3\r\na\0b\r\n".getBytes(StandardCharsets.ISO_8859_1), c.callRaw(b("ECHO"), b("a\0b")));
        }
    }

    @Test
    void quitRepliesThenCloses() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("+OK\r\n", raw(c, "QUIT"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void jedisConnectsWithPasswordInBothProtocols() {
        try (TestServer s = TestServer.start("requirepass", "secret")) {
            HostAndPort hp = new HostAndPort(s.host(), s.port());
            for (RedisProtocol protocol : RedisProtocol.values()) {
                try (Jedis j = new Jedis(hp, DefaultJedisClientConfig.builder().password("secret").protocol(protocol)
                        .clientName("jedis-" + protocol).build())) {
                    assertEquals("OK", j.set("k", "v-" + protocol));
                    assertEquals("v-" + protocol, j.get("k"));
                    assertEquals("jedis-" + protocol, j.clientGetname());
                    assertTrue(j.clientInfo().contains(" resp=" + (protocol == RedisProtocol.RESP3 ? 3 : 2)));
                }
            }
            assertThrows(JedisAccessControlException.class,
                    () -> new Jedis(hp, DefaultJedisClientConfig.builder().password("wrong").build()).close());
        }
    }

    @Test
    void lettuceSpeaksResp3WithoutPassword() {
        try (TestServer s = TestServer.start()) {
            lettuceRoundTrip(RedisURI.builder().withHost(s.host()).withPort(s.port()).build());
        }
    }

    @Test
    void lettuceSpeaksResp3WithPassword() {
        try (TestServer s = TestServer.start("requirepass", "secret")) {
            lettuceRoundTrip(RedisURI.builder().withHost(s.host()).withPort(s.port())
                    .withPassword("secret".toCharArray()).withClientName("lettuce").build());
        }
    }

    private static void lettuceRoundTrip(RedisURI uri) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> cmd = conn.sync();
            assertEquals("OK", cmd.set("key", "value"));
            assertEquals("value", cmd.get("key"));
            assertTrue(cmd.clientList().contains(" resp=3\n"), "Lettuce switches to RESP3 with HELLO 3");
        } finally {
            client.shutdown();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
