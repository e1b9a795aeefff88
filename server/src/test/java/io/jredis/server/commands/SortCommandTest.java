package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jredis.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SortingParams;

/** SORT with Jedis: options end to end, STORE and what it propagates, and the ACL rule on BY and GET patterns. */
class SortCommandTest {

    @Test
    void sortsByWeightsAndFetchesFieldsThroughJedis() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.rpush("ids", "1", "2", "3");
            j.hset("user:1", "age", "30");
            j.hset("user:1", "name", "ann");
            j.hset("user:2", "age", "20");
            j.hset("user:2", "name", "bob");
            j.hset("user:3", "age", "25");
            j.hset("user:3", "name", "cid");
            assertEquals(List.of("bob", "cid", "ann"),
                    j.sort("ids", new SortingParams().by("user:*->age").get("user:*->name")));
            assertEquals(List.of("1", "3"), j.sort("ids", new SortingParams().by("user:*->age").desc().limit(0, 2)));
            assertEquals(List.of("3", "2", "1"), j.sortReadonly("ids", new SortingParams().desc()));
            assertEquals(List.of("1", "2", "3"), j.sort("ids", new SortingParams().nosort()));
        }
    }

    @Test
    void storeReplacesTheDestinationWithAListAndPropagatesVerbatim() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            j.sadd("set", "b", "c", "a");
            j.set("dst", "old");
            // Stored unsorted, a set would give replicas another order: SORT forces ALPHA then.
            assertEquals(3, j.sort("set", new SortingParams().nosort(), "dst"));
            assertEquals(List.of("a", "b", "c"), j.lrange("dst", 0, -1));
            assertEquals(0, j.sort("missing", "dst"));
            assertEquals(0, j.exists("dst") ? 1 : 0);
            assertEquals(0, j.sort("missing", "dst"));
            assertEquals(List.of("0:SADD set b c a", "0:SET dst old", "0:SORT set BY NOSORT STORE dst",
                    "0:SORT missing STORE dst"), propagated);
        }
    }

    @Test
    void byAndGetPatternsNeedReadAccessToEveryKey() {
        try (TestServer s = TestServer.start(); Jedis admin = new Jedis(s.host(), s.port());
                Jedis limited = new Jedis(s.host(), s.port())) {
            admin.rpush("data:l", "2", "1");
            admin.aclSetUser("limited", "on", ">pw", "~data:*", "+@all");
            limited.auth("limited", "pw");
            assertEquals(List.of("1", "2"), limited.sort("data:l"));
            assertEquals(List.of("2", "1"), limited.sort("data:l", new SortingParams().nosort()));
            JedisDataException by = assertThrows(JedisDataException.class,
                    () -> limited.sort("data:l", new SortingParams().by("data:w_*")));
            assertEquals("ERR BY option of SORT denied due to insufficient ACL permissions.", by.getMessage());
            JedisDataException get = assertThrows(JedisDataException.class,
                    () -> limited.sort("data:l", new SortingParams().get("#")));
            assertEquals("ERR GET option of SORT denied due to insufficient ACL permissions.", get.getMessage());
        }
    }
}
