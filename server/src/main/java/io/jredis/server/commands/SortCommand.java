package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.acl.Acl;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.Database;
import io.jredis.server.db.HashValue;
import io.jredis.server.db.ListValue;
import io.jredis.server.db.SetValue;
import io.jredis.server.db.Values;
import io.jredis.server.db.ZSetValue;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (Redis's sort.c): sorts a list, set or sorted set numerically or lexicographically, by the
 * elements themselves or by external keys ({@code BY weight_*}, {@code BY h_*->field}), with LIMIT, GET patterns and
 * STORE into a list.
 *
 * <p>{@code BY} with a pattern that has no {@code *} (conventionally {@code nosort}) skips sorting: lists and sorted
 * sets keep their order, except that a set stored with STORE is sorted ALPHA so replicas get the same list.
 */
final class SortCommand {
    private static final String SCORE_ERROR = "ERR One or more scores can't be converted into double";
    private static final byte[] STAR = {'*'};

    /** One element to sort: the element, its numeric score and, for ALPHA BY, the compared external value. */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    private SortCommand() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("sort", (c, argv) -> sort(c, argv, false));
        t.register("sort_ro", (c, argv) -> sort(c, argv, true));
    }

    /** SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination] */
    private static void sort(Client c, byte[][] argv, boolean readonly) {
        Engine engine = c.engine();
        boolean desc = false;
        boolean alpha = false;
        boolean dontsort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortby = null;
        byte[] storekey = null;
        List<byte[]> gets = new ArrayList<>();
        boolean cluster = engine.config().clusterEnabled.value();
        // BY and GET read arbitrary keys: Redis allows them only to users who may read every key. A script's
        // client has no user (its caller's permissions were checked before the call).
        boolean fullKeyAccess = c.aclUser() == null || Acl.mayRead(c.aclUser(), STAR);
        for (int j = 2; j < argv.length; j++) {
            int left = argv.length - j - 1;
            byte[] opt = argv[j];
            if (Bytes.eqIgnoreCase(opt, "asc")) {
                desc = false;
            } else if (Bytes.eqIgnoreCase(opt, "desc")) {
                desc = true;
            } else if (Bytes.eqIgnoreCase(opt, "alpha")) {
                alpha = true;
            } else if (Bytes.eqIgnoreCase(opt, "limit") && left >= 2) {
                Long s = Bytes.toLong(argv[j + 1]);
                Long n = s == null ? null : Bytes.toLong(argv[j + 2]);
                if (n == null) {
                    engine.error(c, Args.NOT_INTEGER);
                    return;
                }
                limitStart = s;
                limitCount = n;
                j += 2;
            } else if (!readonly && Bytes.eqIgnoreCase(opt, "store") && left >= 1) {
                storekey = argv[++j];
            } else if (Bytes.eqIgnoreCase(opt, "by") && left >= 1) {
                sortby = argv[++j];
                if (indexOf(sortby, (byte) '*', 0) < 0) {
                    dontsort = true;
                } else if (cluster) {
                    engine.error(c, "ERR BY option of SORT denied in Cluster mode.");
                    return;
                } else if (!fullKeyAccess) {
                    engine.error(c, "ERR BY option of SORT denied due to insufficient ACL permissions.");
                    return;
                }
            } else if (Bytes.eqIgnoreCase(opt, "get") && left >= 1) {
                if (cluster) {
                    engine.error(c, "ERR GET option of SORT denied in Cluster mode.");
                    return;
                }
                if (!fullKeyAccess) {
                    engine.error(c, "ERR GET option of SORT denied due to insufficient ACL permissions.");
                    return;
                }
                gets.add(argv[++j]);
            } else {
                engine.error(c, Args.SYNTAX);
                return;
            }
        }

        Database db = c.db();
        Object sortval = engine.lookupRead(db, argv[1]);
        if (sortval != null && !(sortval instanceof ListValue) && !(sortval instanceof SetValue)
                && !(sortval instanceof ZSetValue)) {
            engine.error(c, Args.WRONGTYPE);
            return;
        }
        if (sortval == null) {
            sortval = new ListValue();
        }
        // A set has no order of its own: stored or returned to a script unsorted, replicas could build a different
        // list or the script take another branch.
        if (dontsort && sortval instanceof SetValue && (storekey != null || Args.inScript(c))) {
            dontsort = false;
            alpha = true;
            sortby = null;
        }
        if (sortval instanceof ZSetValue z) {
            z.convertToSkiplist();
        }

        int vectorlen = size(sortval);
        // LIMIT, clamped to the object's size first so that start + count cannot overflow.
        long start = Math.min(Math.max(limitStart, 0), vectorlen);
        long count = Math.min(Math.max(limitCount, -1), vectorlen);
        long end = count < 0 ? vectorlen - 1 : start + count - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }
        // Without sorting, lists and sorted sets load just the requested range, in their own order.
        if ((sortval instanceof ZSetValue || sortval instanceof ListValue) && dontsort
                && (start != 0 || end != vectorlen - 1)) {
            vectorlen = (int) (end - start + 1);
        }

        List<Item> vector = new ArrayList<>(Math.max(vectorlen, 0));
        if (sortval instanceof ListValue l && dontsort) {
            if (end >= start) {
                int len = l.size();
                for (int k = 0; k < vectorlen; k++) {
                    int idx = (int) (desc ? len - start - 1 - k : start + k);
                    vector.add(new Item(l.get(idx)));
                }
                end -= start;
                start = 0;
            }
        } else if (sortval instanceof ListValue l) {
            for (int k = 0; k < l.size(); k++) {
                vector.add(new Item(l.get(k)));
            }
        } else if (sortval instanceof SetValue s) {
            s.forEach(m -> vector.add(new Item(m)));
        } else if (dontsort) {
            ZSetValue z = (ZSetValue) sortval;
            if (vectorlen > 0) {
                long len = z.size();
                long from = desc ? len - start - vectorlen : start;
                z.forRange(from, from + vectorlen - 1, desc, (m, sc) -> vector.add(new Item(m)));
            }
            end -= start;
            start = 0;
        } else {
            ((ZSetValue) sortval).dict().forEach(e -> vector.add(new Item(e.key)));
        }

        boolean conversionError = false;
        if (!dontsort) {
            for (Item it : vector) {
                byte[] byval = sortby != null ? lookupByPattern(c, sortby, it.obj) : it.obj;
                if (byval == null) {
                    continue;
                }
                if (alpha) {
                    if (sortby != null) {
                        it.cmp = byval;
                    }
                } else if (!strtod(byval, it)) {
                    conversionError = true;
                }
            }
            Comparator<Item> cmp = comparator(alpha, sortby != null, storekey != null, desc);
            if (sortby != null && (start != 0 || end != vectorlen - 1)) {
                // Redis sorts only the part LIMIT needs with its own partial quicksort, whose order among equal
                // elements (ALPHA BY ties) differs from a full sort's.
                Item[] a = vector.toArray(new Item[0]);
                PartialSort.pqsort(a, 0, a.length, cmp, (int) start, (int) end);
                vector.clear();
                vector.addAll(Arrays.asList(a));
            } else {
                // glibc's qsort is a merge sort: stable, like List.sort.
                vector.sort(cmp);
            }
        }

        int outputlen = (int) (gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1));
        if (conversionError) {
            engine.error(c, SCORE_ERROR);
        } else if (storekey == null) {
            Reply r = c.reply();
            r.array(outputlen);
            for (long j = start; j <= end; j++) {
                Item it = vector.get((int) j);
                if (gets.isEmpty()) {
                    r.bulk(it.obj);
                }
                for (byte[] pattern : gets) {
                    byte[] val = lookupByPattern(c, pattern, it.obj);
                    if (val == null) {
                        r.nullBulk();
                    } else {
                        r.bulk(val);
                    }
                }
            }
        } else {
            ListValue out = new ListValue();
            for (long j = start; j <= end; j++) {
                Item it = vector.get((int) j);
                if (gets.isEmpty()) {
                    out.pushTail(it.obj);
                }
                for (byte[] pattern : gets) {
                    byte[] val = lookupByPattern(c, pattern, it.obj);
                    out.pushTail(val == null ? Bytes.EMPTY : Values.owned(val));
                }
            }
            if (outputlen > 0) {
                db.set(storekey, out, false);
                Notify.event(c, KeyspaceEvents.LIST, "sortstore", storekey);
                engine.dirty(outputlen);
            } else if (db.delete(storekey)) {
                db.signalModified(storekey);
                Notify.del(c, storekey);
                engine.dirty(1);
            }
            c.reply().integer(outputlen);
        }
    }

    private static int size(Object v) {
        if (v instanceof ListValue l) {
            return l.size();
        }
        if (v instanceof SetValue s) {
            return s.size();
        }
        return ((ZSetValue) v).size();
    }

    /**
     * Redis's sortCompare. Numeric ties fall back to comparing the elements, so results are deterministic; ALPHA BY
     * puts elements without a BY value first. Comparisons for STORE are binary; for replies Redis uses strcoll, which
     * in the C locale compares up to the first NUL byte.
     */
    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean store, boolean desc) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Arrays.compareUnsigned(a.obj, b.obj);
        } else if (byPattern) {
            cmp = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(a.cmp, b.cmp) : strcoll(a.cmp, b.cmp);
            };
        } else {
            cmp = (a, b) -> store ? Arrays.compareUnsigned(a.obj, b.obj) : strcoll(a.obj, b.obj);
        }
        // Redis negates the comparison (rather than reversing the sorted result), so ties keep their input order.
        return desc ? (a, b) -> -cmp.compare(a, b) : cmp;
    }

    /** C's strcmp (strcoll in the C locale): unsigned bytes up to the first NUL of either string. */
    private static int strcoll(byte[] a, byte[] b) {
        int n = Math.min(cstrlen(a), cstrlen(b));
        for (int i = 0; i < n; i++) {
            int d = (a[i] & 0xff) - (b[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(cstrlen(a), cstrlen(b));
    }

    private static int cstrlen(byte[] b) {
        int i = indexOf(b, (byte) 0, 0);
        return i < 0 ? b.length : i;
    }

    /** Position of {@code x} in the C string {@code b} (which ends at its first NUL) from {@code from}, or -1. */
    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
            if (b[i] == 0) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * A score as Redis reads it with C's strtod: leading white space skipped, the rest (up to a NUL) must be one
     * number; NaN and results out of range (overflow, underflow, subnormal: ERANGE) are errors. An empty string is 0.
     */
    private static boolean strtod(byte[] b, Item it) {
        int n = cstrlen(b);
        int i = 0;
        while (i < n && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        if (i == n) {
            // Nothing converted: strtod points back at the start, which is the end only for an empty string.
            it.score = 0;
            return n == 0;
        }
        double[] d = new double[1];
        if (!Bytes.parseDouble(Arrays.copyOfRange(b, i, n), d)) {
            return false;
        }
        if (d[0] != 0 && Math.abs(d[0]) < Double.MIN_NORMAL) {
            return false;
        }
        it.score = d[0];
        return true;
    }

    /**
     * Redis's lookupKeyByPattern: {@code #} is the element itself; otherwise the first {@code *} is replaced by the
     * element and the key read (a counted read, "keymiss" when absent); {@code ->field} after the {@code *} reads a
     * hash field instead. Null when there is no {@code *}, no such key, or a key of the wrong type.
     */
    private static byte[] lookupByPattern(Client c, byte[] pattern, byte[] subst) {
        if (pattern.length > 0 && pattern[0] == '#' && (pattern.length == 1 || pattern[1] == 0)) {
            return subst;
        }
        int p = indexOf(pattern, (byte) '*', 0);
        if (p < 0) {
            return null;
        }
        int f = arrow(pattern, p + 1);
        byte[] field = null;
        int fieldlen = 0;
        if (f >= 0 && f + 2 < pattern.length && pattern[f + 2] != 0) {
            fieldlen = pattern.length - f - 2;
            field = Arrays.copyOfRange(pattern, f + 2, pattern.length);
        }
        int postfixlen = pattern.length - (p + 1) - (fieldlen > 0 ? fieldlen + 2 : 0);
        byte[] key = new byte[p + subst.length + postfixlen];
        System.arraycopy(pattern, 0, key, 0, p);
        System.arraycopy(subst, 0, key, p, subst.length);
        System.arraycopy(pattern, p + 1, key, p + subst.length, postfixlen);
        Object o = c.engine().lookupRead(c.db(), key);
        if (field != null) {
            return o instanceof HashValue h ? h.get(field) : null;
        }
        return o instanceof byte[] s ? s : null;
    }

    /** C's strstr for "->" in the C string {@code b} from {@code from}, or -1. */
    private static int arrow(byte[] b, int from) {
        for (int i = from; i + 1 < b.length && b[i] != 0; i++) {
            if (b[i] == '-' && b[i + 1] == '>') {
                return i;
            }
        }
        return -1;
    }
}
