package io.jredis.server.db;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hash value. While small it is one packed byte array, Redis's "listpack" encoding: entries alternate field and
 * value, each a varint length followed by its bytes, in insertion order (updates keep their place, new fields go to
 * the end, as in a listpack). One array per hash keeps a million small hashes close to Redis's footprint. Past the
 * thresholds the commands convert it to a {@link Dict} ("hashtable"), which never converts back, as in Redis.
 *
 * <p>Byte arrays handed in are stored as they are and never modified afterwards; callers must not modify them.
 */
public final class HashValue implements RedisObject {
    private static final byte[] EMPTY = new byte[0];

    /** Receives one field/value pair as slices, so listpack entries are read without copying. */
    @FunctionalInterface
    public interface EntryVisitor {
        void entry(byte[] fbuf, int foff, int flen, byte[] vbuf, int voff, int vlen);
    }

    /** {@code byte[]} (packed listpack) or {@link Dict} (field to {@code byte[]} value). */
    private Object data;
    /**
     * What a hashtable's field and value arrays occupy, kept as pairs change: the memory estimate after every write
     * reads it instead of sampling pairs of a large hash.
     */
    private long pairsMemory;

    /** An empty hash in listpack encoding. */
    public HashValue() {
        data = EMPTY;
    }

    private HashValue(Object data) {
        this.data = data;
    }

    /**
     * A listpack hash of the first {@code n} arrays of {@code pairs} (field, value, field, value ...), built with one
     * allocation. For loaders: the fields must be distinct and within the listpack limits.
     */
    public static HashValue ofPairs(byte[][] pairs, int n) {
        int size = 0;
        for (int i = 0; i < n; i++) {
            size += varintSize(pairs[i].length) + pairs[i].length;
        }
        byte[] p = new byte[size];
        int off = 0;
        for (int i = 0; i < n; i++) {
            off = put(p, off, pairs[i]);
        }
        return new HashValue(p);
    }

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return data instanceof Dict ? "hashtable" : "listpack";
    }

    @Override
    public HashValue copy() {
        if (data instanceof byte[] packed) {
            return new HashValue(packed.clone());
        }
        Dict src = (Dict) data;
        Dict dst = new Dict();
        src.forEach(e -> dst.put(e.key, e.value()));
        HashValue h = new HashValue(dst);
        h.pairsMemory = pairsMemory;
        return h;
    }

    public boolean isListpack() {
        return data instanceof byte[];
    }

    /** Bytes the fields and values of a hashtable hash occupy (0 for a listpack). */
    long pairsMemory() {
        return pairsMemory;
    }

    /** Length of the listpack array (fields, values and their length prefixes); only for listpack hashes. */
    int listpackBytes() {
        return ((byte[]) data).length;
    }

    public boolean isEmpty() {
        return data instanceof Dict d ? d.size() == 0 : ((byte[]) data).length == 0;
    }

    /** Number of fields; a listpack is walked (it keeps no count, so that it stays a bare array). */
    public int size() {
        if (data instanceof Dict d) {
            return d.size();
        }
        byte[] p = (byte[]) data;
        int n = 0;
        for (int off = 0; off < p.length; off = skip(p, off)) {
            n++;
        }
        return n / 2;
    }

    /** The value of {@code field}, or null. */
    public byte[] get(byte[] field) {
        if (data instanceof Dict d) {
            Dict.Entry e = d.find(field);
            return e == null ? null : (byte[]) e.value();
        }
        byte[] p = (byte[]) data;
        int f = find(p, field);
        if (f < 0) {
            return null;
        }
        int v = skip(p, f);
        int len = lenAt(p, v);
        int start = v + varintSize(len);
        return Arrays.copyOfRange(p, start, start + len);
    }

    public boolean exists(byte[] field) {
        if (data instanceof Dict d) {
            return d.find(field) != null;
        }
        return find((byte[]) data, field) >= 0;
    }

    /** Sets {@code field} to {@code value}; returns true if the field is new. Encoding limits are the caller's. */
    public boolean set(byte[] field, byte[] value) {
        if (data instanceof Dict d) {
            Dict.Entry e = d.findOrCreate(field);
            boolean created = e.value() == null;
            pairsMemory += created ? MemoryEstimate.bytes(field.length) + MemoryEstimate.bytes(value.length)
                    : MemoryEstimate.bytes(value.length) - MemoryEstimate.bytes(((byte[]) e.value()).length);
            e.value(value);
            return created;
        }
        byte[] p = (byte[]) data;
        int f = find(p, field);
        if (f < 0) {
            byte[] n = Arrays.copyOf(p, p.length + varintSize(field.length) + field.length
                    + varintSize(value.length) + value.length);
            int off = put(n, p.length, field);
            put(n, off, value);
            data = n;
            return true;
        }
        int v = skip(p, f);
        int end = skip(p, v);
        byte[] n = new byte[p.length - (end - v) + varintSize(value.length) + value.length];
        System.arraycopy(p, 0, n, 0, v);
        int off = put(n, v, value);
        System.arraycopy(p, end, n, off, p.length - end);
        data = n;
        return false;
    }

    /** Removes {@code field}; returns true if it was there. */
    public boolean delete(byte[] field) {
        if (data instanceof Dict d) {
            Dict.Entry e = d.remove(field);
            if (e == null) {
                return false;
            }
            pairsMemory -= MemoryEstimate.bytes(e.key.length) + MemoryEstimate.bytes(((byte[]) e.value()).length);
            d.shrinkIfNeeded();
            return true;
        }
        byte[] p = (byte[]) data;
        int f = find(p, field);
        if (f < 0) {
            return false;
        }
        int end = skip(p, skip(p, f));
        byte[] n = new byte[p.length - (end - f)];
        System.arraycopy(p, 0, n, 0, f);
        System.arraycopy(p, end, n, f, p.length - end);
        data = n;
        return true;
    }

    /** Converts to the hashtable encoding (no-op if already there). */
    public void convertToHashtable() {
        if (data instanceof Dict) {
            return;
        }
        Dict d = new Dict();
        forEach((fb, fo, fl, vb, vo, vl) -> {
            d.put(Arrays.copyOfRange(fb, fo, fo + fl), Arrays.copyOfRange(vb, vo, vo + vl));
            pairsMemory += MemoryEstimate.bytes(fl) + MemoryEstimate.bytes(vl);
        });
        data = d;
    }

    /** Visits every pair: listpack hashes in insertion order, hashtables in table order. */
    public void forEach(EntryVisitor v) {
        if (data instanceof Dict d) {
            d.forEach(e -> {
                byte[] val = (byte[]) e.value();
                v.entry(e.key, 0, e.key.length, val, 0, val.length);
            });
            return;
        }
        byte[] p = (byte[]) data;
        int off = 0;
        while (off < p.length) {
            int flen = lenAt(p, off);
            int fstart = off + varintSize(flen);
            int voff = fstart + flen;
            int vlen = lenAt(p, voff);
            int vstart = voff + varintSize(vlen);
            v.entry(p, fstart, flen, p, vstart, vlen);
            off = vstart + vlen;
        }
    }

    /** Every pair as {@code {field, value}}, in iteration order. */
    public List<byte[][]> entries() {
        List<byte[][]> out = new ArrayList<>(size());
        forEach((fb, fo, fl, vb, vo, vl) -> out.add(new byte[][] {Arrays.copyOfRange(fb, fo, fo + fl),
                Arrays.copyOfRange(vb, vo, vo + vl)}));
        return out;
    }

    /**
     * {@code count} random pairs (HRANDFIELD): with {@code unique} they are distinct and {@code count} must be below
     * the size; without, picks repeat independently. Hashtables pick as Redis's fair random key does; listpacks
     * are small and are sampled by position.
     */
    public List<byte[][]> randomEntries(long count, boolean unique) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        List<byte[][]> out = new ArrayList<>((int) Math.min(count, 1024));
        if (data instanceof Dict d && (!unique || count * 3 <= d.size())) {
            Set<Dict.Entry> seen = unique ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
            while (out.size() < count) {
                Dict.Entry e = d.fairRandom();
                if (seen == null || seen.add(e)) {
                    out.add(new byte[][] {e.key, (byte[]) e.value()});
                }
            }
            return out;
        }
        List<byte[][]> all = entries();
        int n = all.size();
        if (!unique) {
            for (long i = 0; i < count; i++) {
                out.add(all.get(rnd.nextInt(n)));
            }
            return out;
        }
        // A partial Fisher-Yates shuffle: the first count slots end up a uniform random subset in random order.
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(n - i);
            byte[][] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
            out.add(all.get(i));
        }
        return out;
    }

    /**
     * One step of HSCAN: adds fields and values (alternating) to {@code out} and returns the next cursor. A listpack
     * is returned whole with cursor 0; a hashtable is scanned as Redis does, until about {@code count} items were
     * collected or ten times {@code count} buckets were visited.
     */
    public long scan(long cursor, long count, List<byte[]> out) {
        if (data instanceof Dict d) {
            long maxIterations = count * 10;
            do {
                cursor = d.scan(cursor, e -> {
                    out.add(e.key);
                    out.add((byte[]) e.value());
                });
            } while (cursor != 0 && maxIterations-- != 0 && out.size() < count);
            return cursor;
        }
        forEach((fb, fo, fl, vb, vo, vl) -> {
            out.add(Arrays.copyOfRange(fb, fo, fo + fl));
            out.add(Arrays.copyOfRange(vb, vo, vo + vl));
        });
        return 0;
    }

    // ---- packed format: entries of <varint length><bytes> ----

    /** Offset of the field entry equal to {@code field}, or -1. */
    private static int find(byte[] p, byte[] field) {
        int off = 0;
        while (off < p.length) {
            int len = lenAt(p, off);
            int start = off + varintSize(len);
            if (len == field.length && Arrays.equals(p, start, start + len, field, 0, len)) {
                return off;
            }
            off = skip(p, start + len); // skip the value
        }
        return -1;
    }

    /** Offset of the entry after the one at {@code off}. */
    private static int skip(byte[] p, int off) {
        int len = lenAt(p, off);
        return off + varintSize(len) + len;
    }

    private static int lenAt(byte[] p, int off) {
        int b = p[off];
        if (b >= 0) {
            return b;
        }
        int v = b & 0x7f;
        int shift = 7;
        do {
            b = p[++off];
            v |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return v;
    }

    private static int varintSize(int len) {
        int n = 1;
        while (len >= 0x80) {
            len >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes one entry at {@code off}; returns the offset after it. */
    private static int put(byte[] p, int off, byte[] bytes) {
        int len = bytes.length;
        while (len >= 0x80) {
            p[off++] = (byte) (len | 0x80);
            len >>>= 7;
        }
        p[off++] = (byte) len;
        System.arraycopy(bytes, 0, p, off, bytes.length);
        return off + bytes.length;
    }
}
