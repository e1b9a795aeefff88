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
     * started) become history, as Redis's backgroundRewriteDoneHandler does.
     */
    public void installBase(Entry newBase) {
        if (base != null) {
            history.add(new Entry(base.name(), base.seq(), Type.HISTORY));
        }
        base = newBase;
        baseSeq = newBase.seq();
        while (incr.size() > 1) {
            Entry old = incr.remove(0);
            history.add(new Entry(old.name(), old.seq(), Type.HISTORY));
        }
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
     * Parses a manifest strictly, as Redis's aofLoadManifestFromFile: comment lines start with {@code #}, every
     * line ends with a newline and holds key/value pairs with at least file, seq and type.
     */
    public static AofManifest parse(byte[] text) throws AofException {
        AofManifest m = new AofManifest();
        int pos = 0;
        long lastIncrSeq = 0;
        boolean any = false;
        while (pos < text.length) {
            int nl = pos;
            while (nl < text.length && text[nl] != '\n') {
                nl++;
            }
            if (nl - pos + 1 > MAX_LINE - 1) {
                throw new AofException("The AOF manifest file contains too long line");
            }
            if (nl == text.length) {
                throw new AofException("The AOF manifest file is invalid format");
            }
            int from = pos;
            pos = nl + 1;
            if (text[from] == '#') {
                continue;
            }
            List<byte[]> args = SplitArgs.split(text, from, nl);
            if (args == null || args.size() < 6 || args.size() % 2 != 0) {
                throw new AofException("Invalid AOF manifest file format");
            }
            String name = null;
            String seq = null;
            String type = null;
            for (int i = 0; i < args.size(); i += 2) {
                String k = new String(args.get(i), StandardCharsets.UTF_8);
                String v = new String(args.get(i + 1), StandardCharsets.UTF_8);
                switch (k) {
                    case "file" -> name = v;
                    case "seq" -> seq = v;
                    case "type" -> type = v;
                    default -> { }
                }
            }
            if (name == null || seq == null || type == null || type.length() != 1) {
                throw new AofException("Invalid AOF manifest file format");
            }
            long n;
            try {
                n = Long.parseLong(seq);
            } catch (NumberFormatException e) {
                throw new AofException("Invalid AOF manifest file format");
            }
            any = true;
            switch (type.charAt(0)) {
                case 'b' -> {
                    if (m.base != null) {
                        throw new AofException("Found duplicate base file information");
                    }
                    m.base = new Entry(name, n, Type.BASE);
                    m.baseSeq = n;
                }
                case 'h' -> m.history.add(new Entry(name, n, Type.HISTORY));
                case 'i' -> {
                    if (n <= lastIncrSeq) {
                        throw new AofException("Found a non-monotonic sequence number");
                    }
                    m.incr.add(new Entry(name, n, Type.INCR));
                    m.incrSeq = n;
                    lastIncrSeq = n;
                }
                default -> throw new AofException("Unknown AOF file type");
            }
        }
        if (!any) {
            throw new AofException("Found an empty AOF manifest");
        }
        return m;
    }
}
