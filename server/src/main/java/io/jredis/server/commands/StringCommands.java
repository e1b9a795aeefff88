package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandTable;

/** String commands (Redis's t_string.c). */
final class StringCommands {
    private StringCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("get", StringCommands::get);
        t.register("set", StringCommands::set);
    }

    /** GET key */
    private static void get(Client c, byte[][] argv) {
        Object v = c.db().get(argv[1]);
        if (v == null) {
            c.reply().nullBulk();
        } else if (v instanceof byte[] b) {
            c.reply().bulk(b);
        } else {
            c.engine().error(c, Args.WRONGTYPE);
        }
    }

    /** SET key value (options come with the strings family). */
    private static void set(Client c, byte[][] argv) {
        c.db().set(argv[1], argv[2], false);
        c.engine().dirty(1);
        c.reply().ok();
    }
}
