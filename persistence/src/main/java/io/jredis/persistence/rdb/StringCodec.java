package io.jredis.persistence.rdb;

import io.jredis.server.db.ValueType;
import java.io.IOException;

/** Strings: RDB type 0, one RDB string. Live strings are immutable arrays, so capturing one is a reference. */
final class StringCodec implements ValueCodec {
    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public int[] rdbTypes() {
        return new int[] {Rdb.TYPE_STRING};
    }

    @Override
    public FrozenValue freeze(Object value, EncodingConfig enc) {
        byte[] s = (byte[]) value;
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return Rdb.TYPE_STRING;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                out.writeString(s);
            }

            @Override
            public long weight() {
                return s.length + 16;
            }
        };
    }

    @Override
    public Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException {
        return in.readString();
    }
}
