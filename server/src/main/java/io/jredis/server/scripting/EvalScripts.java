package io.jredis.server.scripting;

import io.jredis.server.Client;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.BytesKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The EVAL side (Redis's eval.c): one Lua state whose globals are the script environment, and the cache of compiled
 * scripts by SHA1 of their body, filled by EVAL and SCRIPT LOAD and emptied by SCRIPT FLUSH.
 */
public final class EvalScripts {
    /** A cached script: its SHA1, body, compiled chunk and shebang flags. */
    record Script(String sha, byte[] body, LuaFunction fn, int flags) {}

    private final Scripting scripting;
    private final LuaSandbox.State state;
    private final Map<String, Script> scripts = new LinkedHashMap<>();
    /**
     * The same scripts by body, so that an EVAL of a cached script finds it without hashing its body with SHA1,
     * which took a tenth of the engine thread's time under an EVAL load.
     */
    private final Map<BytesKey, Script> byBody = new HashMap<>();
    /**
     * The last body looked up, by identity, and what it found: EVAL's flags (before the call) and its run look up the
     * same argument, and hashing a long body twice was as much as the rest of a short script's run.
     */
    private byte[] lastBody;
    private Script lastScript;
    private long bodyBytes;

    EvalScripts(Scripting scripting) {
        this.scripting = scripting;
        this.state = newState(scripting, scripting.random(), null);
    }

    /** A Lua state with the EVAL environment; with {@code ldb}, the one of a debugging session. */
    static LuaSandbox.State newState(Scripting scripting, Lrand48 random, LuaDebugger ldb) {
        LuaSandbox.State state = LuaSandbox.create(random, scripting.engine().config().luaEnableDeprecatedApi.value());
        SandboxGlobals g = state.globals;
        g.rawset("redis", RedisApi.create(scripting, state.hook, true, ldb));
        g.rawset("__redis__err__handler", new ErrorHandler(state.hook));
        g.setmetatable(LuaSandbox.errorMetatable());
        LuaSandbox.protect(g, new HashSet<>());
        return state;
    }

    public int size() {
        return scripts.size();
    }

    /**
     * INFO used_memory_scripts_eval: the cached bodies plus Redis's per-script bookkeeping (128 bytes in 7.0). An
     * estimate of what Redis would report, since the JVM does not account memory per structure.
     */
    public long memoryOverhead() {
        return bodyBytes + 128L * scripts.size();
    }

    /** INFO used_memory_lua: an idle Lua 5.1 state is 32 KB in Redis; compiled code adds to it by KB. */
    long memory() {
        return 32768 + bodyBytes / 1024 * 1024;
    }

    public boolean exists(String sha) {
        return scripts.containsKey(sha);
    }

    /**
     * Redis's luaCreateFunction: the cached script with this body, compiled and cached if new. Replies the error
     * and returns null when the shebang or the code is invalid.
     */
    public String create(Client c, byte[] body) {
        Script cached = cached(body);
        if (cached != null) {
            return cached.sha();
        }
        String sha = RedisApi.sha1hex(body);
        ScriptFlags.Shebang sb = ScriptFlags.parse(body);
        if (sb.error() != null) {
            scripting.engine().error(c, "ERR " + sb.error());
            return null;
        }
        LuaFunction fn;
        try {
            // The shebang line is skipped but its line feed kept, so line numbers stay the user's.
            fn = state.compile(body, sb.length(), "@user_script");
        } catch (LuaError e) {
            scripting.engine().error(c, "ERR Error compiling script (new function): " + e.getMessage());
            return null;
        }
        Script script = new Script(sha, body, fn, sb.flags());
        scripts.put(sha, script);
        byBody.put(BytesKey.byEnds(body), script);
        lastBody = body;
        lastScript = script;
        bodyBytes += body.length;
        return sha;
    }

    private Script cached(byte[] body) {
        if (body != lastBody) {
            lastScript = byBody.get(BytesKey.byEnds(body));
            lastBody = body;
        }
        return lastScript;
    }

    /** The flags of the script an EVAL or EVALSHA call runs (Redis's evalGetCommandFlags), or -1 when unknown. */
    public int flagsOf(byte[][] argv, boolean evalsha) {
        if (evalsha) {
            Script s = argv[1].length == 40 ? scripts.get(Bytes.str(argv[1]).toLowerCase()) : null;
            return s == null ? -1 : s.flags();
        }
        Script cached = cached(argv[1]);
        if (cached != null) {
            return cached.flags();
        }
        ScriptFlags.Shebang sb = ScriptFlags.parse(argv[1]);
        return sb.error() != null ? -1 : sb.flags();
    }

    /** EVAL / EVALSHA / EVAL_RO / EVALSHA_RO: Redis's evalGenericCommand. */
    public void eval(Client c, byte[][] argv, boolean evalsha, boolean ro) {
        // Inside EXEC a script cannot wait for its debugger: it runs normally.
        boolean debug = c.luaDebug() != 0 && !scripting.engine().inAtomic();
        if (debug && evalsha) {
            scripting.engine().error(c, argv[1].length != 40 ? "NOSCRIPT No matching script. Please use EVAL."
                    : "ERR Please use EVAL instead of EVALSHA for debugging");
            return;
        }
        if (!debug) {
            evalChecked(c, argv, evalsha, ro, false);
        } else if (!evalChecked(c, argv, false, ro, true)) {
            LuaDebugger.abortStart(c);
        }
    }

    /** The checks and the run of EVAL; false when a check failed and replied its error. */
    private boolean evalChecked(Client c, byte[][] argv, boolean evalsha, boolean ro, boolean debug) {
        if (evalsha && argv[1].length != 40) {
            // evalShaCommand rejects a SHA of the wrong length before it parses numkeys.
            scripting.engine().error(c, "NOSCRIPT No matching script. Please use EVAL.");
            return false;
        }
        long[] nk = new long[1];
        if (!Bytes.parseLong(argv[2], nk)) {
            scripting.engine().error(c, "ERR value is not an integer or out of range");
            return false;
        }
        if (nk[0] > argv.length - 3) {
            scripting.engine().error(c, "ERR Number of keys can't be greater than number of args");
            return false;
        }
        if (nk[0] < 0) {
            scripting.engine().error(c, "ERR Number of keys can't be negative");
            return false;
        }
        String sha;
        if (evalsha) {
            sha = Bytes.str(argv[1]).toLowerCase();
            if (argv[1].length != 40 || !scripts.containsKey(sha)) {
                scripting.engine().error(c, "NOSCRIPT No matching script. Please use EVAL.");
                return false;
            }
        } else {
            sha = create(c, argv[1]);
            if (sha == null) {
                return false;
            }
        }
        Script script = scripts.get(sha);
        ScriptRun run = scripting.prepare(c, sha, argv, script.flags(), ro, true);
        if (run == null) {
            return false;
        }
        int numkeys = (int) nk[0];
        LuaTable keys = Scripting.array(argv, 3, 3 + numkeys);
        LuaTable args = Scripting.array(argv, 3 + numkeys, argv.length);
        if (debug) {
            LuaDebugger.start(scripting, run, argv[1], ScriptFlags.parse(argv[1]).length(), keys, args);
            scripting.engine().suppressPropagation();
            return true;
        }
        Scripting.setGlobal(state.globals, "KEYS", keys);
        Scripting.setGlobal(state.globals, "ARGV", args);
        scripting.run(run, state, script.fn(), LuaValue.NONE);
        return true;
    }

    /**
     * {@code __redis__err__handler}: the error handler Redis defines for scripts, which turns an error into the
     * table {@code {err=..., source=..., line=...}} the error reply is built from.
     */
    private static final class ErrorHandler extends OneArgFunction {
        private final ScriptHook hook;

        ErrorHandler(ScriptHook hook) {
            this.hook = hook;
        }

        @Override
        public LuaValue call(LuaValue err) {
            LuaTable t;
            if (err.istable()) {
                t = (LuaTable) err;
            } else {
                t = new Lua51Table();
                t.rawset(LuaReplies.ERR, valueOf("ERR " + LuaFormat.tostring(err).tojstring()));
            }
            ScriptHook.Frames f = hook.frames();
            int i = f.innermostLua();
            if (i >= 0) {
                t.rawset(LuaReplies.SOURCE, ((org.luaj.vm2.LuaClosure) f.fn[i]).p.source);
                t.rawset(LuaReplies.LINE, valueOf(f.line(i)));
            }
            return t;
        }
    }
}
