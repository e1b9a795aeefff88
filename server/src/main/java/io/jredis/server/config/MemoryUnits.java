package io.jredis.server.config;

/**
 * Redis's {@code memtoull}: digits followed by an optional unit {@code b}, {@code k}/{@code kb}, {@code m}/{@code mb},
 * {@code g}/{@code gb} (case-insensitive; {@code k} is 1000, {@code kb} 1024). Values are unsigned 64-bit, held in a
 * long; like Redis, an empty number counts as 0, a too large number saturates and the unit multiplication wraps.
 */
public final class MemoryUnits {
    private static final long KB = 1024;
    private static final long MB = 1024 * KB;
    private static final long GB = 1024 * MB;

    private MemoryUnits() {}

    /** Returns the byte count (unsigned), or null when the text is not a memory value. */
    public static Long parse(String s) {
        int u = 0;
        while (u < s.length() && s.charAt(u) >= '0' && s.charAt(u) <= '9') {
            u++;
        }
        long mul = switch (s.substring(u).toLowerCase()) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> KB;
            case "m" -> 1000L * 1000;
            case "mb" -> MB;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> GB;
            default -> 0;
        };
        if (mul == 0 || u >= 128) {
            return null;
        }
        long v = 0;
        for (int i = 0; i < u; i++) {
            int d = s.charAt(i) - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                v = -1L; // strtoull saturates at ULLONG_MAX
                break;
            }
            v = v * 10 + d;
        }
        return v * mul;
    }

    /** The rendering CONFIG REWRITE uses ({@code 1gb}, {@code 64mb}, {@code 16kb}, else plain bytes). */
    public static String format(long v) {
        if (v != 0 && v % GB == 0) {
            return v / GB + "gb";
        }
        if (v != 0 && v % MB == 0) {
            return v / MB + "mb";
        }
        if (v != 0 && v % KB == 0) {
            return v / KB + "kb";
        }
        return Long.toString(v);
    }
}
