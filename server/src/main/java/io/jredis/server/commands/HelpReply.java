package io.jredis.server.commands;

import io.jredis.server.Client;

/** The reply of the HELP subcommands, as Redis's addReplyHelp writes it: status lines, HELP itself last. */
final class HelpReply {
    private HelpReply() {}

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
