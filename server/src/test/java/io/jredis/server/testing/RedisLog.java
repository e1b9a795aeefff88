package io.jredis.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Redis-format log lines ({@code pid:role date time level message}) made comparable between two servers. */
public final class RedisLog {
    private static final Pattern LINE = Pattern.compile("\\d+:([XCMS]) \\d+ \\w+ \\d+ [\\d:.]+ ([#*.-] .*)");

    private RedisLog() {}

    /** The whole log file as it is now (a server's log, polled while the server writes it). */
    public static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The log's messages as "role level text", run ids shown as {@code <id>} and every number as {@code <n>}. Left
     * out: lines in another format (the signal handler's), Redis's "Fork CoW" lines (a forked child's copy-on-write,
     * which a JVM has no counterpart of), and the client description a "(user request from ...)" ends with, whose
     * memory figures differ between the two servers.
     */
    public static List<String> messages(String log) {
        List<String> messages = new ArrayList<>();
        for (String l : log.split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches() && !m.group(2).contains("Fork CoW")) {
                String msg = m.group(1) + " " + m.group(2).replaceAll("[0-9a-f]{40}", "<id>").replaceAll("\\d+", "<n>");
                int user = msg.indexOf(" (user request");
                messages.add(user > 0 ? msg.substring(0, user) : msg);
            }
        }
        return messages;
    }
}
