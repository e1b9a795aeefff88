package io.jredis.persistence.rdb;

import io.jredis.server.db.StreamGroup;
import io.jredis.server.db.StreamId;
import io.jredis.server.db.StreamValue;
import io.jredis.server.db.ValueType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Streams, saved as Redis 7.0 does (type 19, RDB_TYPE_STREAM_LISTPACKS_2): each node as its 16-byte big-endian
 * master ID and a listpack (master entry, then entries delta-encoded from it, deleted ones flagged), the stream's
 * length, last, first and maximal deleted IDs and entries-added, then the consumer groups with their pending entries
 * and consumers. Also loaded from type 15 (Redis 5 to 6.2), whose missing counters are derived as Redis does.
 */
final class StreamCodec implements ValueCodec {
    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public int[] rdbTypes() {
        return new int[] {Rdb.TYPE_STREAM_LISTPACKS, Rdb.TYPE_STREAM_LISTPACKS_2};
    }

    @Override
    public FrozenValue freeze(Object value, EncodingConfig enc) {
        // Entries and fields are immutable once added; flags, counters and groups are copied.
        StreamValue s = (StreamValue) ((StreamValue) value).copy();
        long weight = 64 + 48 * s.length();
        return new FrozenValue() {
            @Override
            public int rdbType() {
                return Rdb.TYPE_STREAM_LISTPACKS_2;
            }

            @Override
            public void write(RdbOutput out) throws IOException {
                StreamCodec.write(s, out);
            }

            @Override
            public long weight() {
                return weight;
            }
        };
    }

    private static byte[] rawId(StreamId id) {
        return ByteBuffer.allocate(16).putLong(id.ms()).putLong(id.seq()).array();
    }

    private static void writeId(RdbOutput out, StreamId id) throws IOException {
        out.writeLength(id.ms());
        out.writeLength(id.seq());
    }

    static void write(StreamValue s, RdbOutput out) throws IOException {
        out.writeLength(s.nodeCount());
        for (StreamValue.Node n : s.nodes().values()) {
            out.writeString(rawId(n.master));
            Listpack.Builder lp = out.listpack();
            lp.add(n.live()).add(n.deletedCount()).add(n.masterFields.length);
            for (byte[] f : n.masterFields) {
                lp.add(f);
            }
            lp.add(0);
            for (StreamValue.Entry e : n.entries()) {
                int nfields = e.fieldsValues.length / 2;
                lp.add(e.flags()).add(e.id.ms() - n.master.ms()).add(e.id.seq() - n.master.seq());
                if ((e.flags() & StreamValue.FLAG_SAMEFIELDS) != 0) {
                    for (int i = 1; i < e.fieldsValues.length; i += 2) {
                        lp.add(e.fieldsValues[i]);
                    }
                    lp.add(nfields + 3);
                } else {
                    lp.add(nfields);
                    for (byte[] b : e.fieldsValues) {
                        lp.add(b);
                    }
                    lp.add(2L * nfields + 4);
                }
            }
            out.writeListpack(lp);
        }
        out.writeLength(s.length());
        writeId(out, s.lastId());
        writeId(out, s.firstId());
        writeId(out, s.maxDeletedId());
        out.writeLength(s.entriesAdded());
        out.writeLength(s.groups().size());
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            StreamGroup g = ge.getValue();
            out.writeString(ge.getKey());
            writeId(out, g.lastId);
            out.writeLength(g.entriesRead);
            out.writeLength(g.pel.size());
            for (Map.Entry<StreamId, StreamGroup.Nack> e : g.pel.entrySet()) {
                out.writeRaw(rawId(e.getKey()));
                out.writeLE(e.getValue().deliveryTime, 8);
                out.writeLength(e.getValue().deliveryCount);
            }
            out.writeLength(g.consumers.size());
            for (StreamGroup.Consumer c : g.consumers.values()) {
                out.writeString(c.name);
                out.writeLE(c.seenTime, 8);
                out.writeLength(c.pel.size());
                for (StreamId id : c.pel.keySet()) {
                    out.writeRaw(rawId(id));
                }
            }
        }
    }

    @Override
    public Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException {
        StreamValue s = new StreamValue();
        long nodes = in.readLength();
        for (long i = 0; i < nodes; i++) {
            byte[] key = in.readString();
            if (key.length != 16) {
                throw new IllegalArgumentException("Stream node key entry is not the size of a stream ID");
            }
            ByteBuffer kb = ByteBuffer.wrap(key);
            StreamId master = new StreamId(kb.getLong(), kb.getLong());
            if (s.nodes().containsKey(master)) {
                throw new IllegalArgumentException("Listpack re-added with existing key");
            }
            readNode(s, master, new Listpack.Reader(in.readString()), enc.deepSanitize());
        }
        long length = in.readUnsignedLength();
        StreamId last = new StreamId(in.readUnsignedLength(), in.readUnsignedLength());
        boolean v2 = rdbType == Rdb.TYPE_STREAM_LISTPACKS_2;
        StreamId first;
        StreamId maxDeleted = StreamId.MIN;
        long added = length;
        if (v2) {
            first = new StreamId(in.readUnsignedLength(), in.readUnsignedLength());
            maxDeleted = new StreamId(in.readUnsignedLength(), in.readUnsignedLength());
            added = in.readUnsignedLength();
        } else {
            first = s.edgeId(true);
        }
        if (length != 0 && s.nodeCount() == 0) {
            throw new IllegalArgumentException("Stream length inconsistent with rax entries");
        }
        s.setLoaded(length, first);
        s.setMeta(last, added, maxDeleted);
        long groups = in.readLength();
        for (long i = 0; i < groups; i++) {
            byte[] name = in.readString();
            StreamId gid = new StreamId(in.readUnsignedLength(), in.readUnsignedLength());
            long read = v2 ? in.readUnsignedLength() : s.estimateDistance(gid);
            StreamGroup g = s.createGroup(name, gid, read);
            if (g == null) {
                throw new IllegalArgumentException("Duplicated consumer group name");
            }
            long pel = in.readLength();
            for (long k = 0; k < pel; k++) {
                StreamId id = readRawId(in);
                long time = in.readLE(8);
                long count = in.readUnsignedLength();
                if (g.pel.putIfAbsent(id, new StreamGroup.Nack(null, time, count)) != null) {
                    throw new IllegalArgumentException("Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = in.readLength();
            for (long k = 0; k < consumers; k++) {
                byte[] cname = in.readString();
                long seen = in.readLE(8);
                StreamGroup.Consumer c = g.createConsumer(cname, seen);
                if (c == null) {
                    throw new IllegalArgumentException("Duplicate stream consumer detected.");
                }
                long n = in.readLength();
                for (long q = 0; q < n; q++) {
                    StreamId id = readRawId(in);
                    StreamGroup.Nack nack = g.pel.get(id);
                    if (nack == null) {
                        throw new IllegalArgumentException("Consumer entry not found in group global PEL");
                    }
                    nack.consumer = c;
                    if (c.pel.putIfAbsent(id, nack) != null) {
                        throw new IllegalArgumentException(
                                "Duplicated consumer PEL entry loading a stream consumer group");
                    }
                }
            }
            for (StreamGroup.Nack nack : g.pel.values()) {
                if (nack.consumer == null) {
                    throw new IllegalArgumentException("Stream CG PEL entry without consumer");
                }
            }
        }
        return s;
    }

    private static StreamId readRawId(RdbInput in) throws IOException {
        byte[] raw = in.readBytes(16);
        ByteBuffer b = ByteBuffer.wrap(raw);
        return new StreamId(b.getLong(), b.getLong());
    }

    private static long integer(Listpack.Reader lp) {
        if (!lp.next()) {
            throw new IllegalArgumentException("Stream listpack ends inside an entry");
        }
        if (lp.isInt()) {
            return lp.intValue();
        }
        try {
            return Long.parseLong(new String(lp.bytes(), java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Stream listpack integer expected");
        }
    }

    private static byte[] string(Listpack.Reader lp) {
        if (!lp.next()) {
            throw new IllegalArgumentException("Stream listpack ends inside an entry");
        }
        return lp.bytes();
    }

    /**
     * One node's listpack: the master entry, then entries until the end. {@code deep} adds Redis's deep validation
     * of the counts this decoding does not rely on: each entry's lp-count, and the node's entry count.
     */
    private static void readNode(StreamValue s, StreamId master, Listpack.Reader lp, boolean deep) {
        long count = integer(lp);
        long deleted = integer(lp);
        int nfields = (int) integer(lp);
        if (nfields < 0) {
            throw new IllegalArgumentException("Bad stream master entry");
        }
        byte[][] fields = new byte[nfields][];
        for (int i = 0; i < nfields; i++) {
            fields[i] = string(lp);
        }
        if (integer(lp) != 0) {
            throw new IllegalArgumentException("Bad stream master entry terminator");
        }
        if (count + deleted == 0) {
            throw new IllegalArgumentException("Empty listpack inside stream");
        }
        StreamValue.Node node = s.addNode(master, fields);
        long entries = 0;
        while (lp.next()) {
            entries++;
            int flags = (int) (lp.isInt() ? lp.intValue() : Long.parseLong(new String(lp.bytes(),
                    java.nio.charset.StandardCharsets.US_ASCII)));
            StreamId id = new StreamId(master.ms() + integer(lp), master.seq() + integer(lp));
            byte[][] fv;
            // Items before the entry's lp-count, which Redis's deep validation checks: flags and the two ID deltas,
            // the values, and unless the fields are the master's, their count and names.
            long items;
            if ((flags & StreamValue.FLAG_SAMEFIELDS) != 0) {
                items = 3L + nfields;
                fv = new byte[nfields * 2][];
                for (int i = 0; i < nfields; i++) {
                    fv[2 * i] = fields[i];
                    fv[2 * i + 1] = string(lp);
                }
            } else {
                int n = (int) integer(lp);
                if (n < 0) {
                    throw new IllegalArgumentException("Bad stream entry field count");
                }
                items = 4L + 2L * n;
                fv = new byte[n * 2][];
                for (int i = 0; i < fv.length; i++) {
                    fv[i] = string(lp);
                }
            }
            if (integer(lp) != items && deep) {
                throw new IllegalArgumentException("Stream listpack integrity check failed: bad entry lp-count");
            }
            s.addLoaded(node, id, fv, flags);
        }
        if (deep && entries != count + deleted) {
            throw new IllegalArgumentException("Stream listpack integrity check failed: " + entries
                    + " entries, the master entry counts " + (count + deleted));
        }
    }
}
