package io.jredis.persistence.rdb;

import io.jredis.server.db.SetValue;
import io.jredis.server.db.ValueType;
import io.jredis.server.util.Bytes;
import java.io.IOException;

/**
 * Sets. Saved as Redis 7.0 does: an intset as type 11, a hashtable as type 2 (members as strings). Loaded from
 * both; the loaded set gets the encoding Redis would give it under {@code set-max-intset-entries}.
 */
final class SetCodec implements ValueCodec {
    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public int[] rdbTypes() {
        return new int[] {Rdb.TYPE_SET, Rdb.TYPE_SET_INTSET};
    }

    @Override
    public FrozenValue freeze(Object value, EncodingConfig enc) {
        SetValue set = (SetValue) value;
        if (set.isIntset()) {
            long[] members = set.intsetMembers();
            return new FrozenValue() {
                @Override
                public int rdbType() {
                    return Rdb.TYPE_SET_INTSET;
                }

                @Override
                public void write(RdbOutput out) throws IOException {
                    out.writeIntset(members, members.length);
                }

                @Override
                public long weight() {
                    return 8L * members.length + 16;
                }
            };
        }
        byte[][] members = new byte[set.size()][];
        int[] n = {0};
        long[] weight = {16};
        set.forEach(m -> {
            members[n[0]++] = m;
            weight[0] += m.length + 16;
        });
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return Rdb.TYPE_SET;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                out.writeLength(members.length);
                for (byte[] m : members) {
                    out.writeString(m);
                }
            }

            @Override
            public long weight() {
                return weight[0];
            }
        };
    }

    @Override
    public Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException {
        long max = enc.setMaxIntsetEntries();
        SetValue set = new SetValue();
        if (rdbType == Rdb.TYPE_SET_INTSET) {
            long[] members = Intset.decode(in.readString());
            if (members.length <= max) {
                return members.length == 0 ? null : SetValue.ofSortedIntegers(members, members.length);
            }
            // Over the limit: member by member, converting as Redis does.
            for (long v : members) {
                set.add(Bytes.fromLong(v), max);
            }
        } else {
            int n = in.readCount();
            if (n > max) {
                set.convertToHashtable();
            }
            for (int i = 0; i < n; i++) {
                long at = in.offset();
                if (!set.add(in.readString(), max)) {
                    throw new RdbException("Duplicate set members detected", at);
                }
            }
        }
        return set.size() == 0 ? null : set;
    }
}
