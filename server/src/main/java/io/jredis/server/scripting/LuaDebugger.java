package io.jredis.server.scripting;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.util.Bytes;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * One Lua debugging session (Redis's LDB, eval.c): the EVAL of a client that sent SCRIPT DEBUG YES or SYNC runs
 * under a line hook that stops on the first line, at break points and at {@code redis.breakpoint()}, sends the
 * debugger's log lines to the client as an array of status replies, and reads debugger commands (step, continue,
 * print, list, break, eval, redis, trace, maxlen, abort, help) from the same connection. When the script ends the
 * client gets an {@code <endsession>} log, the script's reply, and its connection is closed, as in Redis.
 *
 * <p>Threads: Redis blocks its main thread on the client's socket while the script is stopped. jredis's engine
 * thread never blocks: the script runs on a thread of its own, in a Lua state of its own (compiled from the same
 * body, so nothing the engine thread uses is shared), and parks on a queue while stopped. The engine thread feeds
 * the queue with the client's requests (the client's {@link Client#requestTap}), and everything that touches the
 * keyspace or a connection ({@code redis.call}, log output, the final reply) runs as a task on the engine thread,
 * the script thread waiting for its result. Other clients are held by a client pause for the whole session, so the
 * script stays atomic as in Redis's SYNC mode.
 *
 * <p>SCRIPT DEBUG YES: Redis forks and debugs in the child, so the dataset changes of the script are thrown away
 * and other clients are served meanwhile. A JVM cannot fork: jredis runs YES sessions exactly as SYNC sessions,
 * so their writes are kept and other clients wait. redis-cli --ldb works the same way (it only prints
 * "dataset changes rolled back" from its own knowledge of the mode).
 */
final class LuaDebugger {
    /** LDB_MAX_LEN_DEFAULT: logged replies and values are trimmed to this many bytes unless "maxlen" says else. */
    private static final int MAX_LEN_DEFAULT = 256;
    /** LDB_BREAKPOINTS_MAX. */
    private static final int BREAKPOINTS_MAX = 64;
    /** LDB_MAX_VALUES_DEPTH: nested tables are shown down to this level. */
    private static final int MAX_VALUES_DEPTH = 10;
    private static final Object DISCONNECTED = new Object();
    private static final String[] HELP = {
        "Redis Lua debugger help:",
        "[h]elp               Show this help.",
        "[s]tep               Run current line and stop again.",
        "[n]ext               Alias for step.",
        "[c]ontinue           Run till next breakpoint.",
        "[l]ist               List source code around current line.",
        "[l]ist [line]        List source code around [line].",
        "                     line = 0 means: current position.",
        "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
        "                     to show before/after [line].",
        "[w]hole              List all source code. Alias for 'list 1 1000000'.",
        "[p]rint              Show all the local variables.",
        "[p]rint <var>        Show the value of the specified variable.",
        "                     Can also show global vars KEYS and ARGV.",
        "[b]reak              Show all breakpoints.",
        "[b]reak <line>       Add a breakpoint to the specified line.",
        "[b]reak -<line>      Remove breakpoint from the specified line.",
        "[b]reak 0            Remove all breakpoints.",
        "[t]race              Show a backtrace.",
        "[e]val <code>        Execute some Lua code (in a different callframe).",
        "[r]edis <cmd>        Execute a Redis command.",
        "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
        "                     Specifying zero as <len> means unlimited.",
        "[a]bort              Stop the execution of the script. In sync",
        "                     mode dataset changes will be retained.",
        "",
        "Debugger functions you can call from Lua scripts:",
        "redis.debug()        Produce logs in the debugger console.",
        "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
        "                     next line of code."};

    private final Scripting scripting;
    private final Engine engine;
    private final Client client;
    private final ScriptRun run;
    private final boolean sync;
    /** The script's lines; log text is kept as ISO-8859-1 strings so that every byte goes out unchanged. */
    private final String[] source;
    private final BlockingQueue<Object> requests = new LinkedBlockingQueue<>();
    private final List<String> logs = new ArrayList<>();
    private final int[] breakpoints = new int[BREAKPOINTS_MAX];
    private int breakpointCount;
    /** Stop at the next line (and log redis.call commands and replies meanwhile). */
    private boolean step = true;
    /** redis.breakpoint() was called: stop at the next line. */
    private boolean luaBreakpoint;
    private int maxlen = MAX_LEN_DEFAULT;
    private boolean maxlenHintSent;
    private int currentLine = -1;
    /** The script is stopped and a debugger command runs: hooks of the code it runs are not the script's. */
    private boolean stopped;
    private boolean disconnected;
    /** Since when the script runs without a stop, for the infinite-loop stop. */
    private long runningSince = System.nanoTime();
    private LuaSandbox.State state;

    private LuaDebugger(Scripting scripting, ScriptRun run, byte[] body, boolean sync) {
        this.scripting = scripting;
        this.engine = scripting.engine();
        this.client = run.caller;
        this.run = run;
        this.sync = sync;
        int len = body.length;
        while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r')) {
            len--;
        }
        this.source = new String(body, 0, len, StandardCharsets.ISO_8859_1).split("\n", -1);
    }

    /**
     * Starts the session for an EVAL whose arguments have been checked (engine thread). The EVAL's handler returns
     * without a reply; the reply comes when the script ends.
     */
    static void start(Scripting scripting, ScriptRun run, byte[] body, int flagsOffset, LuaTable keys,
            LuaTable args) {
        boolean sync = run.caller.luaDebug() == Scripting.DEBUG_SYNC;
        LuaDebugger d = new LuaDebugger(scripting, run, body, sync);
        run.debugger = d;
        Client c = run.caller;
        c.requestTap(d::request);
        if (c.channel() != null) {
            c.channel().closeFuture().addListener(f -> d.requests.add(DISCONNECTED));
        }
        scripting.engine().log().warning(sync ? "Redis synchronous debugging eval session started"
                : "Redis debugging eval session started (SCRIPT DEBUG YES runs like SYNC: no fork in the JVM)");
        scripting.beginDebugRun(run);
        Thread t = new Thread(() -> d.runScript(body, flagsOffset, keys, args), "jredis-lua-debugger");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Ends a session that could not start (an argument or compile error already replied, engine thread): Redis sends
     * the {@code <endsession>} log ahead of the error and closes the connection.
     */
    static void abortStart(Client c) {
        ByteBuf pending = c.takePending();
        c.reply().raw("*1\r\n+<endsession>\r\n".getBytes(StandardCharsets.US_ASCII));
        if (pending != null) {
            byte[] b = new byte[pending.readableBytes()];
            pending.readBytes(b);
            pending.release();
            c.reply().raw(b);
        }
        c.closeAfterReply();
    }

    /** A request of the debugged client (engine thread). */
    private void request(byte[][] argv) {
        requests.add(argv);
    }

    // ---- the script thread ----

    private void runScript(byte[] body, int flagsOffset, LuaTable keys, LuaTable args) {
        LuaValue result = null;
        LuaValue error = null;
        ScriptHook.Location where = null;
        ScriptHook hook = null;
        try {
            state = EvalScripts.newState(scripting, new Lrand48(), this);
            hook = state.hook;
            Scripting.setGlobal(state.globals, "KEYS", keys);
            Scripting.setGlobal(state.globals, "ARGV", args);
            LuaFunction fn = state.compile(body, flagsOffset, "@user_script");
            hook.reset();
            hook.interrupt(this::onCount);
            hook.lineHook(this::onLine);
            result = fn.invoke(LuaValue.NONE).eval().arg1();
        } catch (LuaError e) {
            error = hook == null ? LuaValue.valueOf(String.valueOf(e.getMessage())) : hook.errorValue(e);
            where = hook == null ? null : hook.lastError();
        } catch (StackOverflowError e) {
            hook.markError();
            error = LuaValue.valueOf("stack overflow");
            where = hook.lastError();
        } catch (RuntimeException e) {
            engine.log().warning("Lua debugging session failed: " + e);
            error = LuaValue.valueOf(String.valueOf(e.getMessage()));
        } finally {
            if (hook != null) {
                hook.lineHook(null);
                hook.interrupt(null);
            }
        }
        LuaValue r = result;
        LuaValue err = error;
        ScriptHook.Location at = where;
        try {
            engine.loop().execute(() -> finish(r, err, at));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The server is shutting down: there is no one left to reply to.
        }
    }

    /** Ends the session on the engine thread: the last logs, the script's reply, then the connection closes. */
    private void finish(LuaValue result, LuaValue error, ScriptHook.Location where) {
        logs.add("<endsession>");
        writeLogs(new ArrayList<>(logs));
        logs.clear();
        if (error != null) {
            scripting.replyError(client, run, error, where);
        } else {
            LuaReplies.toReply(client, result, run.resp);
        }
        client.closeAfterReply();
        client.requestTap(null);
        client.luaDebug(0);
        scripting.endDebugRun();
        engine.log().warning(sync ? "Redis synchronous debugging eval session ended"
                : "Lua debugging session ended");
        engine.flushPending();
    }

    /** Runs {@code task} on the engine thread and returns its result (script thread). */
    <T> T onEngine(Supplier<T> task) {
        try {
            return engine.loop().submit(task::get).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LuaError("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LuaError(String.valueOf(e.getCause()));
        }
    }

    /** Redis's ldbSendLogs: the pending log lines as an array of status replies (script thread). */
    private void sendLogs() {
        List<String> batch = new ArrayList<>(logs);
        logs.clear();
        engine.loop().execute(() -> {
            writeLogs(batch);
            engine.flushPending();
        });
    }

    /** Writes log lines into the client's replies (engine thread). */
    private void writeLogs(List<String> batch) {
        StringBuilder proto = new StringBuilder().append('*').append(batch.size()).append("\r\n");
        for (String line : batch) {
            proto.append('+').append(line.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
        }
        client.reply().raw(proto.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void log(String line) {
        logs.add(line);
    }

    /** Redis's ldbLogWithMaxLen: trims long values and tells once how to stop trimming. */
    private void logWithMaxLen(String line) {
        boolean trimmed = false;
        if (maxlen != 0 && line.length() > maxlen) {
            line = line.substring(0, maxlen) + " ...";
            trimmed = true;
        }
        log(line);
        if (trimmed && !maxlenHintSent) {
            maxlenHintSent = true;
            log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    // ---- hooks (script thread) ----

    /** True while stepping: redis.call commands, replies and errors are logged (Redis's ldbIsEnabled). */
    boolean logging() {
        return step;
    }

    /** {@code <redis> cmd args}, at most ten arguments shown. */
    void logCommand(byte[][] argv) {
        StringBuilder s = new StringBuilder("<redis>");
        for (int j = 0; j < argv.length; j++) {
            if (j == 10) {
                s.append(" ... (").append(argv.length - j - 1).append(" more)");
                break;
            }
            s.append(' ').append(new String(argv[j], StandardCharsets.ISO_8859_1));
        }
        log(s.toString());
    }

    /** An error raised by redis.call before any command ran (Redis's luaPushError while stepping). */
    void logError(String msg) {
        log("<error> " + msg);
    }

    /** {@code <reply> ...}: a command's reply in the debugger's human form (engine thread, script thread waiting). */
    void logReply(ByteBuf reply) {
        byte[] b = new byte[reply.readableBytes()];
        reply.getBytes(reply.readerIndex(), b);
        if (b.length > 0 && b[0] == '-') {
            // Redis logs the error while turning the reply into a Lua error table, before the reply itself.
            log("<error> " + text(b, 0, lineEnd(b, 0)));
        }
        StringBuilder s = new StringBuilder("<reply> ");
        human(b, 0, s);
        logWithMaxLen(s.toString());
    }

    /** redis.debug(...): {@code <debug> line N: v1, v2}. */
    void debug(Varargs args) {
        StringBuilder s = new StringBuilder("<debug> line ").append(currentLine).append(": ");
        for (int i = 1; i <= args.narg(); i++) {
            if (i > 1) {
                s.append(", ");
            }
            value(s, args.arg(i), 0);
        }
        log(s.toString());
    }

    /** redis.breakpoint(): stop at the next line. */
    LuaValue breakpoint() {
        luaBreakpoint = true;
        return LuaValue.TRUE;
    }

    private static boolean userScript(LuaClosure fn) {
        return fn.p.source.tojstring().contains("user_script");
    }

    private void onLine(LuaClosure fn, int line) {
        if (stopped) {
            return;
        }
        currentLine = line;
        if (!userScript(fn)) {
            return;
        }
        boolean bp = isBreakpoint(line) || luaBreakpoint;
        if (step || bp) {
            stop(bp ? (luaBreakpoint ? "redis.breakpoint() called" : "break point") : "step over", false);
        }
    }

    /** The count hook: a script running too long without a stop is stopped (an infinite loop?). */
    private void onCount() {
        // Also once the client is gone: an endless loop then ends with an error instead of holding the server.
        if (stopped || step || luaBreakpoint) {
            return;
        }
        ScriptHook.Frames f = state.hook.frames();
        int i = f.innermostLua();
        if (i < 0 || !userScript((LuaClosure) f.fn[i])) {
            return;
        }
        currentLine = f.line(i);
        if (isBreakpoint(currentLine)) {
            return;
        }
        long threshold = engine.config().busyReplyThreshold.value();
        long limit = threshold > 0 ? threshold : 5000;
        if ((System.nanoTime() - runningSince) / 1_000_000 >= limit) {
            stop("timeout reached, infinite loop?", true);
        }
    }

    private void stop(String reason, boolean timeout) {
        step = false;
        luaBreakpoint = false;
        log("* Stopped at " + currentLine + ", stop reason = " + reason);
        logSourceLine(currentLine);
        sendLogs();
        if (!repl() && timeout) {
            throw RedisApi.raise(state.hook, LuaReplies.errorTable(
                    "timeout during Lua debugging with client closing connection", false));
        }
        runningSince = System.nanoTime();
    }

    /** Redis's ldbRepl: runs debugger commands until one resumes the script; false once the client is gone. */
    private boolean repl() {
        stopped = true;
        try {
            while (true) {
                if (disconnected) {
                    return false;
                }
                Object next;
                try {
                    next = requests.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    next = DISCONNECTED;
                }
                if (next == DISCONNECTED) {
                    // The script runs to its end without stopping.
                    disconnected = true;
                    step = false;
                    breakpointCount = 0;
                    return false;
                }
                byte[][] argv = (byte[][]) next;
                if (!wellFormed(argv)) {
                    throw RedisApi.raise(state.hook, LuaReplies.errorTable("protocol error", false));
                }
                if (command(argv)) {
                    return true;
                }
                sendLogs();
            }
        } finally {
            stopped = false;
        }
    }

    /**
     * What Redis's minimal parser of debugger commands (ldbReplParseCommand) accepts: up to 1024 arguments of 1 to
     * 1024 bytes. It also refuses inline commands, which jredis's decoder has already turned into arguments.
     */
    private static boolean wellFormed(byte[][] argv) {
        if (argv.length > 1024) {
            return false;
        }
        for (byte[] a : argv) {
            if (a.length == 0 || a.length > 1024) {
                return false;
            }
        }
        return true;
    }

    /** One debugger command; true when it resumes the script. */
    private boolean command(byte[][] argv) {
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        switch (name) {
            case "h", "help" -> {
                for (String line : HELP) {
                    log(line);
                }
            }
            case "s", "step", "n", "next" -> {
                step = true;
                return true;
            }
            case "c", "continue" -> {
                return true;
            }
            case "t", "trace" -> trace();
            case "m", "maxlen" -> maxlen(argv);
            case "b", "break" -> breakCommand(argv);
            case "e", "eval" -> eval(argv);
            case "a", "abort" -> throw RedisApi.raise(state.hook, LuaReplies.errorTable(
                    "script aborted for user request", false));
            case "p", "print" -> {
                if (argv.length == 2) {
                    print(new String(argv[1], StandardCharsets.ISO_8859_1));
                } else {
                    printAll();
                }
            }
            case "l", "list" -> {
                int around = currentLine;
                int ctx = 5;
                if (argv.length > 1) {
                    int num = atoi(argv[1]);
                    if (num > 0) {
                        around = num;
                    }
                }
                if (argv.length > 2) {
                    ctx = atoi(argv[2]);
                }
                list(around, ctx);
            }
            case "w", "whole" -> list(1, 1000000);
            default -> {
                if (argv.length > 1 && (name.equals("r") || name.equals("redis"))) {
                    redis(argv);
                } else {
                    log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
                }
            }
        }
        return false;
    }

    /** C's atoi: leading blanks, a sign, digits; 0 when there are none. */
    private static int atoi(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean neg = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) {
            neg = b[i++] == '-';
        }
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (b[i++] - '0');
        }
        return (int) (neg ? -v : v);
    }

    // ---- source and breakpoints ----

    private String sourceLine(int line) {
        int idx = line - 1;
        return idx < 0 || idx >= source.length ? "<out of range source code line>" : source[idx];
    }

    private boolean isBreakpoint(int line) {
        for (int j = 0; j < breakpointCount; j++) {
            if (breakpoints[j] == line) {
                return true;
            }
        }
        return false;
    }

    private void logSourceLine(int line) {
        boolean bp = isBreakpoint(line);
        boolean current = currentLine == line;
        String prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
        log(prefix + String.format(java.util.Locale.ROOT, "%-3d", line) + " " + sourceLine(line));
    }

    private void list(int around, int context) {
        for (int j = 1; j <= source.length; j++) {
            if (around == 0 || Math.abs(around - j) <= context) {
                logSourceLine(j);
            }
        }
    }

    private void breakCommand(byte[][] argv) {
        if (argv.length == 1) {
            if (breakpointCount == 0) {
                log("No breakpoints set. Use 'b <line>' to add one.");
                return;
            }
            log(breakpointCount + " breakpoints set:");
            for (int j = 0; j < breakpointCount; j++) {
                logSourceLine(breakpoints[j]);
            }
            return;
        }
        for (int j = 1; j < argv.length; j++) {
            Long parsed = Bytes.toLong(argv[j]);
            if (parsed == null) {
                log("Invalid argument:'" + new String(argv[j], StandardCharsets.ISO_8859_1) + "'");
                continue;
            }
            long line = parsed;
            if (line == 0) {
                breakpointCount = 0;
                log("All breakpoints removed.");
            } else if (line > 0) {
                if (breakpointCount == BREAKPOINTS_MAX) {
                    log("Too many breakpoints set.");
                } else if (line <= source.length && !isBreakpoint((int) line)) {
                    breakpoints[breakpointCount++] = (int) line;
                    list((int) line, 1);
                } else {
                    log("Wrong line number.");
                }
            } else if (removeBreakpoint(-line)) {
                log("Breakpoint removed.");
            } else {
                log("No breakpoint in the specified line.");
            }
        }
    }

    private boolean removeBreakpoint(long line) {
        for (int j = 0; j < breakpointCount; j++) {
            if (breakpoints[j] == line) {
                System.arraycopy(breakpoints, j + 1, breakpoints, j, breakpointCount - j - 1);
                breakpointCount--;
                return true;
            }
        }
        return false;
    }

    private void maxlen(byte[][] argv) {
        if (argv.length == 2) {
            int v = atoi(argv[1]);
            maxlenHintSent = true;
            if (v != 0 && v <= 60) {
                v = 60;
            }
            maxlen = v;
        }
        log(maxlen != 0 ? "<value> replies are truncated at " + maxlen + " bytes."
                : "<value> replies are unlimited.");
    }

    // ---- variables ----

    /** A local variable of a stopped function and its value. */
    private record Local(String name, LuaValue value) {}

    /** The locals of frame {@code i} active at its current instruction, in declaration (register) order. */
    private static List<Local> locals(ScriptHook.Frames f, int i) {
        List<Local> out = new ArrayList<>();
        Prototype p = ((LuaClosure) f.fn[i]).p;
        LuaValue[] regs = f.stack[i];
        int pc = f.pc[i];
        int reg = 0;
        for (int k = 0; p.locvars != null && k < p.locvars.length && p.locvars[k].startpc <= pc; k++) {
            if (pc < p.locvars[k].endpc) {
                LuaValue v = regs != null && reg < regs.length && regs[reg] != null ? regs[reg] : LuaValue.NIL;
                out.add(new Local(p.locvars[k].varname.tojstring(), v));
                reg++;
            }
        }
        return out;
    }

    /** Redis's ldbPrint: the innermost variable of that name, else the globals KEYS and ARGV. */
    private void print(String name) {
        ScriptHook.Frames f = state.hook.frames();
        for (int i = f.n - 1; i >= 0; i--) {
            if (f.fn[i] instanceof LuaClosure) {
                for (Local l : locals(f, i)) {
                    if (l.name().equals(name)) {
                        logWithMaxLen(value(new StringBuilder("<value> "), l.value(), 0).toString());
                        return;
                    }
                }
            }
        }
        if (name.equals("ARGV") || name.equals("KEYS")) {
            logWithMaxLen(value(new StringBuilder("<value> "), state.globals.rawget(name), 0).toString());
        } else {
            log("No such variable.");
        }
    }

    /** Redis's ldbPrintAll: the variables of the stopped function. */
    private void printAll() {
        ScriptHook.Frames f = state.hook.frames();
        int i = f.innermostLua();
        List<Local> vars = i < 0 ? List.of() : locals(f, i);
        for (Local l : vars) {
            logWithMaxLen(value(new StringBuilder("<value> ").append(l.name()).append(" = "), l.value(), 0)
                    .toString());
        }
        if (vars.isEmpty()) {
            log("No local variables in the current context.");
        }
    }

    /** Redis's ldbCatStackValueRec: strings quoted, numbers as %g, tables as {a; b} or {[k]=v; ...}. */
    private static StringBuilder value(StringBuilder s, LuaValue v, int level) {
        if (level == MAX_VALUES_DEPTH) {
            return s.append("<max recursion level reached! Nested table?>");
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> s.append(Bytes.repr(LuaSandbox.bytes(v.checkstring())));
            case LuaValue.TBOOLEAN -> s.append(v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> s.append(LuaFormat.g(v.todouble(), 6, false, false));
            case LuaValue.TNIL -> s.append("nil");
            case LuaValue.TTABLE -> {
                StringBuilder array = new StringBuilder();
                StringBuilder full = new StringBuilder();
                boolean isArray = true;
                int expected = 1;
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = v.next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    if (isArray && (k.type() != LuaValue.TNUMBER || k.todouble() != expected)) {
                        isArray = false;
                    }
                    value(array, n.arg(2), level + 1).append("; ");
                    value(full.append('['), k, level + 1).append("]=");
                    value(full, n.arg(2), level + 1).append("; ");
                    expected++;
                }
                StringBuilder chosen = isArray ? array : full;
                if (chosen.length() > 0) {
                    chosen.setLength(chosen.length() - 2);
                }
                s.append('{').append(chosen).append('}');
            }
            default -> {
                String type = switch (v.type()) {
                    case LuaValue.TFUNCTION -> "function";
                    case LuaValue.TUSERDATA -> "userdata";
                    case LuaValue.TTHREAD -> "thread";
                    case LuaValue.TLIGHTUSERDATA -> "light-userdata";
                    default -> null;
                };
                s.append(type == null ? "\"<unknown-lua-type>\""
                        : "\"" + type + "@0x" + Integer.toHexString(System.identityHashCode(v)) + "\"");
            }
        }
        return s;
    }

    // ---- eval, redis, trace ----

    private void eval(byte[][] argv) {
        StringBuilder code = new StringBuilder();
        for (int i = 1; i < argv.length; i++) {
            if (i > 1) {
                code.append(' ');
            }
            code.append(new String(argv[i], StandardCharsets.ISO_8859_1));
        }
        LuaFunction fn;
        try {
            fn = state.compile(("return " + code).getBytes(StandardCharsets.ISO_8859_1), 0, "@ldb_eval");
        } catch (LuaError asExpression) {
            try {
                fn = state.compile(code.toString().getBytes(StandardCharsets.ISO_8859_1), 0, "@ldb_eval");
            } catch (LuaError e) {
                log("<error> " + errorText(e));
                return;
            }
        }
        LuaValue result;
        try {
            result = fn.call();
        } catch (LuaError e) {
            log("<error> " + errorText(e));
            return;
        }
        logWithMaxLen(value(new StringBuilder("<retval> "), result, 0).toString());
    }

    private String errorText(LuaError e) {
        LuaValue v = state.hook.errorValue(e);
        if (v != null && v.istable()) {
            LuaValue err = v.rawget(LuaReplies.ERR);
            return err.isstring() ? err.tojstring() : "(null)";
        }
        return v == null ? String.valueOf(e.getMessage()) : LuaFormat.tostring(v).tojstring();
    }

    /** r/redis: runs the command through redis.call while stepping, so the command and reply are logged. */
    private void redis(byte[][] argv) {
        LuaValue call = state.globals.rawget("redis").rawget("call");
        LuaValue[] args = new LuaValue[argv.length - 1];
        for (int i = 1; i < argv.length; i++) {
            args[i - 1] = LuaString.valueOf(argv[i]);
        }
        step = true;
        try {
            call.invoke(LuaValue.varargsOf(args));
        } catch (LuaError e) {
            // Logged as <error> or <reply> already, like Redis's lua_pcall whose result is dropped.
        } finally {
            step = false;
        }
    }

    private void trace() {
        ScriptHook.Frames f = state.hook.frames();
        int level = 0;
        for (int i = f.n - 1; i >= 0; i--, level++) {
            if (f.fn[i] instanceof LuaClosure c && userScript(c)) {
                String name = i > 0 ? functionName(f, i - 1) : null;
                log((level == 0 ? "In " : "From ") + (name != null ? name : "top level") + ":");
                logSourceLine(f.line(i));
            }
        }
        if (f.n == 0) {
            log("<error> Can't retrieve Lua stack.");
        }
    }

    /**
     * The name a Lua 5.1 {@code getfuncname} gives the function called by frame {@code caller}: the local, global,
     * field or method its call instruction took it from; null when it cannot tell (the top level).
     */
    private static String functionName(ScriptHook.Frames f, int caller) {
        if (!(f.fn[caller] instanceof LuaClosure c) || f.pc[caller] < 0) {
            return null;
        }
        Prototype p = c.p;
        int pc = f.pc[caller];
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        if (op != Lua.OP_CALL && op != Lua.OP_TAILCALL) {
            return null;
        }
        int reg = Lua.GETARG_A(i);
        for (int k = pc - 1; k >= 0; k--) {
            int ins = p.code[k];
            if (Lua.GETARG_A(ins) != reg) {
                continue;
            }
            switch (Lua.GET_OPCODE(ins)) {
                case Lua.OP_GETTABUP, Lua.OP_GETTABLE, Lua.OP_SELF: {
                    int key = Lua.GETARG_C(ins);
                    return Lua.ISK(key) && p.k[Lua.INDEXK(key)].isstring()
                            ? p.k[Lua.INDEXK(key)].tojstring() : null;
                }
                case Lua.OP_MOVE:
                    return localName(p, Lua.GETARG_B(ins), k);
                default:
                    return null;
            }
        }
        return localName(p, reg, pc);
    }

    /** Lua's luaF_getlocalname: the name of register {@code reg} at {@code pc}, if it is a local. */
    private static String localName(Prototype p, int reg, int pc) {
        int n = reg + 1;
        for (int k = 0; p.locvars != null && k < p.locvars.length && p.locvars[k].startpc <= pc; k++) {
            if (pc < p.locvars[k].endpc && --n == 0) {
                return p.locvars[k].varname.tojstring();
            }
        }
        return null;
    }

    // ---- replies in human form (Redis's ldbRedisProtocolToHuman) ----

    private static int lineEnd(byte[] b, int from) {
        int p = from;
        while (p < b.length && b[p] != '\r') {
            p++;
        }
        return p;
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }

    /** Appends the reply starting at {@code p} and returns where the next one starts. */
    private static int human(byte[] b, int p, StringBuilder o) {
        if (p >= b.length) {
            return p;
        }
        int end = lineEnd(b, p + 1);
        switch (b[p]) {
            case ':' -> {
                o.append(text(b, p + 1, end));
                return end + 2;
            }
            case '$' -> {
                int len = Integer.parseInt(text(b, p + 1, end));
                if (len == -1) {
                    o.append("NULL");
                    return end + 2;
                }
                o.append(Bytes.repr(java.util.Arrays.copyOfRange(b, end + 2, end + 2 + len)));
                return end + 2 + len + 2;
            }
            case '+', '-' -> {
                o.append(Bytes.repr(java.util.Arrays.copyOfRange(b, p, end)));
                return end + 2;
            }
            case '*', '~', '%' -> {
                char kind = (char) b[p];
                long n = Long.parseLong(text(b, p + 1, end));
                int q = end + 2;
                if (kind == '*' && n == -1) {
                    o.append("NULL");
                    return q;
                }
                o.append(kind == '*' ? "[" : kind == '~' ? "~(" : "{");
                for (long j = 0; j < n; j++) {
                    q = human(b, q, o);
                    if (kind == '%') {
                        o.append(" => ");
                        q = human(b, q, o);
                    }
                    if (j != n - 1) {
                        o.append(',');
                    }
                }
                o.append(kind == '*' ? "]" : kind == '~' ? ")" : "}");
                return q;
            }
            case '_' -> {
                o.append("(null)");
                return end + 2;
            }
            case '#' -> {
                o.append(b[p + 1] == 't' ? "#true" : "#false");
                return end + 2;
            }
            case ',' -> {
                o.append("(double) ").append(text(b, p + 1, end));
                return end + 2;
            }
            default -> {
                return end + 2;
            }
        }
    }
}
