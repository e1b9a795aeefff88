package io.jredis.persistence.rdb;

import io.jredis.server.db.HashValue;
import io.jredis.server.db.ValueType;
import java.io.IOException;
import java.util.Arrays;

/**
 * Hashes. Saved as Redis 7.0 does: the listpack encoding as type 16 (field, value pairs in order), a hashtable as
 * type 4. Loaded also from types 9 (zipmap) and 13 (ziplist); the loaded hash gets the encoding Redis would give
 * it under the hash-max-listpack settings: a ziplist or listpack converts only when it has too many entries (Redis
 * skips the O(n) scan of its lengths there), a hashtable or zipmap also on a long field or value.
 */
final class HashCodec implements ValueCodec {
    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public int[] rdbTypes() {
        return new int[] {Rdb.TYPE_HASH, Rdb.TYPE_HASH_ZIPMAP, Rdb.TYPE_HASH_ZIPLIST, Rdb.TYPE_HASH_LISTPACK};
    }

    @Override
    public FrozenValue freeze(Object value, EncodingConfig enc) {
        HashValue h = (HashValue) value;
        if (h.isListpack()) {
            return freezeListpack(h.copy());
        }
        int n = h.size();
        byte[][] pairs = new byte[n * 2][];
        int[] i = {0};
        long[] weight = {16};
        h.forEach((fb, fo, fl, vb, vo, vl) -> {
            pairs[i[0]++] = slice(fb, fo, fl);
            pairs[i[0]++] = slice(vb, vo, vl);
            weight[0] += fl + vl + 32;
        });
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return Rdb.TYPE_HASH;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                out.writeLength(n);
                for (byte[] p : pairs) {
                    out.writeString(p);
                }
            }

            @Override
            public long weight() {
                return weight[0];
            }
        };
    }

    /**
     * A listpack hash is one array, so its copy costs the engine thread one array copy; the writer thread reads the
     * copy, which nothing else can reach, as slices.
     */
    private static FrozenValue freezeListpack(HashValue copy) {
        long[] weight = {16};
        copy.forEach((fb, fo, fl, vb, vo, vl) -> weight[0] += fl + vl + 32);
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return Rdb.TYPE_HASH_LISTPACK;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                Listpack.Builder lp = out.listpack();
                copy.forEach((fb, fo, fl, vb, vo, vl) -> lp.add(fb, fo, fl).add(vb, vo, vl));
                out.writeListpack(lp);
            }

            @Override
            public long weight() {
                return weight[0];
            }
        };
    }

    /** Hashtable fields and values are whole immutable arrays and are shared. */
    private static byte[] slice(byte[] b, int off, int len) {
        return off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len);
    }

    @Override
    public Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException {
        // Only a hashtable or zipmap is converted on a long field or value, as Redis's rdbLoadObject does.
        Loader h = new Loader(enc, rdbType == Rdb.TYPE_HASH || rdbType == Rdb.TYPE_HASH_ZIPMAP);
        switch (rdbType) {
            case Rdb.TYPE_HASH -> {
                int n = in.readCount();
                if (n > enc.hashMaxListpackEntries()) {
                    h.hash.convertToHashtable();
                }
                for (int i = 0; i < n; i++) {
                    long at = in.offset();
                    byte[] field = in.readString();
                    byte[] value = in.readString();
                    if (!h.set(field, value)) {
                        throw new RdbException("Duplicate hash fields detected", at);
                    }
                }
            }
            case Rdb.TYPE_HASH_ZIPMAP -> Zipmap.forEach(in.readString(), (f, v) -> {
                if (!h.set(f, v)) {
                    throw new IntegrityException("duplicate field");
                }
            });
            case Rdb.TYPE_HASH_ZIPLIST -> {
                Ziplist zl = new Ziplist(in.readString());
                while (zl.next()) {
                    byte[] field = zl.bytes();
                    if (!zl.next()) {
                        throw new IllegalArgumentException("Hash ziplist integrity check failed: odd entry count");
                    }
                    if (!h.set(field, zl.bytes())) {
                        throw new IntegrityException("duplicate field");
                    }
                }
            }
            default -> {
                Listpack.Reader lp = new Listpack.Reader(in.readString());
                HashValue packed = packed(lp, enc);
                if (packed != null) {
                    return packed;
                }
                lp.rewind();
                while (lp.next()) {
                    byte[] field = lp.bytes();
                    if (!lp.next()) {
                        throw new IllegalArgumentException("Hash listpack integrity check failed: odd entry count");
                    }
                    if (!h.set(field, lp.bytes())) {
                        throw new IntegrityException("duplicate field");
                    }
                }
            }
        }
        return h.hash.isEmpty() ? null : h.hash;
    }

    /** Hashes this small are checked for duplicate fields by comparing each field with the earlier ones. */
    private static final int PACKED_MAX_FIELDS = 64;

    /**
     * The common case in one allocation: a listpack that stays a listpack under {@code enc} (whatever its values'
     * lengths), with distinct fields; null otherwise (the caller then goes field by field, converting or failing as
     * Redis does).
     */
    private static HashValue packed(Listpack.Reader lp, EncodingConfig enc) {
        int max = (int) Math.min(PACKED_MAX_FIELDS, enc.hashMaxListpackEntries()) * 2;
        byte[][] pairs = new byte[Math.min(max, 16)][];
        int n = 0;
        while (lp.next()) {
            if (n == max) {
                return null;
            }
            byte[] b = lp.bytes();
            if (n % 2 == 0) {
                for (int i = 0; i < n; i += 2) {
                    if (Arrays.equals(pairs[i], b)) {
                        return null;
                    }
                }
            }
            if (n == pairs.length) {
                pairs = Arrays.copyOf(pairs, Math.min(max, n * 2));
            }
            pairs[n++] = b;
        }
        return n == 0 || n % 2 != 0 ? null : HashValue.ofPairs(pairs, n);
    }

    /** Fills a hash converting it to a hashtable where Redis's loader would (counted, so size is not walked). */
    private static final class Loader {
        final HashValue hash = new HashValue();
        final EncodingConfig enc;
        final boolean checkLengths;
        int size;

        Loader(EncodingConfig enc, boolean checkLengths) {
            this.enc = enc;
            this.checkLengths = checkLengths;
        }

        boolean set(byte[] field, byte[] value) {
            if (hash.isListpack() && (size + 1 > enc.hashMaxListpackEntries() || checkLengths
                    && (field.length > enc.hashMaxListpackValue() || value.length > enc.hashMaxListpackValue()))) {
                hash.convertToHashtable();
            }
            if (!hash.set(field, value)) {
                return false;
            }
            size++;
            return true;
        }
    }
}
