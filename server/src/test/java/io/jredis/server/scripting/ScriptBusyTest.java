package io.jredis.server.scripting;

import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scripts running past busy-reply-threshold: other clients get -BUSY, SCRIPT KILL / FUNCTION KILL stop read-only
 * scripts, a script that wrote cannot be killed, and the caller's pipelined commands wait for its script.
 */
class ScriptBusyTest {
    private static final String BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
            + "SHUTDOWN NOSAVE.";
    private static final String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION "
            + "KILL or SHUTDOWN NOSAVE.";
    private static final String LOOP = "local i = 0 while true do i = i + 1 end";

    /** Polls PING from {@code c} until the server answers {@code expected}, within a bound. */
    static void awaitPingReply(RawClient c, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = RawClient.text(c.call("PING"));
            if (last.equals(expected)) {
                return;
            }
        }
        throw new AssertionError("PING never answered " + expected + ", last: " + last);
    }

    /** Sends {@code argv}, a script that runs past the threshold, from {@code caller}; returns once it is busy. */
    private static void startBusy(RawClient caller, RawClient other, String busy, String... argv) throws Exception {
        caller.send(RawClient.encode(args(argv)));
        awaitPingReply(other, "(error) " + busy);
    }

    /** A test on a server busy with a script that wrote (so SCRIPT KILL cannot stop it) and never ends. */
    private interface UnkillableScriptTest {
        void run(TestServer s, RawClient other) throws Exception;
    }

    /**
     * Starts a server, runs a script that writes then spins forever, and runs {@code test} once {@code other} gets
     * -BUSY; the test closes the server (the close here is a no-op then).
     */
    private static void withUnkillableScript(UnkillableScriptTest test) throws Exception {
        TestServer s = TestServer.start("busy-reply-threshold", "100");
        try (RawClient caller = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            startBusy(caller, other, BUSY_EVAL, "EVAL", "redis.call('set', 'x', 'y') " + LOOP, "0");
            test.run(s, other);
        } finally {
            s.close();
        }
    }

    @Test
    void readOnlyScriptIsKilledAndCallerContinues() throws Exception {
        try (TestServer s = TestServer.start("busy-reply-threshold", "100");
                RawClient caller = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            String sha = RedisApi.sha1hex(LOOP.getBytes(StandardCharsets.UTF_8));
            byte[] pipeline = concat(RawClient.encode(args("EVAL", LOOP, "0")), RawClient.encode(args("PING")));
            caller.send(pipeline);
            awaitPingReply(other, "(error) " + BUSY_EVAL);
            assertEquals("(error) " + BUSY_EVAL, RawClient.text(other.call("GET", "x")));
            assertEquals("(error) " + BUSY_EVAL, RawClient.text(other.call("FUNCTION", "KILL")));
            assertEquals("(error) " + BUSY_EVAL, RawClient.text(other.call("SHUTDOWN")));
            assertEquals("(error) " + BUSY_EVAL, RawClient.text(other.call("EVAL", "return 1", "0")));
            assertEquals("OK", RawClient.text(other.call("SCRIPT", "KILL")));
            assertEquals("(error) ERR Script killed by user with SCRIPT KILL... script: " + sha
                    + ", on @user_script:1.", RawClient.text(caller.read()));
            assertEquals("PONG", RawClient.text(caller.read()));
            assertEquals("PONG", RawClient.text(other.call("PING")));
            String info = RawClient.text(other.call("INFO", "errorstats"));
            assertTrue(info.contains("errorstat_BUSY:count=5"), info);
        }
    }

    @Test
    void scriptThatWroteCannotBeKilled() throws Exception {
        try (TestServer s = TestServer.start("busy-reply-threshold", "100");
                RawClient caller = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            // Spins for three seconds of server time: nobody can end it early once it wrote.
            String script = "redis.call('set', 'w', '1') local t = redis.call('time') "
                    + "while true do local n = redis.call('time') "
                    + "if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) >= 3000000 then break end end return 'done'";
            startBusy(caller, other, BUSY_EVAL, "EVAL", script, "0");
            assertEquals("(error) UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN "
                    + "NOSAVE command.", RawClient.text(other.call("SCRIPT", "KILL")));
            assertEquals("done", RawClient.text(caller.read()));
            assertEquals("1", RawClient.text(other.call("GET", "w")));
        }
    }

    @Test
    void busyFunctionIsKilledWithFunctionKillAndShownInStats() throws Exception {
        try (TestServer s = TestServer.start("busy-reply-threshold", "100");
                RawClient caller = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            other.call("FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function{function_name='spin', "
                    + "callback=function() " + LOOP + " end, flags={'no-writes'}}");
            startBusy(caller, other, BUSY_FUNCTION, "FCALL", "spin", "0");
            Object stats = other.call("FUNCTION", "STATS");
            String text = RawClient.text(stats);
            assertTrue(text.startsWith("[running_script, [name, spin, command, [FCALL, spin, 0], duration_ms, "),
                    text);
            assertEquals("(error) " + BUSY_FUNCTION, RawClient.text(other.call("SCRIPT", "KILL")));
            assertEquals("OK", RawClient.text(other.call("FUNCTION", "KILL")));
            assertEquals("(error) ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.",
                    RawClient.text(caller.read()));
            assertEquals("PONG", RawClient.text(other.call("PING")));
        }
    }

    @Test
    void shutdownNosaveStopsABusyScript() throws Exception {
        withUnkillableScript((s, other) -> {
            other.send(RawClient.encode(args("SHUTDOWN", "NOSAVE")));
            assertTrue(other.closedByServer());
            // As Redis, which closes its listening sockets before exiting: a reconnection is refused.
            assertThrows(ConnectException.class, () -> new Socket(s.host(), s.port()).close());
            s.server().awaitClosed();
            assertTrue(s.server().isClosed());
        });
    }

    /**
     * An embedded server closed while an unkillable script spins must not wait for the script. The first poll here
     * also runs while the cron task is already queued, which once kept a busy script from ever serving clients.
     */
    @Test
    void closeEndsABusyScriptThatWrote() throws Exception {
        withUnkillableScript((s, other) -> {
            assertTimeoutPreemptively(Duration.ofSeconds(20), s::close);
            assertTrue(s.server().isClosed());
            assertTrue(other.closedByServer());
        });
    }

    /** A command allowed during a busy script (HELLO) must not serve a blocked client with the script half done. */
    @Test
    void blockedClientWaitsForTheBusyScriptToEnd() throws Exception {
        try (TestServer s = TestServer.start("busy-reply-threshold", "100");
                RawClient caller = new RawClient(s.host(), s.port());
                RawClient waiter = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            waiter.send(RawClient.encode(args("BLPOP", "x", "0")));
            Await.until("the waiter blocked", 10, () -> other.info("clients").contains("blocked_clients:1"));
            // Pushes y, spins for a second of server time, then pushes z: the waiter must get z.
            String script = "redis.call('lpush', KEYS[1], 'y') local t = redis.call('time') "
                    + "while true do local n = redis.call('time') "
                    + "if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) >= 1000000 then break end end "
                    + "redis.call('lpush', KEYS[1], 'z') return 1";
            startBusy(caller, other, BUSY_EVAL, "EVAL", script, "1", "x");
            assertTrue(RawClient.text(other.call("HELLO", "2")).contains("redis"));
            assertEquals("[x, z]", RawClient.text(waiter.read()));
            assertEquals(1L, caller.read());
        }
    }

    @Test
    void scriptUnderTheThresholdIsNeverBusy() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            // Long enough to run the count hook several times, far below the 5 s threshold.
            Object r = c.call("EVAL", "local n = 0 for i = 1, 300000 do n = n + i end return n", "0");
            assertEquals(45000150000L, r);
            String info = RawClient.text(c.call("INFO", "errorstats"));
            assertTrue(!info.contains("BUSY"), info);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
