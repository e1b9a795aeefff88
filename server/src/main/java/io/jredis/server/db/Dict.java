package io.jredis.server.db;

import io.jredis.server.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A chained hash table keyed by {@code byte[]} with Redis's properties: power-of-two tables, incremental rehashing
 * (a resize never stalls the event loop) and a reverse-binary scan cursor that returns every entry present for the
 * whole scan at least once, even while the table grows or shrinks.
 *
 * <p>Single-threaded: owned by the engine thread like everything in the keyspace.
 */
public final class Dict {
    private static final int INITIAL_SIZE = 4;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** One key. The value and expiry live in the entry itself, so a lookup is one probe. */
    public static final class Entry {
        public final byte[] key;
        final int hash;
        private Object value;
        /** Absolute unix time in ms, or -1 for no expiry. */
        public long expireAt = -1;
        /** LRU clock in ms (or LFU counter data) for OBJECT IDLETIME/FREQ and eviction. */
        public long access;
        /**
         * The point-in-time snapshot that already holds this entry's state, or must skip it because the entry is
         * newer (see {@link Database.ChangeObserver}); 0 when none. It fits in the object's alignment padding.
         */
        public int snapshotMark;
        /** What the key occupies, as last estimated by its database ({@link MemoryEstimate#entry}). */
        long memory;
        Entry next;

        Entry(byte[] key, int hash, Object value) {
            this.key = key;
            this.hash = hash;
            this.value = value;
        }

        /**
         * The value: a {@code byte[]} for a string, else the {@link RedisObject} (a hash field's {@code byte[]}, a
         * set's marker, a sorted set's node in the collections' own dicts). A string APPEND left with room is
         * trimmed here, once, and stays trimmed.
         */
        public Object value() {
            Object v = value;
            if (v instanceof AppendedString a) {
                v = a.trimmed();
                value = v;
            } else if (v instanceof UnsharedInteger u) {
                return u.digits();
            }
            return v;
        }

        public void value(Object v) {
            value = v;
        }

        /**
         * The value as stored, an {@link AppendedString} or {@link UnsharedInteger} left as it is: for APPEND, GET,
         * STRLEN, the estimate and what tells a shared integer from its key's own.
         */
        public Object stored() {
            return value;
        }
    }

    private Entry[] t0 = new Entry[0];
    private Entry[] t1;
    private int used0;
    private int used1;
    private int rehashIdx = -1;
    /** While a scan-sensitive iteration runs callers may pause rehashing; counted so nesting works. */
    private int pauseRehash;

    public int size() {
        return used0 + used1;
    }

    /**
     * The key's hash: eight bytes per step (a multiply and a shift each), then SplitMix64's finalizer, whose every
     * input bit reaches every output bit. The length is mixed in first, so keys that differ only by trailing zero
     * bytes differ.
     */
    public static int hash(byte[] key) {
        int n = key.length;
        long h = 0x9747b28cL ^ n * GOLDEN;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            h = (h ^ Bytes.longLE(key, i)) * GOLDEN;
            h ^= h >>> 32;
        }
        long tail = 0;
        for (int shift = 0; i < n; i++, shift += 8) {
            tail |= (key[i] & 0xFFL) << shift;
        }
        h = (h ^ tail) * GOLDEN;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 31));
    }

    public Entry find(byte[] key) {
        if (size() == 0) {
            return null;
        }
        rehashStep();
        return find(key, hash(key));
    }

    private Entry find(byte[] key, int h) {
        Entry e = findIn(t0, h, key);
        if (e == null && t1 != null) {
            e = findIn(t1, h, key);
        }
        return e;
    }

    private static Entry findIn(Entry[] t, int h, byte[] key) {
        if (t.length == 0) {
            return null;
        }
        for (Entry e = t[h & (t.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                return e;
            }
        }
        return null;
    }

    /** Returns the entry for {@code key}, creating it with a null value if absent. */
    public Entry findOrCreate(byte[] key) {
        // One hash for the probe and the insert: SET of a new key, the common write, hashes its key once.
        int h = hash(key);
        if (size() != 0) {
            rehashStep();
            Entry e = find(key, h);
            if (e != null) {
                return e;
            }
        }
        expandIfNeeded();
        Entry e = new Entry(key, h, null);
        if (t1 != null) {
            int i = h & (t1.length - 1);
            e.next = t1[i];
            t1[i] = e;
            used1++;
        } else {
            int i = h & (t0.length - 1);
            e.next = t0[i];
            t0[i] = e;
            used0++;
        }
        return e;
    }

    public Object get(byte[] key) {
        Entry e = find(key);
        return e == null ? null : e.value();
    }

    public Entry put(byte[] key, Object value) {
        Entry e = findOrCreate(key);
        e.value = value;
        return e;
    }

    /** Unlinks and returns the entry for {@code key}, or null. */
    public Entry remove(byte[] key) {
        if (size() == 0) {
            return null;
        }
        rehashStep();
        int h = hash(key);
        Entry e = removeFrom(t0, h, key);
        if (e != null) {
            used0--;
        } else if (t1 != null) {
            e = removeFrom(t1, h, key);
            if (e != null) {
                used1--;
            }
        }
        return e;
    }

    /**
     * Unlinks an entry obtained from this dict (by identity: its bucket comes from the cached hash, so the key is
     * neither hashed nor compared again); returns false if it is no longer here.
     */
    public boolean remove(Entry entry) {
        if (size() == 0) {
            return false;
        }
        rehashStep();
        if (unlink(t0, entry)) {
            used0--;
            return true;
        }
        if (t1 != null && unlink(t1, entry)) {
            used1--;
            return true;
        }
        return false;
    }

    private static boolean unlink(Entry[] t, Entry entry) {
        if (t.length == 0) {
            return false;
        }
        int i = entry.hash & (t.length - 1);
        Entry prev = null;
        for (Entry e = t[i]; e != null; prev = e, e = e.next) {
            if (e == entry) {
                if (prev == null) {
                    t[i] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                return true;
            }
        }
        return false;
    }

    private static Entry removeFrom(Entry[] t, int h, byte[] key) {
        if (t.length == 0) {
            return null;
        }
        int i = h & (t.length - 1);
        Entry prev = null;
        for (Entry e = t[i]; e != null; prev = e, e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                if (prev == null) {
                    t[i] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                return e;
            }
        }
        return null;
    }

    public void clear() {
        t0 = new Entry[0];
        t1 = null;
        used0 = used1 = 0;
        rehashIdx = -1;
    }

    private void expandIfNeeded() {
        if (t1 != null) {
            return;
        }
        if (t0.length == 0) {
            t0 = new Entry[INITIAL_SIZE];
            return;
        }
        if (used0 >= t0.length) {
            startResize(used0 + 1);
        }
    }

    /** Shrinks a mostly empty table, as Redis's cron does when fill drops below 10%. */
    public void shrinkIfNeeded() {
        if (t1 == null && t0.length > INITIAL_SIZE && (long) used0 * 100 / t0.length < 10) {
            startResize(Math.max(used0, INITIAL_SIZE));
        }
    }

    private void startResize(int minSize) {
        int size = Integer.highestOneBit(Math.max(minSize, INITIAL_SIZE) - 1) << 1;
        if (size == t0.length) {
            return;
        }
        t1 = new Entry[size];
        rehashIdx = 0;
    }

    /**
     * Gives an empty dict a table for {@code n} entries at once, as Redis's dictExpand on RESIZEDB: loading a
     * snapshot then never rehashes.
     */
    public void reserve(long n) {
        if (size() == 0 && t1 == null && n > t0.length) {
            t0 = new Entry[Integer.highestOneBit((int) Math.min(n, 1 << 30) - 1) << 1];
        }
    }

    public boolean isRehashing() {
        return t1 != null;
    }

    private void rehashStep() {
        if (t1 != null && pauseRehash == 0) {
            rehash(1);
        }
    }

    /** Moves up to {@code buckets} buckets to the new table (and skips at most 10x empty ones). */
    public boolean rehash(int buckets) {
        if (t1 == null) {
            return false;
        }
        int emptyVisits = buckets * 10;
        while (buckets-- > 0 && used0 != 0) {
            while (t0[rehashIdx] == null) {
                rehashIdx++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            Entry e = t0[rehashIdx];
            while (e != null) {
                Entry next = e.next;
                int i = e.hash & (t1.length - 1);
                e.next = t1[i];
                t1[i] = e;
                used0--;
                used1++;
                e = next;
            }
            t0[rehashIdx] = null;
            rehashIdx++;
        }
        if (used0 == 0) {
            t0 = t1;
            used0 = used1;
            t1 = null;
            used1 = 0;
            rehashIdx = -1;
            return false;
        }
        return true;
    }

    /**
     * Visits the entries of one cursor position and returns the next cursor (0 when done). This is Redis's
     * {@code dictScan}: cursor bits are incremented from the high end so buckets already visited in a smaller
     * table are never revisited in a larger one, and vice versa.
     */
    public long scan(long cursor, Consumer<Entry> visitor) {
        if (size() == 0) {
            return 0;
        }
        pauseRehash++;
        try {
            long v = cursor;
            if (t1 == null) {
                long m0 = t0.length - 1;
                visitChain(t0[(int) (v & m0)], visitor);
                v = nextCursor(v, m0);
            } else {
                Entry[] small = t0.length <= t1.length ? t0 : t1;
                Entry[] large = small == t0 ? t1 : t0;
                long m0 = small.length - 1;
                long m1 = large.length - 1;
                visitChain(small[(int) (v & m0)], visitor);
                do {
                    visitChain(large[(int) (v & m1)], visitor);
                    v = nextCursor(v, m1);
                } while ((v & (m0 ^ m1)) != 0);
            }
            return v;
        } finally {
            pauseRehash--;
        }
    }

    /**
     * Up to {@code steps} calls of {@link #scan} in one, with the same order and guarantees, for bulk walks that are
     * bound by cache misses (a snapshot of the whole keyspace). Consecutive cursors land far apart in the table, so
     * each bucket head is a miss: while the table is not rehashing, the heads of all steps are loaded first, with
     * loads that do not depend on each other and that the CPU overlaps, and then their chains are visited. The
     * visitor must not change the dict.
     */
    public long scan(long cursor, int steps, Consumer<Entry> visitor) {
        if (t1 != null || size() == 0) {
            long v = cursor;
            for (int i = 0; i < steps; i++) {
                v = scan(v, visitor);
                if (v == 0) {
                    break;
                }
            }
            return v;
        }
        Entry[] t = t0;
        long m0 = t.length - 1;
        Entry[] heads = new Entry[steps];
        long v = cursor;
        int n = 0;
        while (n < steps) {
            heads[n++] = t[(int) (v & m0)];
            v = nextCursor(v, m0);
            if (v == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            visitChain(heads[i], visitor);
        }
        return v;
    }

    /** The scan cursor after {@code v} in a table of mask {@code mask}: incremented from its high bits. */
    private static long nextCursor(long v, long mask) {
        return Long.reverse(Long.reverse(v | ~mask) + 1);
    }

    private static void visitChain(Entry head, Consumer<Entry> visitor) {
        for (Entry e = head; e != null; ) {
            Entry next = e.next; // the visitor may delete the entry it is given
            visitor.accept(e);
            e = next;
        }
    }

    /** A random entry, picked as Redis does: a random non-empty bucket, then a random element of its chain. */
    public Entry random() {
        if (size() == 0) {
            return null;
        }
        rehashStep();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Entry head;
        do {
            if (t1 != null) {
                // Buckets of t0 below rehashIdx are already moved and empty: draw only from the rest.
                int i = rehashIdx + rnd.nextInt(t0.length + t1.length - rehashIdx);
                head = i < t0.length ? t0[i] : t1[i - t0.length];
            } else {
                head = t0[rnd.nextInt(t0.length)];
            }
        } while (head == null);
        int len = 0;
        for (Entry e = head; e != null; e = e.next) {
            len++;
        }
        int pick = rnd.nextInt(len);
        Entry e = head;
        while (pick-- > 0) {
            e = e.next;
        }
        return e;
    }

    /**
     * A random entry with (nearly) equal odds for every entry, as Redis's dictGetFairRandomKey: one uniform pick among
     * up to 15 entries gathered from consecutive buckets at a random position. {@link #random()} favours entries in
     * short chains, which HRANDFIELD/SRANDMEMBER/SPOP would show as a skewed distribution.
     */
    public Entry fairRandom() {
        Entry[] sample = new Entry[FAIR_SAMPLE];
        int n = sample(sample);
        return n == 0 ? random() : sample[ThreadLocalRandom.current().nextInt(n)];
    }

    private static final int FAIR_SAMPLE = 15;

    /** Redis's dictGetSomeKeys: fills {@code out} with entries of consecutive buckets from a random start. */
    private int sample(Entry[] out) {
        int count = Math.min(out.length, size());
        for (int j = 0; j < count && t1 != null; j++) {
            rehashStep();
        }
        int maxMask = t0.length - 1;
        if (t1 != null && t1.length - 1 > maxMask) {
            maxMask = t1.length - 1;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int i = rnd.nextInt() & maxMask;
        int stored = 0;
        int emptyLen = 0;
        for (int steps = count * 10; stored < count && steps > 0; steps--) {
            for (int j = 0; j < (t1 != null ? 2 : 1); j++) {
                if (t1 != null && j == 0 && i < rehashIdx) {
                    // Moved buckets of the old table are empty: continue in the new table, or past the moved part.
                    if (i >= t1.length) {
                        i = rehashIdx;
                    } else {
                        continue;
                    }
                }
                Entry[] t = j == 0 ? t0 : t1;
                if (i >= t.length) {
                    continue;
                }
                Entry e = t[i];
                if (e == null) {
                    emptyLen++;
                    if (emptyLen >= 5 && emptyLen > count) {
                        i = rnd.nextInt() & maxMask;
                        emptyLen = 0;
                    }
                } else {
                    emptyLen = 0;
                    for (; e != null; e = e.next) {
                        out[stored++] = e;
                        if (stored == count) {
                            return stored;
                        }
                    }
                }
            }
            i = (i + 1) & maxMask;
        }
        return stored;
    }

    /** Visits every entry; the visitor must not modify the dict. */
    public void forEach(Consumer<Entry> visitor) {
        forEachWhile(e -> {
            visitor.accept(e);
            return true;
        });
    }

    /** Visits entries as {@link #forEach} does until {@code visitor} returns false; returns whether all were seen. */
    public boolean forEachWhile(Predicate<Entry> visitor) {
        pauseRehash++;
        try {
            for (Entry[] t : t1 == null ? new Entry[][] {t0} : new Entry[][] {t0, t1}) {
                for (Entry head : t) {
                    for (Entry e = head; e != null; e = e.next) {
                        if (!visitor.test(e)) {
                            return false;
                        }
                    }
                }
            }
            return true;
        } finally {
            pauseRehash--;
        }
    }

    /** Number of buckets, for DEBUG HTSTATS-style reporting and tests of resizing. */
    public int buckets() {
        return t0.length + (t1 == null ? 0 : t1.length);
    }
}
