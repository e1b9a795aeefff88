package io.jredis.server.db;


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

        void keyModified(Database db, byte[] key);

        void keyExpired(Database db, byte[] key);
    }

    private final int id;
    private final Hooks hooks;
    private Dict keys = new Dict();
    private Dict expires = new Dict();

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

    public Dict dict() {
        return keys;
    }

    /** The live entry for {@code key}, or null if absent or expired (an expired key is deleted when allowed). */
    public Dict.Entry entry(byte[] key) {
        Dict.Entry e = keys.find(key);
        if (e == null) {
            return null;
        }
        if (e.expireAt >= 0 && e.expireAt <= hooks.now()) {
            if (hooks.mayDeleteExpired()) {
                deleteExpired(e.key);
            }
            return null;
        }
        return e;
    }

    /** True when the key is present in memory but past its expiry time (not yet deleted). */
    public boolean isLogicallyExpired(byte[] key) {
        Dict.Entry e = keys.find(key);
        return e != null && e.expireAt >= 0 && e.expireAt <= hooks.now();
    }

    /** The value for {@code key} (a {@code byte[]} for strings), or null; touches the access clock. */
    public Object get(byte[] key) {
        Dict.Entry e = entry(key);
        if (e == null) {
            return null;
        }
        e.access = hooks.now();
        return e.value;
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
        Dict.Entry e = entry(key);
        if (e == null) {
            e = keys.findOrCreate(key);
        } else if (!keepTtl && e.expireAt >= 0) {
            expires.remove(key);
            e.expireAt = -1;
        }
        e.value = value;
        e.access = hooks.now();
        hooks.keyModified(this, key);
        return e;
    }

    /** Adds a key that must not exist yet (callers checked); does not signal, as Redis's {@code dbAdd}. */
    public Dict.Entry add(byte[] key, Object value) {
        Dict.Entry e = keys.findOrCreate(key);
        e.value = value;
        e.access = hooks.now();
        return e;
    }

    /** Deletes a key; returns true if it existed (and was not already expired). Does not signal. */
    public boolean delete(byte[] key) {
        Dict.Entry e = entry(key);
        if (e == null) {
            return false;
        }
        removeEntry(key);
        return true;
    }

    private void removeEntry(byte[] key) {
        Dict.Entry e = keys.remove(key);
        if (e != null && e.expireAt >= 0) {
            expires.remove(key);
        }
    }

    private void deleteExpired(byte[] key) {
        removeEntry(key);
        hooks.keyExpired(this, key);
    }

    /** Sets an absolute expiry in unix ms on an existing key. */
    public void setExpire(Dict.Entry e, long whenMs) {
        if (e.expireAt < 0) {
            expires.put(e.key, e);
        }
        e.expireAt = whenMs;
    }

    /** Removes the TTL of an existing key; returns true if it had one. */
    public boolean persist(Dict.Entry e) {
        if (e.expireAt < 0) {
            return false;
        }
        expires.remove(e.key);
        e.expireAt = -1;
        return true;
    }

    public void signalModified(byte[] key) {
        hooks.keyModified(this, key);
    }

    /** Removes every key; returns how many there were. */
    public int clear() {
        int n = keys.size();
        keys = new Dict();
        expires = new Dict();
        return n;
    }

    /** Exchanges contents with another database (SWAPDB), keeping each one's id. */
    public void swapWith(Database other) {
        Dict k = keys;
        Dict x = expires;
        keys = other.keys;
        expires = other.expires;
        other.keys = k;
        other.expires = x;
    }

    /** A random live key, or null (RANDOMKEY); gives up after many expired picks, as Redis bounds its tries. */
    public byte[] randomKey() {
        for (int tries = 0; tries < 100 && keys.size() > 0; tries++) {
            Dict.Entry e = keys.random();
            if (e.expireAt >= 0 && e.expireAt <= hooks.now()) {
                if (hooks.mayDeleteExpired()) {
                    deleteExpired(e.key);
                } else if (keys.size() == expires.size() && tries > 50) {
                    return e.key;
                }
                continue;
            }
            return e.key;
        }
        return null;
    }

    /**
     * One pass of Redis's active expiry for this database: sample up to {@code samples} keys with a TTL, delete the
     * expired ones; returns the number sampled and expired so the caller can repeat while over 25% were stale.
     */
    public int[] activeExpire(int samples) {
        int sampled = 0;
        int expired = 0;
        long now = hooks.now();
        int n = Math.min(samples, expires.size());
        for (int i = 0; i < n; i++) {
            Dict.Entry x = expires.random();
            if (x == null) {
                break;
            }
            Dict.Entry e = (Dict.Entry) x.value;
            sampled++;
            if (e.expireAt <= now) {
                deleteExpired(e.key);
                expired++;
            }
        }
        return new int[] {sampled, expired};
    }

    /** Runs incremental rehashing and shrinking in the background, as Redis's databasesCron does. */
    public void cron() {
        keys.shrinkIfNeeded();
        expires.shrinkIfNeeded();
        keys.rehash(100);
        expires.rehash(100);
    }

}
