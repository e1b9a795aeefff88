package io.jredis.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.LibraryInfo;

/**
 * Function libraries for the tests of their persistence and replication: two libraries to load, FUNCTION LIST
 * WITHCODE as a comparable value, and calls that prove the functions run.
 */
public final class Libraries {
    /** Two functions, one with flags and a description; long enough to be LZF-compressed in an RDB file. */
    public static final String LIB1 = "#!lua name=lib1\n"
            + "redis.register_function('hello', function(keys, args) return 'hello ' .. (args[1] or 'world') end)\n"
            + "redis.register_function{function_name='version', callback=function(keys, args) return 'lib1-v1' end, "
            + "flags={'no-writes', 'allow-stale'}, description='the library version'}\n";
    public static final String LIB2 = "#!lua name=lib2\n"
            + "redis.register_function('incr2', function(keys, args) return redis.call('INCRBY', keys[1], 2) end)\n";

    private Libraries() {}

    /** FUNCTION LOAD of both libraries. */
    public static void loadBoth(Jedis j) {
        assertEquals("lib1", j.functionLoad(LIB1));
        assertEquals("lib2", j.functionLoad(LIB2));
    }

    /**
     * FUNCTION LIST WITHCODE by library name (Redis lists libraries in its dict's order, jredis in load order): engine,
     * functions with their description and flags, and the code.
     */
    public static Map<String, String> describe(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (LibraryInfo l : j.functionListWithCode()) {
            Map<String, String> functions = new TreeMap<>();
            for (Map<String, Object> f : l.getFunctions()) {
                functions.put(String.valueOf(f.get("name")), f.get("description") + " " + f.get("flags"));
            }
            out.put(l.getLibraryName(), l.getEngine() + " " + functions + "\n" + l.getLibraryCode());
        }
        return out;
    }

    /** What {@link #describe} gives after {@link #loadBoth}, checked against the functions' own calls. */
    public static void assertBothLoaded(Jedis j) {
        Map<String, String> libs = describe(j);
        assertEquals(List.of("lib1", "lib2"), List.copyOf(libs.keySet()), libs.toString());
        assertEquals("LUA {hello=null [], version=the library version [no-writes, allow-stale]}\n" + LIB1,
                libs.get("lib1"));
        assertEquals("LUA {incr2=null []}\n" + LIB2, libs.get("lib2"));
        assertEquals("lib1-v1", j.fcallReadonly("version", List.of(), List.of()));
    }

    /** FCALL of the functions that need a writable server. */
    public static void assertWritableCalls(Jedis j) {
        assertEquals("hello persisted", j.fcall("hello", List.of(), List.of("persisted")));
        assertEquals(2L, j.fcall("incr2", List.of("fn:counter"), List.of()));
        j.del("fn:counter");
    }
}
