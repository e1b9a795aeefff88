package io.jredis.server.db;

import java.util.function.Consumer;

/**
 * One numbered database: the main dict (key to value, with expiry in the entry) and an index of keys that have a
 * time to live, sampled by the active expiry cycle. Expired keys are removed lazily on access and actively by
 * {@link #activeExpire}, through the owner's {@link Hooks} so removals propagate and notify like any delete.
 */
public final class Database {
    /** What the database tells its owner about: modified keys (WATCH, tracking) and expired keys. */
    public interface Hooks {
        long now();

        /** True when expired keys may be deleted here (masters); replicas only hide them. */
        boolean mayDeleteExpired();

        /**
         * False while a replica runs its master's stream: a key expires when its master says so (a DEL), so the
         * master's commands see it alive whatever the replica's clock (Redis's expireIfNeeded).
         */
        default boolean keysMayExpire() {
            return true;
        }

        void keyModified(Database db, byte[] key);

        void keyExpired(Database db, byte[] key);

        /**
         * The access field of a key just read or written: Redis's LRU clock (unix ms) or, under an LFU policy, its
         * updated frequency counter. {@code previous} is the old field, or -1 for a key being created.
         */
        default long accessed(long previous) {
            return now();
        }

        /**
         * {@link #accessed(long)} told which values the access touched: {@code old}, the value read or overwritten
         * (null for a key being created) and {@code value}, what the key holds now ({@code old} itself for a read),
         * so that an owner keeping one access field per shared value (Redis's shared integers) can update that one.
         */
        default long accessed(Object old, long previous, Object value) {
            return accessed(previous);
        }

        /**
         * The access field of a key just looked up for a write, its field {@code access}, once it holds the new
         * {@code value} in place of the one read (no second touch).
         */
        default long replaced(long access, Object value) {
            return access;
        }

        /** A key was created (Redis's dbAdd, which publishes the "new" keyspace event). */
        default void keyAdded(Database db, byte[] key) {}

        /** True while a client other than the master writes on a (writable) replica. */
        default boolean replicaLocalWrite() {
            return false;
        }
    }

    /**
     * Told before any stored entry may change and when one is created, so that a point-in-time snapshot taken
     * without fork (persistence) can copy an entry's old state before the change. {@link #beforeChange} runs on
     * every access through {@link #entry} (callers may modify what they get), before removals and before an
     * existing entry is overwritten; values are only ever modified through entries obtained that way.
     */
    public interface ChangeObserver {
        void beforeChange(Database db, Dict.Entry e);

        void created(Database db, Dict.Entry e);
    }

    /** Keys with a TTL examined per active-expiry loop (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
    static final int EXPIRE_KEYS_PER_LOOP = 20;
    /** Percentage of stale keys in a sample above which another loop runs (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE). */
    static final int EXPIRE_ACCEPTABLE_STALE = 10;

    private final int id;
    private final Hooks hooks;
    /** Keys given an expiry by a replica's own clients (Redis's slaveKeysWithExpire), for {@link #expireReplicaKeys}. */
    private final java.util.Set<io.jredis.server.util.BytesKey> replicaKeysWithExpire = new java.util.HashSet<>();
    private Dict keys = new Dict();
    /**
     * The entry the last {@link #entry} or {@link #set} returned for the caller's key array (compared by identity):
     * a command that changes a value in place signals it with the same array, and {@link #signalModified} then
     * finds the entry without hashing and probing again. Forgotten whenever an entry leaves the dict.
     */
    private byte[] lastKey;
    private Dict.Entry lastEntry;
    private Dict expires = new Dict();
    /** Where active expiry resumes its walk of {@link #expires}; a scan cursor, so rehashing never skips a key. */
    private long expireCursor;
    private long sampleNow;
    private int sampled;
    private int sampledExpired;
    private long sampledTtlSum;
    private int sampledTtls;
    /** Redis's db->avg_ttl: a running average (ms) of the TTLs the expire cycle samples, for INFO keyspace. */
    private long avgTtl;
    private final Consumer<Dict.Entry> expireSampler = this::sampleForExpiry;
    /** Set only while a snapshot runs, so the common path pays one null check. */
    private ChangeObserver observer;
    /** Estimated heap bytes of every key here, kept up to date on each write ({@link MemoryEstimate}). */
    private long memory;

    public Database(int id, Hooks hooks) {
        this.id = id;
        this.hooks = hooks;
    }

    public int id() {
        return id;
    }

    public int size() {
        return keys.size();
    }

    public int expiresSize() {
        return expires.size();
    }

    /** Estimated bytes the keys and values of this database occupy (INFO used_memory, maxmemory). */
    public long memory() {
        return memory;
    }

    /** Re-estimates a key after a write, keeping the database's total current. */
    private void account(Dict.Entry e) {
        long now = MemoryEstimate.entry(e);
        memory += now - e.memory;
        e.memory = now;
    }

    /**
     * A random live-or-expired entry for eviction: from all keys, or only from keys with a TTL when
     * {@code volatileOnly}; null when there is none.
     */
    public Dict.Entry randomEntry(boolean volatileOnly) {
        if (volatileOnly) {
            Dict.Entry x = expires.random();
            return x == null ? null : (Dict.Entry) x.value();
        }
        return keys.random();
    }

    public Dict dict() {
        return keys;
    }

    /** Installs (or with null removes) the observer of changes; see {@link ChangeObserver}. */
    public void changeObserver(ChangeObserver o) {
        this.observer = o;
    }

    /**
     * The live entry for {@code key}, or null if absent or expired (an expired key is deleted when allowed). Does
     * not touch the access clock: Redis's lookup with {@code LOOKUP_NOTOUCH} (EXISTS, TYPE, TTL, OBJECT).
     */
    public Dict.Entry entry(byte[] key) {
        Dict.Entry e = keys.find(key);
        if (e == null) {
            return null;
        }
        if (observer != null) {
            observer.beforeChange(this, e);
        }
        if (isExpired(e)) {
            if (hooks.mayDeleteExpired()) {
                deleteExpired(e);
            }
            return null;
        }
        remember(key, e);
        return e;
    }

    private void remember(byte[] key, Dict.Entry e) {
        lastKey = key;
        lastEntry = e;
    }

    /** True when the key is present in memory but past its expiry time (not yet deleted). */
    public boolean isLogicallyExpired(byte[] key) {
        Dict.Entry e = keys.find(key);
        return e != null && isExpired(e);
    }

    /** The live entry for {@code key}, or null, touching its access clock as Redis's lookupKeyRead/Write do. */
    public Dict.Entry lookup(byte[] key) {
        Dict.Entry e = entry(key);
        if (e != null) {
            Object v = e.stored();
            e.access = hooks.accessed(v, e.access, v);
        }
        return e;
    }

    /** The value for {@code key} (a {@code byte[]} for strings), or null; touches the access clock. */
    public Object get(byte[] key) {
        Dict.Entry e = lookup(key);
        return e == null ? null : e.value();
    }

    /** True if the entry's time to live has passed; like Redis, a key is still alive during its expiry millisecond. */
    public boolean isExpired(Dict.Entry e) {
        return e.expireAt >= 0 && hooks.now() > e.expireAt && hooks.keysMayExpire();
    }

    /** True if the key exists and is not expired, without touching its access clock (EXISTS, TYPE-free checks). */
    public boolean exists(byte[] key) {
        return entry(key) != null;
    }

    /**
     * Stores a value (Redis's {@code setKey}): creates or overwrites, drops any TTL unless {@code keepTtl}, and
     * signals the modification.
     */
    public Dict.Entry set(byte[] key, Object value, boolean keepTtl) {
        // One probe finds the key or makes its entry (values are never null, so a null value means just created),
        // where a lookup then an insert would probe twice for every new key.
        Dict.Entry e = keys.findOrCreate(key);
        Object old = e.stored();
        boolean created = old == null;
        if (!created) {
            if (observer != null) {
                observer.beforeChange(this, e);
            }
            if (isExpired(e)) {
                // Redis's lookupKeyWrite reclaims it first, also for a writable replica's own clients. Where it may
                // not be deleted, the stale key stays stored and the write replaces it as a new key, without its TTL.
                if (hooks.mayDeleteExpired() || hooks.replicaLocalWrite()) {
                    deleteExpired(e);
                    e = keys.findOrCreate(key);
                } else {
                    persist(e);
                }
                created = true;
            }
        }
        if (created && observer != null) {
            observer.created(this, e);
        }
        if (!keepTtl) {
            persist(e);
        }
        e.value(value);
        e.access = hooks.accessed(created ? null : old, created ? -1 : e.access, value);
        account(e);
        if (created) {
            hooks.keyAdded(this, key);
        }
        remember(key, e);
        hooks.keyModified(this, key);
        return e;
    }

    /**
     * Replaces the value of a live entry this database just returned for a write ({@link #lookup}), keeping its TTL
     * and signalling the modification: {@link #set} without probing the dict again (Redis's in-place update of
     * INCR's integer).
     */
    public void replace(Dict.Entry e, Object value) {
        e.value(value);
        e.access = hooks.replaced(e.access, value);
        account(e);
        hooks.keyModified(this, e.key);
    }

    /**
     * Adds a key that must not exist yet (callers checked). As Redis's {@code dbAdd} it tells the owner that a key
     * was created (the "new" keyspace event) but does not signal a modification.
     */
    public Dict.Entry add(byte[] key, Object value) {
        Dict.Entry e = addLoaded(key, value);
        hooks.keyAdded(this, key);
        return e;
    }

    /** Adds a key while loading a snapshot or an AOF base (Redis's dbAddRDBLoad): no "new" event, no signal. */
    public Dict.Entry addLoaded(byte[] key, Object value) {
        int before = keys.size();
        Dict.Entry e = keys.findOrCreate(key);
        if (observer != null) {
            if (keys.size() == before) {
                observer.beforeChange(this, e);
            }
            observer.created(this, e);
        }
        // Only a logically expired key kept on a replica can be found here; its stale TTL must not survive.
        persist(e);
        e.value(value);
        e.access = hooks.accessed(-1);
        account(e);
        remember(key, e);
        return e;
    }

    /**
     * Deletes a key; returns true if it was stored. As Redis's DEL (expireIfNeeded then dbSyncDelete): an expired key
     * is first reclaimed as expired where allowed and then counts as absent; on a replica it is still stored, so it
     * is removed and counts. Does not signal.
     */
    public boolean delete(byte[] key) {
        Dict.Entry e = keys.find(key);
        if (e == null) {
            return false;
        }
        if (isExpired(e) && hooks.mayDeleteExpired()) {
            deleteExpired(e);
            return false;
        }
        removeEntry(e);
        return true;
    }

    private void removeEntry(byte[] key) {
        Dict.Entry e = keys.find(key);
        if (e != null) {
            removeEntry(e);
        }
    }

    /** Removes an entry found in this database's dict: one unlink, no second lookup of its key. */
    private void removeEntry(Dict.Entry e) {
        if (observer != null) {
            observer.beforeChange(this, e);
        }
        remember(null, null);
        keys.remove(e);
        memory -= e.memory;
        if (e.expireAt >= 0) {
            expires.remove(e.key);
        }
    }

    /**
     * Gives a live key a new name in this database, keeping its value, TTL and access clock (RENAME); an existing
     * {@code to} is replaced. Callers checked that {@code from} is live and differs from {@code to}. Does not signal.
     */
    public void rename(byte[] from, byte[] to) {
        Dict.Entry src = keys.find(from);
        removeEntry(to);
        transfer(src, this, to);
        removeEntry(from);
    }

    /**
     * Moves a live key to another database, keeping its value, TTL and access clock (MOVE). Callers checked that
     * {@code dst} has no live key of that name. Does not signal.
     */
    public void move(byte[] key, Database dst) {
        transfer(keys.find(key), dst, key);
        removeEntry(key);
    }

    private static void transfer(Dict.Entry src, Database dst, byte[] name) {
        Dict.Entry e = dst.add(name, src.stored());
        e.access = src.access;
        if (src.expireAt >= 0) {
            dst.setExpire(e, src.expireAt);
        }
    }

    /**
     * Redis's expireSlaveKeys: a replica does not expire the master's keys, but the keys its own clients gave a
     * time to live (a writable replica) it deletes once expired, as a master would.
     */
    public void expireReplicaKeys(long now) {
        if (replicaKeysWithExpire.isEmpty()) {
            return;
        }
        var it = replicaKeysWithExpire.iterator();
        while (it.hasNext()) {
            Dict.Entry e = keys.find(it.next().bytes());
            if (e == null || e.expireAt < 0) {
                it.remove();
            } else if (now > e.expireAt) {
                if (observer != null) {
                    observer.beforeChange(this, e);
                }
                deleteExpired(e);
                it.remove();
            }
        }
    }

    private void deleteExpired(Dict.Entry e) {
        removeEntry(e);
        hooks.keyExpired(this, e.key);
    }

    /** Sets an absolute expiry in unix ms on an existing key. */
    public void setExpire(Dict.Entry e, long whenMs) {
        if (hooks.replicaLocalWrite()) {
            replicaKeysWithExpire.add(new io.jredis.server.util.BytesKey(e.key));
        }
        boolean added = e.expireAt < 0;
        if (added) {
            expires.put(e.key, e);
        }
        e.expireAt = whenMs;
        if (added) {
            account(e);
        }
    }

    /** Removes the TTL of an existing key; returns true if it had one. */
    public boolean persist(Dict.Entry e) {
        if (e.expireAt < 0) {
            return false;
        }
        expires.remove(e.key);
        e.expireAt = -1;
        account(e);
        return true;
    }

    public void signalModified(byte[] key) {
        Dict.Entry e = key == lastKey ? lastEntry : keys.find(key);
        if (e != null) {
            account(e);
        }
        hooks.keyModified(this, key);
    }

    /** Removes every key; returns how many there were. */
    public int clear() {
        int n = keys.size();
        remember(null, null);
        keys = new Dict();
        expires = new Dict();
        expireCursor = 0;
        avgTtl = 0;
        memory = 0;
        return n;
    }

    /** Exchanges contents with another database (SWAPDB), keeping each one's id. */
    public void swapWith(Database other) {
        remember(null, null);
        other.remember(null, null);
        Dict k = keys;
        Dict x = expires;
        long cursor = expireCursor;
        keys = other.keys;
        expires = other.expires;
        expireCursor = other.expireCursor;
        other.keys = k;
        other.expires = x;
        other.expireCursor = cursor;
        long m = memory;
        memory = other.memory;
        other.memory = m;
        long avg = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = avg;
    }

    /**
     * A random live key, or null (RANDOMKEY). Expired picks are reclaimed and the draw repeats, as Redis's
     * dbRandomKey; a replica cannot reclaim, so when every key has a TTL it gives up after 100 expired picks and
     * returns one of them rather than loop forever.
     */
    public byte[] randomKey() {
        boolean allVolatile = keys.size() == expires.size();
        int tries = 100;
        while (true) {
            Dict.Entry e = keys.random();
            if (e == null) {
                return null;
            }
            if (e.expireAt >= 0) {
                if (allVolatile && !hooks.mayDeleteExpired() && --tries == 0) {
                    return e.key;
                }
                if (isExpired(e)) {
                    if (hooks.mayDeleteExpired()) {
                        deleteExpired(e);
                    }
                    continue;
                }
            }
            return e.key;
        }
    }

    /**
     * Redis 7.0's active expiry for one database: walk the keys with a TTL {@value #EXPIRE_KEYS_PER_LOOP} at a time
     * from where the last walk stopped, reclaim the expired ones, and repeat while more than
     * {@value #EXPIRE_ACCEPTABLE_STALE}% of a sample was stale. Returns false if it stopped because
     * {@code deadlineNanos} ({@link System#nanoTime()} scale) passed, true when this database is done for now.
     */
    public boolean activeExpire(long deadlineNanos) {
        while (true) {
            int num = expires.size();
            if (num == 0) {
                avgTtl = 0;
                return true;
            }
            // Under 1% fill, sampling costs more than it reclaims; cron shrinks the table soon.
            int slots = expires.buckets();
            if (slots > 4 && (long) num * 100 / slots < 1) {
                return true;
            }
            int target = Math.min(num, EXPIRE_KEYS_PER_LOOP);
            int maxBuckets = target * 20;
            sampleNow = hooks.now();
            sampled = 0;
            sampledExpired = 0;
            sampledTtlSum = 0;
            sampledTtls = 0;
            for (int buckets = 0; sampled < target && buckets < maxBuckets; buckets++) {
                expireCursor = expires.scan(expireCursor, expireSampler);
            }
            if (sampledTtls > 0) {
                // Redis weighs the new estimate 2%, the previous one 98%.
                long avg = sampledTtlSum / sampledTtls;
                if (avgTtl == 0) {
                    avgTtl = avg;
                }
                avgTtl = (avgTtl / 50) * 49 + avg / 50;
            }
            if (sampled > 0 && sampledExpired * 100 / sampled <= EXPIRE_ACCEPTABLE_STALE) {
                return true;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
        }
    }

    private void sampleForExpiry(Dict.Entry x) {
        Dict.Entry e = (Dict.Entry) x.value();
        sampled++;
        if (sampleNow > e.expireAt) {
            deleteExpired(e);
            sampledExpired++;
        } else {
            sampledTtlSum += e.expireAt - sampleNow;
            sampledTtls++;
        }
    }

    /** The expire cycle's running estimate of the average TTL in ms (INFO keyspace avg_ttl); 0 until sampled. */
    public long avgTtl() {
        return avgTtl;
    }

    /** Runs incremental rehashing and shrinking in the background, as Redis's databasesCron does. */
    public void cron() {
        keys.shrinkIfNeeded();
        expires.shrinkIfNeeded();
        keys.rehash(100);
        expires.rehash(100);
    }

}
