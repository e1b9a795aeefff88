package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Transactions;
import io.jredis.server.command.CommandTable;
import java.util.List;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's multi.c). */
final class TransactionCommands {
    private TransactionCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("multi", TransactionCommands::multi);
        t.register("exec", TransactionCommands::exec)
                .callFlags((c, cmd, argv) -> engine.transactions().execFlags(c, cmd));
        t.register("discard", TransactionCommands::discard);
        t.register("watch", TransactionCommands::watch);
        t.register("unwatch", (c, argv) -> {
            c.engine().transactions().unwatchAll(c);
            c.reply().ok();
        });
    }

    /** MULTI */
    private static void multi(Client c, byte[][] argv) {
        if (c.multi() != null) {
            c.engine().error(c, "ERR MULTI calls can not be nested");
            return;
        }
        c.engine().transactions().begin(c);
        c.reply().ok();
    }

    /** DISCARD */
    private static void discard(Client c, byte[][] argv) {
        if (c.multi() == null) {
            c.engine().error(c, "ERR DISCARD without MULTI");
            return;
        }
        c.engine().transactions().discard(c);
        c.reply().ok();
    }

    /** WATCH key [key ...] */
    private static void watch(Client c, byte[][] argv) {
        if (c.multi() != null) {
            c.engine().error(c, "ERR WATCH inside MULTI is not allowed");
            return;
        }
        // As Redis, a client whose watched keys were already modified watches nothing more.
        if (!c.engine().transactions().dirty(c)) {
            for (int i = 1; i < argv.length; i++) {
                c.engine().transactions().watch(c, argv[i]);
            }
        }
        c.reply().ok();
    }

    /**
     * EXEC: runs the queued commands back to back, so no other client's command interleaves; a command failing at
     * run time does not stop the others. Propagated writes are wrapped in MULTI ... EXEC.
     */
    private static void exec(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Transactions tx = engine.transactions();
        if (c.multi() == null) {
            engine.error(c, "ERR EXEC without MULTI");
            return;
        }
        if (tx.failed(c)) {
            tx.discard(c);
            engine.error(c, "EXECABORT Transaction discarded because of previous errors.");
            return;
        }
        if (tx.watchedKeyChanged(c)) {
            tx.discard(c);
            c.reply().nullArray();
            return;
        }
        List<Transactions.Queued> queued = tx.queued(c);
        // As Redis, keys are unwatched first but the client stays in MULTI state (flag x, multi=N) until the end.
        tx.unwatchAll(c);
        c.reply().array(queued.size());
        c.denyBlocking(true);
        engine.beginAtomic();
        try {
            for (Transactions.Queued q : queued) {
                tx.running(c, q.argv());
                String denied = engine.acl().checkQueued(c, q.cmd(), q.argv());
                if (denied != null) {
                    engine.error(c, denied);
                } else {
                    engine.call(c, q.cmd(), q.argv());
                }
            }
        } finally {
            tx.discard(c);
            engine.endAtomic();
            c.denyBlocking(false);
        }
    }
}
