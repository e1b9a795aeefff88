package io.jredis.server.scripting;

import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRIPT DEBUG and the Lua debugger, compared byte for byte with redis-server 7.0.15 over raw connections: the same
 * session (SCRIPT DEBUG, EVAL, debugger commands) runs against both and every reply must be identical. SYNC mode
 * throughout, except where noted: in YES mode Redis debugs in a fork, whose replies are the same but whose dataset
 * changes are rolled back, which jredis (no fork) does not do.
 */
class LuaDebuggerTest {
    static final String SCRIPT = String.join("\n",
            "local a = 1",
            "local t = {1,2,\"x\", {k='v'}}",
            "redis.call('set', KEYS[1], ARGV[1])",
            "redis.debug('hi', a, t, nil, true, 1.5)",
            "local function f(x)",
            "  local y = x * 2",
            "  return y",
            "end",
            "local b = f(a)",
            "b = redis.call('get', KEYS[1])",
            "return b",
            "");

    /**
     * Runs a session: each step is a command (words separated by '|'); the transcript holds every reply's exact bytes.
     * A reply ending with the {@code <endsession>} log is followed by the script's reply, then the connection closes.
     */
    static List<String> session(int port, String... steps) throws IOException {
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            for (String step : steps) {
                byte[] raw = c.callRaw(args(step.split("\\|", -1)));
                // Functions print with their address.
                String text = new String(raw, StandardCharsets.ISO_8859_1).replaceAll("@0x[0-9a-f]+", "@0x...");
                out.add(step + " -> " + text);
                if (text.contains("+<endsession>\r\n")) {
                    out.add("reply -> " + new String(c.readRaw(), StandardCharsets.ISO_8859_1));
                    out.add("closed -> " + c.closedByServer());
                    break;
                }
            }
        }
        return out;
    }

    static void assertSameSession(RealRedis real, TestServer jredis, String... steps) throws IOException {
        List<String> expected = session(real.port(), steps);
        List<String> actual = session(jredis.port(), steps);
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    @Test
    void stepPrintRedisContinue() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start()) {
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|" + SCRIPT + "|1|k1|v1", "s", "p", "p|a", "p|t",
                    "p|nosuch", "p|KEYS", "p|ARGV", "r|set|a|b", "r|get|a", "r|incr|a", "r|set|a", "redis|ping",
                    "r|hset|h|f|v", "r|hgetall|h", "r|hello", "r", "r|set|big|" + "x".repeat(300), "r|get|big",
                    "r|get|big", "r|mset|a|1|b|2|c|3|d|4|e|5|f|6", "p|big", "e|string.rep('y', 300)", "m|70",
                    "r|get|big", "m|0", "r|get|big", "n", "s", "s", "p", "s", "s", "s", "t", "l",
                    "c");
            try (RawClient r = new RawClient("127.0.0.1", real.port());
                    RawClient j = new RawClient(s.host(), s.port())) {
                assertEquals(RawClient.text(r.call("GET", "k1")), RawClient.text(j.call("GET", "k1")));
                assertEquals("v1", RawClient.text(j.call("GET", "k1")));
            }
        }
    }

    @Test
    void listBreakHelpEvalMaxlen() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start()) {
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|" + SCRIPT + "|1|k1|v1", "h", "help", "l", "l|0",
                    "l|3|1", "l|x", "l|9|0", "list|20", "w", "whole", "b", "b|99", "b|x|3", "b|7", "b", "b|-3",
                    "b|-5", "b|0", "b|10", "e|1+1", "e|a", "e|+", "eval|{1,{a=2},'x'}", "e|nil", "e|x|=|5",
                    "e|redis.call('get','k1')", "m", "maxlen|10", "m|0", "m|100", "bogus", "r|hset|h|f|v", "r|sadd|s|m", "r|zadd|z|1.5|m",
                    "e|redis.setresp(3)", "r|hgetall|h", "r|smembers|s", "r|zscore|z|m", "r|get|nosuch",
                    "r|exists|h", "c", "s", "p", "c");
        }
    }

    @Test
    void breakpointsRedisBreakpointAndAbort() throws Exception {
        RealRedis.assumeInstalled();
        String script = String.join("\n", "local i = 0", "for j = 1, 3 do", "  i = i + j", "end",
                "redis.breakpoint()", "local s = 'done'", "return {i, s}");
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start()) {
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|" + script + "|0", "b|3", "c", "p", "c", "p",
                    "b|-3", "c", "s", "p", "c");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|" + script + "|0", "s", "s", "a");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|return redis.call('incr', 'n')|0", "c");
            // Redis's parser of debugger commands refuses empty and long arguments: the script ends with an error.
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|" + script + "|0", "s", "r|get|");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|" + script + "|0", "e|" + "x".repeat(1025));
        }
    }

    @Test
    void scriptDebugModesAndErrors() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start()) {
            assertSameSession(real, s, "SCRIPT|DEBUG|maybe", "SCRIPT|DEBUG|no", "SCRIPT|DEBUG|YES", "SCRIPT|DEBUG|Sync",
                    "EVALSHA|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|0", "EVALSHA|x|0", "SCRIPT|DEBUG|NO",
                    "EVAL|return 1|0");
            assertSameSession(real, s, "MULTI", "SCRIPT|DEBUG|yes", "EXEC", "SCRIPT|DEBUG");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|return 1|x");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|return +|0");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|return 1|3|a");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|return error('boom')|0", "c");
            assertSameSession(real, s, "SCRIPT|DEBUG|sync", "EVAL|return redis.call('nosuch')|0", "s");
            // YES: the same protocol as SYNC (Redis serves it from a fork).
            assertSameSession(real, s, "SCRIPT|DEBUG|yes", "EVAL|" + SCRIPT + "|1|k2|v2", "s", "p", "c");
        }
    }

    @TempDir
    Path dir;

    /** Runs redis-cli with the debugger commands on its standard input and returns all it printed. */
    private static String cli(int port, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli did not end");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void redisCliLdbSyncModeAndLdb() throws Exception {
        RealRedis.assumeInstalled();
        Path script = dir.resolve("script.lua");
        Files.writeString(script, SCRIPT);
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start()) {
            String input = "s\np\np t\nr set a b\nr get a\nb 10\nc\nl 3 1\nw\nt\ne 1+1\nh\nc\n";
            String[] sync = {"--ldb-sync-mode", "--eval", script.toString(), "k1", ",", "v1"};
            String expected = cli(real.port(), input, sync);
            assertTrue(expected.contains("<debug> line 4:") && expected.contains("(Lua debugging session ended)"),
                    expected);
            assertEquals(expected, cli(s.port(), input, sync));
            // restart: redis-cli drops the connection (the script then runs to its end) and debugs it again.
            String restart = "s\nrestart\ns\np\nc\n";
            expected = cli(real.port(), restart, sync);
            assertTrue(expected.indexOf("Lua debugging session started") != expected.lastIndexOf(
                    "Lua debugging session started"), expected);
            assertEquals(expected, cli(s.port(), restart, sync));
            // --ldb (SCRIPT DEBUG YES): Redis debugs in a fork; the session reads the same.
            String[] forked = {"--ldb", "--eval", script.toString(), "k2", ",", "v2"};
            expected = cli(real.port(), input, forked);
            assertTrue(expected.contains("dataset changes rolled back"), expected);
            assertEquals(expected, cli(s.port(), input, forked));
            // ... but Redis threw the fork's writes away while jredis kept them (it cannot fork).
            try (RawClient r = new RawClient("127.0.0.1", real.port()); RawClient j = new RawClient(s.host(), s.port())) {
                assertEquals("(nil)", RawClient.text(r.call("GET", "k2")));
                assertEquals("v2", RawClient.text(j.call("GET", "k2")));
            }
            // An interrupted session: the script ends by itself once redis-cli is gone.
            cli(s.port(), "s\n", sync);
            try (RawClient j = new RawClient(s.host(), s.port())) {
                assertEquals("PONG", RawClient.text(j.call("PING")));
            }
        }
    }

    @Test
    void endlessLoopStopsAfterTheBusyThreshold() throws Exception {
        try (TestServer s = TestServer.start("busy-reply-threshold", "200");
                RawClient c = new RawClient(s.host(), s.port())) {
            c.call("SCRIPT", "DEBUG", "SYNC");
            String loop = "local i = 0\nwhile true do\n  i = i + 1\nend";
            c.send(RawClient.encode(args("EVAL", loop, "0")));
            assertEquals("* Stopped at 1, stop reason = step over", RawClient.text(((List<?>) c.read()).get(0)));
            c.send(RawClient.encode(args("c")));
            String stop = RawClient.text(((List<?>) c.read()).get(0));
            assertTrue(stop.matches("\\* Stopped at [2-4], stop reason = timeout reached, infinite loop\\?"), stop);
            c.send(RawClient.encode(args("p", "i")));
            assertTrue(RawClient.text(((List<?>) c.read()).get(0)).matches("<value> [0-9.e+]+"));
            c.send(RawClient.encode(args("a")));
            assertEquals("<endsession>", RawClient.text(((List<?>) c.read()).get(0)));
            String err = RawClient.text(c.read());
            assertTrue(err.matches("\\(error\\) ERR script aborted for user request script: [0-9a-f]{40}, on "
                    + "@user_script:[2-4]\\."), err);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void endlessLoopOfAGoneClientEndsWithAnError() throws Exception {
        try (TestServer s = TestServer.start("busy-reply-threshold", "100");
                RawClient other = new RawClient(s.host(), s.port())) {
            try (RawClient c = new RawClient(s.host(), s.port())) {
                c.call("SCRIPT", "DEBUG", "SYNC");
                c.send(RawClient.encode(args("EVAL", "redis.call('set', 'before', '1')\nwhile true do end", "0")));
                assertEquals("* Stopped at 1, stop reason = step over", RawClient.text(((List<?>) c.read()).get(0)));
            }
            // The waiting GET is served once the script has been stopped by its timeout.
            assertEquals("1", RawClient.text(other.call("GET", "before")));
        }
    }

    @Test
    void pipelinedScriptDebugIsRefused() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            byte[] ping = RawClient.encode(args("PING"));
            byte[] debug = RawClient.encode(args("SCRIPT", "DEBUG", "YES"));
            byte[] both = new byte[ping.length + debug.length];
            System.arraycopy(ping, 0, both, 0, ping.length);
            System.arraycopy(debug, 0, both, ping.length, debug.length);
            c.send(both);
            assertEquals("PONG", RawClient.text(c.read()));
            assertEquals("(error) ERR SCRIPT DEBUG must be called outside a pipeline", RawClient.text(c.read()));
        }
    }

    @Test
    void otherClientsWaitWhileTheScriptIsStoppedAndWritesAreKept() throws Exception {
        try (TestServer s = TestServer.start(); RawClient dbg = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            assertEquals("OK", RawClient.text(dbg.call("SCRIPT", "DEBUG", "SYNC")));
            dbg.send(RawClient.encode(args("EVAL", "redis.call('set','x','1')\nreturn redis.call('incr','x')", "0")));
            assertTrue(RawClient.text(dbg.read()).contains("Stopped at 1"));
            other.send(RawClient.encode(args("GET", "x")));
            dbg.send(RawClient.encode(args("s")));
            dbg.read();
            dbg.send(RawClient.encode(args("c")));
            dbg.read();
            assertEquals(":2\r\n", new String(dbg.readRaw(), StandardCharsets.US_ASCII));
            // The other client's GET waited for the whole script.
            assertEquals("2", RawClient.text(other.read()));
            assertEquals("2", RawClient.text(other.call("GET", "x")));
        }
    }

    @Test
    void disconnectedClientLetsTheScriptFinish() throws Exception {
        try (TestServer s = TestServer.start(); RawClient other = new RawClient(s.host(), s.port())) {
            try (RawClient dbg = new RawClient(s.host(), s.port())) {
                dbg.call("SCRIPT", "DEBUG", "SYNC");
                dbg.send(RawClient.encode(args("EVAL", "redis.call('set','gone','1')\nreturn 1", "0")));
                assertTrue(RawClient.text(dbg.read()).contains("Stopped at 1"));
            }
            assertEquals("1", RawClient.text(other.call("GET", "gone")));
            assertEquals("PONG", RawClient.text(other.call("PING")));
        }
    }
}
