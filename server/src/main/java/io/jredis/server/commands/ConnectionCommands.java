package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandTable;

/** Connection commands: PING, ECHO, QUIT, SELECT. */
final class ConnectionCommands {
    private ConnectionCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("ping", ConnectionCommands::ping);
        t.register("echo", (c, argv) -> c.reply().bulk(argv[1]));
        t.register("quit", (c, argv) -> {
            c.reply().ok();
            c.closeAfterReply();
        });
        t.register("select", ConnectionCommands::select);
    }

    /** PING [message] */
    private static void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            c.engine().error(c, "ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (c.subscribed() && c.reply().protocol() == 2) {
            // A RESP2 subscriber's replies are arrays, so PING answers in the shape of a message.
            c.reply().array(2);
            c.reply().bulk("pong");
            c.reply().bulk(argv.length == 2 ? argv[1] : io.jredis.server.util.Bytes.EMPTY);
        } else if (argv.length == 2) {
            c.reply().bulk(argv[1]);
        } else {
            c.reply().simple("PONG");
        }
    }

    /** SELECT index */
    private static void select(Client c, byte[][] argv) {
        Long idx = Args.longOrNull(argv[1]);
        if (idx == null) {
            c.engine().error(c, "ERR value is not an integer or out of range");
            return;
        }
        if (idx < 0 || idx >= c.engine().databaseCount()) {
            c.engine().error(c, "ERR DB index is out of range");
            return;
        }
        c.select(c.engine().database(idx.intValue()));
        c.reply().ok();
    }
}
