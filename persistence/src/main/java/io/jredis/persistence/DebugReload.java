package io.jredis.persistence;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandHandler;
import io.jredis.server.util.Bytes;
import java.io.IOException;

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the databases, load the file back. The server module's DEBUG
 * handles every other subcommand; this wraps it.
 */
final class DebugReload {
    private DebugReload() {}

    static void register(Engine engine, RdbPersistence rdb) {
        CommandHandler debug = engine.commands().lookup("debug").handler();
        engine.commands().register("debug", (c, argv) -> {
            if (argv.length >= 2 && Bytes.eqIgnoreCase(argv[1], "reload")) {
                reload(c, argv, rdb);
            } else {
                debug.execute(c, argv);
            }
        });
    }

    private static void reload(Client c, byte[][] argv, RdbPersistence rdb) {
        boolean flush = true;
        boolean save = true;
        boolean merge = false;
        for (int j = 2; j < argv.length; j++) {
            if (Bytes.eqIgnoreCase(argv[j], "merge")) {
                merge = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "noflush")) {
                flush = false;
            } else if (Bytes.eqIgnoreCase(argv[j], "nosave")) {
                save = false;
            } else {
                c.engine().error(c, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        Engine e = c.engine();
        if (save && !rdb.saveSync(true)) {
            e.error(c, "ERR");
            return;
        }
        if (flush) {
            // Redis's emptyData: the function libraries go too, so the file's libraries load without "already exists".
            for (int i = 0; i < e.databaseCount(); i++) {
                e.emptyDatabase(e.database(i));
            }
            SavedFunctions.flush(e);
        }
        try {
            rdb.load(rdb.rdbPath(), merge);
        } catch (IOException ex) {
            e.error(c, "ERR Error trying to load the RDB dump, check server logs.");
            return;
        }
        e.log().warning("DB reloaded by DEBUG RELOAD");
        c.reply().ok();
    }
}
