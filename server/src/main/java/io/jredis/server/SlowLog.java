package io.jredis.server;

import io.jredis.server.util.Bytes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** The slow log (Redis's slowlog.c): the latest commands that ran longer than {@code slowlog-log-slower-than}. */
public final class SlowLog {
    /** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;

    /** One logged command; argv already trimmed as Redis stores it. */
    public record Entry(long id, long time, long micros, byte[][] argv, String peer, String name) {}

    private final Engine engine;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    SlowLog(Engine engine) {
        this.engine = engine;
    }

    /** Logs the command if it ran at least {@code slowlog-log-slower-than} microseconds. */
    void pushIfNeeded(Client c, byte[][] argv, long micros) {
        long slower = engine.config().slowlogLogSlowerThan.value();
        if (slower < 0 || micros < slower) {
            return;
        }
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] kept = new byte[argc][];
        for (int j = 0; j < argc; j++) {
            if (argc != argv.length && j == argc - 1) {
                kept[j] = Bytes.of("... (" + (argv.length - argc + 1) + " more arguments)");
            } else if (argv[j].length > MAX_STRING) {
                byte[] head = Arrays.copyOf(argv[j], MAX_STRING);
                byte[] tail = Bytes.of("... (" + (argv[j].length - MAX_STRING) + " more bytes)");
                kept[j] = Arrays.copyOf(head, MAX_STRING + tail.length);
                System.arraycopy(tail, 0, kept[j], MAX_STRING, tail.length);
            } else {
                kept[j] = argv[j];
            }
        }
        entries.addFirst(new Entry(nextId++, engine.now() / 1000, micros, kept, c.addr(),
                c.name() == null ? "" : c.name()));
        trim();
    }

    private void trim() {
        long max = engine.config().slowlogMaxLen.value();
        while (entries.size() > max) {
            entries.removeLast();
        }
    }

    /** Entries, newest first. */
    public Iterable<Entry> entries() {
        trim();
        return entries;
    }

    public int size() {
        trim();
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }
}
