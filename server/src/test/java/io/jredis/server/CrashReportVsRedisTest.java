package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.log.Log;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DEBUG SEGFAULT, PANIC and ASSERT, the ways failover drills crash a node: the client that sent it and every other
 * one lose their connection without a reply, the node stops listening, and the log holds Redis's bug report, its
 * first lines as redis-server's and its sections in redis-server's order (jredis leaves out the native ones:
 * registers, memory test). An embedded server dies alone, not the JVM around it.
 */
class CrashReportVsRedisTest {
    private static final Pattern SECTION = Pattern.compile("^(=== REDIS BUG REPORT (START|END).*|------ .* ------)$");
    private static final Pattern LOG_LINE = Pattern.compile("^\\d+:[A-Z] \\d+ \\w+ \\d+ [\\d:.]+ . (.*)$");

    @ParameterizedTest
    @ValueSource(strings = {"segfault", "panic", "assert"})
    void aCrashedNodeReportsAsRedisAndDropsItsClients(String how) throws Exception {
        RealRedis.assumeInstalled();
        List<String> expected;
        try (RealRedis real = RealRedis.start("--enable-debug-command", "yes")) {
            expected = crash(how, real.port(), real::log);
        }
        Path ourLog = TempPaths.file("crash", ".log");
        RedisServer ours = new RedisServer(TestServer.config("enable-debug-command", "yes"),
                Log.open(ourLog.toString(), "notice"));
        ours.start();
        try {
            List<String> actual = crash(how, ours.port(), () -> RedisLog.read(ourLog));
            assertEquals(cause(expected), cause(actual), "the report's first lines, redis-server's then jredis's");
            List<String> ourSections = sections(actual);
            assertTrue(isSubsequence(ourSections, sections(expected)),
                    "jredis's sections " + ourSections + " in redis-server's order " + sections(expected));
            assertTrue(ourSections.containsAll(List.of("------ STACK TRACE ------", "------ INFO OUTPUT ------",
                    "------ CLIENT LIST OUTPUT ------", "------ CURRENT CLIENT INFO ------")), ourSections.toString());
            assertTrue(actual.get(actual.indexOf("EIP:") + 1).contains("DebugCommand"),
                    "the engine thread's stack, from the command that crashed it: " + actual);
            assertTrue(actual.contains("argv[1]: '\"" + how + "\"'"), "the crashing command's arguments");
            Await.until("the server closed", 10, ours::isClosed);
        } finally {
            ours.close();
        }
    }

    /**
     * Crashes the server at {@code port} with DEBUG {@code how} while another client is connected, checks both lose
     * their connection and the port closes, and answers the log's report, START to END.
     */
    private static List<String> crash(String how, int port, Supplier<String> log) throws Exception {
        try (RawClient other = new RawClient("127.0.0.1", port); RawClient c = new RawClient("127.0.0.1", port)) {
            assertEquals("PONG", RawClient.text(other.call("PING")));
            assertThrows(IOException.class, () -> c.call("DEBUG", how), "no reply: the connection is gone");
            assertThrows(IOException.class, () -> other.call("PING"), "the other client's connection is gone");
        }
        Await.until("the port closed", 10, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return false;
            } catch (IOException refused) {
                return true;
            }
        });
        Await.until("the report's end", 10, () -> log.get().contains("=== REDIS BUG REPORT END"));
        List<String> lines = log.get().lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith("=== REDIS BUG REPORT START")) {
            start++;
        }
        int end = start;
        while (!lines.get(end).startsWith("=== REDIS BUG REPORT END")) {
            end++;
        }
        return lines.subList(start, end + 1);
    }

    /**
     * The log lines from START to the stack trace, without pid and time; the lines naming what only a C process has
     * (addresses, its file descriptor, its source line) are left out.
     */
    private static List<String> cause(List<String> report) {
        List<String> out = new ArrayList<>();
        for (String line : report.subList(1, report.size())) {
            if (line.isEmpty() || SECTION.matcher(line).matches()) {
                break;
            }
            var m = LOG_LINE.matcher(line);
            String text = m.matches() ? m.group(1) : line;
            if (text.startsWith("Accessing address") || text.startsWith("Crashed running the instruction")
                    || text.startsWith("client->conn") || text.startsWith("==>")) {
                continue;
            }
            out.add(text.replaceFirst("Unix time \\d+.*", "Unix time <t>"));
        }
        return out;
    }

    private static List<String> sections(List<String> report) {
        return report.stream().filter(l -> SECTION.matcher(l).matches())
                .map(l -> l.startsWith("===") ? l.substring(0, l.indexOf(':') < 0 ? l.length() : l.indexOf(':')) : l)
                .map(l -> l.replaceFirst("\\. Make sure.*", ""))
                .toList();
    }

    private static boolean isSubsequence(List<String> part, List<String> whole) {
        int i = 0;
        for (String s : whole) {
            if (i < part.size() && part.get(i).equals(s)) {
                i++;
            }
        }
        return i == part.size();
    }
}
