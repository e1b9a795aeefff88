package io.jredis.server.db;

import io.jredis.server.util.Bytes;

/** Type and encoding of any stored value, strings included. */
public final class Values {
    private Values() {}

    public static ValueType type(Object v) {
        if (v instanceof byte[]) {
            return ValueType.STRING;
        }
        return ((RedisObject) v).type();
    }

    /** OBJECT ENCODING: strings are "int" when they hold a 64-bit integer, "embstr" up to 44 bytes, else "raw". */
    public static String encoding(Object v) {
        if (v instanceof byte[] b) {
            if (b.length <= 20 && Bytes.parseLong(b, new long[1])) {
                return "int";
            }
            return b.length <= 44 ? "embstr" : "raw";
        }
        return ((RedisObject) v).encoding();
    }

    /** A deep copy for COPY; strings are immutable by convention, so they are shared rather than copied. */
    public static Object copy(Object v) {
        return v instanceof byte[] ? v : ((RedisObject) v).copy();
    }
}
