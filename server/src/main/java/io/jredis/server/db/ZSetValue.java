package io.jredis.server.db;

import java.util.Arrays;

/**
 * A sorted set. Small sets use Redis's "listpack" layout, members and scores in two parallel arrays kept in
 * order; past {@code zset-max-listpack-entries} entries or a member longer than {@code zset-max-listpack-value}
 * bytes it converts, once and for good, to "skiplist": a {@link ZSkipList} for order and ranks plus a {@link Dict}
 * from member to node. Ranks are 0-based in ascending (score, member) order.
 */
public final class ZSetValue implements RedisObject {
    /** Conversion thresholds, read from the configuration by the caller. */
    public record Limits(long maxListpackEntries, long maxListpackValue) {}

    /** A position test for range searches: true for (score, member) at or after the wanted position. */
    public interface Position {
        boolean atOrAfter(double score, byte[] member);
    }

    private double[] scores;
    private byte[][] members;
    private int size;
    private ZSkipList list;
    private Dict dict;
    /**
     * What the member arrays occupy, kept as members come and go: the memory estimate after every write reads it
     * instead of sampling members by rank (a skiplist walk each).
     */
    private long membersMemory;

    public ZSetValue() {
        scores = new double[4];
        members = new byte[4][];
    }

    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public String encoding() {
        return list == null ? "listpack" : "skiplist";
    }

    @Override
    public RedisObject copy() {
        ZSetValue z = new ZSetValue();
        z.membersMemory = membersMemory;
        if (list == null) {
            z.scores = Arrays.copyOf(scores, Math.max(size, 4));
            z.members = Arrays.copyOf(members, Math.max(size, 4));
            z.size = size;
        } else {
            z.toSkiplist();
            for (ZSkipList.Node n = list.first(); n != null; n = n.forward[0]) {
                z.dict.put(n.member, z.list.insert(n.score, n.member));
            }
        }
        return z;
    }

    /**
     * A sorted set of {@code n} distinct members already in ascending (score, member) order, encoded as
     * {@link #put} one by one would leave it: a listpack when it has at most {@code zset-max-listpack-entries} members
     * and none is longer than {@code zset-max-listpack-value}, else a skiplist linked at its tail and a dict sized
     * once. The members are shared, not copied.
     */
    public static ZSetValue ofSorted(byte[][] members, double[] scores, int n, Limits limits) {
        ZSetValue z = new ZSetValue();
        boolean listpack = n <= limits.maxListpackEntries();
        for (int i = 0; i < n; i++) {
            listpack &= members[i].length <= limits.maxListpackValue();
            z.membersMemory += MemoryEstimate.bytes(members[i].length);
        }
        if (listpack) {
            // As put: a listpack's score of -0 reads back as 0.
            for (int i = 0; i < n; i++) {
                if (scores[i] == 0) {
                    scores[i] = 0.0;
                }
            }
            z.scores = Arrays.copyOf(scores, Math.max(n, 4));
            z.members = Arrays.copyOf(members, Math.max(n, 4));
            z.size = n;
            return z;
        }
        z.scores = null;
        z.members = null;
        z.list = new ZSkipList();
        z.dict = new Dict();
        z.dict.reserve(n);
        ZSkipList.Appender tail = z.list.new Appender();
        for (int i = 0; i < n; i++) {
            z.dict.put(members[i], tail.append(scores[i], members[i]));
        }
        tail.finish();
        return z;
    }

    /**
     * Puts {@code n} members and their scores in ascending (score, member) order in place, for {@link #ofSorted}:
     * one pass when they already are (an intersection walked in its smallest input's order, unweighted, often is).
     */
    public static void sort(byte[][] members, double[] scores, int n) {
        int i = 1;
        while (i < n && ZSkipList.compare(scores[i - 1], members[i - 1], scores[i], members[i]) < 0) {
            i++;
        }
        if (i >= n) {
            return;
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> ZSkipList.compare(scores[a], members[a], scores[b], members[b]));
        byte[][] m = Arrays.copyOf(members, n);
        double[] s = Arrays.copyOf(scores, n);
        for (int k = 0; k < n; k++) {
            members[k] = m[order[k]];
            scores[k] = s[order[k]];
        }
    }

    public int size() {
        return list == null ? size : list.length();
    }

    /** Bytes the members occupy. */
    long membersMemory() {
        return membersMemory;
    }

    /** The score of a member, or null. */
    public Double score(byte[] member) {
        if (list != null) {
            ZSkipList.Node n = (ZSkipList.Node) dict.get(member);
            return n == null ? null : n.score;
        }
        int i = indexOf(member);
        return i < 0 ? null : scores[i];
    }

    /** The score of a member, or NaN (never a score) when absent: {@link #score} without a box per lookup. */
    public double scoreOrNaN(byte[] member) {
        if (list != null) {
            ZSkipList.Node n = (ZSkipList.Node) dict.get(member);
            return n == null ? Double.NaN : n.score;
        }
        int i = indexOf(member);
        return i < 0 ? Double.NaN : scores[i];
    }

    private int indexOf(byte[] member) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(members[i], member)) {
                return i;
            }
        }
        return -1;
    }

    /** Inserts or re-scores a member; returns true when it was added (not present before). */
    public boolean put(byte[] member, double score, Limits limits) {
        if (list == null && (member.length > limits.maxListpackValue() || size + 1 > limits.maxListpackEntries())
                && indexOf(member) < 0) {
            toSkiplist();
        }
        if (list != null) {
            ZSkipList.Node n = (ZSkipList.Node) dict.get(member);
            if (n != null) {
                if (n.score == score) {
                    return false;
                }
                list.delete(n.score, n.member);
                dict.put(n.member, list.insert(score, n.member));
                return false;
            }
            dict.put(member, list.insert(score, member));
            membersMemory += MemoryEstimate.bytes(member.length);
            return true;
        }
        // A listpack holds a score as Redis's d2string wrote it, where -0 is "0"; a skiplist node keeps the double.
        if (score == 0) {
            score = 0.0;
        }
        int at = indexOf(member);
        boolean added = at < 0;
        if (!added) {
            if (scores[at] == score) {
                return false;
            }
            removeAt(at);
        }
        int pos = 0;
        while (pos < size && ZSkipList.compare(scores[pos], members[pos], score, member) < 0) {
            pos++;
        }
        if (size == members.length) {
            scores = Arrays.copyOf(scores, size * 2);
            members = Arrays.copyOf(members, size * 2);
        }
        if (added) {
            membersMemory += MemoryEstimate.bytes(member.length);
        }
        System.arraycopy(scores, pos, scores, pos + 1, size - pos);
        System.arraycopy(members, pos, members, pos + 1, size - pos);
        scores[pos] = score;
        members[pos] = member;
        size++;
        return added;
    }

    /** Redis's zsetConvert to the skiplist encoding, which SORT applies to its input; no-op if already there. */
    public void convertToSkiplist() {
        if (list == null) {
            toSkiplist();
        }
    }

    private void toSkiplist() {
        list = new ZSkipList();
        dict = new Dict();
        for (int i = 0; i < size; i++) {
            dict.put(members[i], list.insert(scores[i], members[i]));
        }
        scores = null;
        members = null;
        size = 0;
    }

    private void removeAt(int i) {
        System.arraycopy(scores, i + 1, scores, i, size - i - 1);
        System.arraycopy(members, i + 1, members, i, size - i - 1);
        size--;
        members[size] = null;
    }

    /** Removes a member; returns false when absent. */
    public boolean remove(byte[] member) {
        if (list != null) {
            Dict.Entry e = dict.remove(member);
            if (e == null) {
                return false;
            }
            ZSkipList.Node n = (ZSkipList.Node) e.value();
            list.delete(n.score, n.member);
            membersMemory -= MemoryEstimate.bytes(n.member.length);
            return true;
        }
        int i = indexOf(member);
        if (i < 0) {
            return false;
        }
        membersMemory -= MemoryEstimate.bytes(members[i].length);
        removeAt(i);
        return true;
    }

    /** 0-based ascending rank of a member, or -1. */
    public long rank(byte[] member) {
        if (list != null) {
            ZSkipList.Node n = (ZSkipList.Node) dict.get(member);
            return n == null ? -1 : list.rank(n.score, n.member);
        }
        return indexOf(member);
    }

    public byte[] memberAt(long rank) {
        return list == null ? members[(int) rank] : list.byRank(rank).member;
    }

    public double scoreAt(long rank) {
        return list == null ? scores[(int) rank] : list.byRank(rank).score;
    }

    /** The rank of the first element at or after {@code p}; {@link #size()} when there is none. */
    public long firstRank(Position p) {
        if (list != null) {
            return list.countBefore(n -> p.atOrAfter(n.score, n.member));
        }
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.atOrAfter(scores[mid], members[mid])) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** What {@link #forRange} calls for each member, with its score unboxed. */
    @FunctionalInterface
    public interface MemberVisitor {
        void accept(byte[] member, double score);
    }

    /** Visits ranks {@code [from, to]} (inclusive) ascending, or descending from {@code to} when reversed. */
    public void forRange(long from, long to, boolean reverse, MemberVisitor visitor) {
        if (from > to) {
            return;
        }
        if (list == null) {
            if (reverse) {
                for (long i = to; i >= from; i--) {
                    visitor.accept(members[(int) i], scores[(int) i]);
                }
            } else {
                for (long i = from; i <= to; i++) {
                    visitor.accept(members[(int) i], scores[(int) i]);
                }
            }
            return;
        }
        ZSkipList.Node n = list.byRank(reverse ? to : from);
        for (long i = from; i <= to && n != null; i++) {
            visitor.accept(n.member, n.score);
            n = reverse ? n.backward : n.forward[0];
        }
    }

    /**
     * Visits the members scored in {@code [min, max)} ascending (Redis's geoGetPointsInRange): one descent to the
     * first and a walk from it, where the two ends' ranks and the first member by rank took three.
     */
    public void forScores(double min, double max, MemberVisitor visitor) {
        if (list == null) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (scores[mid] >= min) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            for (int i = lo; i < size && scores[i] < max; i++) {
                visitor.accept(members[i], scores[i]);
            }
            return;
        }
        for (ZSkipList.Node n = list.firstScoredAtLeast(min); n != null && n.score < max; n = n.forward[0]) {
            visitor.accept(n.member, n.score);
        }
    }

    /** Removes ranks {@code [from, to]} inclusive; returns how many were removed. */
    public long removeRange(long from, long to) {
        if (from > to) {
            return 0;
        }
        long n = to - from + 1;
        if (list == null) {
            int f = (int) from;
            int t = (int) to + 1;
            for (int i = f; i < t; i++) {
                membersMemory -= MemoryEstimate.bytes(members[i].length);
            }
            System.arraycopy(scores, t, scores, f, size - t);
            System.arraycopy(members, t, members, f, size - t);
            for (int i = size - (int) n; i < size; i++) {
                members[i] = null;
            }
            size -= (int) n;
            return n;
        }
        ZSkipList.Node node = list.byRank(from);
        for (long i = 0; i < n && node != null; i++) {
            ZSkipList.Node next = node.forward[0];
            dict.remove(node.member);
            list.delete(node.score, node.member);
            membersMemory -= MemoryEstimate.bytes(node.member.length);
            node = next;
        }
        return n;
    }

    /**
     * One step of ZSCAN: adds member, score pairs to {@code out} and returns the next cursor. A listpack is returned
     * whole with cursor 0; a skiplist's dict is scanned as Redis does, until about {@code count} members were
     * collected or ten times {@code count} buckets were visited.
     */
    public long scan(long cursor, long count, java.util.List<byte[]> out) {
        if (dict == null) {
            forRange(0, size() - 1, false, (m, s) -> {
                out.add(m);
                out.add(io.jredis.server.util.Bytes.of(io.jredis.server.util.Doubles.g17(s)));
            });
            return 0;
        }
        long maxIterations = count * 10;
        do {
            cursor = dict.scan(cursor, e -> {
                out.add(e.key);
                out.add(io.jredis.server.util.Bytes.of(io.jredis.server.util.Doubles.g17(scoreOf(e))));
            });
        } while (cursor != 0 && maxIterations-- != 0 && out.size() / 2 < count);
        return cursor;
    }

    /** The member dict for SCAN-style iteration in skiplist encoding; null in listpack encoding. */
    public Dict dict() {
        return dict;
    }

    /** Score of the node a dict entry points to (skiplist encoding), for ZSCAN. */
    public static double scoreOf(Dict.Entry e) {
        return ((ZSkipList.Node) e.value()).score;
    }
}
