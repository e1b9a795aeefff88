package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.command.KeySpecs;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * COMMAND and its subcommands. Entries come from the stored Redis 7.0.15 table, limited to what jredis implements:
 * commands without a handler, and subcommands of containers without one, are not listed anywhere.
 */
final class CommandCommand {
    private CommandCommand() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("command", (c, argv) -> allInfo(c));
        t.register("command|count", (c, argv) -> c.reply().integer(c.engine().commands().all().size()));
        t.register("command|list", CommandCommand::list);
        t.register("command|info", CommandCommand::info);
        t.register("command|docs", CommandCommand::docs);
        t.register("command|getkeys", (c, argv) -> getKeys(c, argv, false));
        t.register("command|getkeysandflags", (c, argv) -> getKeys(c, argv, true));
        t.register("command|help", (c, argv) -> HelpReply.send(c, "COMMAND",
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command."));
    }

    private static void allInfo(Client c) {
        Collection<CommandSpec> all = c.engine().commands().all();
        c.reply().array(all.size());
        for (CommandSpec cmd : all) {
            writeInfo(c.reply(), cmd);
        }
    }

    /** COMMAND INFO [command-name ...] */
    private static void info(Client c, byte[][] argv) {
        if (argv.length == 2) {
            allInfo(c);
            return;
        }
        c.reply().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            CommandSpec cmd = byFullName(c.engine().commands(), argv[i]);
            if (cmd == null) {
                c.reply().nullBulk();
            } else {
                writeInfo(c.reply(), cmd);
            }
        }
    }

    /** COMMAND DOCS [command-name ...]: a map from name to docs, unknown names left out. */
    private static void docs(Client c, byte[][] argv) {
        List<CommandSpec> found = new ArrayList<>();
        if (argv.length == 2) {
            found.addAll(c.engine().commands().all());
        } else {
            for (int i = 2; i < argv.length; i++) {
                CommandSpec cmd = byFullName(c.engine().commands(), argv[i]);
                if (cmd != null) {
                    found.add(cmd);
                }
            }
        }
        c.reply().map(found.size());
        for (CommandSpec cmd : found) {
            c.reply().bulk(cmd.fullName());
            writeDocs(c.reply(), cmd);
        }
    }

    /** COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern] */
    private static void list(Client c, byte[][] argv) {
        String filter = null;
        byte[] arg = null;
        for (int i = 2; i < argv.length; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "filterby") && argv.length - 1 - i == 2) {
                filter = Bytes.lower(argv[i + 1]);
                if (!filter.equals("module") && !filter.equals("aclcat") && !filter.equals("pattern")) {
                    c.engine().error(c, Args.SYNTAX);
                    return;
                }
                arg = argv[i + 2];
                i += 2;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec cmd : c.engine().commands().all()) {
            if (matches(cmd, filter, arg)) {
                names.add(cmd.fullName());
            }
            for (CommandSpec sub : cmd.subcommands().values()) {
                if (sub.handler() != null && matches(sub, filter, arg)) {
                    names.add(sub.fullName());
                }
            }
        }
        c.reply().strings(names);
    }

    private static boolean matches(CommandSpec cmd, String filter, byte[] arg) {
        if (filter == null) {
            return true;
        }
        return switch (filter) {
            // jredis loads no modules, so no command belongs to one.
            case "module" -> false;
            case "aclcat" -> cmd.aclCategories().contains("@" + Bytes.lower(arg));
            default -> Glob.match(arg, cmd.fullName().getBytes(StandardCharsets.UTF_8), true);
        };
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS command [arg ...] */
    private static void getKeys(Client c, byte[][] argv, boolean withFlags) {
        Engine e = c.engine();
        byte[][] line = Arrays.copyOfRange(argv, 2, argv.length);
        CommandSpec cmd = e.commands().lookup(line[0]);
        if (cmd != null && !cmd.subcommands().isEmpty() && line.length > 1) {
            cmd = CommandTable.subcommand(cmd, line[1]);
        }
        if (cmd == null) {
            e.error(c, "ERR Invalid command specified");
            return;
        }
        if (!KeySpecs.hasKeys(cmd)) {
            e.error(c, "ERR The command has no key arguments");
            return;
        }
        if (!cmd.arityOk(line.length)) {
            e.error(c, "ERR Invalid number of arguments specified for command");
            return;
        }
        List<KeySpecs.KeyRef> keys = KeySpecs.keys(cmd, line);
        if (keys.isEmpty() && !cmd.hasFlag("no_mandatory_keys")) {
            e.error(c, "ERR Invalid arguments specified for command");
            return;
        }
        c.reply().array(keys.size());
        for (KeySpecs.KeyRef k : keys) {
            if (withFlags) {
                c.reply().array(2);
                c.reply().bulk(line[k.pos()]);
                c.reply().set(k.flags().size());
                for (String f : k.flags()) {
                    c.reply().simple(f);
                }
            } else {
                c.reply().bulk(line[k.pos()]);
            }
        }
    }

    /** Redis's lookupCommandBySds: {@code name} or {@code container|subcommand}, case-insensitively. */
    private static CommandSpec byFullName(CommandTable table, byte[] name) {
        String s = Bytes.lower(name);
        int bar = s.indexOf('|');
        if (bar < 0) {
            return table.lookup(s);
        }
        if (s.indexOf('|', bar + 1) >= 0) {
            return null;
        }
        CommandSpec container = table.lookup(s.substring(0, bar));
        if (container == null) {
            return null;
        }
        CommandSpec sub = container.subcommands().get(s.substring(bar + 1));
        return sub != null && sub.handler() != null ? sub : null;
    }

    /** The COMMAND INFO entry, with the subcommand list cut down to the implemented subcommands. */
    private static void writeInfo(Reply r, CommandSpec cmd) {
        List<?> info = (List<?>) cmd.info();
        r.array(10);
        for (int i = 0; i < 9; i++) {
            r.value(info.get(i));
        }
        if (cmd.subcommands().isEmpty()) {
            r.set(0);
            return;
        }
        List<CommandSpec> subs = implementedSubcommands(cmd);
        r.array(subs.size());
        for (CommandSpec sub : subs) {
            writeInfo(r, sub);
        }
    }

    /** The COMMAND DOCS map of a command, with only the implemented subcommands. */
    private static void writeDocs(Reply r, CommandSpec cmd) {
        Map<?, ?> docs = (Map<?, ?>) cmd.docs();
        if (docs == null) {
            r.map(0);
            return;
        }
        r.map(docs.size());
        for (Map.Entry<?, ?> e : docs.entrySet()) {
            r.value(e.getKey());
            if ("subcommands".equals(e.getKey())) {
                List<CommandSpec> subs = implementedSubcommands(cmd);
                r.map(subs.size());
                for (CommandSpec sub : subs) {
                    r.bulk(sub.fullName());
                    writeDocs(r, sub);
                }
            } else {
                r.value(e.getValue());
            }
        }
    }

    private static List<CommandSpec> implementedSubcommands(CommandSpec cmd) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec sub : cmd.subcommands().values()) {
            if (sub.handler() != null) {
                out.add(sub);
            }
        }
        return out;
    }
}
