package io.jredis.server.commands;

import io.jredis.server.Engine;
import io.jredis.server.command.CommandTable;
import io.jredis.server.scripting.Scripting;
import io.jredis.server.util.Bytes;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis's eval.c commands). */
public final class ScriptingCommands {
    private ScriptingCommands() {}

    public static void register(Engine engine) {
        Scripting s = new Scripting(engine);
        engine.scripting(s);
        CommandTable t = engine.commands();
        t.register("eval", (c, argv) -> s.eval().eval(c, argv, false, false))
                .callFlags((c, cmd, argv) -> s.callFlags(cmd, s.eval().flagsOf(argv, false)));
        t.register("evalsha", (c, argv) -> s.eval().eval(c, argv, true, false))
                .callFlags((c, cmd, argv) -> s.callFlags(cmd, s.eval().flagsOf(argv, true)));
        t.register("eval_ro", (c, argv) -> s.eval().eval(c, argv, false, true))
                .callFlags((c, cmd, argv) -> s.callFlags(cmd, s.eval().flagsOf(argv, false)));
        t.register("evalsha_ro", (c, argv) -> s.eval().eval(c, argv, true, true))
                .callFlags((c, cmd, argv) -> s.callFlags(cmd, s.eval().flagsOf(argv, true)));
        t.register("script|load", (c, argv) -> {
            String sha = s.eval().create(c, argv[2]);
            if (sha != null) {
                c.reply().bulk(sha);
            }
        });
        t.register("script|exists", (c, argv) -> {
            c.reply().array(argv.length - 2);
            for (int i = 2; i < argv.length; i++) {
                c.reply().integer(s.eval().exists(Bytes.lower(argv[i])) ? 1 : 0);
            }
        });
        t.register("script|flush", (c, argv) -> {
            if (argv.length > 3 || (argv.length == 3 && !Bytes.eqIgnoreCase(argv[2], "sync")
                    && !Bytes.eqIgnoreCase(argv[2], "async"))) {
                engine.error(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                return;
            }
            s.resetEval();
            c.reply().ok();
        });
        t.register("script|kill", (c, argv) -> s.kill(c, true));
        t.register("script|debug", (c, argv) -> {
            if (c.hasPendingReplies()) {
                engine.error(c, "ERR SCRIPT DEBUG must be called outside a pipeline");
                return;
            }
            if (Bytes.eqIgnoreCase(argv[2], "no")) {
                c.luaDebug(0);
            } else if (Bytes.eqIgnoreCase(argv[2], "yes")) {
                c.luaDebug(Scripting.DEBUG_YES);
            } else if (Bytes.eqIgnoreCase(argv[2], "sync")) {
                c.luaDebug(Scripting.DEBUG_SYNC);
            } else {
                engine.error(c, "ERR Use SCRIPT DEBUG YES/SYNC/NO");
                return;
            }
            c.reply().ok();
        });
        t.register("script|help", (c, argv) -> HelpReply.send(c, "SCRIPT",
                "DEBUG (YES|SYNC|NO)",
                "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it."));
        FunctionCommands.register(engine, s);
    }
}
