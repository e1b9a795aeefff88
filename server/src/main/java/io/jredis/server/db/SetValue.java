package io.jredis.server.db;

import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A set value. While every member is an integer (Redis's {@code string2ll} rules) and there are at most
 * {@code set-max-intset-entries} of them, it is Redis's "intset": one sorted {@code short[]}, {@code int[]} or
 * {@code long[]}, as narrow as the widest member needs, searched by bisection. The width only grows, as in Redis.
 * Otherwise it is a {@link Dict} of members ("hashtable"), which never converts back.
 *
 * <p>Byte arrays handed in are stored as they are and never modified afterwards; callers must not modify them.
 */
public final class SetValue implements RedisObject {
    private static final short[] EMPTY = new short[0];
    /** The value of every hashtable entry: non-null, so {@link Dict#findOrCreate} tells new members apart. */
    private static final Object PRESENT = Boolean.TRUE;

    /** {@code short[]}, {@code int[]} or {@code long[]} (intset), or {@link Dict} (hashtable). */
    private Object data;
    /**
     * What a hashtable's member arrays occupy, kept as members come and go: the memory estimate after every write
     * reads it instead of sampling members of a large set.
     */
    private long membersMemory;

    /** An empty set in intset encoding (the target of SINTERSTORE, SUNIONSTORE, SDIFFSTORE). */
    public SetValue() {
        data = EMPTY;
    }

    private SetValue(Object data) {
        this.data = data;
    }

    /** An empty set in the encoding that can hold {@code member}: Redis's {@code setTypeCreate}. */
    public static SetValue forMember(byte[] member) {
        return new SetValue(Bytes.toLong(member) != null ? EMPTY : new Dict());
    }

    /**
     * An intset of the first {@code n} members of {@code sorted}, which must be ascending and distinct, in the
     * narrowest width that holds them. For loaders: the size limit is the caller's.
     */
    public static SetValue ofSortedIntegers(long[] sorted, int n) {
        int w = 2;
        for (int i = 0; i < n; i++) {
            w = Math.max(w, valueWidth(sorted[i]));
        }
        Object a = alloc(w, n);
        for (int i = 0; i < n; i++) {
            store(a, i, sorted[i]);
        }
        return new SetValue(a);
    }

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return data instanceof Dict ? "hashtable" : "intset";
    }

    @Override
    public SetValue copy() {
        if (data instanceof Dict src) {
            Dict dst = new Dict();
            src.forEach(e -> dst.put(e.key, PRESENT));
            SetValue s = new SetValue(dst);
            s.membersMemory = membersMemory;
            return s;
        }
        return new SetValue(copyOf(data, length(data)));
    }

    /** Bytes per member of an intset (2, 4 or 8), for memory estimates; 0 for a hashtable. */
    int intsetWidth() {
        return data instanceof short[] ? 2 : data instanceof int[] ? 4 : data instanceof long[] ? 8 : 0;
    }

    /** Bytes the members of a hashtable set occupy (0 for an intset). */
    long membersMemory() {
        return membersMemory;
    }

    public boolean isIntset() {
        return !(data instanceof Dict);
    }

    public int size() {
        return data instanceof Dict d ? d.size() : length(data);
    }

    /**
     * Adds a member; returns true if it is new. An intset becomes a hashtable when the member is not an integer or
     * the size would pass {@code maxIntsetEntries}.
     */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (data instanceof Dict d) {
            return addTo(d, member);
        }
        Long v = Bytes.toLong(member);
        if (v == null) {
            convertToHashtable();
            return addTo((Dict) data, member);
        }
        int n = length(data);
        int idx = search(data, v);
        if (idx >= 0) {
            return false;
        }
        int at = -idx - 1;
        int w = Math.max(arrayWidth(data), valueWidth(v));
        Object grown = alloc(w, n + 1);
        copyInto(data, 0, grown, 0, at);
        store(grown, at, v);
        copyInto(data, at, grown, at + 1, n - at);
        data = grown;
        if (n + 1 > maxIntsetEntries) {
            convertToHashtable();
        }
        return true;
    }

    private boolean addTo(Dict d, byte[] member) {
        Dict.Entry e = d.findOrCreate(member);
        if (e.value() != null) {
            return false;
        }
        e.value(PRESENT);
        membersMemory += MemoryEstimate.bytes(member.length);
        return true;
    }

    /** Removes a member; returns true if it was there. */
    public boolean remove(byte[] member) {
        if (data instanceof Dict d) {
            Dict.Entry e = d.remove(member);
            if (e == null) {
                return false;
            }
            membersMemory -= MemoryEstimate.bytes(e.key.length);
            d.shrinkIfNeeded();
            return true;
        }
        Long v = Bytes.toLong(member);
        int idx = v == null ? -1 : search(data, v);
        if (idx < 0) {
            return false;
        }
        removeAt(idx);
        return true;
    }

    private void removeAt(int idx) {
        int n = length(data);
        Object shrunk = alloc(arrayWidth(data), n - 1);
        copyInto(data, 0, shrunk, 0, idx);
        copyInto(data, idx + 1, shrunk, idx, n - idx - 1);
        data = shrunk;
    }

    public boolean contains(byte[] member) {
        if (data instanceof Dict d) {
            return d.find(member) != null;
        }
        Long v = Bytes.toLong(member);
        return v != null && search(data, v) >= 0;
    }

    /** Converts to the hashtable encoding (no-op if already there). */
    public void convertToHashtable() {
        if (data instanceof Dict) {
            return;
        }
        Dict d = new Dict();
        int n = length(data);
        for (int i = 0; i < n; i++) {
            byte[] m = Bytes.fromLong(at(data, i));
            d.put(m, PRESENT);
            membersMemory += MemoryEstimate.bytes(m.length);
        }
        data = d;
    }

    /** An intset's members as integers, ascending, in a new array (no text per member, for snapshots). */
    public long[] intsetMembers() {
        int n = length(data);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = at(data, i);
        }
        return out;
    }

    /** Visits every member: an intset in ascending order, a hashtable in table order. */
    public void forEach(Consumer<byte[]> visitor) {
        forEachWhile(m -> {
            visitor.accept(m);
            return true;
        });
    }

    /** Visits members as {@link #forEach} does until {@code visitor} returns false. */
    public void forEachWhile(Predicate<byte[]> visitor) {
        if (data instanceof Dict d) {
            d.forEachWhile(e -> visitor.test(e.key));
            return;
        }
        int n = length(data);
        for (int i = 0; i < n; i++) {
            if (!visitor.test(Bytes.fromLong(at(data, i)))) {
                return;
            }
        }
    }

    public List<byte[]> members() {
        List<byte[]> out = new ArrayList<>(size());
        forEach(out::add);
        return out;
    }

    /** A random member of a non-empty set. */
    public byte[] random() {
        if (data instanceof Dict d) {
            return d.fairRandom().key;
        }
        return Bytes.fromLong(at(data, ThreadLocalRandom.current().nextInt(length(data))));
    }

    /** Removes and returns a random member of a non-empty set (SPOP). */
    public byte[] pop() {
        if (data instanceof Dict d) {
            byte[] m = d.fairRandom().key;
            d.remove(m);
            membersMemory -= MemoryEstimate.bytes(m.length);
            d.shrinkIfNeeded();
            return m;
        }
        int idx = ThreadLocalRandom.current().nextInt(length(data));
        byte[] m = Bytes.fromLong(at(data, idx));
        removeAt(idx);
        return m;
    }

    /**
     * {@code count} random members (SRANDMEMBER): with {@code unique} they are distinct and {@code count} must be
     * below the size; without, picks repeat independently.
     */
    public List<byte[]> randomMembers(long count, boolean unique) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        List<byte[]> out = new ArrayList<>((int) Math.min(count, 1024));
        if (data instanceof Dict d) {
            if (!unique || count * 3 <= d.size()) {
                Set<Dict.Entry> seen = unique ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
                while (out.size() < count) {
                    Dict.Entry e = d.fairRandom();
                    if (seen == null || seen.add(e)) {
                        out.add(e.key);
                    }
                }
                return out;
            }
            List<byte[]> all = members();
            shuffleTake(all, (int) count, rnd, out);
            return out;
        }
        int n = length(data);
        if (!unique) {
            for (long i = 0; i < count; i++) {
                out.add(Bytes.fromLong(at(data, rnd.nextInt(n))));
            }
            return out;
        }
        shuffleTake(members(), (int) count, rnd, out);
        return out;
    }

    /** A partial Fisher-Yates shuffle: the first {@code count} slots become a uniform random subset. */
    private static void shuffleTake(List<byte[]> all, int count, ThreadLocalRandom rnd, List<byte[]> out) {
        int n = all.size();
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(n - i);
            byte[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
            out.add(all.get(i));
        }
    }

    /**
     * One step of SSCAN: adds members to {@code out} and returns the next cursor. An intset is returned whole with
     * cursor 0; a hashtable is scanned as Redis does, until about {@code count} members were collected or ten times
     * {@code count} buckets were visited.
     */
    public long scan(long cursor, long count, List<byte[]> out) {
        if (data instanceof Dict d) {
            long maxIterations = count * 10;
            do {
                cursor = d.scan(cursor, e -> out.add(e.key));
            } while (cursor != 0 && maxIterations-- != 0 && out.size() < count);
            return cursor;
        }
        forEach(out::add);
        return 0;
    }

    // ---- intset arrays ----

    private static int valueWidth(long v) {
        return v == (short) v ? 2 : v == (int) v ? 4 : 8;
    }

    private static int arrayWidth(Object a) {
        return a instanceof short[] ? 2 : a instanceof int[] ? 4 : 8;
    }

    private static int length(Object a) {
        if (a instanceof short[] s) {
            return s.length;
        }
        return a instanceof int[] i ? i.length : ((long[]) a).length;
    }

    private static long at(Object a, int i) {
        if (a instanceof short[] s) {
            return s[i];
        }
        return a instanceof int[] ints ? ints[i] : ((long[]) a)[i];
    }

    private static Object alloc(int width, int n) {
        return width == 2 ? new short[n] : width == 4 ? new int[n] : new long[n];
    }

    private static void store(Object a, int i, long v) {
        if (a instanceof short[] s) {
            s[i] = (short) v;
        } else if (a instanceof int[] ints) {
            ints[i] = (int) v;
        } else {
            ((long[]) a)[i] = v;
        }
    }

    private static Object copyOf(Object a, int n) {
        if (a instanceof short[] s) {
            return Arrays.copyOf(s, n);
        }
        return a instanceof int[] i ? Arrays.copyOf(i, n) : Arrays.copyOf((long[]) a, n);
    }

    /** Copies {@code n} elements, widening them when the destination is wider. */
    private static void copyInto(Object src, int from, Object dst, int to, int n) {
        if (arrayWidth(src) == arrayWidth(dst)) {
            System.arraycopy(src, from, dst, to, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            store(dst, to + i, at(src, from + i));
        }
    }

    /** Index of {@code v}, or {@code -(insertion point) - 1}; a value wider than the array goes at one end. */
    private static int search(Object a, long v) {
        if (valueWidth(v) > arrayWidth(a)) {
            return v < 0 ? -1 : -length(a) - 1;
        }
        if (a instanceof short[] s) {
            return Arrays.binarySearch(s, (short) v);
        }
        return a instanceof int[] i ? Arrays.binarySearch(i, (int) v) : Arrays.binarySearch((long[]) a, v);
    }
}
