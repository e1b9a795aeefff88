package io.jredis.persistence.rdb;

import io.jredis.server.db.ListValue;
import io.jredis.server.db.ValueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists. Saved as Redis 7.0 does, type 18 (quicklist 2): listpack nodes cut where Redis's quicklist would cut them
 * under {@code list-max-listpack-size}. Loaded from types 18, 14 (quicklist of ziplists), 10 (one ziplist) and 1
 * (plain elements).
 */
final class ListCodec implements ValueCodec {
    /** Redis's per-node byte limits for fill -1 .. -5. */
    private static final int[] NODE_BYTES = {4096, 8192, 16384, 32768, 65536};
    /** A node with a count limit still stays under this many bytes (quicklist's SIZE_SAFETY_LIMIT). */
    private static final int SIZE_SAFETY_LIMIT = 8192;

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public int[] rdbTypes() {
        return new int[] {Rdb.TYPE_LIST, Rdb.TYPE_LIST_ZIPLIST, Rdb.TYPE_LIST_QUICKLIST, Rdb.TYPE_LIST_QUICKLIST_2};
    }

    @Override
    public FrozenValue freeze(Object value, EncodingConfig enc) {
        byte[][] items = ((ListValue) value).toArray();
        long fill = enc.listMaxListpackSize();
        long weight = 16L * items.length;
        for (byte[] item : items) {
            weight += item.length;
        }
        long w = weight;
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return Rdb.TYPE_LIST_QUICKLIST_2;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                List<byte[]> nodes = nodes(items, fill);
                out.writeLength(nodes.size());
                for (byte[] node : nodes) {
                    out.writeLength(Rdb.QUICKLIST_NODE_PACKED);
                    out.writeString(node);
                }
            }

            @Override
            public long weight() {
                return w;
            }
        };
    }

    /** Cuts the elements into listpacks as Redis's quicklist push does (_quicklistNodeAllowInsert). */
    static List<byte[]> nodes(byte[][] items, long fill) {
        List<byte[]> nodes = new ArrayList<>();
        Listpack.Builder lp = null;
        int nodeBytes = 0;
        for (byte[] item : items) {
            if (lp != null && !fits(fill, nodeBytes + item.length + overhead(item.length), lp.count())) {
                nodes.add(lp.build());
                lp = null;
            }
            if (lp == null) {
                lp = new Listpack.Builder(Math.min(8192, 64 + item.length * 2));
            }
            lp.add(item);
            nodeBytes = lp.bytes();
        }
        if (lp != null) {
            nodes.add(lp.build());
        }
        return nodes;
    }

    /** The entry overhead quicklist assumes (still counted in ziplist terms in 7.0). */
    private static int overhead(int len) {
        return (len < 254 ? 1 : 5) + (len < 64 ? 1 : len < 16384 ? 2 : 5);
    }

    /** Redis's _quicklistNodeAllowInsert for a node of {@code count} entries growing to {@code newBytes}. */
    private static boolean fits(long fill, int newBytes, int count) {
        if (fill < 0 && -fill <= NODE_BYTES.length) {
            return newBytes <= NODE_BYTES[(int) -fill - 1];
        }
        return newBytes <= SIZE_SAFETY_LIMIT && count < fill;
    }

    @Override
    public Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException {
        ListValue list = new ListValue();
        switch (rdbType) {
            case Rdb.TYPE_LIST -> {
                int n = in.readCount();
                for (int i = 0; i < n; i++) {
                    list.pushTail(in.readString());
                }
            }
            case Rdb.TYPE_LIST_ZIPLIST -> addZiplist(list, in.readString());
            case Rdb.TYPE_LIST_QUICKLIST -> {
                int n = in.readCount();
                for (int i = 0; i < n; i++) {
                    addZiplist(list, in.readString());
                }
            }
            default -> {
                int n = in.readCount();
                for (int i = 0; i < n; i++) {
                    long container = in.readLength();
                    byte[] blob = in.readString();
                    if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                        list.pushTail(blob);
                    } else if (container == Rdb.QUICKLIST_NODE_PACKED) {
                        Listpack.Reader r = new Listpack.Reader(blob);
                        while (r.next()) {
                            list.pushTail(r.bytes());
                        }
                    } else {
                        throw new IllegalArgumentException("Quicklist integrity check failed: unknown container "
                                + container);
                    }
                }
            }
        }
        return list.size() == 0 ? null : list;
    }

    private static void addZiplist(ListValue list, byte[] blob) {
        Ziplist z = new Ziplist(blob);
        while (z.next()) {
            list.pushTail(z.bytes());
        }
    }
}
