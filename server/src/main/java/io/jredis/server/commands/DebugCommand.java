package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Memory;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.config.ConfigRewrite;
import io.jredis.server.config.MemoryUnits;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.HashValue;
import io.jredis.server.db.ListValue;
import io.jredis.server.db.SetValue;
import io.jredis.server.db.StreamValue;
import io.jredis.server.db.Values;
import io.jredis.server.db.ZSetValue;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles;
import io.jredis.server.util.Glob;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * DEBUG, guarded by {@code enable-debug-command} as in Redis. Redis 7.0 declares no subcommands for DEBUG in its
 * table, so the first argument is parsed here. Implemented: SLEEP, SET-ACTIVE-EXPIRE, OBJECT, LOG, DIGEST,
 * DIGEST-VALUE, POPULATE, PROTOCOL, ERROR, CHANGE-REPL-ID, LISTPACK, QUICKLIST, QUICKLIST-PACKED-THRESHOLD,
 * STRINGMATCH-TEST, HTSTATS, HTSTATS-KEY, CLIENT-EVICTION, CONFIG-REWRITE-FORCE-ALL, STRUCTSIZE, LEAK, HELP (RELOAD
 * and LOADAOF are added by the persistence module); the others answer as unknown subcommands.
 */
final class DebugCommand {
    private static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is"
            + " set to \"local\", you can run it from a local connection, otherwise you need to set this option in"
            + " the configuration file, and then restart the server.";

    private static final byte[] KEY_PREFIX = Bytes.of("key");
    private static final byte[] COLON = Bytes.of(":");
    private static final byte[] VALUE_PREFIX = Bytes.of("value:");
    /** A RESP3 attribute map of one pair; Reply has no attribute writer as nothing else sends one. */
    private static final byte[] ATTRIBUTE_HEADER = Bytes.of("|1\r\n");

    private DebugCommand() {}

    static void register(Engine engine) {
        engine.commands().register("debug", DebugCommand::debug).protect(DebugCommand::allowed);
    }

    /** Redis refuses DEBUG before running it (a rejected call), unless enabled or "local" and the client is. */
    private static String allowed(Client c, CommandSpec cmd, byte[][] argv) {
        return switch (c.engine().config().enableDebugCommand.value()) {
            case "yes" -> null;
            case "local" -> isLocal(c) ? null : NOT_ALLOWED;
            default -> NOT_ALLOWED;
        };
    }

    /** Loopback and unix socket connections are local (Redis's islocalClient). */
    static boolean isLocal(Client c) {
        if (c.channel() == null) {
            return true;
        }
        SocketAddress a = c.channel().remoteAddress();
        if (a instanceof InetSocketAddress in) {
            return in.getAddress() != null && in.getAddress().isLoopbackAddress();
        }
        return true;
    }

    /** Redis's client memory buckets: 32 KB and under, then one per power of two, the last from 4 GB up. */
    private static final int EVICTION_BUCKET_MIN_LOG = 15;
    private static final int EVICTION_BUCKET_MAX_LOG = 33;
    private static final int EVICTION_BUCKETS = 1 + EVICTION_BUCKET_MAX_LOG - EVICTION_BUCKET_MIN_LOG;
    /** How often Redis's clientsCron weighs each client when there are few (every cron tick at hz 10). */
    private static final long CLIENTS_CRON_MILLIS = 100;

    /**
     * DEBUG CLIENT-EVICTION: the clients that maxmemory-clients may evict, by the bucket of their memory, as Redis
     * keeps them for eviction (an error when maxmemory-clients is 0, Redis then keeps no buckets). Redis files a
     * client after each command it ran and in its cron, so a caller on its first command and connected for less than
     * a cron tick is in no bucket yet; the others count with their memory now (Redis's figure is as of their last
     * command or cron pass).
     */
    private static void clientEviction(Client c) {
        if (c.engine().config().maxmemoryClients.value() == 0) {
            c.engine().error(c, "ERR maxmemory-clients is disabled.");
            return;
        }
        long[] mem = new long[EVICTION_BUCKETS];
        long[] clients = new long[EVICTION_BUCKETS];
        long now = System.currentTimeMillis();
        for (Client other : c.engine().clients().values()) {
            if (!Memory.evictable(other) || other == c && c.commandsReceived() == 1
                    && now - c.createdAt() < CLIENTS_CRON_MILLIS) {
                continue;
            }
            long m = other.memory();
            int bits = 64 - Long.numberOfLeadingZeros(m);
            int bucket = Math.min(Math.max(bits, EVICTION_BUCKET_MIN_LOG), EVICTION_BUCKET_MAX_LOG)
                    - EVICTION_BUCKET_MIN_LOG;
            mem[bucket] += m;
            clients[bucket]++;
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < EVICTION_BUCKETS; j++) {
            sb.append(j == 0 ? "bucket          0"
                    : String.format("bucket %10d", 1L << (j - 1 + EVICTION_BUCKET_MIN_LOG)));
            sb.append(j == EVICTION_BUCKETS - 1 ? "+            : "
                    : String.format(" - %10d: ", (1L << (j + EVICTION_BUCKET_MIN_LOG)) - 1));
            sb.append(String.format("tot-mem: %10d, clients: %d\n", mem[j], clients[j]));
        }
        c.reply().verbatim(sb.toString());
    }

    /** DEBUG subcommand [arg ...] */
    private static void debug(Client c, byte[][] argv) {
        String sub = Bytes.lower(argv[1]);
        int argc = argv.length;
        switch (sub) {
            case "help" -> {
                // Redis answers HELP only without arguments: "DEBUG HELP x" is an unknown subcommand there.
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                help(c);
            }
            case "segfault" -> c.engine().crash(139,
                    List.of("Redis " + Engine.REDIS_VERSION + " crashed by signal: 11, si_code: 2"));
            case "panic" -> c.engine().panic("DEBUG PANIC called at Unix time " + System.currentTimeMillis() / 1000);
            case "assert" -> assertFailed(c, argv);
            case "sleep" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                sleep(c, argv[2]);
            }
            case "set-active-expire" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                c.engine().activeExpireEnabled(Bytes.atoi(argv[2]) != 0);
                c.reply().ok();
            }
            case "pause-cron" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                c.engine().cronPaused(Bytes.atoi(argv[2]) != 0);
                c.reply().ok();
            }
            case "set-disable-deny-scripts" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                c.engine().scriptDenyDisabled(Bytes.atoi(argv[2]) != 0);
                c.reply().ok();
            }
            case "replybuffer" -> {
                if (argc != 4) {
                    unknown(c, argv);
                    return;
                }
                replyBuffer(c, argv);
            }
            case "log" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                c.engine().log().warning("DEBUG LOG: " + Bytes.str(argv[2]));
                c.reply().ok();
            }
            case "object" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                object(c, argv[2]);
            }
            case "htstats" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                htstats(c, argv[2]);
            }
            case "config-rewrite-force-all" -> {
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                configRewriteForceAll(c);
            }
            case "htstats-key" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                htstatsKey(c, argv[2]);
            }
            case "structsize" -> {
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                // The sizes of Redis's structures on a 64-bit build, as a tool reading them expects.
                c.reply().bulk("bits:64 robj:16 dictentry:24 sdshdr5:1 sdshdr8:3 sdshdr16:5 sdshdr32:9 sdshdr64:17 ");
            }
            case "leak" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                // Redis leaks a copy of the string to exercise its leak checkers; the JVM has nothing to leak.
                c.reply().ok();
            }
            case "digest" -> {
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                c.reply().simple(HexFormat.of().formatHex(datasetDigest(c.engine())));
            }
            case "digest-value" -> {
                c.reply().array(argc - 2);
                for (int i = 2; i < argc; i++) {
                    byte[] digest = new byte[20];
                    // Like Redis, a logically expired key that is still stored is digested too.
                    Dict.Entry e = c.db().dict().find(argv[i]);
                    if (e != null) {
                        valueDigest(digest, e);
                    }
                    c.reply().simple(HexFormat.of().formatHex(digest));
                }
            }
            case "protocol" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                protocol(c, Bytes.lower(argv[2]));
            }
            case "change-repl-id" -> {
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                // Redis's changeReplicationId + clearReplicationId2: a PSYNC naming the old id needs a full sync.
                c.engine().log().notice("Changing replication IDs after receiving DEBUG change-repl-id");
                c.engine().replIds(Engine.randomHexId(), "0".repeat(40));
                c.reply().ok();
            }
            case "listpack" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                encodingDump(c, argv[2], "listpack", "Not a listpack encoded object.",
                        "Listpack structure printed on stdout");
            }
            case "quicklist" -> {
                if (argc != 3 && argc != 4) {
                    unknown(c, argv);
                    return;
                }
                encodingDump(c, argv[2], "quicklist", "Not a quicklist encoded object.",
                        "Quicklist structure printed on stdout");
            }
            case "quicklist-packed-threshold" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                // jredis's lists have no packed/plain node split, so the threshold has nothing to move: like Redis
                // it is only validated (quicklistisSetPackedThreshold's bound: 4 GB minus 1 MB).
                Long size = MemoryUnits.parse(Bytes.str(argv[2]));
                if (size == null || Long.compareUnsigned(size, (1L << 32) - (1 << 20)) > 0) {
                    c.engine().error(c, "ERR argument must be a memory value bigger than 1 and smaller than 4gb");
                    return;
                }
                c.reply().ok();
            }
            case "client-eviction" -> {
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                clientEviction(c);
            }
            case "stringmatch-test" -> {
                if (argc != 2) {
                    unknown(c, argv);
                    return;
                }
                stringmatchFuzz();
                c.reply().simple("Apparently Redis did not crash: test passed");
            }
            case "populate" -> {
                if (argc < 3 || argc > 5) {
                    unknown(c, argv);
                    return;
                }
                populate(c, argv);
            }
            case "error" -> {
                if (argc != 3) {
                    unknown(c, argv);
                    return;
                }
                // Redis sends it as a raw protocol error for client tests, outside errorstats.
                c.reply().error(Bytes.str(argv[2]));
            }
            default -> unknown(c, argv);
        }
    }

    /** DEBUG REPLYBUFFER PEAK-RESET-TIME never|reset|ms and DEBUG REPLYBUFFER RESIZING 0|1. */
    private static void replyBuffer(Client c, byte[][] argv) {
        byte[] value = argv[3];
        switch (Bytes.lower(argv[2])) {
            case "peak-reset-time" -> {
                if (Bytes.eqIgnoreCase(value, "never")) {
                    c.engine().replyBufferPeakResetMs(-1);
                } else if (Bytes.eqIgnoreCase(value, "reset")) {
                    c.engine().replyBufferPeakResetMs(5000);
                } else {
                    Long ms = Bytes.toLong(value);
                    if (ms == null) {
                        c.engine().error(c, Args.NOT_INTEGER);
                        return;
                    }
                    c.engine().replyBufferPeakResetMs(ms);
                }
            }
            case "resizing" -> c.engine().replyBufferResizing(Bytes.atoi(value) != 0);
            default -> {
                unknown(c, argv);
                return;
            }
        }
        c.reply().ok();
    }

    /**
     * Redis's objectCommandLookup, used by DEBUG LISTPACK, QUICKLIST and HTSTATS-KEY (DEBUG OBJECT reads the
     * dictionary directly instead): a read lookup that counts a keyspace hit or miss, without touching the key or
     * firing a keymiss event.
     */
    private static Dict.Entry objectLookup(Client c, byte[] key) {
        return c.engine().lookupReadEntry(c.db(), key, Engine.LOOKUP_NOTOUCH | Engine.LOOKUP_NONOTIFY);
    }

    /**
     * DEBUG LISTPACK / QUICKLIST key: Redis prints the structure on its stdout; jredis logs the key's encoding and
     * length there instead, with Redis's replies.
     */
    private static void encodingDump(Client c, byte[] key, String encoding, String wrongEncoding, String done) {
        Dict.Entry e = objectLookup(c, key);
        if (e == null) {
            c.engine().error(c, "ERR no such key");
            return;
        }
        if (!Values.encoding(e.value()).equals(encoding)) {
            c.engine().error(c, "ERR " + wrongEncoding);
            return;
        }
        System.out.println("{" + encoding + "} key " + Bytes.str(key) + " type " + Values.type(e.value()));
        c.reply().simple(done);
    }

    /** Redis's stringmatchlen_fuzz_test: random patterns against random strings must not crash the matcher. */
    private static void stringmatchFuzz() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 100_000; i++) {
            byte[] pattern = new byte[random.nextInt(32)];
            byte[] string = new byte[random.nextInt(32)];
            random.nextBytes(pattern);
            random.nextBytes(string);
            Glob.match(pattern, string, false);
        }
    }

    /**
     * DEBUG PROTOCOL type: Redis's fixed sample of each reply type, for client test suites. RESP2 gets each type's
     * RESP2 form (attributes dropped, booleans as integers); a push has no RESP2 form and is refused.
     */
    private static void protocol(Client c, String type) {
        Reply r = c.reply();
        switch (type) {
            case "string" -> r.bulk("Hello World");
            case "integer" -> r.integer(12345);
            case "double" -> r.dbl(3.141);
            case "bignum" -> r.bigNumber("1234567999999999999999999999999999999");
            case "null" -> r.nullBulk();
            case "array", "set" -> {
                if (type.equals("array")) {
                    r.array(3);
                } else {
                    r.set(3);
                }
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                }
            }
            case "map" -> {
                r.map(3);
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                    r.bool(j == 1);
                }
            }
            case "attrib" -> {
                if (r.resp3()) {
                    r.raw(ATTRIBUTE_HEADER);
                    r.bulk("key-popularity");
                    r.array(2);
                    r.bulk("key:123");
                    r.integer(90);
                }
                r.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (!r.resp3()) {
                    c.engine().error(c, "ERR RESP2 is not supported by this command");
                    return;
                }
                r.push(2);
                r.bulk("server-cpu-usage");
                r.integer(42);
                // A client that skips out-of-band pushes still gets its in-band reply.
                r.bulk("Some real reply following the push reply");
            }
            case "verbatim" -> r.verbatim("This is a verbatim\nstring");
            case "true" -> r.bool(true);
            case "false" -> r.bool(false);
            default -> c.engine().error(c, "ERR Wrong protocol type name. Please use one of the following:"
                    + " string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    /**
     * DEBUG POPULATE count [prefix] [size]: adds keys "prefix:N" holding "value:N" (zero-padded or cut to size),
     * skipping keys that exist. Like Redis it is neither a dirty change nor propagated: it fills a test dataset.
     */
    private static void populate(Client c, byte[][] argv) {
        long count = positive(argv[2]);
        long size = argv.length == 5 ? positive(argv[4]) : 0;
        if (count < 0 || size < 0) {
            c.engine().error(c, "ERR value is out of range, must be positive");
            return;
        }
        byte[] prefix = argv.length >= 4 ? argv[3] : KEY_PREFIX;
        Database db = c.db();
        db.dict().reserve(db.size() + count);
        for (long j = 0; j < count; j++) {
            byte[] key = Bytes.concat(prefix, Bytes.concat(COLON, Bytes.fromLong(j)));
            if (db.entry(key) != null) {
                continue;
            }
            byte[] value = Bytes.concat(VALUE_PREFIX, Bytes.fromLong(j));
            if (size > 0) {
                value = java.util.Arrays.copyOf(value, (int) Math.min(size, Integer.MAX_VALUE - 8));
            }
            db.add(key, value);
            db.signalModified(key);
        }
        c.reply().ok();
    }

    /** Redis's getPositiveLongFromObject: a strict integer >= 0, else -1. */
    private static long positive(byte[] b) {
        long[] n = new long[1];
        return Bytes.parseLong(b, n) && n[0] >= 0 ? n[0] : -1;
    }

    private static void unknown(Client c, byte[][] argv) {
        HelpReply.syntaxError(c, argv, "DEBUG");
    }

    /**
     * DEBUG ASSERT: Redis's failed serverAssertWithInfo on the command's first argument, its client and object context
     * first, then the crash (status 134, or 1 with use-exit-on-panic).
     */
    private static void assertFailed(Client c, byte[][] argv) {
        List<String> cause = new ArrayList<>(List.of("=== ASSERTION FAILED CLIENT CONTEXT ===", "client->flags = 0",
                "client->argc = " + argv.length));
        for (int i = 0; i < argv.length; i++) {
            cause.add("client->argv[" + i + "] = \"" + Bytes.str(argv[i]) + "\" (refcount: 1)");
        }
        cause.addAll(List.of("=== ASSERTION FAILED OBJECT CONTEXT ===", "Object type: 0", "Object encoding: 8",
                "Object refcount: 1", "=== ASSERTION FAILED ===", "==> '1 == 2' is not true"));
        c.engine().crash(c.engine().config().useExitOnPanic.value() ? 1 : 134, cause);
    }

    /** DEBUG SLEEP seconds: stops the whole server, as Redis does, by blocking the engine thread. */
    private static void sleep(Client c, byte[] arg) {
        long micros = (long) (strtod(Bytes.str(arg)) * 1_000_000);
        if (micros > 0) {
            try {
                Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        c.reply().ok();
    }

    /** DEBUG HTSTATS dbid: the stats of the keyspace table and of the expires table, as Redis's dictGetStats. */
    private static void htstats(Client c, byte[] dbid) {
        Long id = Bytes.toLong(dbid);
        if (id == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        if (id < 0 || id >= c.engine().databaseCount()) {
            c.engine().error(c, "ERR Out of range database");
            return;
        }
        Database db = c.engine().database(id.intValue());
        c.reply().verbatim("[Dictionary HT]\n" + dictStats(db.size()) + "[Expires HT]\n"
                + dictStats(db.expiresSize()));
    }

    /** DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE that writes every directive, default values included. */
    private static void configRewriteForceAll(Client c) {
        Path file = c.engine().config().configFile();
        if (file == null) {
            // Redis hands its NULL config file name to fopen.
            c.engine().error(c, "ERR CONFIG-REWRITE-FORCE-ALL failed: Bad address");
            return;
        }
        try {
            ConfigRewrite.rewrite(c.engine().config(), file, true);
        } catch (IOException e) {
            c.engine().error(c, "ERR CONFIG-REWRITE-FORCE-ALL failed: " + ConfigRewrite.strerror(e));
            return;
        }
        c.reply().ok();
    }

    /**
     * DEBUG OBJECT key. The address is the value's identity hash (the JVM moves objects); serializedlength is
     * the RDB string encoding's length without LZF compression, and 0 for types other than strings.
     */
    /**
     * DEBUG HTSTATS-KEY: Redis's dictGetStats for a hashtable-encoded set or hash or a skiplist zset's dict, and its
     * error for every other encoding. jredis's collections are not chained hash tables, so the text describes the
     * table Redis would hold: its size after growing one insert at a time (a power of two, at least 4, at least the
     * element count) and the chains the elements' positions fall into under a fixed hash.
     */
    private static void htstatsKey(Client c, byte[] key) {
        Dict.Entry e = objectLookup(c, key);
        if (e == null) {
            c.engine().error(c, "ERR no such key");
            return;
        }
        long n;
        if (e.value() instanceof SetValue s && s.encoding().equals("hashtable")) {
            n = s.size();
        } else if (e.value() instanceof HashValue h && h.encoding().equals("hashtable")) {
            n = h.size();
        } else if (e.value() instanceof ZSetValue z && z.encoding().equals("skiplist")) {
            n = z.size();
        } else {
            c.engine().error(c, "ERR The value stored at the specified key is not represented using an hash table");
            return;
        }
        c.reply().verbatim(dictStats(n));
    }

    /** Redis's _dictGetStatsHt text for table 0 holding {@code used} elements. */
    private static String dictStats(long used) {
        if (used == 0) {
            return "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n";
        }
        int size = 4;
        while (size < used) {
            size <<= 1;
        }
        int[] chains = new int[size];
        for (long i = 0; i < used; i++) {
            chains[(int) (mix(i) & (size - 1))]++;
        }
        final int vectLen = 50;
        long[] clvector = new long[vectLen];
        long slots = 0;
        long maxChain = 0;
        long total = 0;
        for (int len : chains) {
            clvector[Math.min(len, vectLen - 1)]++;
            if (len > 0) {
                slots++;
                maxChain = Math.max(maxChain, len);
                total += len;
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Hash table 0 stats (main hash table):\n")
                .append(" table size: ").append(size).append('\n')
                .append(" number of elements: ").append(used).append('\n')
                .append(" different slots: ").append(slots).append('\n')
                .append(" max chain length: ").append(maxChain).append('\n')
                .append(String.format(Locale.ROOT, " avg chain length (counted): %.02f\n", (float) total / slots))
                .append(String.format(Locale.ROOT, " avg chain length (computed): %.02f\n",
                        (float) used / slots))
                .append(" Chain length distribution:\n");
        for (int i = 0; i < vectLen - 1; i++) {
            if (clvector[i] != 0) {
                sb.append(String.format(Locale.ROOT, "   %d: %d (%.02f%%)\n", i, clvector[i],
                        (float) clvector[i] / size * 100));
            }
        }
        return sb.toString();
    }

    /** SplitMix64's finaliser: a fixed, well-spread hash of an element's position. */
    private static long mix(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    private static void object(Client c, byte[] key) {
        // Redis's dictFind: no expiry check, so a replica's logically expired key can still be inspected.
        Dict.Entry e = c.db().dict().find(key);
        if (e == null) {
            c.engine().error(c, "ERR no such key");
            return;
        }
        Object v = e.value();
        String encoding = Values.encoding(v);
        Memory m = c.engine().memory();
        long access = m.access(e);
        if (access <= 0) {
            access = c.engine().now();
        }
        // The entry holds the value for the key's life: its identity stands for the robj address, which Redis keeps
        // while it changes a value in place (INCR of an unshared integer) where jredis stores new bytes.
        c.reply().simple(String.format("Value at:0x7f%010x", System.identityHashCode(e))
                + " refcount:" + Values.refcount(e.stored(), m.sharedIntegers()) + " encoding:" + encoding
                + " serializedlength:" + serializedLength(c.engine(), v) + " lru:" + Memory.lru24(access)
                + " lru_seconds_idle:" + m.idleSeconds(access) + quicklistDetails(c.engine(), v));
    }

    /**
     * What Redis adds for a list (always a quicklist in 7.0): its nodes, their mean entries (C's %.2f),
     * list-max-listpack-size, whether nodes get compressed, and the bytes of all its listpacks. Empty without the
     * persistence module, which cuts lists into nodes as Redis does.
     */
    private static String quicklistDetails(Engine engine, Object v) {
        long[] ql = v instanceof ListValue list ? engine.rdbMeasure().quicklist(list) : null;
        if (ql == null) {
            return "";
        }
        double avg = (double) ((ListValue) v).size() / ql[0];
        return " ql_nodes:" + ql[0] + " ql_avg_node:" + Doubles.fixed(avg, 2)
                + " ql_listpack_max:" + engine.config().listMaxListpackSize.value()
                + " ql_compressed:" + (engine.config().listCompressDepth.value() != 0 ? 1 : 0)
                + " ql_uncompressed_size:" + ql[1];
    }

    /**
     * The value's length in an RDB file, as the persistence module's writer measures it; without that module, a
     * string's uncompressed length: 32-bit integers take 2, 3 or 5 bytes, others a length prefix plus the bytes.
     */
    private static long serializedLength(Engine engine, Object v) {
        long measured = engine.rdbMeasure().serializedLength(v);
        if (measured > 0 || !(v instanceof byte[] b)) {
            return measured;
        }
        long[] n = new long[1];
        if (b.length <= 11 && Bytes.parseLong(b, n)) {
            if (n[0] >= Byte.MIN_VALUE && n[0] <= Byte.MAX_VALUE) {
                return 2;
            }
            if (n[0] >= Short.MIN_VALUE && n[0] <= Short.MAX_VALUE) {
                return 3;
            }
            if (n[0] >= Integer.MIN_VALUE && n[0] <= Integer.MAX_VALUE) {
                return 5;
            }
        }
        int len = b.length;
        int prefix = len < (1 << 6) ? 1 : len < (1 << 14) ? 2 : 5;
        return prefix + len;
    }

    private static void help(Client c) {
        HelpReply.send(c, "DEBUG",
                "AOF-FLUSH-SLEEP <microsec>",
                "    Server will sleep before flushing the AOF, this is used for testing.",
                "ASSERT",
                "    Crash by assertion failed.",
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "CONFIG-REWRITE-FORCE-ALL",
                "    Like CONFIG REWRITE but writes all configuration options, including",
                "    keywords not listed in original configuration file or default values.",
                "CRASH-AND-RECOVER [<milliseconds>]",
                "    Hard crash and restart after a <milliseconds> delay (default 0).",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "LEAK <string>",
                "    Create a memory leak of the input string.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "HTSTATS <dbid>",
                "    Return hash table statistics of the specified Redis database.",
                "HTSTATS-KEY <key>",
                "    Like HTSTATS but for the hash table stored at <key>'s value.",
                "LOADAOF",
                "    Flush the AOF buffers on disk and reload the AOF in memory.",
                "REPLICATE <string>",
                "    Replicates the provided string to replicas, allowing data divergence.",
                "MALLCTL <key> [<val>]",
                "    Get or set a malloc tuning integer.",
                "MALLCTL-STR <key> [<val>]",
                "    Get or set a malloc tuning string.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "DROP-CLUSTER-PACKET-FILTER <packet-type>",
                "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
                "OOM",
                "    Crash the server simulating an out-of-memory error.",
                "PANIC",
                "    Crash the server simulating a panic.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: conflicting keys will be loaded from RDB.",
                "    * NOFLUSH: the existing database will not be removed before load, but",
                "      conflicting keys will generate an exception and kill the server.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "RESTART [<milliseconds>]",
                "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
                "SDSLEN <key>",
                "    Show low level SDS string info representing `key` and value.",
                "SEGFAULT",
                "    Crash the server with sigsegv.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "QUICKLIST-PACKED-THRESHOLD <size>",
                "    Sets the threshold for elements to be inserted as plain vs packed nodes",
                "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
                "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
                "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
                "STRINGMATCH-TEST",
                "    Run a fuzz tester against the stringmatchlen() function.",
                "STRUCTSIZE",
                "    Return the size of different Redis core C structures.",
                "LISTPACK <key>",
                "    Show low level info about the listpack encoding of <key>.",
                "QUICKLIST <key> [<0|1>]",
                "    Show low level info about the quicklist encoding of <key>.",
                "    The optional argument (0 by default) sets the level of detail",
                "CLIENT-EVICTION",
                "    Show low level client eviction pools info (maxmemory-clients).",
                "PAUSE-CRON <0|1>",
                "    Stop periodic cron job processing.",
                "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
                "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
                "    In case NEVER is provided the last observed peak will never be reset",
                "    In case RESET is provided the peak reset time will be restored to the default value",
                "REPLYBUFFER RESIZING <0|1>",
                "    Enable or disable the reply buffer resize cron job",
                "CLUSTERLINK KILL <to|from|all> <node-id>",
                "    Kills the link based on the direction to/from (both) with the provided node.");
    }

    // ---- DEBUG DIGEST: Redis's debug.c algorithm ----

    /**
     * The dataset digest of Redis's computeDatasetDigest: for each non-empty database, the big-endian 32-bit db id
     * is mixed into the result; each key gets its own digest (key mixed in, then the value, see
     * {@link #valueDigest}), which is xored into the result, so key order does not matter. All zeros when empty.
     */
    private static byte[] datasetDigest(Engine engine) {
        byte[] result = new byte[20];
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            mix(result, int32(i));
            db.dict().forEach(e -> {
                byte[] digest = new byte[20];
                mix(digest, e.key);
                valueDigest(digest, e);
                xor(result, digest, digest.length);
            });
        }
        return result;
    }

    /**
     * Redis's xorObjectDigest: the type code (big-endian 32 bits) is mixed in, then the value: a string as its bytes,
     * list elements and stream entries ("ms.seq", then each field and value) mixed in order, set members xored in,
     * and for zsets and hashes one sub-digest per element (member then score as %.17g, or field then value) xored
     * in. Finally "!!expire!!" is xored in when the key has a TTL. Elements are digested as their string form, which
     * is what Redis's listpack/intset integers turn back into.
     */
    private static void valueDigest(byte[] digest, Dict.Entry e) {
        Object v = e.value();
        mix(digest, int32(redisTypeCode(v)));
        if (v instanceof byte[] b) {
            mix(digest, b);
        } else if (v instanceof ListValue list) {
            for (int i = 0; i < list.size(); i++) {
                mix(digest, list.get(i));
            }
        } else if (v instanceof SetValue set) {
            set.forEach(member -> xor(digest, member, member.length));
        } else if (v instanceof ZSetValue zset) {
            zset.forRange(0, zset.size() - 1, false, (member, score) -> {
                byte[] element = new byte[20];
                mix(element, member);
                mix(element, Bytes.of(Doubles.g17(score)));
                xor(digest, element, 20);
            });
        } else if (v instanceof HashValue hash) {
            hash.forEach((fb, fo, fl, vb, vo, vl) -> {
                byte[] element = new byte[20];
                mix(element, Arrays.copyOfRange(fb, fo, fo + fl));
                mix(element, Arrays.copyOfRange(vb, vo, vo + vl));
                xor(digest, element, 20);
            });
        } else if (v instanceof StreamValue stream) {
            for (StreamValue.Node node : stream.nodes().values()) {
                for (StreamValue.Entry entry : node.entries()) {
                    if (entry.deleted()) {
                        continue;
                    }
                    mix(digest, Bytes.of(Long.toUnsignedString(entry.id.ms()) + "."
                            + Long.toUnsignedString(entry.id.seq())));
                    for (byte[] fieldOrValue : entry.fieldsValues) {
                        mix(digest, fieldOrValue);
                    }
                }
            }
        }
        if (e.expireAt >= 0) {
            xor(digest, "!!expire!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 10);
        }
    }

    /** The OBJ_* type code Redis mixes in (5 is OBJ_MODULE, so streams are 6). */
    private static int redisTypeCode(Object v) {
        return switch (Values.type(v)) {
            case STRING -> 0;
            case LIST -> 1;
            case SET -> 2;
            case ZSET -> 3;
            case HASH -> 4;
            case STREAM -> 6;
        };
    }

    /** Redis's xorDigest: digest ^= SHA1(data). */
    private static void xor(byte[] digest, byte[] data, int len) {
        byte[] h = sha1(data, len);
        for (int i = 0; i < 20; i++) {
            digest[i] ^= h[i];
        }
    }

    /** Redis's mixDigest: digest = SHA1(digest ^ SHA1(data)), so the order of mixing matters. */
    private static void mix(byte[] digest, byte[] data) {
        xor(digest, data, data.length);
        System.arraycopy(sha1(digest, 20), 0, digest, 0, 20);
    }

    private static byte[] sha1(byte[] data, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(data, 0, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** C's strtod on the longest valid prefix; 0 when there is none. */
    private static double strtod(String s) {
        String t = s.stripLeading();
        for (int end = t.length(); end > 0; end--) {
            try {
                String p = t.substring(0, end);
                if (!p.endsWith("d") && !p.endsWith("D") && !p.endsWith("f") && !p.endsWith("F")) {
                    return Double.parseDouble(p);
                }
            } catch (NumberFormatException ignored) {
                // shorter prefixes are tried next
            }
        }
        return 0;
    }
}
