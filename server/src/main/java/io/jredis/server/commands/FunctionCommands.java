package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandTable;
import io.jredis.server.scripting.FunctionLibraries;
import io.jredis.server.scripting.Scripting;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** FCALL, FCALL_RO and FUNCTION (Redis's functions.c commands). */
final class FunctionCommands {
    private FunctionCommands() {}

    static void register(Engine engine, Scripting s) {
        FunctionLibraries f = s.functions();
        CommandTable t = engine.commands();
        t.register("fcall", (c, argv) -> f.fcall(c, argv, false))
                .callFlags((c, cmd, argv) -> s.callFlags(cmd, f.flagsOf(argv)));
        t.register("fcall_ro", (c, argv) -> f.fcall(c, argv, true))
                .callFlags((c, cmd, argv) -> s.callFlags(cmd, f.flagsOf(argv)));
        t.register("function|load", (c, argv) -> load(engine, f, c, argv));
        t.register("function|delete", (c, argv) -> {
            if (!f.delete(Bytes.str(argv[2]))) {
                engine.error(c, "ERR Library not found");
                return;
            }
            engine.dirty(1);
            c.reply().ok();
        });
        t.register("function|flush", (c, argv) -> {
            if (argv.length > 3) {
                syntaxError(engine, c, argv);
                return;
            }
            if (argv.length == 3 && !Bytes.eqIgnoreCase(argv[2], "sync") && !Bytes.eqIgnoreCase(argv[2], "async")) {
                engine.error(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                return;
            }
            f.flush();
            engine.dirty(1);
            c.reply().ok();
        });
        t.register("function|list", (c, argv) -> list(engine, f, c, argv));
        t.register("function|dump", (c, argv) -> c.reply().bulk(f.dump()));
        t.register("function|restore", (c, argv) -> restore(engine, f, c, argv));
        t.register("function|stats", (c, argv) -> stats(engine, s, c));
        t.register("function|kill", (c, argv) -> s.kill(c, false));
        t.register("function|help", (c, argv) -> HelpReply.send(c, "FUNCTION",
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using "
                        + "FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore "
                        + "policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace "
                        + "the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of "
                        + "failure",
                "      in case of functions name collision with another library)."));
    }

    /** Redis's addReplySubcommandSyntaxError, naming the subcommand as the client typed it. */
    private static void syntaxError(Engine engine, Client c, byte[][] argv) {
        engine.error(c, "ERR unknown subcommand or wrong number of arguments for '" + Bytes.str(argv[1])
                + "'. Try FUNCTION HELP.");
    }

    /** FUNCTION LOAD [REPLACE] code */
    private static void load(Engine engine, FunctionLibraries f, Client c, byte[][] argv) {
        boolean replace = false;
        int pos = 2;
        while (pos < argv.length - 1) {
            byte[] arg = argv[pos++];
            if (Bytes.eqIgnoreCase(arg, "replace")) {
                replace = true;
                continue;
            }
            engine.error(c, "ERR Unknown option given: " + Bytes.str(arg));
            return;
        }
        if (pos >= argv.length) {
            engine.error(c, "ERR Function code is missing");
            return;
        }
        try {
            String name = f.load(argv[pos], replace);
            engine.dirty(1);
            c.reply().bulk(name);
        } catch (FunctionLibraries.LoadError e) {
            engine.error(c, "ERR " + e.getMessage());
        }
    }

    /** FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern] */
    private static void list(Engine engine, FunctionLibraries f, Client c, byte[][] argv) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < argv.length; i++) {
            if (!withCode && Bytes.eqIgnoreCase(argv[i], "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && Bytes.eqIgnoreCase(argv[i], "libraryname")) {
                if (i >= argv.length - 1) {
                    engine.error(c, "ERR library name argument was not given");
                    return;
                }
                pattern = argv[++i];
                continue;
            }
            engine.error(c, "ERR Unknown argument " + Bytes.str(argv[i]));
            return;
        }
        List<FunctionLibraries.LibraryInfo> libs = f.list();
        if (pattern != null) {
            byte[] p = pattern;
            libs = libs.stream().filter(l -> Glob.match(p, l.name().getBytes(StandardCharsets.UTF_8), true))
                    .toList();
        }
        c.reply().array(libs.size());
        for (FunctionLibraries.LibraryInfo lib : libs) {
            c.reply().map(withCode ? 4 : 3);
            c.reply().bulk("library_name");
            c.reply().bulk(lib.name());
            c.reply().bulk("engine");
            c.reply().bulk("LUA");
            c.reply().bulk("functions");
            c.reply().array(lib.functions().size());
            for (FunctionLibraries.FunctionInfo fn : lib.functions()) {
                c.reply().map(3);
                c.reply().bulk("name");
                c.reply().bulk(fn.name());
                c.reply().bulk("description");
                c.reply().bulk(fn.description());
                c.reply().bulk("flags");
                c.reply().set(fn.flags().size());
                for (String flag : fn.flags()) {
                    c.reply().simple(flag);
                }
            }
            if (withCode) {
                c.reply().bulk("library_code");
                c.reply().bulk(lib.code());
            }
        }
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] */
    private static void restore(Engine engine, FunctionLibraries f, Client c, byte[][] argv) {
        if (argv.length > 4) {
            syntaxError(engine, c, argv);
            return;
        }
        FunctionLibraries.Policy policy = FunctionLibraries.Policy.APPEND;
        if (argv.length == 4) {
            if (Bytes.eqIgnoreCase(argv[3], "append")) {
                policy = FunctionLibraries.Policy.APPEND;
            } else if (Bytes.eqIgnoreCase(argv[3], "replace")) {
                policy = FunctionLibraries.Policy.REPLACE;
            } else if (Bytes.eqIgnoreCase(argv[3], "flush")) {
                policy = FunctionLibraries.Policy.FLUSH;
            } else {
                engine.error(c, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        try {
            f.restore(argv[2], policy);
            engine.dirty(1);
            c.reply().ok();
        } catch (FunctionLibraries.LoadError e) {
            engine.error(c, "ERR " + e.getMessage());
        }
    }

    /** FUNCTION STATS */
    private static void stats(Engine engine, Scripting s, Client c) {
        if (s.evalRunning()) {
            engine.error(c, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            return;
        }
        c.reply().map(2);
        c.reply().bulk("running_script");
        Scripting.Running run = s.runningScript();
        if (run == null) {
            c.reply().nullBulk();
        } else {
            c.reply().map(3);
            c.reply().bulk("name");
            c.reply().bulk(run.name());
            c.reply().bulk("command");
            c.reply().array(run.command().length);
            for (byte[] a : run.command()) {
                c.reply().bulk(a);
            }
            c.reply().bulk("duration_ms");
            c.reply().integer(run.durationMs());
        }
        c.reply().bulk("engines");
        c.reply().map(1);
        c.reply().bulk("LUA");
        c.reply().map(2);
        c.reply().bulk("libraries_count");
        c.reply().integer(s.functions().libraryCount());
        c.reply().bulk("functions_count");
        c.reply().integer(s.functions().functionCount());
    }
}
