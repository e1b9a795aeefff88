package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Glob;
import java.util.List;

/**
 * The parts HSCAN, SSCAN and ZSCAN share (Redis's {@code parseScanCursorOrReply} and {@code scanGenericCommand}):
 * the cursor, the MATCH and COUNT options, and the two-element reply.
 */
final class ElementScan {
    static final String INVALID_CURSOR = "ERR invalid cursor";

    /** COUNT and MATCH of one call; a null pattern matches everything. */
    record Options(long count, byte[] pattern) {}

    private ElementScan() {}

    /**
     * Parses a cursor as Redis does with {@code strtoul}: an optional sign, decimal digits, a negative value wrapping
     * around 2^64, an empty string meaning 0; leading spaces, trailing garbage and overflow are invalid. Returns null
     * when invalid.
     */
    static Long parseCursor(byte[] b) {
        int n = b.length;
        for (int i = 0; i < n; i++) {
            if (b[i] == 0) { // C stops at the first NUL
                n = i;
                break;
            }
        }
        if (n == 0) {
            return 0L;
        }
        if (isSpace(b[0])) {
            return null;
        }
        int i = 0;
        boolean negative = false;
        if (b[0] == '+' || b[0] == '-') {
            negative = b[0] == '-';
            i = 1;
        }
        if (i == n) {
            return null;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return null; // ERANGE
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    /** Parses the options after the cursor; replies the error and returns null when they are invalid. */
    static Options parseOptions(Client c, byte[][] argv, int from) {
        long count = 10;
        byte[] pattern = null;
        for (int i = from; i < argv.length; i += 2) {
            boolean hasValue = i + 1 < argv.length;
            if (hasValue && Bytes.eqIgnoreCase(argv[i], "count")) {
                Long n = Bytes.toLong(argv[i + 1]);
                if (n == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return null;
                }
                if (n < 1) {
                    c.engine().error(c, Args.SYNTAX);
                    return null;
                }
                count = n;
            } else if (hasValue && Bytes.eqIgnoreCase(argv[i], "match")) {
                byte[] p = argv[i + 1];
                pattern = p.length == 1 && p[0] == '*' ? null : p;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return null;
            }
        }
        return new Options(count, pattern);
    }

    /** One step of a collection's scan: adds elements to {@code out}, returns the next cursor. */
    interface Scanner {
        long scan(long cursor, long count, List<byte[]> out);
    }

    /**
     * The rest of HSCAN/SSCAN/ZSCAN once the cursor parsed and the key was looked up, in Redis's order: a missing
     * key answers an empty page before the options are read; then the options, one scan step and the reply.
     */
    static void scan(Client c, byte[][] argv, long cursor, Scanner collection, boolean pairs) {
        if (collection == null) {
            replyEmpty(c);
            return;
        }
        Options o = parseOptions(c, argv, 3);
        if (o == null) {
            return;
        }
        List<byte[]> items = new java.util.ArrayList<>();
        long next = collection.scan(cursor, o.count(), items);
        reply(c, next, items, o.pattern(), pairs);
    }

    /** The reply for a key that does not exist: cursor 0 and no elements. */
    static void replyEmpty(Client c) {
        Reply r = c.reply();
        r.array(2);
        r.bulk(Bytes.of("0"));
        r.array(0);
    }

    /**
     * Replies {@code [cursor, items]}, dropping items that do not match the pattern. With {@code pairs} the items
     * alternate key and value and the pattern applies to keys only (a dropped key takes its value along).
     */
    static void reply(Client c, long cursor, List<byte[]> items, byte[] pattern, boolean pairs) {
        int step = pairs ? 2 : 1;
        int kept = items.size();
        if (pattern != null) {
            kept = 0;
            for (int i = 0; i < items.size(); i += step) {
                if (Glob.match(pattern, items.get(i), false)) {
                    kept += step;
                } else {
                    items.set(i, null);
                }
            }
        }
        Reply r = c.reply();
        r.array(2);
        r.bulk(Bytes.of(Long.toUnsignedString(cursor)));
        r.array(kept);
        for (int i = 0; i < items.size(); i += step) {
            if (items.get(i) == null) {
                continue;
            }
            r.bulk(items.get(i));
            if (pairs) {
                r.bulk(items.get(i + 1));
            }
        }
    }
}
