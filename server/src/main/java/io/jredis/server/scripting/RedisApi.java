package io.jredis.server.scripting;

import io.jredis.server.Engine;
import io.jredis.server.log.Log;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** The {@code redis} table scripts and functions see (Redis 7.0's script_lua.c API). */
final class RedisApi {
    static final int REPL_NONE = 0;
    static final int REPL_AOF = Engine.PROPAGATE_AOF;
    static final int REPL_REPLICA = Engine.PROPAGATE_REPL;
    static final int REPL_ALL = REPL_AOF | REPL_REPLICA;
    /** REDIS_VERSION_NUM of 7.0.15. */
    private static final int VERSION_NUM = 0x07000f;

    private RedisApi() {}

    private interface Fn {
        Varargs apply(Varargs args);
    }

    private static void add(LuaTable t, String name, Fn fn) {
        t.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return fn.apply(args);
            }
        });
    }

    /** Raises an error table as redis.call does (luaPushError + lua_error), recording where it happened. */
    static LuaError raise(ScriptHook hook, LuaTable error) {
        hook.markError();
        hook.raised(error);
        return new ScriptError(error);
    }

    /** The full API of scripts and functions at run time; EVAL scripts also get the deprecated helpers. */
    static LuaTable create(Scripting s, ScriptHook hook, boolean evalMode) {
        return create(s, hook, evalMode, null);
    }

    /** The API with redis.breakpoint() and redis.debug() working for a debugging session ({@code ldb} not null). */
    static LuaTable create(Scripting s, ScriptHook hook, boolean evalMode, LuaDebugger ldb) {
        ProtectedTable t = new ProtectedTable();
        add(t, "call", a -> s.redisCall(hook, a, true));
        add(t, "pcall", a -> s.redisCall(hook, a, false));
        logAndVersion(t, s.engine(), hook);
        add(t, "setresp", a -> {
            ScriptRun run = s.running();
            if (run == null) {
                throw raise(hook, LuaReplies.errorTable("redis.setresp can only be called inside a script invocation",
                        false));
            }
            if (a.narg() != 1) {
                throw raise(hook, LuaReplies.errorTable("redis.setresp() requires one argument.", false));
            }
            int resp = (int) a.arg1().todouble();
            if (resp != 2 && resp != 3) {
                throw raise(hook, LuaReplies.errorTable("RESP version must be 2 or 3.", false));
            }
            run.resp = resp;
            return LuaValue.NONE;
        });
        add(t, "sha1hex", a -> {
            if (a.narg() != 1) {
                throw raise(hook, LuaReplies.errorTable("wrong number of arguments", false));
            }
            LuaValue v = a.arg1();
            byte[] data = v.type() == LuaValue.TNUMBER ? LuaFormat.tostring(v).tojstring()
                    .getBytes(StandardCharsets.US_ASCII) : v.isstring() ? LuaSandbox.bytes(v.checkstring())
                    : new byte[0];
            return LuaValue.valueOf(sha1hex(data));
        });
        add(t, "error_reply", a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return LuaReplies.errorTable("wrong number or type of arguments", false);
            }
            String err = a.arg1().tojstring();
            return LuaReplies.errorTable(err.startsWith("-") ? err : "-" + err, true);
        });
        add(t, "status_reply", a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return LuaReplies.errorTable("wrong number or type of arguments", false);
            }
            LuaTable r = new Lua51Table();
            r.rawset(LuaReplies.OK, a.arg1());
            return r;
        });
        add(t, "set_repl", a -> {
            ScriptRun run = s.running();
            if (run == null) {
                throw raise(hook, LuaReplies.errorTable("redis.set_repl can only be called inside a script invocation",
                        false));
            }
            if (a.narg() != 1) {
                throw raise(hook, LuaReplies.errorTable("redis.set_repl() requires two arguments.", false));
            }
            int flags = (int) a.arg1().todouble();
            if ((flags & ~REPL_ALL) != 0) {
                throw raise(hook, LuaReplies.errorTable(
                        "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.", false));
            }
            run.replFlags = flags;
            return LuaValue.NONE;
        });
        t.rawset("REPL_NONE", LuaValue.valueOf(REPL_NONE));
        t.rawset("REPL_AOF", LuaValue.valueOf(REPL_AOF));
        t.rawset("REPL_SLAVE", LuaValue.valueOf(REPL_REPLICA));
        t.rawset("REPL_REPLICA", LuaValue.valueOf(REPL_REPLICA));
        t.rawset("REPL_ALL", LuaValue.valueOf(REPL_ALL));
        add(t, "acl_check_cmd", a -> {
            if (s.running() == null) {
                throw raise(hook, LuaReplies.errorTable(
                        "redis.acl_check_cmd can only be called inside a script invocation", false));
            }
            byte[][] argv = s.arguments(hook, a);
            io.jredis.server.command.CommandSpec cmd = s.lookup(argv);
            if (cmd == null) {
                throw raise(hook, LuaReplies.errorTable("Invalid command passed to redis.acl_check_cmd()", false));
            }
            ScriptRun run = s.running();
            return LuaValue.valueOf(run.debugger == null ? s.aclAllows(run.caller, cmd, argv)
                    : run.debugger.onEngine(() -> s.aclAllows(run.caller, cmd, argv)));
        });
        if (evalMode) {
            add(t, "replicate_commands", a -> LuaValue.TRUE);
            add(t, "breakpoint", a -> ldb == null ? LuaValue.FALSE : ldb.breakpoint());
            add(t, "debug", a -> {
                if (ldb != null) {
                    ldb.debug(a);
                }
                return LuaValue.NONE;
            });
        }
        return t;
    }

    /** redis.log, the LOG_* levels and the version fields, which the FUNCTION LOAD environment also has. */
    static void logAndVersion(LuaTable t, Engine engine, ScriptHook hook) {
        add(t, "log", a -> {
            int argc = a.narg();
            if (argc < 2) {
                throw raise(hook, LuaReplies.errorTable("redis.log() requires two arguments or more.", false));
            }
            if (a.arg1().tonumber().isnil()) {
                throw raise(hook, LuaReplies.errorTable("First argument must be a number (log level).", false));
            }
            int level = (int) a.arg1().todouble();
            if (level < Log.DEBUG || level > Log.WARNING) {
                throw raise(hook, LuaReplies.errorTable("Invalid debug level.", false));
            }
            if (!engine.log().enabled(level)) {
                return LuaValue.NONE;
            }
            StringBuilder msg = new StringBuilder();
            for (int j = 2; j <= argc; j++) {
                LuaValue v = a.arg(j);
                if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
                    if (j != 2) {
                        msg.append(' ');
                    }
                    msg.append(LuaFormat.tostring(v).tojstring());
                }
            }
            engine.log().log(level, msg.toString());
            return LuaValue.NONE;
        });
        t.rawset("LOG_DEBUG", LuaValue.valueOf(Log.DEBUG));
        t.rawset("LOG_VERBOSE", LuaValue.valueOf(Log.VERBOSE));
        t.rawset("LOG_NOTICE", LuaValue.valueOf(Log.NOTICE));
        t.rawset("LOG_WARNING", LuaValue.valueOf(Log.WARNING));
        t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(VERSION_NUM));
        t.rawset("REDIS_VERSION", LuaString.valueOf(Engine.REDIS_VERSION));
    }

    static String sha1hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a mandatory JDK algorithm", e);
        }
    }
}
