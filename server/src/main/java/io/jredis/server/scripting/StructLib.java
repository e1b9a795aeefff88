package io.jredis.server.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Roberto Ierusalimschy's {@code struct} library as Redis ships it (x86-64 sizes: short 2, int 4, long and size_t
 * 8, native order little endian): {@code pack}, {@code unpack} and {@code size} with formats
 * {@code > < = ! x b B h H i I l L T f d s c}.
 */
final class StructLib {
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    private StructLib() {}

    static LuaTable create() {
        ProtectedTable t = new ProtectedTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return pack(args);
            }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args);
            }
        });
        t.rawset("size", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return size(args);
            }
        });
        return t;
    }

    /** Format parsing state: position in the format, byte order and maximum alignment. */
    private static final class Header {
        final byte[] fmt;
        int at;
        boolean big;
        int align = 1;
        final String fname;

        Header(LuaString fmt, String fname) {
            this.fmt = LuaSandbox.bytes(fmt);
            this.fname = fname;
        }

        boolean more() {
            return at < fmt.length;
        }

        int getnum(int df) {
            if (at >= fmt.length || !Character.isDigit(fmt[at])) {
                return df;
            }
            long a = 0;
            while (at < fmt.length && Character.isDigit(fmt[at])) {
                a = a * 10 + (fmt[at++] - '0');
                if (a > Integer.MAX_VALUE) {
                    throw new LuaError("integral size overflow");
                }
            }
            return (int) a;
        }

        int optsize(int opt) {
            switch (opt) {
                case 'B', 'b', 'x':
                    return 1;
                case 'H', 'h':
                    return 2;
                case 'L', 'l', 'T', 'd':
                    return 8;
                case 'f':
                    return 4;
                case 'c':
                    return getnum(1);
                case 'i', 'I': {
                    int sz = getnum(4);
                    if (sz > MAXINTSIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                    }
                    return sz;
                }
                default:
                    return 0;
            }
        }

        int toalign(long len, int opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            int a = Math.min(size, align);
            return (int) ((a - (len & (a - 1))) & (a - 1));
        }

        void control(int opt) {
            switch (opt) {
                case ' ' -> { }
                case '>' -> big = true;
                case '<', '=' -> big = false;
                case '!' -> {
                    int a = getnum(MAXALIGN);
                    if (a == 0 || (a & (a - 1)) != 0) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> throw LuaArgs.argError(1, fname, "invalid format option '" + (char) opt + "'");
            }
        }
    }

    private static Varargs pack(Varargs given) {
        Header h = new Header(LuaArgs.string(given, 1, "pack"), "pack");
        // b_pack pushes a nil after its arguments: the first missing value reads "got nil", later ones "no value".
        LuaValue[] values = new LuaValue[given.narg()];
        for (int i = 0; i < values.length; i++) {
            values[i] = given.arg(i + 1);
        }
        Varargs args = LuaValue.varargsOf(values, LuaValue.NIL);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (h.more()) {
            int opt = h.fmt[h.at++];
            int size = h.optsize(opt);
            int toalign = h.toalign(total, opt, size);
            total += toalign;
            for (int i = 0; i < toalign; i++) {
                b.write(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    double n = LuaArgs.number(args, arg++, "pack");
                    // putinteger's (Uinttype)(Inttype)n or (Uinttype)n, with x86-64's out-of-range results.
                    long v = n < 0 ? LuaReplies.toLong(n) : LuaFormat.toUnsigned(n);
                    putInteger(b, v, h.big, size);
                }
                case 'x' -> b.write(0);
                case 'f' -> putInteger(b,
                        Float.floatToRawIntBits((float) LuaArgs.number(args, arg++, "pack")) & 0xFFFFFFFFL, h.big, 4);
                case 'd' -> putInteger(b, Double.doubleToRawLongBits(LuaArgs.number(args, arg++, "pack")), h.big, 8);
                case 'c', 's' -> {
                    LuaString s = LuaArgs.string(args, arg++, "pack");
                    int len = s.length();
                    if (size == 0) {
                        size = len;
                    }
                    if (len < size) {
                        throw LuaArgs.argError(arg, "pack", "string too short");
                    }
                    b.write(LuaSandbox.bytes(s), 0, size);
                    if (opt == 's') {
                        b.write(0);
                        size++;
                    }
                }
                default -> h.control(opt);
            }
            total += size;
        }
        return LuaString.valueUsing(b.toByteArray());
    }

    private static void putInteger(ByteArrayOutputStream b, long v, boolean big, int size) {
        byte[] buf = new byte[size];
        for (int i = 0; i < size; i++) {
            // Beyond 8 bytes the value is sign-extended, as struct.c fills with 0x00 or 0xff.
            buf[i] = i < 8 ? (byte) (v >>> (8 * i)) : (byte) (v < 0 ? 0xff : 0);
        }
        if (big) {
            for (int i = 0; i < size / 2; i++) {
                byte t = buf[i];
                buf[i] = buf[size - 1 - i];
                buf[size - 1 - i] = t;
            }
        }
        b.write(buf, 0, size);
    }

    private static long getInteger(byte[] data, int pos, boolean big, boolean signed, int size) {
        long l = 0;
        for (int i = 0; i < size; i++) {
            int idx = big ? pos + i : pos + size - 1 - i;
            l = (l << 8) | (data[idx] & 0xff);
        }
        if (signed && size < 8) {
            long mask = -1L << (size * 8 - 1);
            if ((l & mask) != 0) {
                l |= mask;
            }
        }
        return l;
    }

    private static Varargs unpack(Varargs args) {
        Header h = new Header(LuaArgs.string(args, 1, "unpack"), "unpack");
        byte[] data = LuaSandbox.bytes(LuaArgs.string(args, 2, "unpack"));
        long ld = data.length;
        long pos = (long) LuaArgs.optNumber(args, 3, "unpack", 1) - 1;
        if (pos < 0) {
            throw LuaArgs.argError(3, "unpack", "offset must be 1 or greater");
        }
        List<LuaValue> out = new ArrayList<>();
        while (h.more()) {
            int opt = h.fmt[h.at++];
            long size = h.optsize(opt);
            pos += h.toalign(pos, opt, (int) size);
            if (!(size <= ld && pos <= ld - size)) {
                throw LuaArgs.argError(2, "unpack", "data string too short");
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    boolean signed = Character.isLowerCase(opt);
                    long v = getInteger(data, (int) pos, h.big, signed, (int) Math.min(size, 8));
                    out.add(LuaValue.valueOf(signed || v >= 0 ? (double) v : unsignedDouble(v)));
                }
                case 'x' -> { }
                case 'f' -> out.add(LuaNumbers.number(Float.intBitsToFloat((int) getInteger(data, (int) pos,
                        h.big, false, 4))));
                case 'd' -> out.add(LuaNumbers.number(Double.longBitsToDouble(getInteger(data, (int) pos, h.big,
                        false, 8))));
                case 'c' -> {
                    if (size == 0) {
                        if (out.isEmpty() || out.get(out.size() - 1).tonumber().isnil()) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = (long) out.remove(out.size() - 1).todouble();
                        if (!(size <= ld && pos <= ld - size)) {
                            throw LuaArgs.argError(2, "unpack", "data string too short");
                        }
                    }
                    out.add(LuaString.valueUsing(java.util.Arrays.copyOfRange(data, (int) pos, (int) (pos + size))));
                }
                case 's' -> {
                    int e = (int) pos;
                    while (e < data.length && data[e] != 0) {
                        e++;
                    }
                    if (e >= data.length) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = e - pos + 1;
                    out.add(LuaString.valueUsing(java.util.Arrays.copyOfRange(data, (int) pos, e)));
                }
                default -> h.control(opt);
            }
            pos += size;
        }
        out.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    private static boolean isalnum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static double unsignedDouble(long v) {
        return (double) (v >>> 1) * 2 + (v & 1);
    }

    private static Varargs size(Varargs args) {
        Header h = new Header(LuaArgs.string(args, 1, "size"), "size");
        long pos = 0;
        while (h.more()) {
            int opt = h.fmt[h.at++];
            int size = h.optsize(opt);
            pos += h.toalign(pos, opt, size);
            if (opt == 's') {
                throw LuaArgs.argError(1, "size", "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw LuaArgs.argError(1, "size", "option 'c0' has no fixed size");
            } else if (!isalnum(opt)) {
                // b_size hands only non-alphanumeric options to controloptions: unknown letters count 0 bytes.
                h.control(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
