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
 * lua-cmsgpack 0.4.0 ({@code cmsgpack.pack}, {@code unpack}, {@code unpack_one}, {@code unpack_limit}) as Redis
 * ships it: MessagePack with integers in the smallest encoding, floats as float32 when exact, tables as arrays when
 * their keys are exactly 1..n, nesting limited to 16 levels.
 */
final class CmsgpackLib {
    private static final int MAX_NESTING = 16;

    private CmsgpackLib() {}

    static LuaTable create() {
        ProtectedTable t = new ProtectedTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() == 0) {
                    throw LuaArgs.argError(0, "pack", "MessagePack pack needs input.");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 1; i <= args.narg(); i++) {
                    encode(args.arg(i), out, 0);
                }
                return LuaString.valueUsing(out.toByteArray());
            }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args, 0, 0, true, "unpack");
            }
        });
        t.rawset("unpack_one", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args, 1, (long) LuaArgs.optNumber(args, 2, "unpack_one", 0), false, "unpack_one");
            }
        });
        t.rawset("unpack_limit", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // mp_unpack_limit: the limit is required and checked before the offset and the string.
                long limit = (long) LuaArgs.number(args, 2, "unpack_limit");
                return unpack(args, limit, (long) LuaArgs.optNumber(args, 3, "unpack_limit", 0), false,
                        "unpack_limit");
            }
        });
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    // ---- encode ----

    private static void encode(LuaValue v, ByteArrayOutputStream out, int level) {
        switch (v.type()) {
            case LuaValue.TSTRING -> bytes(v.checkstring(), out);
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> number(v.todouble(), out);
            case LuaValue.TTABLE -> {
                if (level == MAX_NESTING) {
                    out.write(0xc0);
                } else if (isArray((LuaTable) v)) {
                    array((LuaTable) v, out, level);
                } else {
                    map((LuaTable) v, out, level);
                }
            }
            default -> out.write(0xc0);
        }
    }

    private static void bytes(LuaString s, ByteArrayOutputStream out) {
        int len = s.length();
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            out.write(len);
        } else if (len <= 0xffff) {
            out.write(0xda);
            be(out, len, 2);
        } else {
            out.write(0xdb);
            be(out, len, 4);
        }
        out.write(LuaSandbox.bytes(s), 0, len);
    }

    private static void be(ByteArrayOutputStream out, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void number(double d, ByteArrayOutputStream out) {
        if (!Double.isInfinite(d) && !Double.isNaN(d) && d >= -9.223372036854775808E18 && d < 9.223372036854775807E18
                && (double) (long) d == d) {
            integer((long) d, out);
            return;
        }
        float f = (float) d;
        if ((double) f == d) {
            out.write(0xca);
            be(out, Float.floatToRawIntBits(f) & 0xFFFFFFFFL, 4);
        } else {
            out.write(0xcb);
            be(out, Double.doubleToRawLongBits(d), 8);
        }
    }

    private static void integer(long n, ByteArrayOutputStream out) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                out.write((int) n);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                be(out, n, 2);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                be(out, n, 4);
            } else {
                out.write(0xcf);
                be(out, n, 8);
            }
        } else if (n >= -32) {
            out.write((int) n & 0xff);
        } else if (n >= -128) {
            out.write(0xd0);
            out.write((int) n & 0xff);
        } else if (n >= -32768) {
            out.write(0xd1);
            be(out, n, 2);
        } else if (n >= Integer.MIN_VALUE) {
            out.write(0xd2);
            be(out, n, 4);
        } else {
            out.write(0xd3);
            be(out, n, 8);
        }
    }

    private static boolean isArray(LuaTable t) {
        long max = 0;
        long count = 0;
        LuaValue k = LuaValue.NIL;
        while (!(k = t.next(k).arg1()).isnil()) {
            if (k.type() != LuaValue.TNUMBER) {
                return false;
            }
            double d = k.todouble();
            if (d != Math.floor(d) || d <= 0 || d > Integer.MAX_VALUE) {
                return false;
            }
            max = Math.max(max, (long) d);
            count++;
        }
        return max == count;
    }

    private static void array(LuaTable t, ByteArrayOutputStream out, int level) {
        int len = t.length();
        header(out, len, 0x90, 0xdc, 0xdd);
        for (int i = 1; i <= len; i++) {
            encode(t.rawget(i), out, level + 1);
        }
    }

    private static void map(LuaTable t, ByteArrayOutputStream out, int level) {
        int len = 0;
        LuaValue k = LuaValue.NIL;
        while (!(k = t.next(k).arg1()).isnil()) {
            len++;
        }
        header(out, len, 0x80, 0xde, 0xdf);
        Varargs n;
        k = LuaValue.NIL;
        while (!(k = (n = t.next(k)).arg1()).isnil()) {
            encode(k, out, level + 1);
            encode(n.arg(2), out, level + 1);
        }
    }

    private static void header(ByteArrayOutputStream out, int len, int fix, int b16, int b32) {
        if (len <= 15) {
            out.write(fix | len);
        } else if (len <= 0xffff) {
            out.write(b16);
            be(out, len, 2);
        } else {
            out.write(b32);
            be(out, len, 4);
        }
    }

    // ---- decode ----

    /** Thrown while decoding: missing bytes or an unknown type byte. */
    private static final class Truncated extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean eof;

        Truncated(boolean eof) {
            super(null, null, false, false);
            this.eof = eof;
        }
    }

    private static final class Cursor {
        final byte[] b;
        int p;

        Cursor(byte[] b, int p) {
            this.b = b;
            this.p = p;
        }

        int left() {
            return b.length - p;
        }

        void need(long n) {
            if (left() < n) {
                throw new Truncated(true);
            }
        }

        long be(int n) {
            need(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | (b[p++] & 0xff);
            }
            return v;
        }
    }

    private static Varargs unpack(Varargs args, long limit, long offset, boolean all, String fname) {
        byte[] s = LuaSandbox.bytes(LuaArgs.string(args, 1, fname));
        int len = s.length;
        if (offset < 0 || limit < 0) {
            throw new LuaError("Invalid request to unpack with offset of " + (int) offset + " and limit of " + len
                    + ".");
        }
        if (offset > len) {
            throw new LuaError("Start offset " + offset + " greater than input length " + len + ".");
        }
        // mp_unpack_full's decode_all: unpack, or a zero limit with a zero offset (no offset is returned then).
        all = all || (limit == 0 && offset == 0);
        if (all) {
            limit = Integer.MAX_VALUE;
        }
        Cursor c = new Cursor(s, (int) offset);
        List<LuaValue> out = new ArrayList<>();
        try {
            for (int cnt = 0; c.left() > 0 && cnt < limit; cnt++) {
                out.add(decode(c));
            }
        } catch (Truncated e) {
            throw new LuaError(e.eof ? "Missing bytes in input." : "Bad data format in input.");
        }
        if (!all) {
            out.add(0, LuaValue.valueOf(c.left() == 0 ? -1 : c.p));
        }
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    private static LuaValue decode(Cursor c) {
        c.need(1);
        int t = c.b[c.p++] & 0xff;
        if (t <= 0x7f) {
            return LuaValue.valueOf(t);
        }
        if (t >= 0xe0) {
            return LuaValue.valueOf((byte) t);
        }
        if ((t & 0xe0) == 0xa0) {
            return str(c, t & 0x1f);
        }
        if ((t & 0xf0) == 0x90) {
            return arr(c, t & 0x0f);
        }
        if ((t & 0xf0) == 0x80) {
            return map(c, t & 0x0f);
        }
        switch (t) {
            case 0xc0:
                return LuaValue.NIL;
            case 0xc2:
                return LuaValue.FALSE;
            case 0xc3:
                return LuaValue.TRUE;
            case 0xcc:
                return LuaValue.valueOf((double) c.be(1));
            case 0xcd:
                return LuaValue.valueOf((double) c.be(2));
            case 0xce:
                return LuaValue.valueOf((double) c.be(4));
            case 0xcf:
                // lua_pushunsigned is lua_pushinteger in Lua 5.1: the bits read as a signed 64-bit integer.
                return LuaValue.valueOf((double) c.be(8));
            case 0xd0:
                return LuaValue.valueOf((double) (byte) c.be(1));
            case 0xd1:
                return LuaValue.valueOf((double) (short) c.be(2));
            case 0xd2:
                return LuaValue.valueOf((double) (int) c.be(4));
            case 0xd3:
                return LuaValue.valueOf((double) c.be(8));
            case 0xca:
                return LuaNumbers.number(Float.intBitsToFloat((int) c.be(4)));
            case 0xcb:
                return LuaNumbers.number(Double.longBitsToDouble(c.be(8)));
            case 0xd9:
                return str(c, c.be(1));
            case 0xda:
                return str(c, c.be(2));
            case 0xdb:
                return str(c, c.be(4));
            case 0xdc:
                return arr(c, c.be(2));
            case 0xdd:
                return arr(c, c.be(4));
            case 0xde:
                return map(c, c.be(2));
            case 0xdf:
                return map(c, c.be(4));
            default:
                throw new Truncated(false);
        }
    }

    private static LuaValue str(Cursor c, long len) {
        c.need(len);
        byte[] b = java.util.Arrays.copyOfRange(c.b, c.p, c.p + (int) len);
        c.p += (int) len;
        return LuaString.valueUsing(b);
    }

    private static LuaValue arr(Cursor c, long n) {
        LuaTable t = new Lua51Table();
        for (int i = 1; i <= n; i++) {
            t.rawset(i, decode(c));
        }
        return t;
    }

    private static LuaValue map(Cursor c, long n) {
        LuaTable t = new Lua51Table();
        for (long i = 0; i < n; i++) {
            LuaValue k = decode(c);
            LuaValue v = decode(c);
            // lua_settable raises these from inside the C function, so they carry no position.
            if (k.isnil()) {
                throw new LuaError("table index is nil");
            }
            if (k.type() == LuaValue.TNUMBER && Double.isNaN(k.todouble())) {
                throw new LuaError("table index is NaN");
            }
            t.rawset(k, v);
        }
        return t;
    }
}
