package io.jredis.server.db;

import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream, laid out as Redis's t_stream.c lays it out so that node-granular behaviour (approximate trimming,
 * tombstones, RDB listpacks) matches: entries live in nodes keyed by their master ID, a node taking new entries
 * until its listpack would reach {@code stream-node-max-bytes} or it holds {@code stream-node-max-entries}
 * entries (deleted ones included). Deleted entries stay in their node, flagged, until the node empties.
 */
public final class StreamValue implements RedisObject {
    /** Entry flags of the listpack layout. */
    public static final int FLAG_DELETED = 1;
    public static final int FLAG_SAMEFIELDS = 2;

    /** One entry: its ID, field/value pairs flattened, and its flags. */
    public static final class Entry {
        public final StreamId id;
        public final byte[][] fieldsValues;
        int flags;

        Entry(StreamId id, byte[][] fieldsValues, int flags) {
            this.id = id;
            this.fieldsValues = fieldsValues;
            this.flags = flags;
        }

        public int flags() {
            return flags;
        }

        public boolean deleted() {
            return (flags & FLAG_DELETED) != 0;
        }
    }

    /** A node: Redis's listpack of a master entry (the first entry's fields) and entries delta-encoded from it. */
    public static final class Node {
        public final StreamId master;
        public final byte[][] masterFields;
        final ArrayList<Entry> entries = new ArrayList<>();
        int live;
        int deleted;
        /** Listpack bytes of the entries (master entry and listpack header excluded). */
        long entryBytes;

        Node(StreamId master, byte[][] masterFields) {
            this.master = master;
            this.masterFields = masterFields;
        }

        public List<Entry> entries() {
            return entries;
        }

        public int live() {
            return live;
        }

        public int deletedCount() {
            return deleted;
        }

        long listpackBytes() {
            long n = 7 + intSize(live) + intSize(deleted) + intSize(masterFields.length) + intSize(0);
            for (byte[] f : masterFields) {
                n += strSize(f);
            }
            return n + entryBytes;
        }

        boolean sameFields(byte[][] fv) {
            if (fv.length / 2 != masterFields.length) {
                return false;
            }
            for (int i = 0; i < masterFields.length; i++) {
                if (!Arrays.equals(fv[2 * i], masterFields[i])) {
                    return false;
                }
            }
            return true;
        }

        int indexOf(StreamId id) {
            int lo = 0;
            int hi = entries.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = entries.get(mid).id.compareTo(id);
                if (c == 0) {
                    return mid;
                }
                if (c < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return -(lo + 1);
        }

        /** Bytes an entry takes in this node's listpack. */
        long entrySize(Entry e) {
            long n = 2 + intSize(e.id.ms() - master.ms()) + intSize(e.id.seq() - master.seq());
            int nfields = e.fieldsValues.length / 2;
            if ((e.flags & FLAG_SAMEFIELDS) != 0) {
                for (int i = 1; i < e.fieldsValues.length; i += 2) {
                    n += strSize(e.fieldsValues[i]);
                }
                return n + intSize(nfields + 3);
            }
            n += intSize(nfields);
            for (byte[] b : e.fieldsValues) {
                n += strSize(b);
            }
            return n + intSize(2L * nfields + 4);
        }
    }

    /** Largest listpack Redis builds for a node (STREAM_LISTPACK_MAX_SIZE). */
    public static final long LISTPACK_MAX_SIZE = 1L << 30;

    private final TreeMap<StreamId, Node> nodes = new TreeMap<>();
    /** {@link #raxNodes} of the current nodes, or -1; they change only in {@link #putNode} and {@link #removeNode}. */
    private long raxNodes = -1;
    private long length;
    private StreamId lastId = StreamId.MIN;
    private StreamId firstId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private TreeMap<byte[], StreamGroup> groups;
    /** Listpack bytes of every node's entries, kept for memory accounting after each write. */
    private long entryBytes;
    /** The highest ID of an entry held in the nodes, tombstones included; MIN when there are none. */
    private StreamId highestEntry = StreamId.MIN;
    /**
     * An entry was added below one the nodes already hold: XSETID took an emptied stream back below its tombstones
     * (Redis allows it), and the next XADD went into the last node after them. Lookups by ID then walk the entries
     * as Redis's iterator does, since the nodes' IDs no longer tell where an entry is.
     */
    private boolean tangled;

    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public RedisObject copy() {
        StreamValue s = new StreamValue();
        for (Node n : nodes.values()) {
            Node m = new Node(n.master, n.masterFields);
            for (Entry e : n.entries) {
                m.entries.add(new Entry(e.id, e.fieldsValues, e.flags));
            }
            m.live = n.live;
            m.deleted = n.deleted;
            m.entryBytes = n.entryBytes;
            s.putNode(m);
            s.entryBytes += n.entryBytes;
        }
        s.highestEntry = highestEntry;
        s.tangled = tangled;
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            s.groups = new TreeMap<>(Arrays::compareUnsigned);
            groups.forEach((name, g) -> s.groups.put(name, g.copy()));
        }
        return s;
    }

    // ---- metadata ----

    public long length() {
        return length;
    }

    public StreamId lastId() {
        return lastId;
    }

    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** XSETID / loading: sets the last ID, counters and maximal tombstone as given. */
    public void setMeta(StreamId last, long added, StreamId maxDeleted) {
        lastId = last;
        entriesAdded = added;
        maxDeletedId = maxDeleted;
    }

    /** Loading: sets the recorded first ID and length as stored. */
    public void setLoaded(long len, StreamId first) {
        length = len;
        firstId = first;
    }

    public Map<StreamId, Node> nodes() {
        return nodes;
    }

    public int nodeCount() {
        return nodes.size();
    }

    // ---- appending ----

    /**
     * Appends an entry with an ID the caller checked to be above {@link #lastId()}, opening a node when the last one
     * is full by {@code stream-node-max-bytes} / {@code stream-node-max-entries} (0 = unlimited).
     */
    public void append(StreamId id, byte[][] fieldsValues, long nodeMaxBytes, long nodeMaxEntries) {
        long total = 0;
        for (byte[] b : fieldsValues) {
            total += b.length;
        }
        Node node = nodes.isEmpty() ? null : nodes.lastEntry().getValue();
        if (node != null) {
            long max = nodeMaxBytes == 0 || nodeMaxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : nodeMaxBytes;
            if (node.listpackBytes() + total >= max
                    || (nodeMaxEntries != 0 && node.live + node.deleted >= nodeMaxEntries)) {
                node = null;
            }
        }
        if (node == null) {
            byte[][] fields = new byte[fieldsValues.length / 2][];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fieldsValues[2 * i];
            }
            node = new Node(id, fields);
            putNode(node);
        }
        Entry e = new Entry(id, fieldsValues, node.sameFields(fieldsValues) ? FLAG_SAMEFIELDS : 0);
        entryBytes += add(node, e);
        length++;
        entriesAdded++;
        lastId = id;
        if (length == 1) {
            firstId = id;
        }
    }

    /** Loading: starts a node as stored in an RDB listpack. */
    public Node addNode(StreamId master, byte[][] masterFields) {
        Node n = new Node(master, masterFields);
        putNode(n);
        return n;
    }

    /** Loading: appends an entry, live or deleted, to a node exactly as stored. */
    public void addLoaded(Node node, StreamId id, byte[][] fieldsValues, int flags) {
        entryBytes += add(node, new Entry(id, fieldsValues, flags));
    }

    /** Adds an entry to a node; returns its listpack bytes. */
    private long add(Node node, Entry e) {
        if (e.id.compareTo(highestEntry) <= 0 && highestEntry != StreamId.MIN) {
            tangled = true;
        } else {
            highestEntry = e.id;
        }
        long size = node.entrySize(e);
        node.entries.add(e);
        node.entryBytes += size;
        if (e.deleted()) {
            node.deleted++;
        } else {
            node.live++;
        }
        return size;
    }

    /**
     * Approximate heap bytes: the entries' data (as their listpack size) plus the objects holding them, and the
     * pending entries of the groups. Kept up to date as entries come and go, so it is cheap after every write.
     */
    public long memoryEstimate() {
        long n = 64 + entryBytes + 48L * (length + nodes.size()) + 64L * nodes.size();
        if (groups != null) {
            for (StreamGroup g : groups.values()) {
                n += 96 + 80L * g.pel.size() + 64L * g.consumers.size();
            }
        }
        return n;
    }

    // ---- reading ----

    /**
     * Live entries with {@code start <= id <= end}, ascending or descending, at most {@code count} (0 = all), found
     * as Redis's stream iterator finds them: from the node at or before the first bound (else the first or last
     * node), walking on until a live entry lies past the other bound. Tombstones never stop the walk.
     */
    public List<Entry> range(StreamId start, StreamId end, boolean rev, long count) {
        List<Entry> out = new ArrayList<>();
        if (start.compareTo(end) > 0 || nodes.isEmpty()) {
            return out;
        }
        StreamId from = nodes.floorKey(rev ? end : start);
        var walk = rev ? (from == null ? nodes.descendingMap() : nodes.headMap(from, true).descendingMap())
                : (from == null ? nodes : nodes.tailMap(from, true));
        for (Node n : walk.values()) {
            int size = n.entries.size();
            for (int k = 0; k < size; k++) {
                Entry e = n.entries.get(rev ? size - 1 - k : k);
                if (e.deleted() || (rev ? e.id.compareTo(end) > 0 : e.id.compareTo(start) < 0)) {
                    continue;
                }
                if (rev ? e.id.compareTo(start) < 0 : e.id.compareTo(end) > 0) {
                    return out;
                }
                out.add(e);
                if (count > 0 && out.size() >= count) {
                    return out;
                }
            }
        }
        return out;
    }

    /** The live entry with this ID, or null. */
    public Entry get(StreamId id) {
        Hit h = find(id);
        return h == null ? null : h.node.entries.get(h.index);
    }

    /** Where a live entry is. */
    private record Hit(Node node, int index) {
    }

    /**
     * The live entry with this ID: in the node at or before it, or, in a {@link #tangled} stream, as Redis's
     * iterator finds it (the first live entry at or past the ID, from that node or else the first).
     */
    private Hit find(StreamId id) {
        var fl = nodes.floorEntry(id);
        if (tangled) {
            for (Node n : (fl == null ? nodes : nodes.tailMap(fl.getKey(), true)).values()) {
                for (int i = 0; i < n.entries.size(); i++) {
                    Entry e = n.entries.get(i);
                    if (!e.deleted() && e.id.compareTo(id) >= 0) {
                        return e.id.equals(id) ? new Hit(n, i) : null;
                    }
                }
            }
            return null;
        }
        if (fl == null) {
            return null;
        }
        Node n = fl.getValue();
        int i = n.indexOf(id);
        return i >= 0 && !n.entries.get(i).deleted() ? new Hit(n, i) : null;
    }

    /** ID of the first or last live entry; 0-0 when none (streamGetEdgeID skipping tombstones). */
    public StreamId edgeId(boolean first) {
        Entry e = edgeEntry(first);
        return e != null ? e.id : first ? StreamId.MAX : StreamId.MIN;
    }

    /** The first entry's ID, tombstones included; the maximum ID when empty (streamGetEdgeID without skipping). */
    public StreamId firstIdWithTombstones() {
        return nodes.isEmpty() ? StreamId.MAX : nodes.firstEntry().getValue().entries.get(0).id;
    }

    /** streamLastValidID: the last live entry's ID, 0-0 when none. */
    public StreamId lastValidId() {
        return edgeId(false);
    }

    /**
     * The first or last live entry, null when none: XINFO STREAM's first-entry and last-entry, and the edge IDs. A
     * walk from that end past tombstones, without a range's list.
     */
    public Entry edgeEntry(boolean first) {
        for (Node n : first ? nodes.values() : nodes.descendingMap().values()) {
            int size = n.entries.size();
            for (int k = 0; k < size; k++) {
                Entry e = n.entries.get(first ? k : size - 1 - k);
                if (!e.deleted()) {
                    return e;
                }
            }
        }
        return null;
    }

    // ---- deleting ----

    /** XDEL of one ID: flags the entry deleted, dropping its node once all are; false if no live entry has it. */
    public boolean delete(StreamId id) {
        Hit h = find(id);
        if (h == null) {
            return false;
        }
        Node n = h.node;
        n.entries.get(h.index).flags |= FLAG_DELETED;
        n.live--;
        n.deleted++;
        if (n.live == 0) {
            removeNode(n);
            entryBytes -= n.entryBytes;
        }
        length--;
        return true;
    }

    /** XDEL's bookkeeping after deleting: the maximal tombstone and the recorded first ID. */
    public void afterDelete(StreamId maxDeleted, boolean firstDeleted) {
        if (maxDeleted.compareTo(maxDeletedId) > 0) {
            maxDeletedId = maxDeleted;
        }
        if (length == 0) {
            firstId = StreamId.MIN;
        } else if (firstDeleted) {
            firstId = edgeId(true);
        }
    }

    /**
     * streamTrim: removes the oldest entries down to {@code maxlen} entries (when {@code minId} is null) or below
     * {@code minId}. Whole nodes go first; {@code approx} stops at the first node that cannot go whole, else entries
     * in it are flagged deleted. {@code limit} (0 = none) caps the entries removed, counted by whole nodes.
     */
    public long trim(long maxlen, StreamId minId, boolean approx, long limit) {
        long deleted = 0;
        while (!nodes.isEmpty()) {
            if (minId == null && length <= maxlen) {
                break;
            }
            Node n = nodes.firstEntry().getValue();
            long entries = n.live;
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            boolean removeNode = minId == null ? length - entries >= maxlen
                    : n.entries.get(n.entries.size() - 1).id.compareTo(minId) < 0;
            if (removeNode) {
                removeNode(n);
                entryBytes -= n.entryBytes;
                length -= entries;
                deleted += entries;
                continue;
            }
            if (approx) {
                break;
            }
            for (Entry e : n.entries) {
                boolean stop = minId == null ? length <= maxlen : e.id.compareTo(minId) >= 0;
                if (stop) {
                    break;
                }
                if (!e.deleted()) {
                    e.flags |= FLAG_DELETED;
                    n.live--;
                    n.deleted++;
                    length--;
                    deleted++;
                }
            }
            break;
        }
        firstId = length == 0 ? StreamId.MIN : edgeId(true);
        return deleted;
    }

    /**
     * Nodes of Redis's radix tree holding the 16-byte big-endian master IDs (XINFO's radix-tree-nodes): the head,
     * every branching prefix, every child of a branching prefix and every key, as rax lays out fixed-length keys.
     */
    public long raxNodes() {
        if (raxNodes < 0) {
            raxNodes = countRaxNodes();
        }
        return raxNodes;
    }

    private void putNode(Node n) {
        nodes.put(n.master, n);
        raxNodes = -1;
    }

    private void removeNode(Node n) {
        nodes.remove(n.master);
        raxNodes = -1;
        if (nodes.isEmpty()) {
            highestEntry = StreamId.MIN;
            tangled = false;
        }
    }

    /**
     * Counts {@link #raxNodes} by walking every node's ID (Redis keeps the count in its rax): XINFO STREAM of a
     * 10,000-entry stream took 9x redis-server's CPU when it counted on every call.
     */
    private long countRaxNodes() {
        if (nodes.isEmpty()) {
            return 1;
        }
        java.util.HashSet<java.nio.ByteBuffer> counted = new java.util.HashSet<>();
        counted.add(java.nio.ByteBuffer.wrap(new byte[0]));
        byte[] prev = null;
        for (StreamId id : nodes.keySet()) {
            byte[] k = java.nio.ByteBuffer.allocate(16).putLong(id.ms()).putLong(id.seq()).array();
            counted.add(java.nio.ByteBuffer.wrap(k));
            if (prev != null) {
                int l = Arrays.mismatch(prev, k);
                counted.add(java.nio.ByteBuffer.wrap(Arrays.copyOf(k, l)));
                counted.add(java.nio.ByteBuffer.wrap(Arrays.copyOf(prev, l + 1)));
                counted.add(java.nio.ByteBuffer.wrap(Arrays.copyOf(k, l + 1)));
            }
            prev = k;
        }
        return counted.size();
    }

    // ---- consumer groups ----

    /** streamRangeHasTombstones: whether a deleted entry may lie in [start, end] (null = open end). */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.equals(StreamId.MIN)) {
            return false;
        }
        if (firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry: the logical read counter of an ID, or -1 when unknown. */
    public long estimateDistance(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.INVALID_ENTRIES_READ;
        }
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedId.equals(StreamId.MIN) || maxDeletedId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            } else if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.INVALID_ENTRIES_READ;
    }

    /** The group's lag as XINFO reports it, or null when it cannot be known. */
    public Long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistance(g.lastId);
        return read == StreamGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    /** Groups in Redis's rax order; empty when none was ever created. */
    public Map<byte[], StreamGroup> groups() {
        return groups == null ? Map.of() : groups;
    }

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    /** Creates a group; null if one with that name exists. */
    public StreamGroup createGroup(byte[] name, StreamId last, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        StreamGroup g = new StreamGroup(last, entriesRead);
        groups.put(name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name) != null;
    }

    // ---- listpack sizes ----

    /** Bytes of an integer element in a listpack, its backlen included. */
    public static int intSize(long v) {
        if (v >= 0 && v <= 127) {
            return 2;
        } else if (v >= -4096 && v <= 4095) {
            return 3;
        } else if (v >= -32768 && v <= 32767) {
            return 4;
        } else if (v >= -8388608 && v <= 8388607) {
            return 5;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 6;
        }
        return 10;
    }

    /** Bytes of a string element in a listpack (integer-encoded when it reads as one), its backlen included. */
    public static long strSize(byte[] b) {
        long[] v = new long[1];
        if (b.length > 0 && b.length < 21 && Bytes.parseLong(b, v)) {
            return intSize(v[0]);
        }
        long len = b.length;
        long enc = len + (len <= 63 ? 1 : len <= 4095 ? 2 : 5);
        int back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
        return enc + back;
    }
}
