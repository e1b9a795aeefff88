package io.jredis.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs a command script against jredis and a real redis-server and compares the replies byte for byte.
 *
 * <p>Script syntax: one command per line in redis-cli quoting (double quotes with escapes, single quotes);
 * {@code #} starts a comment. A line may start with a modifier:
 * <ul>
 *   <li>{@code !sort} the reply is an unordered array (SMEMBERS, KEYS): elements compared as sorted lists;</li>
 *   <li>{@code !type} only the reply's type byte is compared (TIME, random replies);</li>
 *   <li>{@code !skip} sent to both, reply ignored (set-up whose reply is not under test).</li>
 * </ul>
 * Every script starts on fresh connections after FLUSHALL, in RESP2 and database 0.
 */
public final class DifferentialRunner {
    private DifferentialRunner() {}

    /** A comparison of one script with real Redis: the differences found, empty when there are none. */
    @FunctionalInterface
    public interface ScriptCheck {
        List<String> differences(String scriptName, String script) throws Exception;
    }

    /**
     * One dynamic test per {@code .redis} script in the test resource folder {@code folder} (e.g.
     * {@code "/differential"}), in name order; each fails listing the differences {@code check} finds in it.
     */
    public static Stream<DynamicTest> scripts(String folder, ScriptCheck check) throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(DifferentialRunner.class.getResource(folder).toURI()))) {
            files = s.filter(p -> p.toString().endsWith(".redis")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            List<String> differences = check.differences(f.getFileName().toString(), Files.readString(f));
            assertTrue(differences.isEmpty(), () -> differences.size() + " differences from redis-server:\n"
                    + String.join("\n", differences));
        }));
    }

    /**
     * One line of a multi-connection script, {@code [@N] [!mode] arguments}: connection {@code conn} (1 without
     * {@code @N}), the mode ("" without {@code !}), the rest, and {@code where} naming the line in reports.
     */
    public record Step(int conn, String mode, String args, String where) {}

    /** The steps of a multi-connection script; blank lines and {@code #} comments are skipped. */
    public static List<Step> steps(String scriptName, String script) {
        List<Step> steps = new ArrayList<>();
        String[] lines = script.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int conn = 1;
            if (line.startsWith("@")) {
                int sp = line.indexOf(' ');
                conn = Integer.parseInt(line.substring(1, sp));
                line = line.substring(sp + 1).strip();
            }
            String mode = "";
            if (line.startsWith("!")) {
                int sp = line.indexOf(' ');
                mode = sp < 0 ? line.substring(1) : line.substring(1, sp);
                line = sp < 0 ? "" : line.substring(sp + 1).strip();
            }
            steps.add(new Step(conn, mode, line, scriptName + ":" + (i + 1) + ": " + lines[i].strip()));
        }
        return steps;
    }

    /** Returns a list of mismatch descriptions (empty when the script behaves identically). */
    public static List<String> run(String scriptName, String script, int jredisPort, int redisPort) throws IOException {
        List<String> mismatches = new ArrayList<>();
        try (RawClient ours = new RawClient("127.0.0.1", jredisPort);
                RawClient real = new RawClient("127.0.0.1", redisPort)) {
            ours.call("FLUSHALL");
            real.call("FLUSHALL");
            String[] lines = script.split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String mode = "";
                if (line.startsWith("!")) {
                    int sp = line.indexOf(' ');
                    mode = line.substring(1, sp);
                    line = line.substring(sp + 1).strip();
                }
                byte[][] argv = argv(scriptName + ":" + (i + 1), line);
                byte[] expected = real.callRaw(argv);
                byte[] actual = ours.callRaw(argv);
                if (!same(mode, expected, actual)) {
                    mismatches.add(scriptName + ":" + (i + 1) + ": " + line + "\n    redis:  " + show(expected)
                            + "\n    jredis: " + show(actual));
                }
            }
        }
        return mismatches;
    }

    /** A script line's words, split as redis-cli splits them (sdssplitargs); fails naming {@code where} if it can't. */
    public static byte[][] argv(String where, String line) {
        List<byte[]> args = SplitArgs.split(line.getBytes(StandardCharsets.UTF_8));
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException(where + ": cannot parse " + line);
        }
        return args.toArray(new byte[0][]);
    }

    /** Compares two replies under a line modifier ({@code ""}, {@code skip}, {@code type} or {@code sort}). */
    public static boolean same(String mode, byte[] expected, byte[] actual) {
        switch (mode) {
            case "skip":
                return true;
            case "type":
                return expected.length > 0 && actual.length > 0 && expected[0] == actual[0];
            case "sort":
                return sorted(expected).equals(sorted(actual));
            case "":
                return Arrays.equals(expected, actual);
            default:
                throw new IllegalArgumentException("unknown modifier !" + mode);
        }
    }

    private static List<String> sorted(byte[] reply) {
        Object v = RespParser.parseAll(reply).get(0);
        List<String> out = new ArrayList<>();
        if (v instanceof java.util.Collection<?> c) {
            for (Object o : c) {
                out.add(RespParser.toText(o));
            }
            out.sort(null);
        } else {
            out.add(RespParser.toText(v));
        }
        return out;
    }

    /** Shows reply bytes with CR/LF escaped, trimmed for readability. */
    public static String show(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
