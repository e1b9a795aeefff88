package io.jredis.server.scripting;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.Lua51Compiler;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Builds a Lua state with exactly the environment Redis 7.0.15 gives scripts: Lua 5.1's base functions (no file,
 * OS or module access), the {@code string}, {@code table}, {@code math} and {@code coroutine} libraries as 5.1 has
 * them, {@code cjson}, {@code bit}, {@code struct} and {@code cmsgpack}, all read-only. LuaJ implements Lua 5.2;
 * what scripts could notice of the difference (5.1-only functions, number formatting, error texts, pcall of error
 * tables) is adapted here.
 */
final class LuaSandbox {
    /** The functions Redis 7.0.15 leaves in the globals (others LuaJ defines are removed). */
    private static final String[] BASE_KEPT = {"assert", "collectgarbage", "getmetatable", "ipairs", "next",
        "pairs", "rawequal", "rawget", "rawset", "select", "setmetatable", "tonumber", "type"};

    private LuaSandbox() {}

    /** The state shared by the sandbox's functions. */
    static final class State {
        final SandboxGlobals globals;
        final ScriptHook hook;
        /** The table scripts see as globals ({@code _G}); for EVAL the globals themselves. */
        LuaTable env;

        State(SandboxGlobals globals, ScriptHook hook) {
            this.globals = globals;
            this.hook = hook;
        }

        /** Compiles a chunk against this state's environment; throws LuaError with Lua's message. */
        LuaFunction compile(byte[] code, int offset, String chunkname) {
            return globals.load(new ByteArrayInputStream(code, offset, code.length - offset), chunkname, "t", env)
                    .checkfunction();
        }
    }

    /** Creates a state with the base environment; the caller adds {@code redis} and protects it. */
    static State create(Lrand48 random) {
        SandboxGlobals g = new SandboxGlobals();
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new CoroutineLib());
        LoadState.install(g);
        LuaC.install(g);
        g.compiler = Lua51Compiler.INSTANCE;
        ScriptHook hook = new ScriptHook(g);
        State s = new State(g, hook);
        s.env = g;

        LuaTable base = new LuaTable();
        for (String k : BASE_KEPT) {
            base.rawset(k, g.rawget(k));
        }
        LuaTable table = tableLib(g.rawget("table").checktable());
        LuaTable string = stringLib(g.rawget("string").checktable());
        LuaTable math = mathLib(g.rawget("math").checktable(), random);
        LuaTable coroutine = g.rawget("coroutine").checktable();

        // Start from empty globals: only what Redis's allow list has.
        LuaValue k = LuaValue.NIL;
        java.util.List<LuaValue> keys = new java.util.ArrayList<>();
        while (!(k = g.next(k).arg1()).isnil()) {
            keys.add(k);
        }
        for (LuaValue key : keys) {
            g.rawset(key, LuaValue.NIL);
        }
        for (String name : BASE_KEPT) {
            g.rawset(name, base.rawget(name));
        }
        g.rawset("_G", g);
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        g.rawset("error", new Error(hook));
        g.rawset("pcall", new PCall(hook));
        g.rawset("xpcall", new XPCall(hook));
        g.rawset("tostring", new ToString());
        g.rawset("gcinfo", new GcInfo());
        g.rawset("unpack", table.rawget("unpack"));
        table.rawset("unpack", LuaValue.NIL);
        g.rawset("loadstring", new LoadString(s));
        g.rawset("load", new Load(s));
        g.rawset("table", table);
        g.rawset("string", string);
        g.rawset("math", math);
        g.rawset("coroutine", coroutine);
        g.rawset("cjson", CjsonLib.create());
        g.rawset("bit", BitLib.create());
        g.rawset("struct", StructLib.create());
        g.rawset("cmsgpack", CmsgpackLib.create());
        return s;
    }

    /** Lua 5.1's table library: LuaJ's plus getn, setn, maxn, foreach, foreachi; no pack. */
    private static LuaTable tableLib(LuaTable lj) {
        LuaTable t = new ProtectedTable();
        for (String f : new String[] {"concat", "insert", "remove", "sort", "unpack"}) {
            t.rawset(f, lj.rawget(f));
        }
        t.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue arg) {
                return valueOf(arg.checktable().length());
            }
        });
        t.rawset("setn", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue a, LuaValue b) {
                throw new LuaError("'setn' is obsolete");
            }
        });
        t.rawset("maxn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue arg) {
                LuaTable tbl = arg.checktable();
                double max = 0;
                LuaValue k = NIL;
                while (!(k = tbl.next(k).arg1()).isnil()) {
                    if (k.type() == TNUMBER && k.todouble() > max) {
                        max = k.todouble();
                    }
                }
                return valueOf(max);
            }
        });
        t.rawset("foreach", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue a, LuaValue f) {
                LuaTable tbl = a.checktable();
                f.checkfunction();
                LuaValue k = NIL;
                Varargs n;
                while (!(k = (n = tbl.next(k)).arg1()).isnil()) {
                    LuaValue r = f.call(k, n.arg(2));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return NIL;
            }
        });
        t.rawset("foreachi", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue a, LuaValue f) {
                LuaTable tbl = a.checktable();
                f.checkfunction();
                int n = tbl.length();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = f.call(valueOf(i), tbl.get(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return NIL;
            }
        });
        return t;
    }

    /** Lua 5.1's string library: C's sprintf for format, and gfind (gmatch's old name). */
    private static LuaTable stringLib(LuaTable lj) {
        LuaTable s = new ProtectedTable();
        for (String f : new String[] {"byte", "char", "dump", "find", "gmatch", "gsub", "len", "lower", "match",
            "rep", "reverse", "sub", "upper"}) {
            s.rawset(f, lj.rawget(f));
        }
        s.rawset("gfind", lj.rawget("gmatch"));
        s.rawset("format", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaFormat.format(args);
            }
        });
        ProtectedTable meta = new ProtectedTable();
        meta.rawset(INDEX, s);
        meta.readonly(true);
        LuaString.s_metatable = meta;
        return s;
    }

    private static final LuaString INDEX = LuaString.valueOf("__index");

    /** Lua 5.1's math library with Redis's deterministic random generator. */
    private static LuaTable mathLib(LuaTable lj, Lrand48 random) {
        LuaTable m = new ProtectedTable();
        for (String f : new String[] {"abs", "acos", "asin", "atan2", "atan", "ceil", "cos", "cosh", "deg", "exp",
            "floor", "fmod", "frexp", "huge", "ldexp", "log", "max", "min", "modf", "pi", "pow", "rad", "sin",
            "sinh", "sqrt", "tan", "tanh"}) {
            m.rawset(f, lj.rawget(f));
        }
        m.rawset("mod", lj.rawget("fmod"));
        m.rawset("log", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue x) {
                return valueOf(Math.log(x.checkdouble()));
            }
        });
        m.rawset("log10", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue x) {
                return valueOf(Math.log10(x.checkdouble()));
            }
        });
        m.rawset("random", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                double r = (double) (random.next() % Lrand48.MAX) / Lrand48.MAX;
                switch (args.narg()) {
                    case 0:
                        return valueOf(r);
                    case 1: {
                        int u = (int) args.checkdouble(1);
                        if (u < 1) {
                            argerror(1, "interval is empty");
                        }
                        return valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = (int) args.checkdouble(1);
                        int u = (int) args.checkdouble(2);
                        if (l > u) {
                            argerror(2, "interval is empty");
                        }
                        return valueOf(Math.floor(r * ((double) u - l + 1)) + l);
                    }
                    default:
                        throw new LuaError("wrong number of arguments");
                }
            }
        });
        m.rawset("randomseed", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue seed) {
                random.seed((int) seed.checkdouble());
                return NONE;
            }
        });
        return m;
    }

    /**
     * Makes every table reachable from {@code t} read-only, metatables included, as Redis's
     * luaSetTableProtectionRecursively. Tables that are not protectable (plain LuaJ tables) are left alone.
     */
    static void protect(LuaValue t, java.util.Set<LuaValue> seen) {
        if (!t.istable() || !seen.add(t)) {
            return;
        }
        LuaValue k = LuaValue.NIL;
        Varargs n;
        while (!(k = (n = t.next(k)).arg1()).isnil()) {
            protect(n.arg(2), seen);
        }
        LuaValue mt = t.getmetatable();
        if (mt != null) {
            protect(mt, seen);
        }
        if (t instanceof ProtectedTable p) {
            p.readonly(true);
        } else if (t instanceof SandboxGlobals g) {
            g.readonly(true);
        }
    }

    /** A metatable whose __index raises Redis's error for nonexistent globals. */
    static ProtectedTable errorMetatable() {
        ProtectedTable mt = new ProtectedTable();
        mt.rawset(INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        return mt;
    }

    // ---- base functions with Lua 5.1 / Redis semantics ----

    /** error(message [, level]): a string message gets the position of the function at {@code level}. */
    static final class Error extends VarArgFunction {
        private final ScriptHook hook;

        Error(ScriptHook hook) {
            this.hook = hook;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue msg = args.arg1();
            int level = args.narg() >= 2 ? (int) args.checkdouble(2) : 1;
            hook.markError();
            if ((msg.type() == TSTRING || msg.type() == TNUMBER) && level > 0) {
                msg = LuaString.valueOf(hook.where(level) + LuaFormat.tostring(msg).tojstring());
            }
            throw new ScriptError(msg);
        }
    }

    /**
     * pcall as Redis 7.0 redefines it: an error table (what redis.call raises) is returned as its {@code err}
     * string, for compatibility with scripts written when errors were strings. A killed script cannot be caught.
     */
    static final class PCall extends VarArgFunction {
        private final ScriptHook hook;

        PCall(ScriptHook hook) {
            this.hook = hook;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            hook.onCall(this);
            try {
                return varargsOf(TRUE, f.invoke(args.subargs(2)).eval());
            } catch (KilledError e) {
                throw e;
            } catch (LuaError e) {
                LuaValue v = hook.errorValue(e);
                if (v != null && v.istable()) {
                    LuaValue err = v.get("err");
                    if (err.isstring()) {
                        v = err;
                    }
                }
                return varargsOf(FALSE, v == null ? NIL : v);
            } catch (StackOverflowError e) {
                return varargsOf(FALSE, valueOf("stack overflow"));
            } finally {
                hook.onReturn();
            }
        }
    }

    /** xpcall(f, handler): Lua 5.1's, the handler receiving the raw error value. */
    static final class XPCall extends VarArgFunction {
        private final ScriptHook hook;

        XPCall(ScriptHook hook) {
            this.hook = hook;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.arg1();
            LuaValue handler = args.arg(2);
            hook.onCall(this);
            try {
                return varargsOf(TRUE, f.invoke(NONE).eval());
            } catch (KilledError e) {
                throw e;
            } catch (LuaError e) {
                LuaValue v = hook.errorValue(e);
                return varargsOf(FALSE, handler.invoke(v == null ? NIL : v).eval());
            } finally {
                hook.onReturn();
            }
        }
    }

    /** tostring: numbers as Lua 5.1's "%.14g", __tostring honoured, other values as "type: 0x..". */
    static final class ToString extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue v) {
            LuaValue h = v.metatag(LuaValue.TOSTRING);
            if (!h.isnil()) {
                return h.call(v);
            }
            return switch (v.type()) {
                case TNUMBER -> LuaFormat.tostring(v);
                case TSTRING -> v;
                case TNIL, TBOOLEAN -> valueOf(v.tojstring());
                default -> valueOf(v.typename() + ": 0x" + String.format("%012x", System.identityHashCode(v)));
            };
        }
    }

    /** gcinfo(): the Lua heap in KB. */
    static final class GcInfo extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            Runtime rt = Runtime.getRuntime();
            return valueOf((int) ((rt.totalMemory() - rt.freeMemory()) / 1024));
        }
    }

    /** loadstring(s [, chunkname]): nil plus the message on a syntax error. */
    static final class LoadString extends VarArgFunction {
        private final State state;

        LoadString(State state) {
            this.state = state;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            String name = args.isnoneornil(2) ? s.tojstring() : args.checkjstring(2);
            return compileOrNil(state, bytes(s), name);
        }
    }

    /** load(func [, chunkname]): Lua 5.1's, reading the chunk from the pieces {@code func} returns. */
    static final class Load extends VarArgFunction {
        private final State state;

        Load(State state) {
            this.state = state;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaFunction f = args.checkfunction(1);
            String name = args.isnoneornil(2) ? "=(load)" : args.checkjstring(2);
            ByteArrayOutputStream code = new ByteArrayOutputStream();
            while (true) {
                LuaValue piece = f.call();
                if (piece.isnil() || (piece.isstring() && piece.checkstring().length() == 0)) {
                    break;
                }
                if (!piece.isstring()) {
                    return varargsOf(NIL, valueOf("reader function must return a string"));
                }
                byte[] b = bytes(piece.checkstring());
                code.write(b, 0, b.length);
            }
            return compileOrNil(state, code.toByteArray(), name);
        }
    }

    private static Varargs compileOrNil(State state, byte[] code, String name) {
        try {
            return state.compile(code, 0, name);
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
        }
    }

    static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.length()];
        s.copyInto(0, b, 0, b.length);
        return b;
    }

    /** The error a killed script raises: pcall rethrows it so the script cannot continue. */
    static final class KilledError extends LuaError {
        private static final long serialVersionUID = 1L;

        KilledError(LuaValue table) {
            super(table);
            this.traceback = "";
        }
    }
}
