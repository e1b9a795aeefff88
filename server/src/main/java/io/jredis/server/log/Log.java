package io.jredis.server.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Log lines in Redis's format: {@code pid:role dd Mon yyyy hh:mm:ss.mmm <level> message}, where level is
 * {@code . - * #} for debug, verbose, notice, warning and role is {@code M}, {@code S}, {@code C} or {@code X}.
 * One instance per server, so several embedded servers in a JVM keep separate logs.
 */
public final class Log implements AutoCloseable {
    public static final int DEBUG = 0;
    public static final int VERBOSE = 1;
    public static final int NOTICE = 2;
    public static final int WARNING = 3;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final char[] MARKS = {'.', '-', '*', '#'};
    private static final long PID = ProcessHandle.current().pid();

    private volatile int level;
    private final PrintStream out;
    private final boolean ownsStream;
    private volatile Supplier<Character> role = () -> 'M';

    private Log(PrintStream out, boolean ownsStream, int level) {
        this.out = out;
        this.ownsStream = ownsStream;
        this.level = level;
    }

    /** Logs to {@code logfile} (appending), or to standard output when it is empty, as Redis does. */
    public static Log open(String logfile, String loglevel) throws IOException {
        if (logfile == null || logfile.isEmpty()) {
            return new Log(System.out, false, parseLevel(loglevel));
        }
        OutputStream os = new FileOutputStream(logfile, true);
        return new Log(new PrintStream(os, true, StandardCharsets.UTF_8), true, parseLevel(loglevel));
    }

    /** A log that writes nothing (embedded servers that were asked to be quiet). */
    public static Log silent() {
        return new Log(new PrintStream(OutputStream.nullOutputStream()), true, WARNING + 1);
    }

    public static int parseLevel(String name) {
        return switch (name) {
            case "debug" -> DEBUG;
            case "verbose" -> VERBOSE;
            case "warning" -> WARNING;
            default -> NOTICE;
        };
    }

    public void level(String name) {
        this.level = parseLevel(name);
    }

    public void role(Supplier<Character> role) {
        this.role = role;
    }

    public boolean enabled(int lvl) {
        return lvl >= level;
    }

    public void log(int lvl, String msg) {
        write(PID, role.get(), lvl, msg);
    }

    /**
     * A line of what Redis does in a forked child (a background save, an AOF rewrite): Redis's child writes it
     * with its own pid and the role mark C; {@code pid} is the one the start line named.
     */
    public void child(long pid, int lvl, String msg) {
        write(pid, 'C', lvl, msg);
    }

    private void write(long pid, char roleMark, int lvl, String msg) {
        if (lvl < level) {
            return;
        }
        String line = pid + ":" + roleMark + " " + TIME.format(Instant.now()) + " " + MARKS[lvl] + " " + msg;
        synchronized (out) {
            out.println(line);
        }
    }

    /**
     * A line as Redis's serverLogFromHandler writes it from a signal handler (the watchdog's report): no role mark
     * or level mark, and the time in seconds since the epoch.
     */
    public void fromSignalHandler(String msg) {
        raw(PID + ":signal-handler (" + Instant.now().getEpochSecond() + ") " + msg);
    }

    /** Writes a line exactly as given (the ASCII-art banner and raw start-up lines). */
    public void raw(String text) {
        synchronized (out) {
            out.println(text);
        }
    }

    public void debug(String msg) {
        log(DEBUG, msg);
    }

    public void verbose(String msg) {
        log(VERBOSE, msg);
    }

    public void notice(String msg) {
        log(NOTICE, msg);
    }

    public void warning(String msg) {
        log(WARNING, msg);
    }

    @Override
    public void close() {
        if (ownsStream) {
            out.close();
        } else {
            out.flush();
        }
    }
}
