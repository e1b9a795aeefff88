package io.jredis.server.scripting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.LibraryInfo;

/** FUNCTION and FCALL through Jedis: libraries, flags, DUMP/RESTORE (also against redis-server), propagation. */
class FunctionsTest {
    private static final String LIB = """
            #!lua name=counters
            local function bump(keys, args)
              return redis.call('incrby', keys[1], args[1])
            end
            local function peek(keys, args)
              return redis.call('get', keys[1])
            end
            redis.register_function('bump', bump)
            redis.register_function{function_name='peek', callback=peek, flags={'no-writes'}, description='reads'}
            """;

    @Test
    void loadCallListDelete() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals("counters", j.functionLoad(LIB));
            assertEquals(5L, j.fcall("bump", List.of("c"), List.of("5")));
            assertEquals("5", j.fcallReadonly("peek", List.of("c"), List.of()));
            JedisDataException ro = assertThrows(JedisDataException.class,
                    () -> j.fcallReadonly("bump", List.of("c"), List.of("1")));
            assertEquals("ERR Can not execute a script with write flag using *_ro command.", ro.getMessage());
            List<LibraryInfo> libs = j.functionList();
            assertEquals(1, libs.size());
            assertEquals("counters", libs.get(0).getLibraryName());
            assertEquals("LUA", libs.get(0).getEngine());
            assertEquals(2, libs.get(0).getFunctions().size());
            JedisDataException exists = assertThrows(JedisDataException.class, () -> j.functionLoad(LIB));
            assertEquals("ERR Library 'counters' already exists", exists.getMessage());
            assertEquals("counters", j.functionLoadReplace(LIB));
            assertEquals("OK", j.functionDelete("counters"));
            assertEquals("ERR Function not found", assertThrows(JedisDataException.class,
                    () -> j.fcall("bump", List.of("c"), List.of("1"))).getMessage());
        }
    }

    @Test
    void dumpRestoresOnRealRedisAndBack() throws Exception {
        RealRedis.assumeInstalled();
        try (TestServer s = TestServer.start(); RealRedis real = RealRedis.start();
                Jedis j = new Jedis(s.host(), s.port()); Jedis r = new Jedis("127.0.0.1", real.port())) {
            j.functionLoad(LIB);
            byte[] ours = j.functionDump();
            r.functionLoad(LIB);
            assertArrayEquals(r.functionDump(), ours, "same payload bytes as redis-server");
            r.functionFlush();
            assertEquals("OK", r.functionRestore(ours));
            assertEquals(3L, r.fcall("bump", List.of("c"), List.of("3")));
            j.functionFlush();
            assertEquals("OK", j.functionRestore(r.functionDump()));
            assertEquals(4L, j.fcall("bump", List.of("c"), List.of("4")));
        }
    }

    @Test
    void functionWritesPropagateAsEffectsAndLoadAsItself() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            List<String> propagated = s.recordPropagation();
            c.call("FUNCTION", "LOAD", LIB);
            c.call("FCALL", "bump", "1", "k", "2");
            c.call("FCALL", "peek", "1", "k");
            // One write needs no MULTI/EXEC around it (Redis 7.0's propagatePendingCommands).
            assertEquals(List.of("0:FUNCTION LOAD " + LIB, "0:incrby k 2"), propagated);
        }
    }

    @Test
    void statsAndInfoCountLibrariesAndFunctions() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            j.functionLoad(LIB);
            assertTrue(j.info("memory").contains("number_of_functions:2\r\nnumber_of_libraries:1\r\n"));
            var stats = j.functionStats();
            assertEquals(null, stats.getRunningScript());
            assertEquals(1L, stats.getEngines().get("LUA").get("libraries_count"));
            assertEquals(2L, stats.getEngines().get("LUA").get("functions_count"));
        }
    }
}
