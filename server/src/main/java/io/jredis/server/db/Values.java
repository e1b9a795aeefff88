package io.jredis.server.db;

import io.jredis.server.util.Bytes;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/** Type and encoding of any stored value, strings included. */
public final class Values {
    /**
     * Strings Redis holds in its "raw" encoding whatever their content: those it changed in place (APPEND, SETRANGE,
     * SETBIT, BITFIELD) or built raw (BITOP, HyperLogLog). Arrays compare by identity, so this is a weak identity
     * set: a replaced value drops out by itself. Shared by every engine of the JVM, hence synchronized.
     *
     * <p>A raw array is also the one string value that may change in place (SETBIT, SETRANGE and BITFIELD within its
     * length, PFADD on a dense HyperLogLog): it was built for its key and is handed to nobody. Other strings are
     * shared freely (a SET's argument, a COPY), so whatever takes a value to keep it beside its key (COPY, SORT ...
     * STORE, a snapshot) takes {@link #owned} of it. Before, every SETBIT copied the whole string: 11,900 a second on
     * a 1 MB bitmap against redis-server's 1,000,000 (bench/bitmap.sh).
     */
    private static final Map<byte[], Boolean> RAW = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Strings Redis builds without trying the integer encoding (INCRBYFLOAT's createStringObjectFromLongDouble):
     * "embstr" or "raw" by length even when they read as an integer. A weak identity set, as {@link #RAW}.
     */
    private static final Map<byte[], Boolean> NOT_INT = Collections.synchronizedMap(new WeakHashMap<>());

    private Values() {}

    /**
     * Marks a string value that Redis would not hold as an integer (see {@link #NOT_INT}); returns it. Only one that
     * reads as an integer needs the mark, the others never are "int": an INCRBYFLOAT to "1.5" spent an eighth of its
     * time marking it, and a weak entry lived as long as the value.
     */
    public static byte[] notInt(byte[] s) {
        if (readsAsInt(s)) {
            NOT_INT.put(s, Boolean.TRUE);
        }
        return s;
    }

    /** Marks a string value that Redis would hold raw (see {@link #RAW}); returns it. */
    public static byte[] raw(byte[] s) {
        RAW.put(s, Boolean.TRUE);
        return s;
    }

    private static boolean readsAsInt(byte[] s) {
        return s.length <= 20 && Bytes.parseLong(s, new long[1]);
    }

    /** True if the string was marked with {@link #raw}. */
    public static boolean isRaw(byte[] s) {
        return RAW.containsKey(s);
    }

    public static ValueType type(Object v) {
        if (v instanceof byte[]) {
            return ValueType.STRING;
        }
        return ((RedisObject) v).type();
    }

    /**
     * OBJECT ENCODING: strings are "int" when they hold a 64-bit integer (unless marked {@link #notInt}), "embstr" up
     * to 44 bytes, else "raw"; strings marked {@link #raw} are always "raw".
     */
    public static String encoding(Object v) {
        if (v instanceof byte[] b) {
            if (isRaw(b)) {
                return "raw";
            }
            if (readsAsInt(b) && !NOT_INT.containsKey(b)) {
                return "int";
            }
            return b.length <= 44 ? "embstr" : "raw";
        }
        return ((RedisObject) v).encoding();
    }

    /**
     * OBJECT REFCOUNT of a value as stored ({@link Dict.Entry#stored}): 1, except the "int" strings 0..9999 that
     * Redis shares (OBJ_SHARED_REFCOUNT) when {@code sharedIntegers}, unless held as an {@link UnsharedInteger}.
     */
    public static long refcount(Object stored, boolean sharedIntegers) {
        if (sharedIntegers && stored instanceof byte[] b && encoding(b).equals("int")) {
            long[] n = new long[1];
            if (Bytes.parseLong(b, n) && n[0] >= 0 && n[0] < 10000) {
                return Integer.MAX_VALUE;
            }
        }
        return 1;
    }

    /**
     * A deep copy for COPY: strings are shared, except a raw one, which may change in place (see {@link #RAW}), and
     * a small integer, which Redis duplicates into an object of its own (dupStringObject) rather than share.
     */
    public static Object copy(Object v) {
        if (v instanceof byte[] s) {
            if (isRaw(s)) {
                return raw(s.clone());
            }
            return refcount(s, true) != 1 ? new UnsharedInteger(s) : s;
        }
        return ((RedisObject) v).copy();
    }

    /** A string value to keep apart from its key: a copy when it is raw and so may change in place, else itself. */
    public static byte[] owned(byte[] s) {
        return isRaw(s) ? s.clone() : s;
    }
}
