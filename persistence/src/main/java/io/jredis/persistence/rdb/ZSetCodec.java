package io.jredis.persistence.rdb;

import io.jredis.server.db.ValueType;
import io.jredis.server.db.ZSetValue;
import java.io.IOException;

/**
 * Sorted sets. Saved as Redis 7.0 does: the listpack encoding as type 17 (member, score pairs in order), the
 * skiplist as type 5 (binary doubles, highest score first). Loaded also from types 3 (text scores) and 12
 * (ziplist); the loaded set gets the encoding Redis would give it under the zset-max-listpack settings.
 */
final class ZSetCodec implements ValueCodec {
    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public int[] rdbTypes() {
        return new int[] {Rdb.TYPE_ZSET, Rdb.TYPE_ZSET_2, Rdb.TYPE_ZSET_ZIPLIST, Rdb.TYPE_ZSET_LISTPACK};
    }

    @Override
    public FrozenValue freeze(Object value, EncodingConfig enc) {
        ZSetValue z = (ZSetValue) value;
        int n = z.size();
        byte[][] members = new byte[n][];
        double[] scores = new double[n];
        boolean listpack = z.encoding().equals("listpack");
        long w = 16;
        if (listpack) {
            // Ranks index the listpack's arrays directly: no iterator, no boxed scores.
            for (int k = 0; k < n; k++) {
                members[k] = z.memberAt(k);
                scores[k] = z.scoreAt(k);
                w += members[k].length + 24;
            }
        } else {
            int[] i = {0};
            z.forRange(0, n - 1, false, (m, s) -> {
                members[i[0]] = m;
                scores[i[0]++] = s;
            });
            for (byte[] m : members) {
                w += m.length + 24;
            }
        }
        long weight = w;
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return listpack ? Rdb.TYPE_ZSET_LISTPACK : Rdb.TYPE_ZSET_2;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                if (listpack) {
                    Listpack.Builder lp = out.listpack();
                    for (int k = 0; k < n; k++) {
                        lp.add(members[k]).addScore(scores[k]);
                    }
                    out.writeListpack(lp);
                    return;
                }
                out.writeLength(n);
                for (int k = n - 1; k >= 0; k--) {
                    out.writeString(members[k]);
                    out.writeBinaryDouble(scores[k]);
                }
            }

            @Override
            public long weight() {
                return weight;
            }
        };
    }

    @Override
    public Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException {
        ZSetValue.Limits limits = enc.zsetLimits();
        ZSetValue z = new ZSetValue();
        switch (rdbType) {
            case Rdb.TYPE_ZSET, Rdb.TYPE_ZSET_2 -> {
                // As Redis: loaded into a skiplist, where a score of -0 stays -0, and made a listpack (-0 read as
                // 0 there) only once everything is in and fits.
                z.convertToSkiplist();
                int n = in.readCount();
                long longest = 0;
                for (int i = 0; i < n; i++) {
                    long at = in.offset();
                    byte[] member = in.readString();
                    double score = rdbType == Rdb.TYPE_ZSET_2 ? in.readBinaryDouble() : in.readLegacyDouble();
                    if (Double.isNaN(score)) {
                        throw new RdbException("Zset with NAN score detected", at);
                    }
                    if (!z.put(member, score, limits)) {
                        throw new RdbException("Duplicate zset fields detected", at);
                    }
                    longest = Math.max(longest, member.length);
                }
                if (n > 0 && n <= limits.maxListpackEntries() && longest <= limits.maxListpackValue()) {
                    return packed(z, n, limits);
                }
            }
            case Rdb.TYPE_ZSET_ZIPLIST -> {
                ZSetValue.Limits packed = countOnly(limits);
                Ziplist zl = new Ziplist(in.readString());
                while (zl.next()) {
                    byte[] member = zl.bytes();
                    if (!zl.next()) {
                        throw new IllegalArgumentException("Zset ziplist integrity check failed: odd entry count");
                    }
                    put(z, member, zl.score(), packed);
                }
            }
            default -> {
                ZSetValue.Limits packed = countOnly(limits);
                Listpack.Reader lp = new Listpack.Reader(in.readString());
                while (lp.next()) {
                    byte[] member = lp.bytes();
                    if (!lp.next()) {
                        throw new IllegalArgumentException("Zset listpack integrity check failed: odd entry count");
                    }
                    put(z, member, lp.score(), packed);
                }
            }
        }
        return z.size() == 0 ? null : z;
    }

    /** Redis's zsetConvert of a loaded skiplist that fits the limits to a listpack. */
    private static ZSetValue packed(ZSetValue skiplist, int n, ZSetValue.Limits limits) {
        byte[][] members = new byte[n][];
        double[] scores = new double[n];
        int[] i = {0};
        skiplist.forRange(0, n - 1, false, (m, s) -> {
            members[i[0]] = m;
            scores[i[0]++] = s;
        });
        return ZSetValue.ofSorted(members, scores, n, limits);
    }

    /**
     * A ziplist or listpack converts on load only when it has too many entries: Redis's rdbLoadObject checks no
     * member's length there (an O(n) scan it skips), so a long member stays in the listpack.
     */
    private static ZSetValue.Limits countOnly(ZSetValue.Limits limits) {
        return new ZSetValue.Limits(limits.maxListpackEntries(), Long.MAX_VALUE);
    }

    /** A packed zset's member: a duplicate fails Redis's integrity check of the ziplist or listpack. */
    private static void put(ZSetValue z, byte[] member, double score, ZSetValue.Limits limits) {
        if (!z.put(member, score, limits)) {
            throw new IntegrityException("duplicate member");
        }
    }
}
