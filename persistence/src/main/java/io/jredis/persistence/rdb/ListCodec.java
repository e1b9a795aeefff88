package io.jredis.persistence.rdb;

import io.jredis.server.db.ListValue;
import io.jredis.server.db.ValueType;
import java.io.IOException;

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
                Listpack.Builder lp = out.listpack();
                out.writeLength(nodeCount(items, fill, lp));
                int from = 0;
                while (from < items.length) {
                    int to = nodeEnd(items, from, fill, lp);
                    lp.reset();
                    for (int i = from; i < to; i++) {
                        lp.add(items[i]);
                    }
                    out.writeLength(Rdb.QUICKLIST_NODE_PACKED);
                    out.writeListpack(lp);
                    from = to;
                }
            }

            @Override
            public long weight() {
                return w;
            }
        };
    }

    /** How many listpack nodes Redis's quicklist cuts {@code list} into, and their bytes in all (header, end mark). */
    static long[] quicklist(ListValue list, long fill) {
        byte[][] items = list.toArray();
        Listpack.Builder lp = new Listpack.Builder(64);
        long nodes = 0;
        long bytes = 0;
        for (int from = 0; from < items.length; nodes++) {
            int to = nodeEnd(items, from, fill, lp);
            bytes += 7;
            for (int i = from; i < to; i++) {
                bytes += lp.entryBytes(items[i]);
            }
            from = to;
        }
        return new long[] {nodes, bytes};
    }

    /** How many listpack nodes Redis's quicklist cuts {@code items} into ({@code lp} sizes entries). */
    private static int nodeCount(byte[][] items, long fill, Listpack.Builder lp) {
        int nodes = 0;
        for (int from = 0; from < items.length; from = nodeEnd(items, from, fill, lp)) {
            nodes++;
        }
        return nodes;
    }

    /**
     * The end (exclusive) of the node starting at item {@code from}, cut as Redis's quicklist push does
     * (_quicklistNodeAllowInsert): a node takes items while the next one fits.
     */
    private static int nodeEnd(byte[][] items, int from, long fill, Listpack.Builder lp) {
        int nodeBytes = 7 + lp.entryBytes(items[from]);
        int count = 1;
        int i = from + 1;
        for (; i < items.length; i++) {
            byte[] item = items[i];
            if (!fits(fill, nodeBytes + item.length + overhead(item.length), count)) {
                break;
            }
            nodeBytes += lp.entryBytes(item);
            count++;
        }
        return i;
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
                    addZiplist(list, nodeBlob(in));
                }
            }
            default -> {
                int n = in.readCount();
                for (int i = 0; i < n; i++) {
                    long container = in.readLength();
                    byte[] blob = nodeBlob(in);
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

    /** A quicklist node's blob: Redis refuses an empty one, even a plain element (an empty string is never one). */
    private static byte[] nodeBlob(RdbInput in) throws IOException {
        byte[] blob = in.readString();
        if (blob.length == 0) {
            throw new IllegalArgumentException("Quicklist node of length 0");
        }
        return blob;
    }

    private static void addZiplist(ListValue list, byte[] blob) {
        Ziplist z = new Ziplist(blob);
        while (z.next()) {
            list.pushTail(z.bytes());
        }
    }
}
