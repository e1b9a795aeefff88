package io.jredis.server.scripting;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** LuaBitOp 1.0.2 ({@code bit}), the bitwise operations library Redis ships: 32-bit operations on Lua numbers. */
final class BitLib {
    private BitLib() {}

    private interface Op {
        Varargs apply(Varargs args);
    }

    static LuaTable create() {
        ProtectedTable t = new ProtectedTable();
        add(t, "tobit", a -> LuaValue.valueOf(bit(a, 1, "tobit")));
        add(t, "bnot", a -> LuaValue.valueOf(~bit(a, 1, "bnot")));
        add(t, "band", a -> fold(a, "band", 0));
        add(t, "bor", a -> fold(a, "bor", 1));
        add(t, "bxor", a -> fold(a, "bxor", 2));
        add(t, "lshift", a -> LuaValue.valueOf(bit(a, 1, "lshift") << (bit(a, 2, "lshift") & 31)));
        add(t, "rshift", a -> LuaValue.valueOf(bit(a, 1, "rshift") >>> (bit(a, 2, "rshift") & 31)));
        add(t, "arshift", a -> LuaValue.valueOf(bit(a, 1, "arshift") >> (bit(a, 2, "arshift") & 31)));
        add(t, "rol", a -> LuaValue.valueOf(Integer.rotateLeft(bit(a, 1, "rol"), bit(a, 2, "rol") & 31)));
        add(t, "ror", a -> LuaValue.valueOf(Integer.rotateRight(bit(a, 1, "ror"), bit(a, 2, "ror") & 31)));
        add(t, "bswap", a -> LuaValue.valueOf(Integer.reverseBytes(bit(a, 1, "bswap"))));
        add(t, "tohex", BitLib::tohex);
        return t;
    }

    private static void add(LuaTable t, String name, Op op) {
        t.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return op.apply(args);
            }
        });
    }

    /**
     * LuaBitOp's barg: the number's integer part modulo 2^32, rounded as adding 2^52+2^51 to a double rounds (to
     * nearest, ties to even), read from the low word.
     */
    static int bit(Varargs args, int arg, String fname) {
        double d = LuaArgs.number(args, arg, fname);
        return (int) Double.doubleToRawLongBits(d + 6755399441055744.0);
    }

    private static Varargs fold(Varargs args, String fname, int op) {
        int r = bit(args, 1, fname);
        for (int i = 2; i <= args.narg(); i++) {
            int b = bit(args, i, fname);
            r = switch (op) {
                case 0 -> r & b;
                case 1 -> r | b;
                default -> r ^ b;
            };
        }
        return LuaValue.valueOf(r);
    }

    private static Varargs tohex(Varargs args) {
        int b = bit(args, 1, "tohex");
        int n = args.isnoneornil(2) ? 8 : bit(args, 2, "tohex");
        String digits = "0123456789abcdef";
        if (n == Integer.MIN_VALUE) {
            // its negation overflows; LuaBitOp (as Redis patched it) takes the next width, which the cap below makes 8
            n = Integer.MIN_VALUE + 1;
        }
        if (n < 0) {
            n = -n;
            digits = "0123456789ABCDEF";
        }
        if (n > 8) {
            n = 8;
        }
        char[] buf = new char[n];
        for (int i = n - 1; i >= 0; i--) {
            buf[i] = digits.charAt(b & 15);
            b >>= 4;
        }
        return LuaValue.valueOf(new String(buf));
    }
}
