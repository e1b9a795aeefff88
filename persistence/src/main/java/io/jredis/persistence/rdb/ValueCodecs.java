package io.jredis.persistence.rdb;

import io.jredis.server.db.ListValue;
import io.jredis.server.db.ValueType;
import io.jredis.server.db.Values;
import java.util.EnumMap;
import java.util.Map;

/** The codec of each data type, found by {@link ValueType} when saving and by RDB type code when loading. */
public final class ValueCodecs {
    private static final Map<ValueType, ValueCodec> BY_TYPE = new EnumMap<>(ValueType.class);
    private static final ValueCodec[] BY_RDB_TYPE = new ValueCodec[256];

    static {
        for (ValueCodec c : new ValueCodec[] {new StringCodec(), new ListCodec(), new SetCodec(), new ZSetCodec(),
                new HashCodec(), new StreamCodec()}) {
            BY_TYPE.put(c.type(), c);
            for (int t : c.rdbTypes()) {
                BY_RDB_TYPE[t] = c;
            }
        }
    }

    private ValueCodecs() {}

    /** Captures a live value for saving (engine thread). */
    public static FrozenValue freeze(Object value, EncodingConfig enc) {
        ValueType type = Values.type(value);
        ValueCodec c = BY_TYPE.get(type);
        if (c == null) {
            throw new IllegalStateException("no RDB codec for " + type.typeName() + " values");
        }
        return c.freeze(value, enc);
    }

    /** The quicklist Redis holds {@code list} in: its listpack nodes and their bytes in all, cut as the writer cuts. */
    public static long[] quicklist(Object list, EncodingConfig enc) {
        return ListCodec.quicklist((ListValue) list, enc.listMaxListpackSize());
    }

    /** The codec reading RDB type {@code rdbType}, or null when jredis cannot load that type. */
    public static ValueCodec forRdbType(int rdbType) {
        return rdbType >= 0 && rdbType < BY_RDB_TYPE.length ? BY_RDB_TYPE[rdbType] : null;
    }
}
