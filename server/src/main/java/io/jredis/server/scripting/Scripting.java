package io.jredis.server.scripting;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.util.Bytes;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Lua scripting (Redis's eval.c, script.c and script_lua.c): runs EVAL scripts and FCALL functions on the engine
 * thread, atomically, executing their redis.call commands through the normal command path from a client without
 * connection. Write effects are propagated wrapped in MULTI/EXEC (7.0's effects replication), never the EVAL.
 *
 * <p>Busy scripts: a script running past {@code busy-reply-threshold} polls the network from its count hook, as
 * Redis's processEventsWhileBlocked does, so other clients get -BUSY and SCRIPT KILL / FUNCTION KILL / SHUTDOWN
 * NOSAVE can reach the server. The network layer runs script commands in a task of their own (not inside a read
 * event), which is what makes polling from inside the script safe; see {@link Engine#pollIo()}.
 */
public final class Scripting {
    /** Commands Redis flags CMD_MAY_REPLICATE without showing it: read-only scripts may not run them either. */
    private static final Set<String> MAY_REPLICATE = Set.of("publish", "spublish", "pfcount");
    static final String SLOW_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
            + "SHUTDOWN NOSAVE.";
    static final String SLOW_SCRIPT = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
            + "SHUTDOWN NOSAVE.";

    /** SCRIPT DEBUG YES: Redis debugs in a fork; jredis runs it like SYNC (see {@link LuaDebugger}). */
    public static final int DEBUG_YES = 1;
    /** SCRIPT DEBUG SYNC: the debugged script runs on the live dataset, other clients wait. */
    public static final int DEBUG_SYNC = 2;

    private final Engine engine;
    private final Client lua;
    private final Lrand48 random = new Lrand48();
    private EvalScripts eval;
    private final FunctionLibraries functions;
    private ScriptRun running;
    /** {@link #callFlags} views by command and script flags: a handful, built once. */
    private final Map<String, CommandSpec> flagged = new HashMap<>();

    public Scripting(Engine engine) {
        this.engine = engine;
        this.lua = engine.fakeClient();
        this.lua.denyBlocking(true);
        // Redis creates a second script client at start, its function engine's (functionsRegisterEngine); FCALL
        // runs on this one here, but the id is taken all the same, so that the first connection is id 3 as in Redis.
        engine.reserveClientId();
        this.eval = new EvalScripts(this);
        this.functions = new FunctionLibraries(this);
        engine.addGuard(this::busyGuard);
    }

    Engine engine() {
        return engine;
    }

    /**
     * A script command as the guards see it (Redis's scriptFlagsToCmdFlags): a script that declares flags writes
     * and may run out of memory unless it says otherwise, and runs on a stale replica only with allow-stale. A
     * script without shebang, or unknown ({@code scriptFlags} -1), keeps the command's own flags (the same object):
     * {@link #prepare} refuses it on a stale replica once its arguments and body were checked.
     */
    public CommandSpec callFlags(CommandSpec cmd, int scriptFlags) {
        if (scriptFlags < 0 || (scriptFlags & ScriptFlags.EVAL_COMPAT_MODE) != 0) {
            return cmd;
        }
        return flagged.computeIfAbsent(cmd.fullName() + "/" + scriptFlags, k -> {
            Set<String> f = new HashSet<>(cmd.flags());
            f.removeAll(List.of("stale", "denyoom", "write", "may_replicate"));
            if ((scriptFlags & (ScriptFlags.ALLOW_OOM | ScriptFlags.NO_WRITES)) == 0) {
                f.add("denyoom");
            }
            if ((scriptFlags & ScriptFlags.NO_WRITES) == 0) {
                f.add("write");
            }
            if ((scriptFlags & ScriptFlags.ALLOW_STALE) != 0) {
                f.add("stale");
            }
            return cmd.withFlags(Set.copyOf(f));
        });
    }

    Lrand48 random() {
        return random;
    }

    /** The EVAL scripts cache. */
    public EvalScripts eval() {
        return eval;
    }

    /** Drops every cached script and starts a new Lua state (SCRIPT FLUSH). */
    public void resetEval() {
        eval = new EvalScripts(this);
    }

    /** The function libraries. */
    public FunctionLibraries functions() {
        return functions;
    }

    ScriptRun running() {
        return running;
    }

    /** True when a script runs past busy-reply-threshold (other clients then get -BUSY). */
    public boolean timedOut() {
        return running != null && running.timedOut;
    }

    private static final byte[][] SCRIPT_COMMANDS = {
        "eval".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "evalsha".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "eval_ro".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "evalsha_ro".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "fcall".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "fcall_ro".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};

    /**
     * True for the script and function commands, which the network layer runs outside its read events. Called for
     * every command a connection sends, so it compares bytes without allocating.
     */
    public static boolean isScriptCommand(byte[] name) {
        if (name.length < 4 || name.length > 10) {
            return false;
        }
        int first = name[0] | 0x20;
        if (first != 'e' && first != 'f') {
            return false;
        }
        for (byte[] candidate : SCRIPT_COMMANDS) {
            if (candidate.length == name.length && equalsLowerCase(candidate, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalsLowerCase(byte[] lower, byte[] name) {
        for (int i = 0; i < lower.length; i++) {
            byte b = name[i];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- busy state ----

    /** Redis's processCommand check while a script is timed out: only allow_busy commands run. */
    private String busyGuard(Client c, CommandSpec cmd, byte[][] argv) {
        if (running == null || !running.timedOut) {
            return null;
        }
        // A script run by a load (DEBUG LOADAOF): Redis checks loading first, so the engine answers -LOADING.
        if (engine.loading() != null && !engine.loading().async() && !cmd.hasFlag("loading")) {
            return null;
        }
        // SHUTDOWN runs too: it checks its arguments and ABORT first, then refuses all but NOSAVE (busyShutdownError).
        return cmd.hasFlag("allow_busy") ? null : busyError();
    }

    /** The error SHUTDOWN without NOSAVE answers while a script is timed out, null when no script is. */
    public String busyShutdownError() {
        return running != null && running.timedOut ? busyError() : null;
    }

    String busyError() {
        return running != null && !running.evalMode ? SLOW_SCRIPT : SLOW_EVAL;
    }

    /** SCRIPT KILL ({@code eval} true) and FUNCTION KILL: Redis's scriptKill. */
    public void kill(Client c, boolean evalKill) {
        ScriptRun run = running;
        if (run == null) {
            engine.error(c, "NOTBUSY No scripts in execution right now.");
            return;
        }
        if (run.wrote) {
            engine.error(c, "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
                    + "can either wait the script termination or kill the server in a hard way using the SHUTDOWN "
                    + "NOSAVE command.");
            return;
        }
        if (evalKill && !run.evalMode) {
            engine.error(c, SLOW_SCRIPT);
            return;
        }
        if (!evalKill && run.evalMode) {
            engine.error(c, SLOW_EVAL);
            return;
        }
        run.killed = true;
        c.reply().ok();
    }

    /** The count hook of a running script: Redis's scriptInterrupt. */
    private void interrupt(ScriptRun run, ScriptHook hook) {
        if (engine.closing()) {
            engine.dropHeldWrites();
            throw killed(hook);
        }
        if (!run.timedOut) {
            long threshold = engine.config().busyReplyThreshold.value();
            long elapsed = run.elapsedMillis();
            if (threshold <= 0 || elapsed < threshold) {
                return;
            }
            engine.log().warning("Slow script detected: still in execution after " + elapsed + " milliseconds. You "
                    + "can try killing the script using the " + (run.evalMode ? "SCRIPT KILL" : "FUNCTION KILL")
                    + " command. Script name is: " + run.name + ".");
            run.timedOut = true;
            // Like protectClient: the caller's next commands wait until its script has ended.
            if (run.caller.channel() != null) {
                run.caller.channel().config().setAutoRead(false);
            }
        }
        engine.pollIo();
        if (engine.shuttingDown()) {
            engine.dropHeldWrites();
        }
        if (run.killed || engine.shuttingDown()) {
            engine.log().warning("Lua script killed by user with SCRIPT KILL.");
            throw killed(hook);
        }
    }

    private static LuaSandbox.KilledError killed(ScriptHook hook) {
        hook.markError();
        return new LuaSandbox.KilledError(LuaReplies.errorTable("Script killed by user with SCRIPT KILL...", false));
    }

    // ---- running a script ----

    /** How the -MISCONF of a failed BGSAVE starts (the persistence module's guard gives it). */
    private static final String RDB_MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently"
            + " unable to persist to disk.";
    /** How the -MISCONF of an AOF write error starts, the cause following (the persistence module's guard). */
    private static final String AOF_MISCONF = "MISCONF Errors writing to the AOF file: ";
    private static final String SCRIPTS_BLOCKED = " Writable scripts are blocked. Use 'no-writes' flag for read only"
            + " scripts.";

    /** The text scriptPrepareForRun gives a guard's -MISCONF: its own, naming the scripts and keeping the cause. */
    private static String scriptStartDenial(String denied) {
        if (denied.startsWith(RDB_MISCONF)) {
            return RDB_MISCONF + SCRIPTS_BLOCKED;
        }
        if (denied.startsWith(AOF_MISCONF)) {
            return "MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to disk."
                    + SCRIPTS_BLOCKED + " AOF error: " + denied.substring(AOF_MISCONF.length());
        }
        return denied;
    }

    /**
     * Redis's scriptPrepareForRun: refuses a script whose flags do not allow running now (replies the error and
     * returns null), else returns the run context. Scripts without shebang (compat mode) are refused only on a stale
     * replica; their commands are checked one by one.
     */
    ScriptRun prepare(Client c, String name, byte[][] argv, int flags, boolean ro, boolean evalMode) {
        boolean compat = (flags & ScriptFlags.EVAL_COMPAT_MODE) != 0;
        if (!compat) {
            if ((flags & ScriptFlags.NO_CLUSTER) != 0 && engine.config().clusterEnabled.value()) {
                engine.error(c, "ERR Can not run script on cluster, 'no-cluster' flag is set.");
                return null;
            }
            if ((flags & ScriptFlags.NO_WRITES) == 0) {
                if (engine.slaveMode() && engine.config().replicaReadOnly.value()
                        && c.type() != Client.Type.MASTER) {
                    engine.error(c, "READONLY Can not run script with write flag on readonly replica");
                    return null;
                }
                if (ro) {
                    engine.error(c, "ERR Can not execute a script with write flag using *_ro command.");
                    return null;
                }
                // Reached when EXEC runs a script queued before its flags were known (a later FUNCTION LOAD) or
                // before writes were refused: Redis refuses it here, with its own text for a failed BGSAVE.
                String denied = engine.scriptWriteDenied(c);
                if (denied != null) {
                    engine.error(c, scriptStartDenial(denied));
                    return null;
                }
            }
        }
        if (compat && engine.staleReplica()) {
            engine.error(c, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
            return null;
        }
        boolean readOnly = ro || (!compat && (flags & ScriptFlags.NO_WRITES) != 0);
        ScriptRun run = new ScriptRun(c, name, argv, evalMode, readOnly);
        // An allow-oom script (Redis's SCRIPT_ALLOW_OOM) skips scriptVerifyOOM.
        run.oom = (compat || (flags & ScriptFlags.ALLOW_OOM) == 0) && engine.memory().preCommandOom();
        return run;
    }

    /**
     * Runs a compiled script or function for {@code run.caller} and replies with its result or error (Redis's
     * luaCallFunction). The caller has checked the flags (scriptPrepareForRun).
     */
    void run(ScriptRun run, LuaSandbox.State state, LuaFunction fn, Varargs args) {
        Client c = run.caller;
        ScriptHook hook = state.hook;
        running = run;
        lua.select(c.db());
        lua.reply().protocol(2);
        hook.reset();
        hook.interrupt(() -> interrupt(run, hook));
        engine.beginAtomic();
        try {
            LuaValue result = fn.invoke(args).eval().arg1();
            LuaReplies.toReply(c, result, run.resp);
        } catch (LuaError e) {
            LuaValue value = hook.errorValue(e);
            replyError(c, run, value, hook.lastError());
        } catch (StackOverflowError e) {
            hook.markError();
            replyError(c, run, LuaValue.valueOf("stack overflow"), hook.lastError());
        } catch (RuntimeException e) {
            // A failure of the Lua runtime itself: the caller still gets a reply, the log the cause.
            engine.log().warning("Lua script " + run.name + " failed: " + e);
            engine.error(c, "ERR Error running script " + run.name + ", " + e.getMessage());
        } finally {
            engine.endAtomic();
            hook.interrupt(null);
            hook.reset();
            running = null;
            engine.suppressPropagation();
            if (run.timedOut && c.channel() != null && !c.isClosed()) {
                c.channel().config().setAutoRead(true);
            }
        }
    }

    /** A debugging session starts running its script: it holds the engine as a running script does. */
    void beginDebugRun(ScriptRun run) {
        running = run;
        lua.select(run.caller.db());
        lua.reply().protocol(2);
        engine.beginAtomic();
        // Redis's SYNC mode blocks the whole server while the script is stopped: other clients wait here.
        engine.pauseClients(engine.now() + 100L * 365 * 24 * 3600 * 1000, Engine.PauseType.ALL);
    }

    /** The debugging session's script has ended. */
    void endDebugRun() {
        engine.endAtomic();
        running = null;
        engine.unpauseClients();
    }

    /**
     * The reply of a failed script: Redis's error handler turns a non-table error into {@code {err="ERR "..msg}},
     * adds where it was raised, and the reply reads "-CODE message script: name, on @source:line.".
     */
    void replyError(Client c, ScriptRun run, LuaValue error, ScriptHook.Location where) {
        String msg;
        boolean ignoreStats = false;
        if (error != null && error.istable()) {
            LuaValue err = error.rawget(LuaReplies.ERR);
            msg = err.isstring() ? err.tojstring() : "ERR unknown error";
            ignoreStats = error.rawget(LuaReplies.IGNORE_STATS).toboolean();
        } else {
            msg = "ERR " + (error == null ? "nil" : LuaFormat.tostring(error).tojstring());
        }
        if (where != null && where.line() >= 0) {
            msg = msg + " script: " + run.name + ", on " + where.source() + ":" + where.line() + ".";
        }
        if (ignoreStats) {
            engine.errorCounted(c, msg);
        } else {
            engine.error(c, msg);
        }
    }

    // ---- redis.call ----

    /** redis.call ({@code raise} true) and redis.pcall: Redis's luaRedisGenericCommand. */
    Varargs redisCall(ScriptHook hook, Varargs args, boolean raise) {
        ScriptRun run = running;
        if (run == null) {
            throw RedisApi.raise(hook, LuaReplies.errorTable(
                    "redis.call/pcall can only be called inside a script invocation", false));
        }
        LuaValue result;
        byte[][] argv = argumentsOrNull(args);
        LuaDebugger ldb = run.debugger;
        if (argv == null) {
            String msg = args.narg() == 0 ? "Please specify at least one argument for this redis lib call"
                    : "Lua redis lib command arguments must be strings or integers";
            if (ldb != null && ldb.logging()) {
                ldb.logError(msg);
            }
            result = LuaReplies.errorTable(msg, false);
        } else if (ldb != null) {
            // The debugged script runs on its own thread; commands run on the engine thread.
            if (ldb.logging()) {
                ldb.logCommand(argv);
            }
            result = ldb.onEngine(() -> execute(run, argv));
        } else {
            result = execute(run, argv);
        }
        if (raise && result.istable() && result.rawget(LuaReplies.ERR).isstring()) {
            throw RedisApi.raise(hook, (LuaTable) result);
        }
        return result;
    }

    /** The arguments of redis.call/acl_check_cmd as a command, raising Redis's error when they are not. */
    byte[][] arguments(ScriptHook hook, Varargs args) {
        byte[][] argv = argumentsOrNull(args);
        if (argv == null) {
            throw RedisApi.raise(hook, LuaReplies.errorTable(args.narg() == 0
                    ? "Please specify at least one argument for this redis lib call"
                    : "Lua redis lib command arguments must be strings or integers", false));
        }
        return argv;
    }

    private static byte[][] argumentsOrNull(Varargs args) {
        int argc = args.narg();
        if (argc == 0) {
            return null;
        }
        byte[][] argv = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            LuaValue v = args.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                argv[i] = LuaReplies.argument(v.todouble());
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = LuaSandbox.bytes(v.checkstring());
            } else {
                return null;
            }
        }
        return argv;
    }

    /** Redis's lookupCommand for a script: a subcommand when the command has them and one is given. */
    CommandSpec lookup(byte[][] argv) {
        CommandSpec cmd = engine.commands().lookup(argv[0]);
        if (cmd != null && !cmd.subcommands().isEmpty() && argv.length >= 2) {
            return CommandTable.subcommand(cmd, argv[1]);
        }
        return cmd;
    }

    /** Redis's scriptCall: the checks a script's command must pass, then the command itself. */
    private LuaValue execute(ScriptRun run, byte[][] argv) {
        CommandSpec cmd = lookup(argv);
        if (cmd == null || !cmd.arityOk(argv.length) || cmd.handler() == null) {
            return rejected(run, cmd, cmd == null ? "Unknown Redis command called from script"
                    : "Wrong number of args calling Redis command from script");
        }
        if (cmd.noScript() && !engine.scriptDenyDisabled()) {
            return rejected(run, cmd, "This Redis command is not allowed from script");
        }
        // Redis's scriptVerifyAllowStale: an allow-stale script on a stale replica runs only stale-flagged commands.
        if (!cmd.allowStale() && engine.staleReplica()) {
            return rejected(run, cmd, "Can not execute the command on a stale replica");
        }
        String denied = aclDenied(run.caller, cmd, argv);
        if (denied != null) {
            return rejected(run, cmd, denied);
        }
        boolean mayReplicate = cmd.mayReplicate() || MAY_REPLICATE.contains(cmd.name());
        if (run.readOnly && (cmd.isWrite() || mayReplicate)) {
            return rejected(run, cmd, "Write commands are not allowed from read-only scripts.");
        }
        if (cmd.isWrite() && !run.wrote) {
            String refused = writeDenied(run.caller);
            if (refused != null) {
                return rejected(run, cmd, "-" + refused);
            }
        }
        // Redis's scriptVerifyOOM: only before the first write, as a script cannot stop half-way.
        if (cmd.denyOom() && !run.wrote && run.oom && run.caller.type() != Client.Type.MASTER) {
            return rejected(run, cmd, "-OOM command not allowed when used memory > 'maxmemory'.");
        }
        if (cmd.isWrite()) {
            run.wrote = true;
        }
        lua.reply().protocol(run.resp);
        // redis.set_repl: the command's effects go to the AOF, the replicas, both (the default) or neither.
        engine.propagationTarget(run.replFlags);
        try {
            engine.call(lua, cmd, argv);
        } finally {
            engine.propagationTarget(Engine.PROPAGATE_ALL);
        }
        ByteBuf out = lua.takePending();
        if (out == null) {
            return LuaValue.NIL;
        }
        if (run.debugger != null && run.debugger.logging()) {
            run.debugger.logReply(out);
        }
        try {
            return LuaReplies.toLua(out);
        } finally {
            out.release();
        }
    }

    /**
     * Redis's scriptVerifyWriteCommandAllow for a script that has not written yet (once it has, it cannot stop
     * half-way): a read-only replica refuses it, then the modules' checks (min-replicas-to-write).
     */
    private String writeDenied(Client caller) {
        if (engine.slaveMode() && engine.config().replicaReadOnly.value() && caller.type() != Client.Type.MASTER) {
            return "READONLY You can't write against a read only replica.";
        }
        return engine.scriptWriteDenied(caller);
    }

    /** Redis's scriptVerifyACL: the script's commands run with its caller's permissions. */
    private String aclDenied(Client caller, CommandSpec cmd, byte[][] argv) {
        io.jredis.server.acl.User u = caller.aclUser();
        if (u == null) {
            return null;
        }
        io.jredis.server.acl.Acl acl = engine.acl();
        io.jredis.server.acl.Acl.Verdict v = acl.check(u, cmd, argv);
        switch (v.result()) {
            case io.jredis.server.acl.Acl.OK:
                return null;
            case io.jredis.server.acl.Acl.DENIED_CMD:
                acl.addLog(caller, v.result(), "lua", u.name(), cmd.fullName());
                return "The user executing the script can't run this command or subcommand";
            case io.jredis.server.acl.Acl.DENIED_KEY:
                acl.addLog(caller, v.result(), "lua", u.name(), Bytes.str(argv[v.pos()]));
                return "The user executing the script can't access at least one of the keys mentioned in the "
                        + "command arguments";
            case io.jredis.server.acl.Acl.DENIED_CHANNEL:
                acl.addLog(caller, v.result(), "lua", u.name(), Bytes.str(argv[v.pos()]));
                return "The user executing the script can't publish to the channel mentioned in the command";
            default:
                return "The user executing the script is lacking the permissions for the command";
        }
    }

    /** True when the caller's user may run the command (redis.acl_check_cmd). */
    boolean aclAllows(Client caller, CommandSpec cmd, byte[][] argv) {
        io.jredis.server.acl.User u = caller.aclUser();
        return u == null || engine.acl().check(u, cmd, argv).result() == io.jredis.server.acl.Acl.OK;
    }

    /**
     * A command refused before running: counted as an error reply and as a rejected call of the command (if known),
     * returned as an error table. A message starting with "-" carries its own error code, others get ERR.
     */
    private LuaValue rejected(ScriptRun run, CommandSpec cmd, String msg) {
        if (run.debugger != null && run.debugger.logging()) {
            run.debugger.logError(msg);
        }
        engine.error(lua, msg.startsWith("-") ? msg.substring(1) : "ERR " + msg);
        engine.scriptCommandRejected(cmd);
        ByteBuf discarded = lua.takePending();
        if (discarded != null) {
            discarded.release();
        }
        LuaTable t = LuaReplies.errorTable(msg, false);
        t.rawset(LuaReplies.IGNORE_STATS, LuaValue.TRUE);
        return t;
    }

    /** Sets KEYS and ARGV in the EVAL globals, which are read-only otherwise. */
    static void setGlobal(SandboxGlobals g, String name, LuaTable value) {
        g.readonly(false);
        try {
            g.rawset(LuaString.valueOf(name), value);
        } finally {
            g.readonly(true);
        }
    }

    /** A Lua array of the arguments from {@code from} (inclusive) to {@code to} (exclusive). */
    static LuaTable array(byte[][] argv, int from, int to) {
        LuaTable t = new Lua51Table();
        for (int i = from; i < to; i++) {
            t.rawset(i - from + 1, LuaString.valueOf(argv[i]));
        }
        return t;
    }

    /** INFO used_memory_lua / used_memory_vm_eval: an estimate of the EVAL Lua state's heap. */
    public long evalVmMemory() {
        return eval.memory();
    }

    /** INFO used_memory_vm_functions: an estimate of the function Lua state's heap. */
    public long functionsVmMemory() {
        return functions.vmMemory();
    }

    /** What FUNCTION STATS shows of a running script. */
    public record Running(String name, byte[][] command, long durationMs) {}

    /** The running script or function, or null when none runs. */
    public Running runningScript() {
        ScriptRun run = running;
        return run == null ? null : new Running(run.name, run.argv, run.elapsedMillis());
    }

    /** True while an EVAL script (not a function) runs. */
    public boolean evalRunning() {
        return running != null && running.evalMode;
    }
}
