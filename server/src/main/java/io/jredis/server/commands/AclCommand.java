package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.acl.Acl;
import io.jredis.server.acl.User;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** ACL and its subcommands, as Redis 7.0's aclCommand. */
final class AclCommand {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String NO_ACLFILE = "ERR This Redis instance is not configured to use an ACL file. You may "
            + "want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
            + "Redis configuration file set) in order to store users in the Redis configuration.";

    private AclCommand() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("acl|setuser", AclCommand::setUser);
        t.register("acl|deluser", AclCommand::delUser);
        t.register("acl|getuser", AclCommand::getUser);
        t.register("acl|list", (c, argv) -> list(c, false));
        t.register("acl|users", (c, argv) -> list(c, true));
        t.register("acl|whoami", (c, argv) -> c.reply().bulk(str(c.user())));
        t.register("acl|cat", AclCommand::cat);
        t.register("acl|genpass", AclCommand::genpass);
        t.register("acl|log", AclCommand::log);
        t.register("acl|dryrun", AclCommand::dryrun);
        t.register("acl|load", AclCommand::load);
        t.register("acl|save", AclCommand::save);
        t.register("acl|help", (c, argv) -> HelpReply.send(c, "ACL",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username."));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] str(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** ACL SETUSER username [rule ...] */
    private static void setUser(Client c, byte[][] argv) {
        Engine engine = c.engine();
        // As Redis: the user name and rules (passwords among them) never reach the slow log or MONITOR.
        for (int i = 2; i < argv.length; i++) {
            engine.redactArgument(i);
        }
        String name = str(argv[2]);
        if (!Acl.validName(name)) {
            engine.error(c, "ERR Usernames can't contain spaces or null characters");
            return;
        }
        List<String> args = new ArrayList<>();
        for (int i = 3; i < argv.length; i++) {
            args.add(str(argv[i]));
        }
        int[] invalid = new int[1];
        List<String> rules = Acl.mergeSelectors(args, invalid);
        if (rules == null) {
            engine.error(c, "ERR Unmatched parenthesis in acl selector starting at '" + str(argv[3 + invalid[0]])
                    + "'.");
            return;
        }
        String err = engine.acl().setUser(name, rules);
        if (err != null) {
            engine.error(c, err);
        } else {
            c.reply().ok();
        }
    }

    /** ACL DELUSER username [username ...] */
    private static void delUser(Client c, byte[][] argv) {
        for (int j = 2; j < argv.length; j++) {
            if (Bytes.str(argv[j]).equals("default")) {
                c.engine().error(c, "ERR The 'default' user cannot be removed");
                return;
            }
        }
        long deleted = 0;
        for (int j = 2; j < argv.length; j++) {
            if (c.engine().acl().deleteUser(str(argv[j]), c)) {
                deleted++;
            }
        }
        c.reply().integer(deleted);
    }

    /** ACL GETUSER username: flags, passwords, root selector fields, then the other selectors as maps. */
    private static void getUser(Client c, byte[][] argv) {
        Acl acl = c.engine().acl();
        User u = acl.user(str(argv[2]));
        if (u == null) {
            c.reply().nullBulk();
            return;
        }
        List<String[]> selectors = acl.selectorFields(u);
        c.reply().map(6);
        c.reply().bulk("flags");
        List<String> flags = acl.flags(u);
        c.reply().set(flags.size());
        for (String f : flags) {
            c.reply().bulk(f);
        }
        c.reply().bulk("passwords");
        List<String> passwords = acl.passwords(u);
        c.reply().array(passwords.size());
        for (String p : passwords) {
            c.reply().bulk(p);
        }
        selectorReply(c, selectors.get(0));
        c.reply().bulk("selectors");
        c.reply().array(selectors.size() - 1);
        for (int i = 1; i < selectors.size(); i++) {
            c.reply().map(3);
            selectorReply(c, selectors.get(i));
        }
    }

    private static void selectorReply(Client c, String[] fields) {
        c.reply().bulk("commands");
        c.reply().bulk(str(fields[0]));
        c.reply().bulk("keys");
        c.reply().bulk(str(fields[1]));
        c.reply().bulk("channels");
        c.reply().bulk(str(fields[2]));
    }

    /** ACL LIST and ACL USERS, in user name order. */
    private static void list(Client c, boolean namesOnly) {
        Acl acl = c.engine().acl();
        c.reply().array(acl.users().size());
        for (User u : acl.users()) {
            c.reply().bulk(str(namesOnly ? u.name() : acl.describe(u)));
        }
    }

    /** ACL CAT [category] */
    private static void cat(Client c, byte[][] argv) {
        if (argv.length == 2) {
            c.reply().array(Acl.CATEGORIES.size());
            for (String cat : Acl.CATEGORIES) {
                c.reply().bulk(cat);
            }
            return;
        }
        if (argv.length > 3) {
            subcommandSyntax(c, argv);
            return;
        }
        String cat = str(argv[2]).toLowerCase();
        if (!Acl.CATEGORIES.contains(cat)) {
            String shown = str(argv[2]);
            c.engine().error(c, "ERR Unknown category '" + (shown.length() > 128 ? shown.substring(0, 128) : shown)
                    + "'");
            return;
        }
        List<String> names = c.engine().acl().commandsIn(cat);
        c.reply().array(names.size());
        for (String n : names) {
            c.reply().bulk(n);
        }
    }

    /** Redis's addReplySubcommandSyntaxError. */
    private static void subcommandSyntax(Client c, byte[][] argv) {
        String sub = str(argv[1]);
        c.engine().error(c, "ERR unknown subcommand or wrong number of arguments for '"
                + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try " + str(argv[0]).toUpperCase()
                + " HELP.");
    }

    /** ACL GENPASS [bits]: random hex, four bits per character. */
    private static void genpass(Client c, byte[][] argv) {
        if (argv.length > 3) {
            subcommandSyntax(c, argv);
            return;
        }
        long bits = 256;
        if (argv.length == 3) {
            Long v = Bytes.toLong(argv[2]);
            if (v == null) {
                c.engine().error(c, "ERR value is not an integer or out of range");
                return;
            }
            bits = v;
        }
        if (bits <= 0 || bits > 4096) {
            c.engine().error(c, "ERR ACL GENPASS argument must be the number of bits for the output password, a "
                    + "positive number up to 4096");
            return;
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] random = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(random);
        c.reply().bulk(HexFormat.of().formatHex(random).substring(0, chars));
    }

    /** ACL LOG [count | RESET] */
    private static void log(Client c, byte[][] argv) {
        if (argv.length > 3) {
            subcommandSyntax(c, argv);
            return;
        }
        List<Acl.LogEntry> log = c.engine().acl().log();
        long count = 10;
        if (argv.length == 3) {
            if (Bytes.eqIgnoreCase(argv[2], "reset")) {
                log.clear();
                c.reply().ok();
                return;
            }
            Long v = Bytes.toLong(argv[2]);
            if (v == null) {
                c.engine().error(c, "ERR value is not an integer or out of range");
                return;
            }
            count = Math.max(0, v);
        }
        int n = (int) Math.min(count, log.size());
        long now = System.currentTimeMillis();
        c.reply().array(n);
        for (int i = 0; i < n; i++) {
            Acl.LogEntry e = log.get(i);
            c.reply().map(7);
            c.reply().bulk("count");
            c.reply().integer(e.count());
            c.reply().bulk("reason");
            c.reply().bulk(e.reason());
            c.reply().bulk("context");
            c.reply().bulk(e.context());
            c.reply().bulk("object");
            c.reply().bulk(str(e.object()));
            c.reply().bulk("username");
            c.reply().bulk(str(e.username()));
            c.reply().bulk("age-seconds");
            c.reply().dbl((now - e.createdAt()) / 1000.0);
            c.reply().bulk("client-info");
            c.reply().bulk(str(e.clientInfo()));
        }
    }

    /** ACL DRYRUN username command [arg ...]: the check a command would get, without running it. */
    private static void dryrun(Client c, byte[][] argv) {
        Acl acl = c.engine().acl();
        User u = acl.user(str(argv[2]));
        if (u == null) {
            c.engine().error(c, "ERR User '" + str(argv[2]) + "' not found");
            return;
        }
        byte[][] cmdArgv = Arrays.copyOfRange(argv, 3, argv.length);
        CommandSpec cmd = c.engine().commands().lookup(cmdArgv[0]);
        if (cmd != null && !cmd.subcommands().isEmpty() && cmdArgv.length >= 2) {
            cmd = CommandTable.subcommand(cmd, cmdArgv[1]);
        }
        if (cmd == null) {
            c.engine().error(c, "ERR Command '" + str(argv[3]) + "' not found");
            return;
        }
        if (!cmd.arityOk(cmdArgv.length)) {
            c.engine().error(c, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
            return;
        }
        Acl.Verdict v = acl.check(u, cmd, cmdArgv);
        switch (v.result()) {
            case Acl.OK -> c.reply().ok();
            case Acl.DENIED_CMD -> c.reply().bulk("This user has no permissions to run the '" + cmd.fullName()
                    + "' command");
            case Acl.DENIED_KEY -> c.reply().bulk(str("This user has no permissions to access the '"
                    + str(cmdArgv[v.pos()]) + "' key"));
            default -> c.reply().bulk(str("This user has no permissions to access the '" + str(cmdArgv[v.pos()])
                    + "' channel"));
        }
    }

    /** ACL LOAD: replaces the users with the aclfile's. */
    private static void load(Client c, byte[][] argv) {
        String file = c.engine().config().aclfile.value();
        if (file.isEmpty()) {
            c.engine().error(c, NO_ACLFILE);
            return;
        }
        String errors = c.engine().acl().loadFile(file, c);
        if (errors == null) {
            c.reply().ok();
        } else {
            c.engine().error(c, "ERR " + errors);
        }
    }

    /** ACL SAVE: writes the users to the aclfile. */
    private static void save(Client c, byte[][] argv) {
        String file = c.engine().config().aclfile.value();
        if (file.isEmpty()) {
            c.engine().error(c, NO_ACLFILE);
            return;
        }
        if (c.engine().acl().saveFile(file)) {
            c.reply().ok();
        } else {
            c.engine().error(c, "ERR There was an error trying to save the ACLs. Please check the server logs for "
                    + "more information");
        }
    }
}
