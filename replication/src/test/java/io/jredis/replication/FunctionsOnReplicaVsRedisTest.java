package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Functions on a replica, compared with redis-server: an allow-stale function on a stale replica may run only
 * commands flagged stale, and a read-only replica replaying its AOF (DEBUG LOADAOF) applies the FUNCTION commands in
 * it instead of refusing them as writes.
 */
class FunctionsOnReplicaVsRedisTest {
    private static final String LIBRARY = "#!lua name=lib\n"
            + "redis.register_function{function_name='plain', callback=function() return 'hello' end,"
            + " flags={'no-writes'}}\n"
            + "redis.register_function{function_name='stale', callback=function() return 'hello' end,"
            + " flags={'allow-stale', 'no-writes'}}\n"
            + "redis.register_function{function_name='get', callback=function() return redis.call('get', 'x') end,"
            + " flags={'allow-stale', 'no-writes'}}\n"
            + "redis.register_function{function_name='ping', callback=function() return redis.call('ping') end,"
            + " flags={'allow-stale', 'no-writes'}}\n";

    @Test
    void functionsOnAStaleReplicaAndInAReplayedAof() throws Exception {
        RedisServer jredis = Nodes.jredis("enable-debug-command", "yes", "appendonly", "yes");
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes", "--appendonly", "yes")) {
            assertEquals(session(redis.port()), session(jredis.port()));
        } finally {
            jredis.close();
        }
    }

    private static List<String> session(int port) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            Await.until("the first AOF rewrite", 30, () -> !c.info("persistence").contains("aof_rewrite_in_progress:1"));
            replies.add(text(c, "FUNCTION", "LOAD", LIBRARY));
            replies.add(text(c, "CONFIG", "SET", "replica-serve-stale-data", "no"));
            replies.add(text(c, "REPLICAOF", "127.0.0.1", "1"));
            for (String f : new String[] {"plain", "stale", "get", "ping"}) {
                replies.add(f + " -> " + text(c, "FCALL", f, "0"));
            }
            replies.add(text(c, "CONFIG", "SET", "replica-serve-stale-data", "yes"));
            replies.add(text(c, "DEBUG", "LOADAOF"));
            replies.add(text(c, "REPLICAOF", "NO", "ONE"));
            // The library came back from the AOF (FUNCTION LIST's order is Redis's hash order: compare a call).
            replies.add(text(c, "FCALL", "stale", "0"));
        }
        return replies;
    }

    private static String text(RawClient c, String... args) {
        try {
            Object reply = c.call(args);
            return reply instanceof List<?> l ? String.valueOf(flatten(l)) : RawClient.text(reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Object> flatten(List<?> l) {
        List<Object> out = new ArrayList<>();
        for (Object o : l) {
            out.add(o instanceof List<?> inner ? flatten(inner) : RawClient.text(o));
        }
        return out;
    }
}
