package io.jredis.persistence.aof;

import io.jredis.server.util.Bytes;
import io.jredis.server.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-part AOF manifest ({@code appendonly.aof.manifest}), as Redis 7.0's aof.c reads and writes it: one line
 * per file, {@code file <name> seq <n> type <b|h|i>}, the base first, then history, then the incr files in order.
 */
public final class AofManifest {
    /** Longest manifest line Redis accepts (its fgets buffer). */
    static final int MAX_LINE = 1024;

    /** A file's role: the base snapshot, an incremental command log, or a file waiting to be deleted. */
    public enum Type {
        BASE('b'), HISTORY('h'), INCR('i');

        final char code;

        Type(char code) {
            this.code = code;
        }
    }

    /** One manifest entry. */
    public record Entry(String name, long seq, Type type) {}

    private Entry base;
    private final List<Entry> incr = new ArrayList<>();
    private final List<Entry> history = new ArrayList<>();
    private long baseSeq;
    private long incrSeq;

    public Entry base() {
        return base;
    }

    /** The incr files in replay order. */
    public List<Entry> incr() {
        return incr;
    }

    public List<Entry> history() {
        return history;
    }

    /** The incr file new writes go to: the last one. */
    public Entry lastIncr() {
        return incr.isEmpty() ? null : incr.get(incr.size() - 1);
    }

    /** Adds a new incr file named after {@code appendfilename} with the next incr sequence number. */
    public Entry addIncr(String appendFilename) {
        long seq = ++incrSeq;
        Entry e = new Entry(appendFilename + "." + seq + ".incr.aof", seq, Type.INCR);
        incr.add(e);
        return e;
    }

    /** Names the next base file (not yet in the manifest), {@code .base.rdb} or {@code .base.aof}. */
    public Entry nextBase(String appendFilename, boolean rdb) {
        long seq = baseSeq + 1;
        return new Entry(appendFilename + "." + seq + ".base." + (rdb ? "rdb" : "aof"), seq, Type.BASE);
    }

    /**
     * Installs a finished rewrite's base: the old base and every incr file but the last (opened when the rewrite
     * started) become history, as Redis's backgroundRewriteDoneHandler does; with {@code aofOn} false (no file
     * being written) the last one too, as its markRewrittenIncrAofAsHistory. The newly retired files go before the
     * history already listed, incr files first, in Redis's order: a manifest kept under aof-disable-auto-gc lists
     * the same lines as Redis's.
     */
    public void installBase(Entry newBase, boolean aofOn) {
        List<Entry> retired = new ArrayList<>();
        while (incr.size() > (aofOn ? 1 : 0)) {
            Entry old = incr.remove(0);
            retired.add(new Entry(old.name(), old.seq(), Type.HISTORY));
        }
        if (base != null) {
            retired.add(new Entry(base.name(), base.seq(), Type.HISTORY));
        }
        history.addAll(0, retired);
        base = newBase;
        baseSeq = newBase.seq();
    }

    /** Makes an old-style single AOF named {@code name} the base, seq 1, as Redis's aofUpgradePrepare. */
    public void upgradeBase(String name) {
        base = new Entry(name, 1, Type.BASE);
        baseSeq = 1;
    }

    /** Forgets the history files once they are deleted. */
    public void clearHistory() {
        history.clear();
    }

    public AofManifest copy() {
        AofManifest m = new AofManifest();
        m.base = base;
        m.incr.addAll(incr);
        m.history.addAll(history);
        m.baseSeq = baseSeq;
        m.incrSeq = incrSeq;
        return m;
    }

    /** The manifest text, each name quoted like Redis's sdscatrepr when it needs to be. */
    public byte[] format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) {
            line(sb, base);
        }
        for (Entry e : history) {
            line(sb, e);
        }
        for (Entry e : incr) {
            line(sb, e);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder sb, Entry e) {
        String name = needsRepr(e.name()) ? Bytes.repr(e.name().getBytes(StandardCharsets.UTF_8)) : e.name();
        sb.append("file ").append(name).append(" seq ").append(e.seq()).append(" type ").append(e.type().code)
                .append('\n');
    }

    /** Redis's sdsneedsrepr: names with spaces, quotes, backslashes or unprintable characters are quoted. */
    static boolean needsRepr(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"' || c == '\n' || c == '\r' || c == '\t' || c == 7 || c == '\b'
                    || c < 32 || c >= 127 || c == ' ') {
                return true;
            }
        }
        return false;
    }

    /**
     * A manifest Redis refuses to start with: the message is its reason, {@link #line()} the offending line (trimmed)
     * and {@link #lineNumber()} where it is, when Redis names them in its "FATAL AOF MANIFEST FILE ERROR" report.
     */
    public static final class Invalid extends AofException {
        private final String line;
        private final int lineNumber;

        Invalid(String reason, String line, int lineNumber) {
            super(reason);
            this.line = line;
            this.lineNumber = lineNumber;
        }

        /** The line as Redis shows it (blanks trimmed), or null when Redis names no line. */
        public String line() {
            return line;
        }

        public int lineNumber() {
            return lineNumber;
        }
    }

    /**
     * Parses a manifest as Redis's aofLoadManifestFromFile: lines are read as its fgets does (at most
     * {@link #MAX_LINE} bytes at a time, so a longer line or a last line without a newline is "too long"), lines
     * starting with {@code #} are skipped, and each other line holds key/value pairs (keys in any case) with at
     * least file, seq and type.
     */
    public static AofManifest parse(byte[] text) throws Invalid {
        AofManifest m = new AofManifest();
        int pos = 0;
        long lastIncrSeq = 0;
        int lineNumber = 0;
        while (pos < text.length) {
            int end = pos;
            while (end < text.length && end - pos < MAX_LINE && text[end] != '\n') {
                end++;
            }
            boolean newline = end - pos < MAX_LINE && end < text.length && text[end] == '\n';
            int from = pos;
            pos = newline ? end + 1 : end;
            lineNumber++;
            if (text[from] == '#') {
                continue;
            }
            if (!newline) {
                throw new Invalid("The AOF manifest file contains too long line", null, lineNumber);
            }
            while (from < end && isBlank(text[from])) {
                from++;
            }
            while (end > from && isBlank(text[end - 1])) {
                end--;
            }
            String line = new String(text, from, end - from, StandardCharsets.UTF_8);
            List<byte[]> args = from == end ? null : SplitArgs.split(text, from, end);
            if (args == null || args.size() < 6 || args.size() % 2 != 0) {
                throw new Invalid("Invalid AOF manifest file format", line, lineNumber);
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < args.size(); i += 2) {
                String k = new String(args.get(i), StandardCharsets.UTF_8);
                byte[] v = args.get(i + 1);
                if (k.equalsIgnoreCase("file")) {
                    name = new String(v, StandardCharsets.UTF_8);
                    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
                        throw new Invalid("File can't be a path, just a filename", line, lineNumber);
                    }
                } else if (k.equalsIgnoreCase("seq")) {
                    seq = Bytes.atoi(v);
                } else if (k.equalsIgnoreCase("type")) {
                    type = v.length == 0 ? 0 : (char) (v[0] & 0xff);
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new Invalid("Invalid AOF manifest file format", line, lineNumber);
            }
            switch (type) {
                case 'b' -> {
                    if (m.base != null) {
                        throw new Invalid("Found duplicate base file information", line, lineNumber);
                    }
                    m.base = new Entry(name, seq, Type.BASE);
                    m.baseSeq = seq;
                }
                case 'h' -> m.history.add(new Entry(name, seq, Type.HISTORY));
                case 'i' -> {
                    if (seq <= lastIncrSeq) {
                        throw new Invalid("Found a non-monotonic sequence number", line, lineNumber);
                    }
                    m.incr.add(new Entry(name, seq, Type.INCR));
                    m.incrSeq = seq;
                    lastIncrSeq = seq;
                }
                default -> throw new Invalid("Unknown AOF file type", line, lineNumber);
            }
        }
        if (lineNumber == 0) {
            throw new Invalid("Found an empty AOF manifest", null, 0);
        }
        return m;
    }

    /** sdstrim's set for manifest lines. */
    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

}
