package io.jredis.server.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** EVAL, EVALSHA and SCRIPT through Jedis and Lettuce; effects propagation, WATCH and transactions with scripts. */
class ScriptingTest {

    @Test
    void jedisEvalConvertsRepliesBothWays() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals(List.of(1L, 2L, "three"), j.eval("return {1, 2, 'three'}"));
            assertEquals(List.of("k1", "a1"), j.eval("return {KEYS[1], ARGV[1]}", List.of("k1"), List.of("a1")));
            assertEquals(3L, j.eval("return 3.99"));
            assertNull(j.eval("return false"));
            assertEquals(1L, j.eval("return true"));
            assertEquals("OK", j.eval("return redis.call('set', KEYS[1], ARGV[1])", List.of("k"), List.of("v")));
            assertEquals("v", j.eval("return redis.call('get', KEYS[1])", List.of("k"), List.of()));
            JedisDataException e = assertThrows(JedisDataException.class,
                    () -> j.eval("return redis.call('lpush', KEYS[1], 'x')", List.of("k"), List.of()));
            assertTrue(e.getMessage().startsWith("WRONGTYPE Operation against a key holding the wrong kind of value"
                    + " script: "), e.getMessage());
            assertTrue(e.getMessage().endsWith(", on @user_script:1."), e.getMessage());
        }
    }

    /**
     * EVAL finds a cached script by its body, hashing only the body's ends: bodies alike there, and of one length,
     * must still run as themselves, each cached under its own SHA1, also after SCRIPT FLUSH.
     */
    @Test
    void evalRunsEachBodyAsItselfWhenBodiesDifferOnlyInTheMiddle() {
        String padding = "-- " + "x".repeat(100) + "\n";
        String a = padding + "return 'a'\n" + padding;
        String b = padding + "return 'b'\n" + padding;
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            for (int round = 0; round < 2; round++) {
                assertEquals("a", j.eval(a));
                assertEquals("b", j.eval(b));
                assertEquals("a", j.eval(a));
                assertEquals(List.of(true, true), j.scriptExists(
                        RedisApi.sha1hex(a.getBytes(StandardCharsets.UTF_8)),
                        RedisApi.sha1hex(b.getBytes(StandardCharsets.UTF_8))));
                assertEquals("b", j.evalsha(RedisApi.sha1hex(b.getBytes(StandardCharsets.UTF_8))));
                assertEquals("OK", j.scriptFlush());
                assertFalse(j.scriptExists(RedisApi.sha1hex(a.getBytes(StandardCharsets.UTF_8))));
            }
        }
    }

    @Test
    void jedisScriptCacheAndEvalsha() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            String sha = j.scriptLoad("return ARGV[1] .. '!'");
            assertEquals(RedisApi.sha1hex("return ARGV[1] .. '!'".getBytes(StandardCharsets.UTF_8)), sha);
            assertEquals("hi!", j.evalsha(sha, List.of(), List.of("hi")));
            assertEquals("hi!", j.evalsha(sha.toUpperCase(), List.of(), List.of("hi")));
            assertEquals(List.of(true, false), j.scriptExists(sha, "0".repeat(40)));
            assertEquals("OK", j.scriptFlush());
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.evalsha(sha, List.of(), List.of()));
            assertEquals("NOSCRIPT No matching script. Please use EVAL.", e.getMessage());
            assertEquals("NOTBUSY No scripts in execution right now.",
                    assertThrows(JedisDataException.class, j::scriptKill).getMessage());
        }
    }

    @Test
    void lettuceResp3SeesRespThreeTypes() {
        try (TestServer s = TestServer.start()) {
            RedisClient client = RedisClient.create("redis://" + s.host() + ":" + s.port());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                assertEquals(Boolean.TRUE, r.eval("redis.setresp(3) return true", ScriptOutputType.BOOLEAN));
                assertEquals(Long.valueOf(42), r.eval("return 42", ScriptOutputType.INTEGER));
                assertEquals("x", r.eval("return redis.status_reply('x')", ScriptOutputType.STATUS));
                assertEquals(List.of("a", 1L), r.eval("return {'a', 1}", ScriptOutputType.MULTI));
                Object map = r.eval("return {map={field='value'}}", ScriptOutputType.OBJECT);
                assertEquals(Map.of("field", "value"), map);
                String sha = r.scriptLoad("return KEYS[1]");
                assertEquals("key", r.evalsha(sha, ScriptOutputType.VALUE, "key"));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void scriptWritesPropagateAsEffectsWrappedWhenMoreThanOneNeverTheEval() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            c.call("EVAL", "redis.call('set', 'a', '1') redis.call('select', 2) redis.call('incr', 'n') "
                    + "return redis.call('get', 'nosuchkey')", "0");
            c.call("EVAL", "return redis.call('get', 'a')", "0");
            c.call("EVAL", "redis.call('set', 'b', 'x', 'EX', 100) return 1", "0");
            // MULTI in the first write's database, EXEC in the last one's; a single write alone.
            assertEquals(List.of("0:MULTI", "0:set a 1", "2:incr n", "2:EXEC"), propagated.subList(0, 4));
            assertEquals(4 + 1, propagated.size());
            assertTrue(propagated.get(4).startsWith("0:SET b x PXAT "), propagated.get(4));
            // The caller's database is untouched by the script's SELECT.
            assertEquals(RawClient.text("1"), RawClient.text(c.call("GET", "a")));
        }
    }

    @Test
    void setReplNoneKeepsWritesLocal() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            c.call("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'local', '1') "
                    + "redis.set_repl(redis.REPL_ALL) redis.call('set', 'shared', '1')", "0");
            assertEquals(List.of("0:set shared 1"), propagated);
            assertEquals("1", RawClient.text(c.call("GET", "local")));
        }
    }

    @Test
    void scriptWriteTouchesWatchedKeys() {
        try (TestServer s = TestServer.start(); Jedis a = new Jedis(s.host(), s.port());
                Jedis b = new Jedis(s.host(), s.port())) {
            a.set("balance", "10");
            a.watch("balance");
            b.eval("redis.call('incrby', KEYS[1], 5)", List.of("balance"), List.of());
            Transaction t = a.multi();
            t.set("balance", "0");
            assertNull(t.exec());
            assertEquals("15", a.get("balance"));
        }
    }

    @Test
    void scriptCommandsRunWithTheCallersAclPermissions() {
        try (TestServer s = TestServer.start(); Jedis admin = new Jedis(s.host(), s.port());
                Jedis limited = new Jedis(s.host(), s.port())) {
            admin.aclSetUser("limited", "on", "nopass", "+@all", "-set", "~a*");
            limited.auth("limited", "x");
            JedisDataException cmd = assertThrows(JedisDataException.class,
                    () -> limited.eval("return redis.call('set', 'a', 'b')"));
            assertTrue(cmd.getMessage().startsWith("ERR The user executing the script can't run this command or "
                    + "subcommand script: "), cmd.getMessage());
            JedisDataException key = assertThrows(JedisDataException.class,
                    () -> limited.eval("return redis.call('get', 'b')"));
            assertTrue(key.getMessage().startsWith("ERR The user executing the script can't access at least one of "
                    + "the keys mentioned in the command arguments script: "), key.getMessage());
            assertEquals(List.of(0L, 1L), limited.eval("return {redis.acl_check_cmd('set', 'a', 'b') and 1 or 0, "
                    + "redis.acl_check_cmd('get', 'a') and 1 or 0}"));
            assertEquals("lua", admin.aclLog(1).get(0).getContext());
        }
    }

    @Test
    void evalInsideMultiRunsAtExec() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            Transaction t = j.multi();
            t.eval("return redis.call('incr', KEYS[1])", 1, "ctr");
            t.eval("return redis.call('incr', KEYS[1])", 1, "ctr");
            assertEquals(List.of(1L, 2L), t.exec());
        }
    }

    /** The group flush script of WooCommerce-style object caches: SCAN a prefix and UNLINK each batch. */
    @Test
    void groupFlushScriptScansAndUnlinksAPrefix() {
        String flush = """
                local cursor = '0'
                local deleted = 0
                repeat
                  local result = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 100)
                  cursor = result[1]
                  local keys = result[2]
                  if #keys > 0 then
                    deleted = deleted + redis.call('UNLINK', unpack(keys))
                  end
                until cursor == '0'
                return deleted
                """;
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.eval("for i = 0, 1499 do redis.call('set', 'wc:posts:' .. i, 'v') "
                    + "if i % 3 == 0 then redis.call('set', 'wc:users:' .. i, 'v') end end");
            assertEquals(1500L, j.eval(flush, List.of(), List.of("wc:posts:*")));
            assertEquals(0L, j.eval(flush, List.of(), List.of("wc:posts:*")));
            assertEquals(500L, j.dbSize());
            assertFalse(j.exists("wc:posts:7"));
            assertTrue(j.exists("wc:users:9"));
        }
    }

    @Test
    void infoReportsCachedScripts() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.scriptLoad("return 1");
            j.scriptLoad("return 2");
            String info = j.info("memory");
            assertTrue(info.contains("number_of_cached_scripts:2\r\n"), info);
            assertTrue(info.contains("used_memory_scripts_eval:" + (8 + 8 + 2 * 128) + "\r\n"), info);
            j.scriptFlush();
            assertTrue(j.info("memory").contains("number_of_cached_scripts:0\r\n"));
        }
    }
}
