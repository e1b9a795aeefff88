package io.jredis.server.scripting;

import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tight numeric loops, where the instruction hook is inlined into LuaJ's interpreter and counts down to the count
 * hook: past busy-reply-threshold other clients get -BUSY, SCRIPT KILL and FUNCTION KILL stop the script, and the
 * caller's error names the script and the line as Redis's does, in the main chunk and in nested functions.
 */
class ScriptKillInLoopVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair("busy-reply-threshold", "100");

    private static final String SLOW_EVAL = "(error) BUSY Redis is busy running a script. You can only call SCRIPT "
            + "KILL or SHUTDOWN NOSAVE.";
    private static final String SLOW_FUNCTION = "(error) BUSY Redis is busy running a script. You can only call "
            + "FUNCTION KILL or SHUTDOWN NOSAVE.";

    // Each loop is on one line: the kill is raised at whichever instruction the count hook runs on, so only then is
    // its line the same from run to run (and in Redis).
    private static final String FOR_LOOP = "local s = 0\nfor i = 1, 1e15 do s = s + i % 7 end\nreturn s";
    private static final String NESTED = "local function spin(n)\n  local s = 0\n"
            + "  for i = 1, n do s = s + i % 7 end\n  return s\nend\nlocal function outer()\n"
            + "  return spin(1e15) + 1\nend\nreturn outer()";
    private static final String WHILE_TABLE = "local t = {}\nlocal i = 1\n"
            + "while true do t[i % 64 + 1] = i i = i + (t[1] or 1) % 2 + 1 end";

    @Test
    void scriptKillStopsNumericLoopsAsRedis() throws Exception {
        for (String script : new String[] {FOR_LOOP, NESTED, WHILE_TABLE}) {
            assertEquals(killEval("127.0.0.1", servers.redis().port(), script),
                    killEval(servers.jredis().host(), servers.jredis().port(), script), script);
        }
    }

    @Test
    void functionKillStopsANumericLoopAsRedis() throws Exception {
        assertEquals(killFunction("127.0.0.1", servers.redis().port()),
                killFunction(servers.jredis().host(), servers.jredis().port()));
    }

    /** Runs the script until another client gets -BUSY, kills it; returns the caller's reply then a PING's. */
    private static String killEval(String host, int port, String script) throws Exception {
        try (RawClient caller = new RawClient(host, port); RawClient other = new RawClient(host, port)) {
            caller.send(RawClient.encode(args("EVAL", script, "0")));
            ScriptBusyTest.awaitPingReply(other, SLOW_EVAL);
            assertEquals("OK", RawClient.text(other.call("SCRIPT", "KILL")));
            return RawClient.text(caller.read()) + " / " + RawClient.text(caller.call("PING"));
        }
    }

    private static String killFunction(String host, int port) throws Exception {
        try (RawClient caller = new RawClient(host, port); RawClient other = new RawClient(host, port)) {
            other.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=numloop\nlocal function spin(n)\n  local s = 0\n"
                    + "  for i = 1, n do s = s + i % 7 end\n  return s\nend\n"
                    + "redis.register_function{function_name='numloop', callback=function() return spin(1e15) end,"
                    + " flags={'no-writes'}}");
            caller.send(RawClient.encode(args("FCALL", "numloop", "0")));
            ScriptBusyTest.awaitPingReply(other, SLOW_FUNCTION);
            assertEquals("OK", RawClient.text(other.call("FUNCTION", "KILL")));
            return RawClient.text(caller.read()) + " / " + RawClient.text(caller.call("PING"));
        }
    }
}
