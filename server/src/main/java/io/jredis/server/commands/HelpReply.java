package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.config.Directive;
import io.jredis.server.util.Bytes;

/**
 * The reply of the HELP subcommands, as Redis's addReplyHelp writes it (status lines, HELP itself last), and the
 * error that points to it.
 */
final class HelpReply {
    /** The precision of Redis's {@code %.128s} for a subcommand name in its error. */
    private static final int NAME_MAX = 128;

    private HelpReply() {}

    /**
     * Redis's addReplySubcommandSyntaxError: the subcommand as {@code %.128s} prints it (a C string, cut at its first
     * NUL, then at 128 bytes), and the command upper-cased.
     */
    static void syntaxError(Client c, byte[][] argv, String command) {
        String name = Directive.cstr(Bytes.str(argv[1]));
        c.engine().error(c, "ERR unknown subcommand or wrong number of arguments for '"
                + name.substring(0, Math.min(name.length(), NAME_MAX)) + "'. Try " + command + " HELP.");
    }

    static void send(Client c, String command, String... lines) {
        c.reply().array(lines.length + 3);
        c.reply().simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            c.reply().simple(line);
        }
        c.reply().simple("HELP");
        c.reply().simple("    Prints this help.");
    }
}
