package io.jredis.server.scripting;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.Lua51Compiler;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code tonumber}: luaO_str2d on glibc's strtod and strtoul, which take what LuaJ's parser refuses
 * ("inf", "nan", hex floats, a signed hex integer) and refuse what it takes ("0x-1").
 */
final class LuaNumbers extends VarArgFunction {
    private static final double TWO_64 = 18446744073709551616.0;

    @Override
    public Varargs invoke(Varargs args) {
        int base = (int) LuaArgs.optNumber(args, 2, "tonumber", 10);
        if (base == 10) {
            if (args.narg() < 1) {
                throw LuaArgs.argError(1, "tonumber", "value expected");
            }
            LuaValue v = args.arg1();
            if (v.type() == LuaValue.TNUMBER) {
                return v;
            }
            if (v.type() == LuaValue.TSTRING) {
                Double d = str2d(text(v.checkstring()));
                return d == null ? NIL : number(d);
            }
            return NIL;
        }
        String s = text(LuaArgs.string(args, 1, "tonumber"));
        if (base < 2 || base > 36) {
            throw LuaArgs.argError(2, "tonumber", "base out of range");
        }
        long[] end = new long[1];
        double n = strtoul(s, 0, base, end);
        int e = (int) end[0];
        if (e == 0) {
            return NIL;
        }
        e = skipSpaces(s, e);
        return e == s.length() ? valueOf(n) : NIL;
    }

    /** A double as a Lua number, -0.0 included (LuaJ's valueOf makes it the integer 0). */
    static LuaValue number(double d) {
        return Double.doubleToRawLongBits(d) == Long.MIN_VALUE ? Lua51Compiler.NEGATIVE_ZERO : valueOf(d);
    }

    /** The string as C sees it: up to its first NUL. */
    private static String text(LuaString s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            int c = s.luaByte(i);
            if (c == 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** luaO_str2d: the number, or null when {@code s} is not one. */
    static Double str2d(String s) {
        int[] end = new int[1];
        double d = strtod(s, end);
        if (end[0] == 0) {
            return null;
        }
        int e = end[0];
        if (e < s.length() && (s.charAt(e) == 'x' || s.charAt(e) == 'X')) {
            long[] hexEnd = new long[1];
            d = strtoul(s, 0, 16, hexEnd);
            e = (int) hexEnd[0];
        }
        e = skipSpaces(s, e);
        return e == s.length() ? d : null;
    }

    private static boolean startsWithIgnoreCase(String s, int at, String word) {
        return s.regionMatches(true, at, word, 0, word.length());
    }

    private static int digit(char c, int base) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z'
                ? c - 'A' + 10 : 99;
        return d < base ? d : -1;
    }

    /** glibc's strtod; {@code end[0]} is where it stopped, 0 when it read no number. */
    static double strtod(String s, int[] end) {
        int i = skipSpaces(s, 0);
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        if (startsWithIgnoreCase(s, i, "inf")) {
            end[0] = i + (startsWithIgnoreCase(s, i, "infinity") ? 8 : 3);
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (startsWithIgnoreCase(s, i, "nan")) {
            int j = i + 3;
            if (j < s.length() && s.charAt(j) == '(') {
                int k = j + 1;
                while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) && s.charAt(k) < 128
                        || s.charAt(k) == '_')) {
                    k++;
                }
                if (k < s.length() && s.charAt(k) == ')') {
                    j = k + 1;
                }
            }
            end[0] = j;
            return Double.longBitsToDouble(0x7ff8000000000000L | (neg ? Long.MIN_VALUE : 0));
        }
        if (startsWithIgnoreCase(s, i, "0x")) {
            int j = i + 2;
            int mant = j;
            while (j < s.length() && digit(s.charAt(j), 16) >= 0) {
                j++;
            }
            int intDigits = j - mant;
            int fracDigits = 0;
            if (j < s.length() && s.charAt(j) == '.') {
                int k = j + 1;
                while (k < s.length() && digit(s.charAt(k), 16) >= 0) {
                    k++;
                }
                fracDigits = k - j - 1;
                if (intDigits + fracDigits > 0) {
                    j = k;
                }
            }
            if (intDigits + fracDigits > 0) {
                String mantissa = s.substring(mant, j);
                String exp = "0";
                int k = exponent(s, j, 'p');
                if (k > j) {
                    exp = s.substring(j + 1, k);
                    j = k;
                }
                end[0] = j;
                double v = Double.parseDouble("0x" + (mantissa.startsWith(".") ? "0" : "") + mantissa + "p" + exp);
                return neg ? -v : v;
            }
            // "0x" without hex digits: the 0 alone.
            end[0] = i + 1;
            return neg ? -0.0 : 0.0;
        }
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j)) && s.charAt(j) < 128) {
            j++;
        }
        int digits = j - i;
        if (j < s.length() && s.charAt(j) == '.') {
            int k = j + 1;
            while (k < s.length() && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                k++;
            }
            if (digits + (k - j - 1) > 0) {
                digits += k - j - 1;
                j = k;
            }
        }
        if (digits == 0) {
            end[0] = 0;
            return 0;
        }
        j = exponent(s, j, 'e');
        end[0] = j;
        String num = s.substring(i, j);
        double v = Double.parseDouble(num.endsWith(".") ? num + "0" : num);
        return neg ? -v : v;
    }

    /** The end of an exponent part ({@code e} or {@code p}, optional sign, digits) at {@code j}; {@code j} if none. */
    private static int exponent(String s, int j, char marker) {
        if (j < s.length() && Character.toLowerCase(s.charAt(j)) == marker) {
            int k = j + 1;
            if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            int start = k;
            while (k < s.length() && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                k++;
            }
            if (k > start) {
                return k;
            }
        }
        return j;
    }

    /**
     * glibc's strtoul from {@code from}: the value as the double Lua makes of the unsigned long (a minus sign
     * negates modulo 2^64, overflow gives ULONG_MAX); {@code end[0]} is where it stopped, 0 when it read no digit.
     */
    private static double strtoul(String s, int from, int base, long[] end) {
        int i = skipSpaces(s, from);
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        if (base == 16 && startsWithIgnoreCase(s, i, "0x") && i + 2 < s.length() && digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        java.math.BigInteger n = java.math.BigInteger.ZERO;
        java.math.BigInteger b = java.math.BigInteger.valueOf(base);
        int start = i;
        while (i < s.length() && digit(s.charAt(i), base) >= 0) {
            n = n.multiply(b).add(java.math.BigInteger.valueOf(digit(s.charAt(i), base)));
            i++;
        }
        if (i == start) {
            end[0] = 0;
            return 0;
        }
        end[0] = i;
        java.math.BigInteger max = java.math.BigInteger.ONE.shiftLeft(64);
        if (n.compareTo(max) >= 0) {
            return TWO_64 - 1;
        }
        if (neg && n.signum() != 0) {
            n = max.subtract(n);
        }
        // (lua_Number) of an unsigned long: round to nearest double.
        return n.doubleValue() >= TWO_64 ? TWO_64 : n.doubleValue();
    }
}
