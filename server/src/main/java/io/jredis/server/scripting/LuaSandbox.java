package io.jredis.server.scripting;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
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
        "pairs", "rawequal", "rawget", "rawset", "select", "setmetatable", "type"};

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

    /**
     * Creates a state with the base environment, and Lua 5.1's setfenv, getfenv and newproxy with
     * {@code deprecatedApi}; the caller adds {@code redis} and protects it.
     */
    static State create(Lrand48 random, boolean deprecatedApi) {
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
        base.rawset("collectgarbage", new CollectGarbage(g.rawget("collectgarbage")));
        LuaTable table = tableLib();
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
        checkBaseArguments(g, base, hook);
        g.rawset("_G", g);
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        g.rawset("error", new Error(hook));
        g.rawset("pcall", new PCall(hook));
        g.rawset("xpcall", new XPCall(hook));
        g.rawset("tostring", new ToString());
        g.rawset("tonumber", new LuaNumbers());
        g.rawset("gcinfo", new GcInfo());
        g.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "unpack");
                int i = (int) LuaArgs.optNumber(args, 2, "unpack", 1);
                int e = args.isnoneornil(3) ? tbl.rawlen() : (int) LuaArgs.number(args, 3, "unpack");
                if (i > e) {
                    return NONE;
                }
                long n = (long) e - i + 1;
                // lua_checkstack: LUAI_MAXCSTACK (8000) slots, the arguments included.
                if (n >= Integer.MAX_VALUE || n + args.narg() > 8000) {
                    throw new LuaError("too many results to unpack");
                }
                LuaValue[] out = new LuaValue[(int) n];
                for (int k = 0; k < n; k++) {
                    out[k] = tbl.rawget(i + k);
                }
                return LuaValue.varargsOf(out);
            }
        });
        g.rawset("loadstring", new LoadString(s));
        g.rawset("load", new Load(s));
        g.rawset("table", table);
        g.rawset("string", string);
        g.rawset("math", math);
        g.rawset("coroutine", coroutine51(coroutine, g, hook));
        g.rawset("cjson", CjsonLib.create());
        g.rawset("bit", BitLib.create());
        g.rawset("struct", StructLib.create());
        g.rawset("cmsgpack", CmsgpackLib.create());
        if (deprecatedApi) {
            DeprecatedLib.install(s);
        }
        return s;
    }

    /** Lua 5.1's table library (ltablib.c); no pack, no unpack (a global). */
    private static LuaTable tableLib() {
        LuaTable t = new ProtectedTable();
        t.rawset("remove", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "remove");
                int e = tbl.rawlen();
                int pos = (int) LuaArgs.optNumber(args, 2, "remove", e);
                if (pos < 1 || pos > e) {
                    return NONE;
                }
                LuaValue removed = tbl.rawget(pos);
                for (; pos < e; pos++) {
                    tbl.rawset(pos, tbl.rawget(pos + 1));
                }
                tbl.rawset(e, NIL);
                return removed;
            }
        });
        t.rawset("concat", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString sep = args.isnoneornil(2) ? EMPTYSTRING : LuaArgs.string(args, 2, "concat");
                LuaTable tbl = table(args, 1, "concat");
                int i = (int) LuaArgs.optNumber(args, 3, "concat", 1);
                int last = args.isnoneornil(4) ? tbl.rawlen() : (int) LuaArgs.number(args, 4, "concat");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (; i <= last; i++) {
                    LuaValue v = tbl.rawget(i);
                    if (v.type() != TSTRING && v.type() != TNUMBER) {
                        throw new LuaError("invalid value (" + v.typename() + ") at index " + i
                                + " in table for 'concat'");
                    }
                    out.writeBytes(bytes(LuaFormat.tostring(v)));
                    if (i < last) {
                        out.writeBytes(bytes(sep));
                    }
                }
                return LuaString.valueUsing(out.toByteArray());
            }
        });
        t.rawset("insert", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "insert");
                int e = tbl.rawlen() + 1;
                int pos;
                switch (args.narg()) {
                    case 2 -> pos = e;
                    case 3 -> {
                        pos = (int) LuaArgs.number(args, 2, "insert");
                        if (pos > e) {
                            e = pos;
                        }
                        for (int i = e; i > pos; i--) {
                            tbl.rawset(i, tbl.rawget(i - 1));
                        }
                    }
                    default -> throw new LuaError("wrong number of arguments to 'insert'");
                }
                tbl.rawset(pos, args.arg(args.narg()));
                return NONE;
            }
        });
        t.rawset("sort", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "sort");
                if (!args.isnoneornil(2) && !args.arg(2).isfunction()) {
                    throw LuaArgs.typeError(args, 2, "sort", "function");
                }
                new TableSort(tbl, args.isnoneornil(2) ? null : args.arg(2)).sort(1, tbl.rawlen());
                return NONE;
            }
        });
        t.rawset("getn", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return valueOf(table(args, 1, "getn").rawlen());
            }
        });
        t.rawset("setn", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                table(args, 1, "setn");
                throw new LuaError("'setn' is obsolete");
            }
        });
        t.rawset("maxn", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "maxn");
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
        t.rawset("foreach", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "foreach");
                LuaValue f = function(args, 2, "foreach");
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
        t.rawset("foreachi", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable tbl = table(args, 1, "foreachi");
                LuaValue f = function(args, 2, "foreachi");
                int n = tbl.length();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = f.call(valueOf(i), tbl.rawget(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return NIL;
            }
        });
        return t;
    }

    /**
     * The coroutine library as Lua 5.1 has it for the main thread, which is no coroutine: running() gives nil and
     * yield() raises "attempt to yield across metamethod/C-call boundary" without a position; resume and status
     * want a coroutine.
     */
    private static LuaTable coroutine51(LuaTable lj, org.luaj.vm2.Globals g, ScriptHook hook) {
        LuaValue running = lj.rawget("running");
        lj.rawset("running", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return g.running.isMainThread() ? NIL : running.invoke(args);
            }
        });
        for (String name : new String[] {"resume", "status"}) {
            LuaValue fn = lj.rawget(name);
            boolean resume = name.equals("resume");
            lj.rawset(name, new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    // getco: luaL_argcheck(L, co, 1, "coroutine expected").
                    if (!args.arg1().isthread()) {
                        throw LuaArgs.callerArgError(1, "coroutine expected");
                    }
                    Varargs r = fn.invoke(args);
                    return resume ? errorValue(hook, args.arg1(), r) : r;
                }
            });
        }
        LuaValue create = lj.rawget("create");
        lj.rawset("create", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return create.invoke(luaFunction(args));
            }
        });
        LuaValue resume = lj.rawget("resume");
        lj.rawset("wrap", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue co = create.invoke(luaFunction(args)).arg1();
                return new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs a) {
                        Varargs r = hook.keepingTailCall(() -> resume.invoke(varargsOf(co, a)));
                        if (r.arg1().toboolean()) {
                            return r.subargs(2);
                        }
                        // auxwrap: a string error gets the position of the wrapped function's caller in front of
                        // the one it has; any other value passes through as it is.
                        LuaValue e = r.arg(2);
                        if (e.type() == TSTRING || e.type() == TNUMBER) {
                            e = LuaString.valueOf(hook.where(1) + LuaFormat.tostring(e).tojstring());
                        }
                        hook.markError();
                        throw new ScriptError(e);
                    }
                };
            }
        });
        LuaValue yield = lj.rawget("yield");
        lj.rawset("yield", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (g.running.isMainThread()) {
                    hook.markError();
                    throw new ScriptError(valueOf("attempt to yield across metamethod/C-call boundary"));
                }
                return yield.invoke(args);
            }
        });
        return lj;
    }

    /** luaB_cocreate's check: a Lua function, not a C one. */
    private static LuaValue luaFunction(Varargs args) {
        if (!(args.arg1() instanceof LuaClosure)) {
            throw LuaArgs.callerArgError(1, "Lua function expected");
        }
        return args.arg1();
    }

    /** A failed resume's error value: the raised one when LuaJ passed it on as empty text (see ScriptHook#raised). */
    private static Varargs errorValue(ScriptHook hook, LuaValue co, Varargs r) {
        if (r.arg1().toboolean() || r.arg(2).type() != LuaValue.TSTRING || r.arg(2).checkstring().length() != 0) {
            return r;
        }
        LuaValue v = hook.raisedIn(co);
        return v == null ? r : LuaValue.varargsOf(LuaValue.FALSE, v);
    }

    /** luaL_checktype(L, arg, LUA_TFUNCTION). */
    private static LuaValue function(Varargs args, int arg, String fname) {
        if (!args.arg(arg).isfunction()) {
            throw LuaArgs.typeError(args, arg, fname, "function");
        }
        return args.arg(arg);
    }

    /** luaL_checktype(L, arg, LUA_TTABLE). */
    private static LuaTable table(Varargs args, int arg, String fname) {
        if (!args.arg(arg).istable()) {
            throw LuaArgs.typeError(args, arg, fname, "table");
        }
        return (LuaTable) args.arg(arg);
    }

    /**
     * Lua 5.1's table.sort (ltablib.c's auxsort), step for step: with an inconsistent order function or equal keys
     * the result depends on the algorithm, and so do the errors.
     */
    private static final class TableSort {
        private final LuaTable a;
        private final LuaValue comparator;

        TableSort(LuaTable a, LuaValue comparator) {
            this.a = a;
            this.comparator = comparator;
        }

        private boolean less(LuaValue x, LuaValue y) {
            if (comparator != null) {
                return comparator.call(x, y).toboolean();
            }
            if (x.type() == LuaValue.TNUMBER && y.type() == LuaValue.TNUMBER) {
                return x.todouble() < y.todouble();
            }
            if (x.type() == LuaValue.TSTRING && y.type() == LuaValue.TSTRING) {
                return compareBytes(x.checkstring(), y.checkstring()) < 0;
            }
            if (x.type() == y.type() && x.getmetatable() != null && !x.getmetatable().rawget(LT).isnil()) {
                return x.lt_b(y);
            }
            // luaG_ordererror, raised inside the C function: Lua adds no position.
            String t1 = x.typename();
            String t2 = y.typename();
            throw new LuaError(t1.equals(t2) ? "attempt to compare two " + t1 + " values"
                    : "attempt to compare " + t1 + " with " + t2, 0);
        }

        private static int compareBytes(LuaString x, LuaString y) {
            int n = Math.min(x.length(), y.length());
            for (int i = 0; i < n; i++) {
                int d = x.luaByte(i) - y.luaByte(i);
                if (d != 0) {
                    return d;
                }
            }
            return x.length() - y.length();
        }

        void sort(int l, int u) {
            while (l < u) {
                if (less(a.rawget(u), a.rawget(l))) {
                    swap(l, u);
                }
                if (u - l == 1) {
                    break;
                }
                int i = (l + u) / 2;
                if (less(a.rawget(i), a.rawget(l))) {
                    swap(i, l);
                } else if (less(a.rawget(u), a.rawget(i))) {
                    swap(i, u);
                }
                if (u - l == 2) {
                    break;
                }
                LuaValue p = a.rawget(i);
                swap(i, u - 1);
                i = l;
                int j = u - 1;
                for (;;) {
                    while (less(a.rawget(++i), p)) {
                        if (i > u) {
                            throw new LuaError("invalid order function for sorting");
                        }
                    }
                    while (less(p, a.rawget(--j))) {
                        if (j < l) {
                            throw new LuaError("invalid order function for sorting");
                        }
                    }
                    if (j < i) {
                        break;
                    }
                    swap(i, j);
                }
                swap(u - 1, i);
                if (i - l < u - i) {
                    j = l;
                    i = i - 1;
                    l = i + 2;
                } else {
                    j = i + 1;
                    i = u;
                    u = j - 2;
                }
                sort(j, i);
            }
        }

        private void swap(int i, int j) {
            LuaValue t = a.rawget(i);
            a.rawset(i, a.rawget(j));
            a.rawset(j, t);
        }
    }

    private static final LuaString LT = LuaString.valueOf("__lt");

    /**
     * The string library every Lua state shares. LuaJ's string metatable is one JVM-wide static whose __index must be
     * the very table scripts see as {@code string} ({@code getmetatable('').__index == string} is true in Redis), so
     * the EVAL and FUNCTION states (and every server in the JVM) get one read-only table.
     */
    private static LuaTable sharedString;

    /** Lua 5.1's string library: C's sprintf for format, and gfind (gmatch's old name). */
    private static synchronized LuaTable stringLib(LuaTable lj) {
        if (sharedString != null) {
            return sharedString;
        }
        ProtectedTable s = new ProtectedTable();
        for (String f : new String[] {"byte", "len", "reverse", "sub"}) {
            s.rawset(f, new StringFunction(f, lj.rawget(f), false, 1));
        }
        s.rawset("lower", new StringFunction("lower", asciiCase('A', 'Z', 'a' - 'A'), false, 1));
        s.rawset("upper", new StringFunction("upper", asciiCase('a', 'z', 'A' - 'a'), false, 1));
        s.rawset("dump", lj.rawget("dump"));
        LuaValue ljChar = lj.rawget("char");
        s.rawset("char", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // str_char checks each argument in turn, where LuaJ's index-less error leaves it to be guessed.
                for (int i = 1; i <= args.narg(); i++) {
                    LuaArgs.callerNumber(args, i);
                }
                return ljChar.invoke(args);
            }
        });
        for (String f : new String[] {"find", "gmatch", "gsub", "match"}) {
            s.rawset(f, new StringFunction(f, lj.rawget(f), true, 1, 2));
        }
        s.rawset("gfind", s.rawget("gmatch"));
        s.rawset("rep", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString str = LuaArgs.callerString(args, 1);
                int n = (int) LuaArgs.callerNumber(args, 2);
                if (n <= 0 || str.length() == 0) {
                    return EMPTYSTRING;
                }
                if ((long) str.length() * n > Integer.MAX_VALUE - 8) {
                    throw new LuaError("not enough memory");
                }
                byte[] out = new byte[str.length() * n];
                for (int i = 0; i < n; i++) {
                    str.copyInto(0, out, i * str.length(), str.length());
                }
                return LuaString.valueUsing(out);
            }
        });
        s.rawset("format", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaFormat.format(args);
            }
        });
        ProtectedTable meta = new ProtectedTable();
        meta.rawset(INDEX, s);
        meta.readonly(true);
        s.readonly(true);
        LuaString.s_metatable = meta;
        sharedString = s;
        return s;
    }

    private static final LuaString INDEX = LuaString.valueOf("__index");

    /**
     * A function of LuaJ's string library with Lua 5.1's behaviour around it: number arguments that stand for strings
     * become Lua 5.1's text for them (LuaJ would write doubles as Java floats), and for pattern functions the
     * replacement values and the errors of malformed patterns are Lua 5.1's (LuaJ's matcher reads past the end of
     * such patterns, where C reads the terminating NUL).
     */
    /**
     * str_lower / str_upper: C's tolower / toupper in the "C" locale change ASCII letters only; LuaJ's decode the
     * bytes as UTF-8 and change (and re-encode) any letter Java knows, mangling other bytes.
     */
    private static LuaValue asciiCase(int from, int to, int shift) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString str = LuaArgs.callerString(args, 1);
                byte[] out = new byte[str.length()];
                for (int i = 0; i < out.length; i++) {
                    int c = str.luaByte(i);
                    out[i] = (byte) (c >= from && c <= to ? c + shift : c);
                }
                return LuaString.valueUsing(out);
            }
        };
    }

    private static final class StringFunction extends VarArgFunction {
        private final String fname;
        private final LuaValue fn;
        private final boolean pattern;
        private final int[] stringArgs;

        StringFunction(String fname, LuaValue fn, boolean pattern, int... stringArgs) {
            this.fname = fname;
            this.fn = fn;
            this.pattern = pattern;
            this.stringArgs = stringArgs;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue[] a = new LuaValue[args.narg()];
            for (int i = 0; i < a.length; i++) {
                a[i] = args.arg(i + 1);
            }
            for (int i : stringArgs) {
                if (i <= a.length && a[i - 1].type() == TNUMBER) {
                    a[i - 1] = LuaFormat.tostring(a[i - 1]);
                }
            }
            if (!pattern) {
                return fn.invoke(a);
            }
            LuaValue pat = a.length >= 2 && a[1].isstring() ? a[1] : NIL;
            if (fname.equals("gsub")) {
                LuaArgs.callerString(args, 1);
                LuaArgs.callerString(args, 2);
                if (a.length < 3) {
                    throw LuaArgs.callerArgError(3, "string/function/table expected");
                }
                a[2] = replacement(a[2]);
                if (!args.isnoneornil(4)) {
                    LuaArgs.callerNumber(args, 4);
                }
            }
            if (pat.isstring() && a[0].isstring() && LuaPatterns.needed(a[0].checkstring(), pat.checkstring())) {
                return lua51(args, a, pat.checkstring());
            }
            Varargs result = matching(fn, LuaValue.varargsOf(a), pat);
            if (fname.equals("gmatch")) {
                LuaValue iterator = result.arg1();
                return new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs iterArgs) {
                        return matching(iterator, iterArgs, pat);
                    }
                };
            }
            return result;
        }

        /** Lua 5.1's matcher, where LuaJ's would answer otherwise (see {@link LuaPatterns#needed}). */
        private Varargs lua51(Varargs args, LuaValue[] a, LuaString pat) {
            LuaArgs.callerString(args, 1);
            LuaString s = a[0].checkstring();
            switch (fname) {
                case "gmatch":
                    return LuaPatterns.gmatch(s, pat);
                case "gsub":
                    return LuaPatterns.gsub(s, pat, a[2],
                            args.isnoneornil(4) ? s.length() + 1 : (int) LuaArgs.callerNumber(args, 4));
                default:
                    boolean find = fname.equals("find");
                    if (find && a.length >= 4 && a[3].toboolean()) {
                        return matching(fn, LuaValue.varargsOf(a), pat);
                    }
                    double init = args.isnoneornil(3) ? 1 : LuaArgs.callerNumber(args, 3);
                    return LuaPatterns.find(s, pat, init, find);
            }
        }

        /** gsub's replacement: numbers, and what functions and tables give, in Lua 5.1's text for numbers. */
        private static LuaValue replacement(LuaValue repl) {
            switch (repl.type()) {
                case TNUMBER:
                    return replacementString(LuaFormat.tostring(repl));
                case TSTRING:
                    return replacementString(repl.checkstring());
                case TFUNCTION:
                    return new VarArgFunction() {
                        @Override
                        public Varargs invoke(Varargs captures) {
                            return numberText(repl.invoke(captures).arg1());
                        }
                    };
                case TTABLE:
                    return new VarArgFunction() {
                        @Override
                        public Varargs invoke(Varargs captures) {
                            return numberText(repl.get(captures.arg1()));
                        }
                    };
                default:
                    throw LuaArgs.callerArgError(3, "string/function/table expected");
            }
        }

        private static LuaValue numberText(LuaValue v) {
            return v.type() == TNUMBER ? LuaFormat.tostring(v) : v;
        }

        /** A replacement ending in a lone '%': C's add_s reads the NUL after it and adds that. */
        private static LuaValue replacementString(LuaString r) {
            int n = r.length();
            int i = 0;
            boolean loneEscape = false;
            while (i < n) {
                if (r.luaByte(i) == '%') {
                    loneEscape = i == n - 1;
                    i += 2;
                } else {
                    i++;
                }
            }
            return loneEscape ? r.concat(LuaString.valueOf(new byte[] {0})) : r;
        }

        private static Varargs matching(LuaValue fn, Varargs args, LuaValue pat) {
            try {
                return fn.invoke(args);
            } catch (IndexOutOfBoundsException e) {
                throw new LuaError(malformed(pat.isstring() ? pat.checkstring() : EMPTYSTRING));
            } catch (LuaError e) {
                String m = e.getMessageObject() != null && e.getMessageObject().isstring()
                        ? e.getMessageObject().tojstring() : null;
                String fixed = m == null ? null : switch (m) {
                    case "malformed pattern (ends with %)" -> "malformed pattern (ends with '%')";
                    case "malformed pattern (missing ])" -> "malformed pattern (missing ']')";
                    case "Missing [ after %f in pattern" -> "missing '[' after '%f' in pattern";
                    default -> null;
                };
                throw fixed == null ? e : new LuaError(fixed);
            }
        }

        /** The error Lua 5.1 raises for the first malformed item of a pattern LuaJ's matcher ran off the end of. */
        private static String malformed(LuaString p) {
            int n = p.length();
            int i = 0;
            while (i < n) {
                int c = p.luaByte(i++);
                if (c == '%') {
                    if (i >= n) {
                        return "malformed pattern (ends with '%')";
                    }
                    if (p.luaByte(i) == 'f' && (i + 1 >= n || p.luaByte(i + 1) != '[')) {
                        return "missing '[' after '%f' in pattern";
                    }
                    i++;
                } else if (c == '[') {
                    if (i < n && p.luaByte(i) == '^') {
                        i++;
                    }
                    // The first character of a set is never its end, as in Lua 5.1's classEnd.
                    do {
                        if (i >= n) {
                            return "malformed pattern (missing ']')";
                        }
                        if (p.luaByte(i++) == '%' && i < n) {
                            i++;
                        }
                    } while (i >= n || p.luaByte(i) != ']');
                    i++;
                }
            }
            return "malformed pattern (missing ']')";
        }
    }

    private static LuaValue numberChecked(LuaValue fn, int... order) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                for (int i : order) {
                    LuaArgs.callerNumber(args, i);
                }
                return fn.invoke(args);
            }
        };
    }

    /**
     * A math function whose zero results carry the sign C's libm gives them, which LuaJ's valueOf drops
     * (ceil(-0.5), fmod(-1, 1), atan2(-0, 1), pow(-0, 1) are -0 in Lua 5.1). {@code sign} is the function in Java's
     * doubles, which have the same signed zeros, and is asked only when LuaJ's result is zero; {@code results} is
     * how many leading results are numbers that can be a signed zero (frexp's exponent is not).
     */
    private static LuaValue signedZero(LuaValue fn, DoubleBinaryOperator sign, int results) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                Varargs r = fn.invoke(args);
                LuaValue[] out = null;
                for (int i = 1; i <= results && i <= r.narg(); i++) {
                    LuaValue v = r.arg(i);
                    if (v.todouble() == 0 && Double.doubleToRawLongBits(
                            sign.applyAsDouble(args.arg1().todouble(), args.arg(2).optdouble(0))) == Long.MIN_VALUE) {
                        if (out == null) {
                            out = new LuaValue[r.narg()];
                            for (int j = 0; j < out.length; j++) {
                                out[j] = r.arg(j + 1);
                            }
                        }
                        out[i - 1] = Lua51Compiler.NEGATIVE_ZERO;
                    }
                }
                return out == null ? r : varargsOf(out);
            }
        };
    }

    /** A NaN with the sign bit clear: glibc's "nan". */
    private static final double POSITIVE_NAN = Double.longBitsToDouble(0x7ff8000000000000L);

    /**
     * A math function of which glibc answers a domain error (acos(2), asin(2), log10(-1)) with a NaN whose sign bit is
     * clear ("nan"), where Java's has it set.
     */
    private static LuaValue domainNaN(LuaValue fn) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                Varargs r = fn.invoke(args);
                return Double.isNaN(r.arg1().todouble()) && !Double.isNaN(args.arg1().todouble())
                        ? valueOf(POSITIVE_NAN) : r;
            }
        };
    }

    /** Lua 5.1's math library with Redis's deterministic random generator. */
    private static LuaTable mathLib(LuaTable lj, Lrand48 random) {
        LuaTable m = new ProtectedTable();
        for (String f : new String[] {"huge", "pi"}) {
            m.rawset(f, lj.rawget(f));
        }
        // Lua 5.1's luaL_checknumber calls in front of LuaJ's functions, in the order Redis's build evaluates them:
        // the two of atan2(y, x) are C call arguments, which gcc evaluates last first.
        for (String f : new String[] {"abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "deg", "exp", "floor",
            "frexp", "modf", "rad", "sin", "sinh", "sqrt", "tan", "tanh"}) {
            m.rawset(f, numberChecked(lj.rawget(f), 1));
        }
        for (String f : new String[] {"atan2", "fmod", "ldexp", "pow"}) {
            m.rawset(f, numberChecked(lj.rawget(f), 2, 1));
        }
        Map<String, DoubleBinaryOperator> signs = Map.ofEntries(
                Map.entry("asin", (x, y) -> Math.asin(x)),
                Map.entry("atan", (x, y) -> Math.atan(x)),
                Map.entry("ceil", (x, y) -> Math.ceil(x)),
                Map.entry("deg", (x, y) -> x * (180 / Math.PI)),
                Map.entry("floor", (x, y) -> Math.floor(x)),
                Map.entry("rad", (x, y) -> x * (Math.PI / 180)),
                Map.entry("sin", (x, y) -> Math.sin(x)),
                Map.entry("sinh", (x, y) -> Math.sinh(x)),
                Map.entry("sqrt", (x, y) -> Math.sqrt(x)),
                Map.entry("tan", (x, y) -> Math.tan(x)),
                Map.entry("tanh", (x, y) -> Math.tanh(x)),
                Map.entry("atan2", Math::atan2),
                Map.entry("fmod", (x, y) -> x % y),
                Map.entry("ldexp", (x, y) -> Math.scalb(x, (int) y)),
                Map.entry("pow", Math::pow),
                // A zero mantissa or part of modf has the sign of the argument.
                Map.entry("frexp", (x, y) -> Math.copySign(0.0, x)),
                Map.entry("modf", (x, y) -> Math.copySign(0.0, x)));
        signs.forEach((f, sign) -> m.rawset(f, signedZero(m.rawget(f), sign, f.equals("modf") ? 2 : 1)));
        for (String f : new String[] {"acos", "asin"}) {
            m.rawset(f, domainNaN(m.rawget(f)));
        }
        for (String f : new String[] {"max", "min"}) {
            boolean max = f.equals("max");
            m.rawset(f, new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    // math_max/math_min: the first argument, replaced only by a strictly greater (lesser) one, so
                    // the result is one of the arguments, a negative zero with its sign.
                    double r = LuaArgs.callerNumber(args, 1);
                    for (int i = 2; i <= args.narg(); i++) {
                        double d = LuaArgs.callerNumber(args, i);
                        if (max ? d > r : d < r) {
                            r = d;
                        }
                    }
                    return LuaNumbers.number(r);
                }
            });
        }
        m.rawset("mod", m.rawget("fmod"));
        m.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return valueOf(Math.log(LuaArgs.number(args, 1, "log")));
            }
        });
        m.rawset("log10", domainNaN(new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return valueOf(Math.log10(LuaArgs.number(args, 1, "log10")));
            }
        }));
        m.rawset("random", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                double r = (double) (random.next() % Lrand48.MAX) / Lrand48.MAX;
                switch (args.narg()) {
                    case 0:
                        return valueOf(r);
                    case 1: {
                        int u = (int) LuaArgs.number(args, 1, "random");
                        if (u < 1) {
                            argerror(1, "interval is empty");
                        }
                        return valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = (int) LuaArgs.number(args, 1, "random");
                        int u = (int) LuaArgs.number(args, 2, "random");
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
        m.rawset("randomseed", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                random.seed((int) LuaArgs.number(args, 1, "randomseed"));
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
            int level = args.isnoneornil(2) ? 1 : (int) LuaArgs.callerNumber(args, 2);
            hook.markError();
            if ((msg.type() == TSTRING || msg.type() == TNUMBER) && level > 0) {
                msg = LuaString.valueOf(hook.where(level) + LuaFormat.tostring(msg).tojstring());
            }
            hook.raised(msg);
            throw new ScriptError(msg);
        }
    }

    /**
     * pcall as Redis 7.0 redefines it: an error table (what redis.call raises) is returned as its {@code err}
     * string, for compatibility with scripts written when errors were strings. A killed script cannot be caught.
     */
    /**
     * Lua 5.1's argument checks in front of LuaJ's base functions, which check in another order (the key of rawget
     * before its table), with other texts ("value expected" for a missing table) or not at all (assert()).
     */
    private static void checkBaseArguments(LuaTable g, LuaTable base, ScriptHook hook) {
        checked(g, base, "setmetatable", a -> {
            tableArg(a, 1);
            if (a.narg() < 2 || (a.arg(2).type() != LuaValue.TNIL && a.arg(2).type() != LuaValue.TTABLE)) {
                throw LuaArgs.callerArgError(2, "nil or table expected");
            }
        });
        checked(g, base, "rawget", a -> {
            tableArg(a, 1);
            anyArg(a, 2);
        });
        checked(g, base, "rawset", a -> {
            tableArg(a, 1);
            anyArg(a, 2);
            anyArg(a, 3);
            LuaValue key = a.arg(2);
            if (key.isnil() || (key.type() == LuaValue.TNUMBER && Double.isNaN(key.todouble()))) {
                // luaH_set raises it inside rawset, a C function: no position.
                hook.markError();
                throw new ScriptError(LuaValue.valueOf(key.isnil() ? "table index is nil" : "table index is NaN"));
            }
        });
        checked(g, base, "next", a -> tableArg(a, 1));
        checked(g, base, "ipairs", a -> tableArg(a, 1));
        checked(g, base, "pairs", a -> tableArg(a, 1));
        checked(g, base, "select", a -> {
            LuaValue n = a.arg1();
            if (!(n.type() == LuaValue.TSTRING && n.tojstring().equals("#"))) {
                LuaArgs.callerNumber(a, 1);
            }
        });
        checked(g, base, "assert", a -> anyArg(a, 1));
        checked(g, base, "collectgarbage", a -> {
            if (!a.isnoneornil(1)) {
                String opt = LuaArgs.callerString(a, 1).tojstring();
                if (!java.util.List.of("stop", "restart", "collect", "count", "step", "setpause", "setstepmul")
                        .contains(opt)) {
                    throw LuaArgs.callerArgError(1, "invalid option '" + opt + "'");
                }
            }
            if (!a.isnoneornil(2)) {
                LuaArgs.callerNumber(a, 2);
            }
        });
        LuaValue next = g.rawget("next");
        g.rawset("next", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                try {
                    return next.invoke(a);
                } catch (LuaError e) {
                    if (e instanceof ScriptError || e.getMessageObject() == null
                            || !"invalid key to 'next'".equals(e.getMessageObject().tojstring())) {
                        throw e;
                    }
                    // luaH_next raises it inside next, a C function: no position.
                    hook.markError();
                    throw new ScriptError(LuaValue.valueOf("invalid key to 'next'"));
                }
            }
        });
    }

    private static void checked(LuaTable g, LuaTable base, String name, java.util.function.Consumer<Varargs> check) {
        LuaValue fn = base.rawget(name);
        g.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                check.accept(a);
                return fn.invoke(a);
            }
        });
    }

    /** luaL_checktype(L, i, LUA_TTABLE). */
    private static void tableArg(Varargs a, int i) {
        if (a.arg(i).type() != LuaValue.TTABLE) {
            throw LuaArgs.callerArgError(i, "table expected, got " + (i > a.narg() ? "no value" : a.arg(i).typename()));
        }
    }

    /** luaL_checkany. */
    private static void anyArg(Varargs a, int i) {
        if (i > a.narg()) {
            throw LuaArgs.callerArgError(i, "value expected");
        }
    }

    private static final LuaString ERROR_IN_ERROR_HANDLING = LuaValue.valueOf("error in error handling");

    private static boolean callable(LuaValue f) {
        return f.isfunction() || !f.metatag(LuaValue.CALL).isnil();
    }

    /** What luaD_call raises for a value that is no function, pcall's second result with no position. */
    private static LuaValue callError(LuaValue f) {
        return LuaValue.valueOf("attempt to call a " + f.typename() + " value");
    }

    static final class PCall extends VarArgFunction {
        private final ScriptHook hook;

        PCall(ScriptHook hook) {
            this.hook = hook;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            if (!callable(f)) {
                return varargsOf(FALSE, callError(f));
            }
            hook.onCall(this);
            try {
                return varargsOf(TRUE, f.invoke(args.subargs(2)).eval());
            } catch (KilledError e) {
                throw e;
            } catch (LuaError e) {
                LuaValue v = LuaErrorText.calledByPcall(hook.errorValue(e), f, args.subargs(2));
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
            if (args.narg() < 2) {
                throw LuaArgs.callerArgError(2, "value expected");
            }
            LuaValue f = args.arg1();
            LuaValue handler = args.arg(2);
            hook.onCall(this);
            try {
                LuaValue v;
                try {
                    if (!callable(f)) {
                        v = callError(f);
                    } else {
                        return varargsOf(TRUE, f.invoke(NONE).eval());
                    }
                } catch (KilledError e) {
                    throw e;
                } catch (LuaError e) {
                    v = LuaErrorText.calledByPcall(hook.errorValue(e), f, NONE);
                }
                // luaD_throw's LUA_ERRERR: a handler that fails, or is no function, gives this text instead.
                if (!callable(handler)) {
                    return varargsOf(FALSE, ERROR_IN_ERROR_HANDLING);
                }
                try {
                    return varargsOf(FALSE, handler.invoke(v == null ? NIL : v).eval());
                } catch (KilledError e) {
                    throw e;
                } catch (LuaError | StackOverflowError e) {
                    return varargsOf(FALSE, ERROR_IN_ERROR_HANDLING);
                }
            } finally {
                hook.onReturn();
            }
        }
    }

    /** tostring: numbers as Lua 5.1's "%.14g", __tostring honoured, other values as "type: 0x..". */
    static final class ToString extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            anyArg(args, 1);
            return call(args.arg1());
        }

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
                // A light userdata holding NULL, which glibc's %p prints as "(nil)".
                case TUSERDATA -> v == CjsonLib.NULL ? valueOf("userdata: (nil)")
                        : valueOf("userdata: 0x" + String.format("%012x", System.identityHashCode(v)));
                default -> valueOf(v.typename() + ": 0x" + String.format("%012x", System.identityHashCode(v)));
            };
        }
    }

    /**
     * Lua 5.1's collectgarbage over LuaJ's ("collect" and "count" are its): "setpause" and "setstepmul" set the
     * collector's figures and answer the previous ones (200 each, as lua_newstate sets them), "stop" and "restart"
     * answer 0, and "step" reports no finished cycle (Redis's scripts run on a heap where one step finishes none),
     * where LuaJ refuses the first four and collects for a step.
     */
    static final class CollectGarbage extends VarArgFunction {
        private final LuaValue luaj;
        private int pause = 200;
        private int stepmul = 200;

        CollectGarbage(LuaValue luaj) {
            this.luaj = luaj;
        }

        @Override
        public Varargs invoke(Varargs args) {
            String opt = args.isnoneornil(1) ? "collect" : args.arg1().tojstring();
            int ex = args.isnoneornil(2) ? 0 : (int) args.arg(2).todouble();
            int previous;
            switch (opt) {
                case "setpause" -> {
                    previous = pause;
                    pause = ex;
                }
                case "setstepmul" -> {
                    previous = stepmul;
                    stepmul = ex;
                }
                case "step" -> {
                    return FALSE;
                }
                case "stop", "restart" -> previous = 0;
                default -> {
                    return luaj.invoke(args);
                }
            }
            return valueOf(previous);
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
