package io.jredis.server.scripting;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Number to text as Redis's Lua 5.1 prints it: {@code tostring} uses C's {@code "%.14g"} and {@code string.format}
 * is C's {@code sprintf} (glibc rounding: exact binary value, ties to even). LuaJ's own formatting differs (it prints
 * doubles through {@code Float.toString} and leaves {@code %f}/{@code %e}/{@code %g} unimplemented).
 */
final class LuaFormat {
    private LuaFormat() {}

    /** {@code lua_Number2str}: {@code "%.14g"}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e14) {
            long l = (long) v;
            return l == 0 && 1 / v < 0 ? "-0" : Long.toString(l);
        }
        return g(v, 14, false, false);
    }

    /**
     * Converts the operands of a concatenation (registers {@code b..c}) that are numbers to Lua 5.1's text for them
     * ({@code %.14g}), as LuaJ would write doubles with Java's float text. Only when every operand is a string or a
     * number: then no __concat metamethod can see the difference. The registers are the temporaries Lua 5.1's code
     * generator puts concatenation operands in, so no variable changes type.
     */
    static void concatOperands(LuaValue[] regs, int b, int c) {
        if (regs == null || c >= regs.length) {
            return;
        }
        boolean doubles = false;
        for (int r = b; r <= c; r++) {
            int t = regs[r].type();
            if (t != LuaValue.TSTRING && t != LuaValue.TNUMBER) {
                return;
            }
            doubles |= t == LuaValue.TNUMBER && !(regs[r] instanceof LuaInteger);
        }
        if (doubles) {
            for (int r = b; r <= c; r++) {
                if (regs[r].type() == LuaValue.TNUMBER) {
                    regs[r] = tostring(regs[r]);
                }
            }
        }
    }

    /** A Lua value as {@code tostring} shows numbers; other values as LuaJ shows them. */
    static LuaString tostring(LuaValue v) {
        return switch (v.type()) {
            case LuaValue.TNUMBER -> LuaString.valueOf(number(v.todouble()));
            case LuaValue.TSTRING -> v.checkstring();
            default -> LuaString.valueOf(v.tojstring());
        };
    }

    /**
     * glibc's text for NaN: "-nan" with the sign bit set. Java's arithmetic on x86 gives the bits C's does (the
     * "default NaN" of 0/0 or inf - inf has the sign set); where LuaJ returns its own constant NaN instead (0/0,
     * x % 0), the script hook puts the computed one in its place.
     */
    static String nan(double v) {
        return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
    }

    private static String nonFinite(double v, boolean upper) {
        String s = Double.isNaN(v) ? nan(v) : v > 0 ? "inf" : "-inf";
        return upper ? s.toUpperCase() : s;
    }

    /** C's {@code %.<precision>g}, optionally with {@code #} (keep zeros) and upper case. */
    static String g(double v, int precision, boolean alt, boolean upper) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return nonFinite(v, upper);
        }
        int p = precision == 0 ? 1 : precision;
        if (v == 0) {
            String z = alt ? "0." + "0".repeat(p - 1) : "0";
            return (1 / v < 0 ? "-" : "") + z;
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int x = rounded.precision() - rounded.scale() - 1;
        String s;
        if (x < -4 || x >= p) {
            s = e(v, p - 1, alt, upper);
            if (!alt) {
                int ei = s.indexOf(upper ? 'E' : 'e');
                s = stripZeros(s.substring(0, ei)) + s.substring(ei);
            }
        } else {
            s = f(v, p - 1 - x, alt);
            if (!alt) {
                s = stripZeros(s);
            }
        }
        return s;
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /** C's {@code %.<precision>f}. */
    static String f(double v, int precision, boolean alt) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return nonFinite(v, false);
        }
        String s = new BigDecimal(v).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        if (1 / v < 0 && !s.startsWith("-")) {
            s = "-" + s;
        }
        if (alt && precision == 0) {
            s += ".";
        }
        return s;
    }

    /** C's {@code %.<precision>e}. */
    static String e(double v, int precision, boolean alt, boolean upper) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return nonFinite(v, upper);
        }
        String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
        double a = Math.abs(v);
        String mantissa;
        int exp;
        if (a == 0) {
            mantissa = precision == 0 ? "0" : "0." + "0".repeat(precision);
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            exp = r.precision() - r.scale() - 1;
            BigInteger digits = r.unscaledValue();
            String ds = digits.toString();
            // unscaledValue may carry trailing zeros beyond precision+1 digits after rounding.
            ds = (ds + "0".repeat(precision + 1)).substring(0, precision + 1);
            mantissa = precision == 0 ? ds : ds.charAt(0) + "." + ds.substring(1);
        }
        if (alt && precision == 0) {
            mantissa += ".";
        }
        String es = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        return sign + mantissa + (upper ? "E" : "e") + es;
    }

    /** Lua 5.1's {@code string.format}. */
    static LuaString format(Varargs args) {
        LuaString fmt = args.checkstring(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.length() + 16);
        int arg = 1;
        int n = fmt.length();
        int i = 0;
        while (i < n) {
            int ch = fmt.luaByte(i++);
            if (ch != '%') {
                out.write(ch);
                continue;
            }
            if (i < n && fmt.luaByte(i) == '%') {
                out.write('%');
                i++;
                continue;
            }
            // Lua 5.1 checks for the argument before it reads the conversion.
            arg++;
            if (arg > args.narg()) {
                throw LuaArgs.argError(arg, "format", "no value");
            }
            int start = i;
            while (i < n && "-+ #0".indexOf(fmt.luaByte(i)) >= 0) {
                i++;
            }
            if (i - start > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            String flags = fmt.substring(start, i).tojstring();
            int width = -1;
            int digits = 0;
            while (i < n && Character.isDigit(fmt.luaByte(i))) {
                width = Math.max(width, 0) * 10 + (fmt.luaByte(i++) - '0');
                digits++;
            }
            int precision = -1;
            if (i < n && fmt.luaByte(i) == '.') {
                i++;
                precision = 0;
                int pd = 0;
                while (i < n && Character.isDigit(fmt.luaByte(i))) {
                    precision = precision * 10 + (fmt.luaByte(i++) - '0');
                    pd++;
                }
                if (pd > 2) {
                    throw new LuaError("invalid format (width or precision too long)");
                }
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= n) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            int conv = fmt.luaByte(i++);
            String body;
            switch (conv) {
                case 'c' -> {
                    // sprintf's (int) argument, then luaL_addlstring(strlen(buff)): the text ends at a NUL.
                    double d = args.checkdouble(arg);
                    int c = Double.isNaN(d) || d >= 2147483648.0 || d <= -2147483649.0 ? 0 : (int) d & 0xff;
                    ByteArrayOutputStream item = new ByteArrayOutputStream();
                    pad(item, new byte[] {(byte) c}, flags, width);
                    byte[] b = item.toByteArray();
                    int len = 0;
                    while (len < b.length && b[len] != 0) {
                        len++;
                    }
                    out.write(b, 0, len);
                    continue;
                }
                case 'd', 'i' -> body = integer(LuaReplies.toLong(args.checkdouble(arg)), flags, precision);
                case 'o', 'u', 'x', 'X' -> body = unsigned(toUnsigned(args.checkdouble(arg)), conv, flags, precision);
                case 'e', 'E' -> body = signed(e(args.checkdouble(arg), precision < 0 ? 6 : precision,
                        flags.indexOf('#') >= 0, conv == 'E'), flags);
                case 'f' -> body = signed(f(args.checkdouble(arg), precision < 0 ? 6 : precision,
                        flags.indexOf('#') >= 0), flags);
                case 'g', 'G' -> body = signed(g(args.checkdouble(arg), precision < 0 ? 6 : precision,
                        flags.indexOf('#') >= 0, conv == 'G'), flags);
                case 'q' -> {
                    // luaL_checklstring turns a number into its %.14g text, not LuaJ's.
                    quoted(out, LuaArgs.callerString(args, arg));
                    continue;
                }
                case 's' -> {
                    byte[] s = bytes(LuaArgs.callerString(args, arg));
                    if (precision >= 0 && s.length > precision) {
                        s = java.util.Arrays.copyOf(s, precision);
                    }
                    pad(out, s, flags, width);
                    continue;
                }
                default -> throw new LuaError("invalid option '%" + (char) conv + "' to 'format'");
            }
            boolean zero = flags.indexOf('0') >= 0 && flags.indexOf('-') < 0
                    && !(precision >= 0 && "diouxX".indexOf(conv) >= 0) && !body.endsWith("inf")
                    && !body.endsWith("nan") && !body.endsWith("INF") && !body.endsWith("NAN");
            if (zero && width > body.length()) {
                int signLen = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1 : 0;
                if (body.startsWith("0x", signLen) || body.startsWith("0X", signLen)) {
                    signLen += 2;
                }
                body = body.substring(0, signLen) + "0".repeat(width - body.length()) + body.substring(signLen);
            }
            pad(out, body.getBytes(StandardCharsets.ISO_8859_1), flags, width);
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    private static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.length()];
        s.copyInto(0, b, 0, b.length);
        return b;
    }

    private static String signed(String s, String flags) {
        if (s.startsWith("-")) {
            return s;
        }
        if (flags.indexOf('+') >= 0) {
            return "+" + s;
        }
        if (flags.indexOf(' ') >= 0) {
            return " " + s;
        }
        return s;
    }

    private static String integer(long v, String flags, int precision) {
        String digits = v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(v));
        if (precision >= 0 && digits.length() < precision) {
            digits = "0".repeat(precision - digits.length()) + digits;
        }
        if (precision == 0 && v == 0) {
            digits = "";
        }
        return (v < 0 ? "-" : flags.indexOf('+') >= 0 ? "+" : flags.indexOf(' ') >= 0 ? " " : "") + digits;
    }

    /** C's (unsigned long) cast of a double as gcc compiles it on x86-64 (values from 2^63 are offset first). */
    static long toUnsigned(double d) {
        return d < 9.223372036854775807E18 ? LuaReplies.toLong(d)
                : LuaReplies.toLong(d - 9.223372036854775807E18) ^ Long.MIN_VALUE;
    }

    private static String unsigned(long v, int conv, String flags, int precision) {
        String digits = switch (conv) {
            case 'o' -> Long.toOctalString(v);
            case 'x' -> Long.toHexString(v);
            case 'X' -> Long.toHexString(v).toUpperCase();
            default -> Long.toUnsignedString(v);
        };
        if (precision >= 0 && digits.length() < precision) {
            digits = "0".repeat(precision - digits.length()) + digits;
        }
        if (precision == 0 && v == 0) {
            digits = "";
        }
        if (flags.indexOf('#') >= 0 && v != 0) {
            if (conv == 'x') {
                digits = "0x" + digits;
            } else if (conv == 'X') {
                digits = "0X" + digits;
            } else if (conv == 'o' && !digits.startsWith("0")) {
                digits = "0" + digits;
            }
        }
        return digits;
    }

    private static void pad(ByteArrayOutputStream out, byte[] s, String flags, int width) {
        int fill = width - s.length;
        boolean left = flags.indexOf('-') >= 0;
        if (!left) {
            for (int k = 0; k < fill; k++) {
                out.write(' ');
            }
        }
        out.write(s, 0, s.length);
        if (left) {
            for (int k = 0; k < fill; k++) {
                out.write(' ');
            }
        }
    }

    /** {@code %q}: Lua 5.1's addquoted. */
    private static void quoted(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int k = 0; k < s.length(); k++) {
            int c = s.luaByte(k);
            switch (c) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(c);
                }
                case '\r' -> out.write("\\r".getBytes(StandardCharsets.US_ASCII), 0, 2);
                case 0 -> out.write("\\000".getBytes(StandardCharsets.US_ASCII), 0, 4);
                default -> out.write(c);
            }
        }
        out.write('"');
    }
}
