package io.jredis.server.config;

/** Redis's {@code memtoull}: {@code b}, {@code k}/{@code kb}, {@code m}/{@code mb}, {@code g}/{@code gb}, case-insensitive. */
public final class MemoryUnits {
    private MemoryUnits() {}

    /** Returns the byte count, or null when the text is not a memory value. */
    public static Long parse(String s) {
        String l = s.toLowerCase();
        long mul = 1;
        int cut = l.length();
        if (l.endsWith("kb")) {
            mul = 1024;
            cut -= 2;
        } else if (l.endsWith("mb")) {
            mul = 1024L * 1024;
            cut -= 2;
        } else if (l.endsWith("gb")) {
            mul = 1024L * 1024 * 1024;
            cut -= 2;
        } else if (l.endsWith("k")) {
            mul = 1000;
            cut -= 1;
        } else if (l.endsWith("m")) {
            mul = 1000L * 1000;
            cut -= 1;
        } else if (l.endsWith("g")) {
            mul = 1000L * 1000 * 1000;
            cut -= 1;
        } else if (l.endsWith("b")) {
            cut -= 1;
        }
        String digits = l.substring(0, cut);
        if (digits.isEmpty()) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-')) {
                return null;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    /** The shortest exact rendering with a unit, as CONFIG REWRITE writes memory values ({@code 1gb}, {@code 64mb}). */
    public static String format(long v) {
        if (v != 0 && v % (1024L * 1024 * 1024) == 0) {
            return v / (1024L * 1024 * 1024) + "gb";
        }
        if (v != 0 && v % (1024L * 1024) == 0) {
            return v / (1024L * 1024) + "mb";
        }
        if (v != 0 && v % 1024 == 0) {
            return v / 1024 + "kb";
        }
        return Long.toString(v);
    }
}
