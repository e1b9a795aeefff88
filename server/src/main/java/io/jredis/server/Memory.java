package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Memory accounting and {@code maxmemory} enforcement, as Redis 7.0's evict.c: the used-memory figure (an estimate
 * of the dataset's heap footprint plus client buffers), the LRU clock and logarithmic LFU counters kept in
 * {@link Dict.Entry#access}, the sampled eviction pool, and the OOM refusal of {@code denyoom} commands.
 */
public final class Memory {
    /** What an empty server reports as used_memory (Redis 7.0's used_memory_startup is of this order). */
    public static final long STARTUP_BYTES = 870_000;
    /** Redis's EVPOOL_SIZE. */
    static final int POOL_SIZE = 16;
    /** Redis's LFU_INIT_VAL: the counter of a new key, so that it is not evicted before it had a chance. */
    static final int LFU_INIT_VAL = 5;
    /** Redis's LRU_CLOCK_MAX: the LRU clock is 24 bits of seconds. */
    private static final long LRU_CLOCK_MAX = (1L << 24) - 1;
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    /** What {@link #guard} returns when client eviction closed the client whose command it checks. */
    static final String EVICTED = "client evicted";
    private static final Set<String> MULTI_CONTROL = Set.of("exec", "discard", "multi", "watch", "quit", "reset");
    private static final byte[] DEL = Bytes.of("DEL");
    private static final byte[] UNLINK = Bytes.of("UNLINK");
    private static final Path STATM = Path.of("/proc/self/statm");
    /** Redis's OBJ_SHARED_INTEGERS: the integers 0..9999 are shared objects when sharing is allowed. */
    private static final int SHARED_INTEGERS = 10_000;
    /** Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS. */
    private static final int PEAK_SLOTS = 8;

    private final Engine engine;
    private final ServerConfig config;
    private long peak;
    /** The eviction pool: candidates sorted by ascending idle score, the best one last. */
    private final long[] poolIdle = new long[POOL_SIZE];
    private final byte[][] poolKey = new byte[POOL_SIZE][];
    private final int[] poolDb = new int[POOL_SIZE];
    private int poolSize;
    private int nextRandomDb;
    /** Redis's pre_command_oom_state: the last admitted command found memory over maxmemory after evicting. */
    private boolean preCommandOom;
    /** The process's resident set as last sampled (see {@link #sampleRss}), or -1 before the first sample. */
    private long rss = -1;
    /**
     * The most memory the dataset may use whatever maxmemory says: 90% of the JVM's maximum heap. Redis grows until
     * the machine runs out; a JVM stops at its heap limit, where an OutOfMemoryError would hit some command half
     * done. Up to here used memory follows the live heap closely (within 2% after a full collection); the tenth
     * above it leaves the collector room to work and requests their buffers.
     */
    private final long heapCeiling = heapCeiling(Runtime.getRuntime().maxMemory());
    /** A sixteenth below the ceiling: under it, the ceiling is far enough to check rarely and to warn of again. */
    private final long heapNearCeiling = heapCeiling - (heapCeiling >> 4);
    /** Whether the heap ceiling was logged as binding since used memory was last below it. */
    private boolean heapCeilingLogged;
    private static final int CEILING_CHECK_PERIOD = 32;
    private boolean nearHeapCeiling;
    private int sinceCeilingCheck;
    /**
     * The access field of each shared integer object: Redis keeps one robj per integer for all the keys holding it,
     * so they share one LRU time or LFU counter, set when the server started (createSharedObjects).
     */
    private final long[] sharedAccess = new long[SHARED_INTEGERS];
    /**
     * Redis's ClientsPeakMemInput / ClientsPeakMemOutput: the biggest client input and output seen in each of the
     * last 8 seconds (slot = unix seconds % 8), for INFO's client_recent_max_input_buffer / _output_buffer.
     */
    private final long[] peakInput = new long[PEAK_SLOTS];
    private final long[] peakOutput = new long[PEAK_SLOTS];
    /**
     * Redis's stat_clients_type_memory: every client's memory (its CLIENT LIST tot-mem) by type, as of the cron's
     * last pass over it, which INFO reads rather than walking the clients.
     */
    private final long[] clientTypeMemory = new long[Client.Type.values().length];
    /** The maxmemory-policy {@link #sharedIntegers} last saw, and whether it evicts by LRU or LFU. */
    private String sharingPolicy;
    private boolean sharingPolicyEvictsByAccess;

    Memory(Engine engine) {
        this.engine = engine;
        this.config = engine.config();
        long now = System.currentTimeMillis();
        Arrays.fill(sharedAccess, lfu() ? ((now / 60_000) & 0xFFFF) << 8 | LFU_INIT_VAL : now);
    }

    /**
     * Before the cron's pass over the clients (Redis's clientsCron): the slot of the current second, which keeps the
     * biggest input and output of any client, and the next one cleared for reuse.
     */
    int peakSlot() {
        int slot = (int) (engine.now() / 1000 % PEAK_SLOTS);
        int next = (slot + 1) % PEAK_SLOTS;
        peakInput[next] = 0;
        peakOutput[next] = 0;
        return slot;
    }

    /** Redis's clientsCronTrackExpansiveClients, for a client whose buffers the cron just resized. */
    void trackExpansive(Client c, int slot) {
        peakInput[slot] = Math.max(peakInput[slot], c.inputMemory());
        peakOutput[slot] = Math.max(peakOutput[slot], c.outputMemory());
    }

    /** Redis's updateClientMemoryUsage, from the cron's pass over the clients: the client's memory as of now. */
    void trackMemory(Client c) {
        untrackMemory(c);
        Client.Type type = c.type();
        long mem = c.memory();
        clientTypeMemory[type.ordinal()] += mem;
        c.trackedMemory(type, mem);
    }

    /** Takes a client's memory out of the totals (it is closed, or about to be counted again). */
    void untrackMemory(Client c) {
        if (c.trackedType() != null) {
            clientTypeMemory[c.trackedType().ordinal()] -= c.trackedMemory();
            c.trackedMemory(null, 0);
        }
    }

    /** INFO client_recent_max_input_buffer: the biggest client input of the last 8 seconds. */
    public long recentMaxInput() {
        return Arrays.stream(peakInput).max().orElse(0);
    }

    /** INFO client_recent_max_output_buffer: the biggest client reply list of the last 8 seconds. */
    public long recentMaxOutput() {
        return Arrays.stream(peakOutput).max().orElse(0);
    }

    /**
     * Estimated bytes in use: the startup footprint, every database's keys, the clients' buffers and what replicas
     * have not read yet.
     */
    public long used() {
        long n = STARTUP_BYTES + dataset() + clients() + replicaBuffers();
        if (n > peak) {
            peak = n;
        }
        return n;
    }

    /**
     * The process's resident set size as of the last {@link #sampleRss} (INFO used_memory_rss, MEMORY STATS). Redis
     * 7.0 reads it in its cron every 100 ms rather than per INFO, and so does jredis: reading /proc was a third of
     * an INFO memory's time.
     */
    public long rss() {
        if (rss < 0) {
            sampleRss();
        }
        return rss;
    }

    /**
     * Reads the resident set size from /proc/self/statm (its second field, in 4 KiB pages); where there is no such
     * file, the committed heap stands for it.
     */
    void sampleRss() {
        try {
            byte[] statm = Files.readAllBytes(STATM);
            int i = 0;
            while (i < statm.length && statm[i] != ' ') {
                i++;
            }
            long pages = 0;
            for (i++; i < statm.length && statm[i] >= '0' && statm[i] <= '9'; i++) {
                pages = pages * 10 + statm[i] - '0';
            }
            rss = pages * 4096;
        } catch (IOException | RuntimeException e) {
            rss = Runtime.getRuntime().totalMemory();
        }
    }

    /** The highest {@link #used()} seen (INFO used_memory_peak). */
    public long peak() {
        return Math.max(peak, used());
    }

    /** Estimated bytes of keys and values in all databases. */
    public long dataset() {
        long n = 0;
        for (int i = 0; i < engine.databaseCount(); i++) {
            n += engine.database(i).memory();
        }
        return n;
    }

    /**
     * The memory of clients other than replicas (INFO mem_clients_normal): as Redis, the sum of their CLIENT LIST
     * tot-mem as of the cron's last pass over each, normal, pubsub and master clients alike.
     */
    public long clients() {
        return clientTypeMemory[Client.Type.NORMAL.ordinal()] + clientTypeMemory[Client.Type.PUBSUB.ordinal()]
                + clientTypeMemory[Client.Type.MASTER.ordinal()];
    }

    /**
     * INFO mem_clients_slaves and mem_not_counted_for_evict: Redis 7.0's replicas and backlog share one replication
     * buffer, so only what it holds beyond repl-backlog-size while there are replicas counts as replica memory.
     */
    public long replicaBuffers() {
        long slowest = -1;
        for (Client c : engine.clients().values()) {
            if (c.type() == Client.Type.REPLICA) {
                slowest = Math.max(slowest, c.outputBytes());
            }
        }
        return slowest < 0 ? 0 : Math.max(0, Math.max(slowest, engine.replBacklogBytes())
                - config.replBacklogSize.value());
    }

    /**
     * INFO mem_total_replication_buffers, Redis 7.0's one buffer shared by the backlog and the replicas: the stream
     * the backlog holds, or more when a replica has not read a longer part of it yet.
     */
    public long replicationBuffers() {
        long n = engine.replBacklogBytes();
        for (Client c : engine.clients().values()) {
            if (c.type() == Client.Type.REPLICA) {
                n = Math.max(n, c.outputBytes());
            }
        }
        return n;
    }

    private boolean lfu() {
        return config.maxmemoryPolicy.value().endsWith("-lfu");
    }

    // ---- LRU / LFU ----

    /** The access field after a lookup or write: unix ms (LRU), or LFU's 16-bit minutes and 8-bit counter. */
    long accessed(long previous) {
        if (!lfu()) {
            return engine.now();
        }
        int counter = previous < 0 ? LFU_INIT_VAL : logIncr(decrAndReturn(previous));
        return (minutes() << 8) | counter;
    }

    /**
     * The access field after an access that touched {@code old} (null when the key is created) and left the key
     * holding {@code value}, where either may be a shared integer: as Redis's lookupKey, the access updates the
     * shared object it read (not the key), a new key leaves its shared value's field alone (dbAdd), and an
     * overwrite under LFU copies the old value's field into the new one (dbOverwrite). The key's own field follows
     * the shared one so that eviction sees what Redis's robj holds.
     */
    long accessed(Object old, long previous, Object value) {
        int from = sharedInteger(old);
        int to = value == old ? from : sharedInteger(value);
        if (from < 0 && to < 0) {
            return accessed(previous);
        }
        long touched;
        if (from >= 0) {
            touched = sharedAccess[from] = accessed(sharedAccess[from]);
        } else if (old != null) {
            touched = accessed(previous);
        } else {
            return sharedAccess[to];
        }
        if (to < 0) {
            return touched;
        }
        if (to != from && lfu()) {
            sharedAccess[to] = touched;
        }
        return sharedAccess[to];
    }

    /**
     * The access field of a key an INCR just read (its field {@code access}, the old object's as touched) once it
     * holds {@code value} instead: a shared integer keeps its own field, except that under LFU it takes the old
     * object's counter (dbOverwrite); any other value is the key's own, with the old object's field (Redis changes
     * an unshared integer in place, or copies the counter; under LRU the new object's clock is the touch's).
     */
    long replaced(long access, Object value) {
        int to = sharedInteger(value);
        if (to < 0) {
            return access;
        }
        if (lfu()) {
            sharedAccess[to] = access;
        }
        return sharedAccess[to];
    }

    /**
     * The integer 0..9999 that {@code v} is stored as a shared object of, or -1 (Redis's tryObjectEncoding). On the
     * access path, so it does not ask {@link io.jredis.server.db.Values#encoding} about the rare small integers
     * Redis keeps raw (SETRANGE's, INCRBYFLOAT's): two synchronized lookups per access cost a tenth of a SET of a
     * small integer.
     */
    private int sharedInteger(Object v) {
        if (!(v instanceof byte[] b) || b.length == 0 || b.length > 4 || b[0] == '0' && b.length > 1) {
            return -1;
        }
        int n = 0;
        for (byte d : b) {
            if (d < '0' || d > '9') {
                return -1;
            }
            n = n * 10 + d - '0';
        }
        return sharedIntegers() ? n : -1;
    }

    /**
     * Sets the key's access field as RESTORE's IDLETIME/FREQ and a loaded file's LRU/LFU record do (Redis's
     * objectSetLRUOrLFU): a shared integer's field is the one set, for every key holding that integer.
     */
    public void restoreAccess(Dict.Entry e, long access) {
        e.access = access;
        int n = sharedInteger(e.stored());
        if (n >= 0) {
            sharedAccess[n] = access;
        }
    }

    /** The key's access field: its own, or its shared integer's, which every key holding that integer touches. */
    public long access(Dict.Entry e) {
        int n = sharedInteger(e.stored());
        return n >= 0 ? sharedAccess[n] : e.access;
    }

    /** OBJECT FREQ: the key's LFU counter after decay, as Redis's LFUDecrAndReturn. */
    public int frequency(Dict.Entry e) {
        return decrAndReturn(access(e));
    }

    /** The access field holding LFU counter {@code counter} as of now (RESTORE ... FREQ, Redis's objectSetLRUOrLFU). */
    public long lfuAccess(int counter) {
        return (minutes() << 8) | counter;
    }

    /** True when the access fields hold LFU counters rather than LRU times. */
    public boolean lfuPolicy() {
        return lfu();
    }

    /**
     * True when Redis would store the integers 0..9999 as shared objects: not under maxmemory with an LRU or LFU
     * policy, which needs per-key access data.
     */
    public boolean sharedIntegers() {
        String policy = config.maxmemoryPolicy.value();
        if (policy != sharingPolicy) {
            // Asked on every access to a small integer: the policy's suffixes are tested once per change.
            sharingPolicy = policy;
            sharingPolicyEvictsByAccess = policy.endsWith("-lru") || policy.endsWith("-lfu");
        }
        return config.maxmemory.value() == 0 || !sharingPolicyEvictsByAccess;
    }

    private long minutes() {
        return (engine.now() / 60_000) & 0xFFFF;
    }

    /** OBJECT IDLETIME: seconds since the key's last access, on Redis's 24-bit seconds LRU clock. */
    public long idleSeconds(Dict.Entry e) {
        return idleSeconds(access(e));
    }

    /**
     * Redis's estimateObjectIdleTime in seconds for an access field: under an LFU policy it reads the LFU data as an
     * LRU time, as Redis's DEBUG OBJECT does.
     */
    public long idleSeconds(long access) {
        long clock = (engine.now() / 1000) & LRU_CLOCK_MAX;
        long lru = lru24(access);
        return clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
    }

    /**
     * The access field as Redis's 24-bit robj->lru: an LRU time (unix ms here) becomes LRU clock seconds, LFU data
     * stays. After a policy switch Redis reads one format as the other, and so does this.
     */
    public static long lru24(long access) {
        return access >= 1L << 24 ? (access / 1000) & LRU_CLOCK_MAX : access;
    }

    private int decrAndReturn(long access) {
        access = lru24(access);
        long ldt = (access >> 8) & 0xFFFF;
        int counter = (int) (access & 0xFF);
        long now = minutes();
        long elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        long decay = config.lfuDecayTime.value();
        long periods = decay > 0 ? elapsed / decay : 0;
        return periods > counter ? 0 : (int) (counter - periods);
    }

    private int logIncr(int counter) {
        if (counter == 255) {
            return 255;
        }
        double r = ThreadLocalRandom.current().nextDouble();
        double base = Math.max(0, counter - LFU_INIT_VAL);
        double p = 1.0 / (base * config.lfuLogFactor.value() + 1);
        return r < p ? counter + 1 : counter;
    }

    // ---- OOM guard ----

    /** The CommandGuard: evicts as needed, then refuses denyoom commands (and queuing in MULTI) when still over. */
    String guard(Client c, CommandSpec cmd, byte[][] argv) {
        evictClients();
        if (c.isClosed()) {
            // The client was the biggest and is gone: its command does not run (Redis aborts processCommand).
            return EVICTED;
        }
        preCommandOom = false;
        if (config.maxmemory.value() == 0 && !nearHeapCeiling() || performEvictions()) {
            return null;
        }
        preCommandOom = true;
        boolean queuing = c.multi() != null && !MULTI_CONTROL.contains(cmd.fullName());
        return cmd.denyOom() || queuing ? OOM : null;
    }

    /**
     * True when the running command found memory over maxmemory before it started (Redis's pre_command_oom_state):
     * a script's first denyoom command is then refused, as memory its own run used must not count.
     */
    public boolean preCommandOom() {
        return preCommandOom;
    }

    // ---- client eviction ----

    /** Redis's CLIENT_MEMORY_USAGE_BUCKET_MIN: the smallest effective maxmemory-clients. */
    static final long CLIENTS_LIMIT_MIN = 1L << 15;

    /** maxmemory-clients in bytes: absolute, or a percentage of maxmemory when negative; 0 when off. */
    long clientsLimit() {
        long v = config.maxmemoryClients.value();
        long limit = v < 0 ? config.maxmemory.value() * -v / 100 : v;
        return limit == 0 ? 0 : Math.max(limit, CLIENTS_LIMIT_MIN);
    }

    /**
     * Whether maxmemory-clients weighs and may close {@code c} (Redis's clientEvictionAllowed, the clients its memory
     * buckets hold): connected normal and pub/sub clients that did not ask for CLIENT NO-EVICT.
     */
    public static boolean evictable(Client c) {
        return !c.noEvict() && c.channel() != null && c.type() != Client.Type.MASTER
                && c.type() != Client.Type.REPLICA;
    }

    /**
     * Redis's evictClients: while all normal and pubsub clients together hold more than maxmemory-clients, closes
     * the one holding the most (CLIENT NO-EVICT clients are spared), which may be the one whose command is about to
     * run. A client over its output buffer limits neither counts nor is a candidate: it is closed anyway (Redis
     * checks the limits as a reply is appended, and frees such clients before it evicts), so the output limit takes
     * precedence.
     */
    void evictClients() {
        long limit = clientsLimit();
        if (limit == 0) {
            return;
        }
        while (true) {
            long total = 0;
            Client biggest = null;
            long biggestMem = -1;
            for (Client c : engine.clients().values()) {
                if (!evictable(c) || c.checkOutputLimit()) {
                    continue;
                }
                long m = c.memory();
                total += m;
                if (m > biggestMem) {
                    biggest = c;
                    biggestMem = m;
                }
            }
            if (total < limit || biggest == null) {
                return;
            }
            engine.log().notice("Evicting client: " + biggest.describe());
            engine.stats().evictedClients++;
            engine.kill(biggest);
        }
    }

    /**
     * The limit evictions and the OOM refusal hold used memory to: maxmemory, unless it is 0 (none) or above the
     * {@link #heapCeiling}, which the JVM's heap puts on any dataset.
     */
    public long limit() {
        long max = config.maxmemory.value();
        // maxmemory is unsigned, as in Redis: a value above Long.MAX_VALUE (e.g. 18446744073709551615) is no limit.
        return max != 0 && Long.compareUnsigned(max, heapCeiling) <= 0 ? max : heapCeiling;
    }

    /**
     * Whether the dataset may be within a sixteenth of the heap ceiling, where the guard must measure used memory as
     * maxmemory does. Summing the databases costs a few percent of a small command, so far from the ceiling the sum
     * is taken every {@link #CEILING_CHECK_PERIOD}th command; near it, at every one.
     */
    private boolean nearHeapCeiling() {
        if (nearHeapCeiling || ++sinceCeilingCheck >= CEILING_CHECK_PERIOD) {
            sinceCeilingCheck = 0;
            nearHeapCeiling = STARTUP_BYTES + dataset() >= heapNearCeiling;
        }
        return nearHeapCeiling;
    }

    /** 90% of a maximum heap of {@code maxHeap} bytes (Long.MAX_VALUE: the JVM has no limit). */
    static long heapCeiling(long maxHeap) {
        return maxHeap == Long.MAX_VALUE ? Long.MAX_VALUE : maxHeap / 10 * 9;
    }

    /**
     * Frees memory until used memory is within maxmemory, as Redis's performEvictions; false when it is still
     * above (policy noeviction, or nothing left that the policy may evict).
     */
    public boolean performEvictions() {
        long max = limit();
        if (engine.slaveMode() && config.replicaIgnoreMaxmemory.value()) {
            return true;
        }
        String policy = config.maxmemoryPolicy.value();
        // Replica buffers do not count (freeMemoryGetNotCountedMemory): evicting keys would only feed them DELs.
        long used = used() - replicaBuffers();
        if (Long.compareUnsigned(used, max) <= 0) {
            // Logged again only once used memory went well below: it hovers at the limit while writes are refused.
            heapCeilingLogged &= used > heapNearCeiling;
            return true;
        }
        if (max == heapCeiling && !heapCeilingLogged) {
            heapCeilingLogged = true;
            engine.log().warning("WARNING: used memory (" + used + " bytes) reached 90% of the JVM's maximum heap ("
                    + Runtime.getRuntime().maxMemory() + " bytes): from here on it acts as maxmemory ("
                    + policy + "). Give the JVM a larger heap (-Xmx, or -XX:MaxRAMPercentage) or set maxmemory.");
        }
        if (policy.equals("noeviction")) {
            return false;
        }
        // As Redis, the amount to free is fixed up front and only what the deletions free counts: the invalidation
        // messages an eviction sends to tracking clients grow their output buffers, and re-measuring used memory
        // would evict more and more keys for messages that are about to be written out.
        long toFree = used - max;
        long freed = 0;
        while (freed < toFree) {
            long before = dataset();
            if (!evictOne(policy)) {
                return false;
            }
            freed += before - dataset();
        }
        return true;
    }

    private boolean evictOne(String policy) {
        boolean volatileOnly = policy.startsWith("volatile-");
        Database db = null;
        byte[] key = null;
        if (policy.endsWith("-random")) {
            for (int i = 0; i < engine.databaseCount() && key == null; i++) {
                Database d = engine.database(nextRandomDb);
                nextRandomDb = (nextRandomDb + 1) % engine.databaseCount();
                Dict.Entry e = d.randomEntry(volatileOnly);
                if (e != null) {
                    db = d;
                    key = e.key;
                }
            }
        } else {
            while (key == null) {
                long candidates = 0;
                for (int i = 0; i < engine.databaseCount(); i++) {
                    Database d = engine.database(i);
                    int n = volatileOnly ? d.expiresSize() : d.size();
                    if (n > 0) {
                        candidates += n;
                        populate(d, volatileOnly, policy);
                    }
                }
                if (candidates == 0) {
                    break;
                }
                // Best candidates first; a pooled key may have been deleted or changed since it was sampled.
                while (poolSize > 0 && key == null) {
                    poolSize--;
                    Database d = engine.database(poolDb[poolSize]);
                    byte[] k = poolKey[poolSize];
                    poolKey[poolSize] = null;
                    Dict.Entry e = d.dict().find(k);
                    if (e != null && (!volatileOnly || e.expireAt >= 0)) {
                        db = d;
                        key = k;
                    }
                }
            }
        }
        if (key == null) {
            return false;
        }
        if (engine.mayDeleteExpired() && db.isLogicallyExpired(key)) {
            // Already expired: reclaiming it as expired frees the same memory.
            db.entry(key);
        } else {
            evict(db, key);
        }
        return true;
    }

    /** Samples maxmemory-samples keys of {@code db} into the pool, as Redis's evictionPoolPopulate. */
    private void populate(Database db, boolean volatileOnly, String policy) {
        int samples = (int) Math.min(Integer.MAX_VALUE, config.maxmemorySamples.value());
        long now = engine.now();
        for (int s = 0; s < samples; s++) {
            Dict.Entry e = db.randomEntry(volatileOnly);
            if (e == null) {
                return;
            }
            long idle;
            if (policy.endsWith("-lru")) {
                idle = now - e.access;
            } else if (policy.endsWith("-lfu")) {
                idle = 255 - decrAndReturn(e.access);
            } else {
                // volatile-ttl: the sooner it expires, the better a candidate (Redis's ULLONG_MAX - expire).
                idle = Long.MAX_VALUE - e.expireAt;
            }
            insert(db.id(), e.key, idle);
        }
    }

    private void insert(int db, byte[] key, long idle) {
        for (int i = 0; i < poolSize; i++) {
            if (poolDb[i] == db && Arrays.equals(poolKey[i], key)) {
                return;
            }
        }
        int k = 0;
        while (k < poolSize && poolIdle[k] < idle) {
            k++;
        }
        if (k == 0 && poolSize == POOL_SIZE) {
            return;
        }
        if (poolSize < POOL_SIZE) {
            System.arraycopy(poolIdle, k, poolIdle, k + 1, poolSize - k);
            System.arraycopy(poolKey, k, poolKey, k + 1, poolSize - k);
            System.arraycopy(poolDb, k, poolDb, k + 1, poolSize - k);
            poolSize++;
        } else {
            // Full: drop the worst candidate (the first) to make room to the left of k.
            k--;
            System.arraycopy(poolIdle, 1, poolIdle, 0, k);
            System.arraycopy(poolKey, 1, poolKey, 0, k);
            System.arraycopy(poolDb, 1, poolDb, 0, k);
        }
        poolIdle[k] = idle;
        poolKey[k] = key;
        poolDb[k] = db;
    }

    /** Deletes an evicted key as Redis does: propagated as DEL (UNLINK when lazy), counted, signalled, notified. */
    private void evict(Database db, byte[] key) {
        engine.emitPropagation(db.id(), new byte[][] {config.lazyfreeLazyEviction.value() ? UNLINK : DEL, key});
        db.delete(key);
        engine.stats().evictedKeys++;
        engine.keyModified(db, key);
        engine.keyspaceEvents().notify(KeyspaceEvents.EVICTED, "evicted", key, db.id());
    }
}
