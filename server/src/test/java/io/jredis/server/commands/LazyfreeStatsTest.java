package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * INFO lazyfreed_objects counts what Redis 7.0 hands to its lazyfree thread: values past LAZYFREE_THRESHOLD deleted
 * by UNLINK (or DEL under lazyfree-lazy-user-del), and every key of an asynchronous flush. The expected counts are
 * those redis-server 7.0.15 shows for the same commands (its count lags by the background free, so the test does
 * not compare live).
 */
class LazyfreeStatsTest {
    @Test
    void countsWhatRedisFreesInTheBackground() throws Exception {
        TestServer.start().runAndClose(c -> {
            c.call("EVAL", "for i=1,100 do redis.call('sadd','big',i..'x') end", "0");
            c.call("EVAL", "for i=1,10 do redis.call('sadd','small',i..'x') end", "0");
            c.call("EVAL", "for i=1,100 do redis.call('hset','h',i..'x','v') end", "0");
            c.call("EVAL", "for i=1,10000 do redis.call('rpush','l',string.rep('x',100)) end", "0");
            c.call("EVAL", "for i=1,200 do redis.call('rpush','l2',string.rep('x',100)) end", "0");
            c.call("XADD", "st", "1-1", "f", "v");
            c.call("XGROUP", "CREATE", "st", "g", "0");
            // A hashtable set of 100 and a list of ~128 quicklist nodes; not the small set, the 3-node list, the
            // one-node stream, nor a DEL while lazyfree-lazy-user-del is off.
            assertEquals(5L, c.call("UNLINK", "big", "small", "l", "l2", "st"));
            assertEquals(1L, c.call("DEL", "h"));
            assertEquals(2L, lazyfreed(c));

            c.call("SET", "a", "1");
            c.call("SET", "b", "1");
            assertEquals("OK", RawClient.text(c.call("FLUSHALL", "ASYNC")));
            assertEquals(4L, lazyfreed(c));

            c.call("CONFIG", "SET", "lazyfree-lazy-user-del", "yes", "lazyfree-lazy-user-flush", "yes");
            c.call("EVAL", "for i=1,600 do redis.call('hset','h',i..'x','v') end", "0");
            c.call("SET", "a", "1");
            assertEquals(1L, c.call("DEL", "h"));
            assertEquals(5L, lazyfreed(c));
            assertEquals("OK", RawClient.text(c.call("FLUSHDB")));
            assertEquals(6L, lazyfreed(c));
            c.call("SET", "a", "1");
            assertEquals("OK", RawClient.text(c.call("FLUSHDB", "SYNC")));
            assertEquals(6L, lazyfreed(c));

            assertEquals("OK", RawClient.text(c.call("CONFIG", "RESETSTAT")));
            assertEquals(0L, lazyfreed(c));
        });
    }

    private static long lazyfreed(RawClient c) {
        return c.infoLong("memory", "lazyfreed_objects");
    }
}
