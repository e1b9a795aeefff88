package io.jredis.persistence;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandHandler;
import io.jredis.server.command.CommandTable;
import io.jredis.server.util.Bytes;

/** SAVE, BGSAVE, LASTSAVE, and FLUSHALL's save (Redis's flushAllDataAndResetRDB). */
final class SaveCommands {
    private static final String IN_PROGRESS = "ERR Background save already in progress";

    private final RdbPersistence rdb;

    private SaveCommands(RdbPersistence rdb) {
        this.rdb = rdb;
    }

    static void register(Engine engine, RdbPersistence rdb) {
        SaveCommands s = new SaveCommands(rdb);
        CommandTable t = engine.commands();
        t.register("save", s::save);
        t.register("bgsave", s::bgsave);
        t.register("lastsave", (c, argv) -> c.reply().integer(rdb.lastSaveTime()));
        CommandHandler flushall = t.lookup("flushall").handler();
        t.register("flushall", (c, argv) -> s.flushall(flushall, c, argv));
    }

    /** SAVE: a synchronous save, refused while a background one runs. */
    private void save(Client c, byte[][] argv) {
        if (rdb.bgsaveInProgress()) {
            c.engine().error(c, IN_PROGRESS);
            return;
        }
        rdb.countSave();
        if (rdb.saveSync(true)) {
            c.reply().ok();
        } else {
            c.engine().error(c, "ERR");
        }
    }

    /**
     * BGSAVE [SCHEDULE]: inside EXEC the save is only scheduled, as Redis cannot fork there; while an AOF rewrite
     * runs it is scheduled with SCHEDULE and refused without.
     */
    private void bgsave(Client c, byte[][] argv) {
        if (argv.length > 2 || (argv.length == 2 && !Bytes.eqIgnoreCase(argv[1], "schedule"))) {
            c.engine().error(c, "ERR syntax error");
            return;
        }
        boolean schedule = argv.length == 2;
        if (rdb.bgsaveInProgress()) {
            c.engine().error(c, IN_PROGRESS);
        } else if (rdb.aofRewriteInProgress() && !schedule && !c.engine().inAtomic()) {
            c.engine().error(c, "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
                    + "SCHEDULE in order to schedule a BGSAVE whenever possible.");
        } else if (rdb.aofRewriteInProgress() || c.engine().inAtomic()) {
            rdb.scheduleBackgroundSave();
            c.reply().simple("Background saving scheduled");
        } else {
            rdb.startBackgroundSave();
            c.reply().simple("Background saving started");
        }
    }

    /**
     * FLUSHALL, then as Redis: a running background save is stopped (it would bring the old data back), and with
     * save points the now empty dataset is saved at once, which resets the changes counter (rdbSave).
     */
    private void flushall(CommandHandler flush, Client c, byte[][] argv) {
        long errors = c.engine().stats().errorReplies;
        flush.execute(c, argv);
        if (c.engine().stats().errorReplies != errors) {
            return; // refused (syntax error)
        }
        rdb.killBackgroundSave();
        if (!c.engine().config().save.points().isEmpty()) {
            rdb.saveSync(true);
        }
    }
}
