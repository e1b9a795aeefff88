package io.jredis.server.scripting;

import java.util.Map;
import java.util.WeakHashMap;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code setfenv}, {@code getfenv} and {@code newproxy}, which Redis 7.0.15 removed from scripts and gives
 * back only with {@code lua-enable-deprecated-api yes}. LuaJ implements Lua 5.2, where a function's environment is
 * its {@code _ENV} upvalue: changing it gives the function (and the closures it creates afterwards) the new globals,
 * as a 5.1 environment would.
 */
final class DeprecatedLib {
    private static final String CANNOT_CHANGE = "'setfenv' cannot change environment of given object";

    private DeprecatedLib() {}

    /** Metatables made by {@code newproxy(true)}: only a userdata carrying one may be passed to share it. */
    private static final class ProxyMetatable extends LuaTable {}

    static void install(LuaSandbox.State s) {
        // The environments given to closures that read no globals: nothing runs in them, getfenv shows them.
        Map<LuaClosure, LuaValue> unused = new WeakHashMap<>();
        s.globals.rawset("getfenv", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = function(s, args, true, "getfenv");
                if (!(f instanceof LuaClosure c)) {
                    return s.globals;
                }
                int i = envIndex(c);
                return i >= 0 ? c.upValues[i].getValue() : unused.getOrDefault(c, s.env);
            }
        });
        s.globals.rawset("setfenv", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (!args.arg(2).istable()) {
                    throw LuaArgs.typeError(args, 2, "setfenv", "table");
                }
                LuaValue f = function(s, args, false, "setfenv");
                // Level 0 (the whole state's globals) is refused too: Redis's Lua state stops working after it.
                if (!(f instanceof LuaClosure c) || args.arg(1).isnumber() && args.arg(1).todouble() == 0) {
                    throw new LuaError(CANNOT_CHANGE);
                }
                int i = envIndex(c);
                if (i >= 0) {
                    c.upValues[i] = new UpValue(new LuaValue[] {args.arg(2)}, 0);
                } else {
                    unused.put(c, args.arg(2));
                }
                return f;
            }
        });
        s.globals.rawset("newproxy", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue a = args.arg1();
                if (!a.toboolean()) {
                    return new LuaUserdata(new Object());
                }
                if (a.isboolean()) {
                    return new LuaUserdata(new Object(), new ProxyMetatable());
                }
                LuaValue meta = a.getmetatable();
                if (!(meta instanceof ProxyMetatable)) {
                    throw LuaArgs.argError(1, "newproxy", "boolean or proxy expected");
                }
                return new LuaUserdata(new Object(), meta);
            }
        });
    }

    /**
     * Lua 5.1's getfunc: the function argument, or the function running at the level it gives (default 1 where
     * {@code optional}); level 0 is the Java function itself. Lua 5.1 also counts the frames tail calls replaced
     * (and refuses them: "no function environment for tail call"); here a level counts running functions only.
     */
    private static LuaValue function(LuaSandbox.State s, Varargs args, boolean optional, String fname) {
        if (args.arg1().isfunction()) {
            return args.arg1();
        }
        int level = optional && args.isnoneornil(1) ? 1 : (int) LuaArgs.number(args, 1, fname);
        if (level < 0) {
            throw LuaArgs.argError(1, fname, "level must be non-negative");
        }
        if (level == 0) {
            return LuaValue.NIL;
        }
        LuaFunction f = s.hook.function(level);
        if (f == null) {
            throw LuaArgs.argError(1, fname, "invalid level");
        }
        return f;
    }

    /** The closure's {@code _ENV} upvalue, or -1 when it reads no globals (its environment is then the script's). */
    private static int envIndex(LuaClosure c) {
        for (int i = 0; i < c.p.upvalues.length && i < c.upValues.length; i++) {
            if (c.p.upvalues[i].name != null && c.p.upvalues[i].name.tojstring().equals("_ENV")) {
                return i;
            }
        }
        return -1;
    }
}
