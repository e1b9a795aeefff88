package io.jredis.server.scripting;

import io.jredis.server.Client;

/**
 * One script or function invocation (Redis's scriptRunCtx): who called it, under which name, with which flags, and
 * what happened so far (writes, time out, kill request). Read by SCRIPT KILL / FUNCTION KILL / FUNCTION STATS.
 */
final class ScriptRun {
    final Client caller;
    /** The SHA of an EVAL script or the name of a function, as errors and FUNCTION STATS name it. */
    final String name;
    /** The command that started it, lower case with its arguments, for FUNCTION STATS. */
    final byte[][] argv;
    final boolean evalMode;
    final boolean readOnly;
    final long startNanos = System.nanoTime();
    /** The protocol of the script's redis.call replies: 2 unless the script called redis.setresp(3). */
    int resp = 2;
    /** Whether writes are propagated (redis.set_repl); Redis's PROPAGATE_AOF|PROPAGATE_REPL by default. */
    int replFlags = RedisApi.REPL_ALL;
    /** A write command ran: the script can no longer be killed. */
    boolean wrote;
    /** Memory was over maxmemory when the script's command started: its first denyoom command is refused. */
    boolean oom;
    /** Ran past busy-reply-threshold: other clients get -BUSY. */
    boolean timedOut;
    volatile boolean killed;
    /** The debugging session this run belongs to (SCRIPT DEBUG), or null. */
    LuaDebugger debugger;

    ScriptRun(Client caller, String name, byte[][] argv, boolean evalMode, boolean readOnly) {
        this.caller = caller;
        this.name = name;
        this.argv = argv;
        this.evalMode = evalMode;
        this.readOnly = readOnly;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
