package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Memory;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.MemoryEstimate;
import io.jredis.server.util.Bytes;

/** MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP, from jredis's heap estimates. */
final class MemoryCommand {
    /** Below this Redis's memory doctor declines to diagnose (5 MB). */
    private static final long DOCTOR_MIN_BYTES = 5L << 20;

    private MemoryCommand() {}

    static void register(Engine engine) {
        var t = engine.commands();
        t.register("memory|usage", MemoryCommand::usage);
        t.register("memory|stats", MemoryCommand::stats);
        t.register("memory|doctor", MemoryCommand::doctor);
        t.register("memory|malloc-stats", (c, argv) -> c.reply().bulk("Stats not supported for the current allocator"));
        t.register("memory|purge", (c, argv) -> c.reply().ok());
        t.register("memory|help", (c, argv) -> HelpReply.send(c, "MEMORY",
                "DOCTOR",
                "    Return memory problems reports.",
                "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.",
                "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.",
                "STATS",
                "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all)."));
    }

    /**
     * MEMORY USAGE key [SAMPLES count]: the key's estimated bytes (entry, key and value), nil when absent. The count
     * is checked as Redis checks it; the estimate needs no samples (collections keep running totals).
     */
    private static void usage(Client c, byte[][] argv) {
        for (int j = 3; j < argv.length; j += 2) {
            if (Bytes.eqIgnoreCase(argv[j], "samples") && j + 1 < argv.length) {
                Long n = Bytes.toLong(argv[j + 1]);
                if (n == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                if (n < 0) {
                    c.engine().error(c, Args.SYNTAX);
                    return;
                }
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        // Redis reads the dictionary directly: a key that expired but is not deleted yet still has a size, and
        // asking for it deletes nothing (so nothing is propagated).
        Dict.Entry e = c.db().dict().find(argv[2]);
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().integer(MemoryEstimate.entry(e));
    }

    /** MEMORY STATS: Redis's fields, in its order, from the estimates. */
    private static void stats(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Memory m = engine.memory();
        long used = m.used();
        long dataset = m.dataset();
        long clients = m.clients();
        long replicas = m.replicaBuffers();
        long keys = 0;
        int dbs = 0;
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            keys += db.size();
            if (db.size() > 0) {
                dbs++;
            }
        }
        long rss = m.rss();
        long overhead = Memory.STARTUP_BYTES + clients + replicas;
        var r = c.reply();
        r.map(27 + dbs);
        r.bulk("peak.allocated");
        r.integer(m.peak());
        r.bulk("total.allocated");
        r.integer(used);
        r.bulk("startup.allocated");
        r.integer(Memory.STARTUP_BYTES);
        r.bulk("replication.backlog");
        r.integer(0);
        r.bulk("clients.slaves");
        r.integer(replicas);
        r.bulk("clients.normal");
        r.integer(clients);
        r.bulk("cluster.links");
        r.integer(0);
        r.bulk("aof.buffer");
        r.integer(0);
        r.bulk("lua.caches");
        r.integer(0);
        r.bulk("functions.caches");
        r.integer(0);
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            r.bulk("db." + i);
            r.map(3);
            r.bulk("overhead.hashtable.main");
            r.integer(db.dict().buckets() * 4L + (long) db.size() * 48);
            r.bulk("overhead.hashtable.expires");
            r.integer((long) db.expiresSize() * 48);
            r.bulk("overhead.hashtable.slot-to-keys");
            r.integer(0);
        }
        r.bulk("overhead.total");
        r.integer(overhead);
        r.bulk("keys.count");
        r.integer(keys);
        r.bulk("keys.bytes-per-key");
        r.integer(keys == 0 ? 0 : (used - Memory.STARTUP_BYTES) / keys);
        r.bulk("dataset.bytes");
        r.integer(dataset);
        r.bulk("dataset.percentage");
        r.dbl(dataset * 100.0 / Math.max(1, used - Memory.STARTUP_BYTES));
        r.bulk("peak.percentage");
        r.dbl(used * 100.0 / Math.max(1, m.peak()));
        r.bulk("allocator.allocated");
        r.integer(used);
        r.bulk("allocator.active");
        r.integer(used);
        r.bulk("allocator.resident");
        r.integer(rss);
        r.bulk("allocator-fragmentation.ratio");
        r.dbl(1.0);
        r.bulk("allocator-fragmentation.bytes");
        r.integer(0);
        r.bulk("allocator-rss.ratio");
        r.dbl((double) rss / Math.max(1, used));
        r.bulk("allocator-rss.bytes");
        r.integer(rss - used);
        r.bulk("rss-overhead.ratio");
        r.dbl(1.0);
        r.bulk("rss-overhead.bytes");
        r.integer(0);
        r.bulk("fragmentation");
        r.dbl((double) rss / Math.max(1, used));
        r.bulk("fragmentation.bytes");
        r.integer(rss - used);
    }

    /** MEMORY DOCTOR: Redis's verdicts for a small instance, a healthy one and one past its peak. */
    private static void doctor(Client c, byte[][] argv) {
        Memory m = c.engine().memory();
        long used = m.used();
        String report;
        if (used < DOCTOR_MIN_BYTES) {
            report = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used"
                    + " in these conditions. Please, leave for your mission on Earth and fill it with some data. The"
                    + " new Sam and I will be back to our programming as soon as I finished rebooting.\n";
        } else if (m.peak() / 2 > used) {
            report = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
                    + " * Peak memory: In the past this instance used more than 150% the memory that is currently"
                    + " using. The allocator is normally not able to release memory after a peak, so you can expect"
                    + " to see a big fragmentation ratio, however this is actually harmless and is only due to the"
                    + " memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than"
                    + " expected, the memory will be used as soon as you fill the Redis instance with more data. If"
                    + " the memory peak was only occasional and you want to try to reclaim memory, please try the"
                    + " MEMORY PURGE command, otherwise the only other option is to shutdown and restart the"
                    + " instance.\n\n"
                    + "I'm here to keep you safe, Sam. I want to help you.\n";
        } else {
            report = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on"
                    + " this base.\n";
        }
        c.reply().verbatim(report);
    }
}
