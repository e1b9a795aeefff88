package io.jredis.server.db;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: nodes ordered by (score, member), each forward link carrying its span so ranks are found in
 * O(log n). Ranks here are 0-based. Used by sorted sets above the listpack thresholds.
 */
final class ZSkipList {
    private static final int MAX_LEVEL = 32;

    static final class Node {
        final byte[] member;
        double score;
        Node backward;
        final Node[] forward;
        final long[] span;

        Node(int level, double score, byte[] member) {
            this.member = member;
            this.score = score;
            this.forward = new Node[level];
            this.span = new long[level];
        }
    }

    private final Node header = new Node(MAX_LEVEL, 0, null);
    private Node tail;
    private int length;
    private int level = 1;

    int length() {
        return length;
    }

    Node first() {
        return header.forward[0];
    }

    Node last() {
        return tail;
    }

    /** Orders (score, member) as Redis: by score, then by member bytes unsigned. */
    static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        int c = Double.compare(s1, s2);
        if (s1 == s2) {
            c = 0;
        }
        return c != 0 ? c : Arrays.compareUnsigned(m1, m2);
    }

    private static int randomLevel() {
        int lvl = 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (lvl < MAX_LEVEL && r.nextInt(4) == 0) {
            lvl++;
        }
        return lvl;
    }

    /** Inserts a member that is not present. */
    Node insert(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        long[] rank = new long[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) < 0) {
                rank[i] += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span[i] = length;
            }
            level = lvl;
        }
        x = new Node(lvl, score, member);
        for (int i = 0; i < lvl; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = lvl; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) {
            x.forward[0].backward = x;
        } else {
            tail = x;
        }
        length++;
        return x;
    }

    /**
     * Links members given in ascending (score, member) order at the tail, as a store of ZINTERSTORE's or ZUNIONSTORE's
     * sorted result does: no search and no comparison per member, where {@link #insert} descends from the header for
     * each. Call {@link #finish} after the last.
     */
    final class Appender {
        /** The last node at each level, and its 1-based rank (0 for the header). */
        private final Node[] last = new Node[MAX_LEVEL];
        private final long[] lastRank = new long[MAX_LEVEL];

        Appender() {
            Arrays.fill(last, header);
        }

        Node append(double score, byte[] member) {
            int lvl = randomLevel();
            if (lvl > level) {
                level = lvl;
            }
            Node x = new Node(lvl, score, member);
            long r = length + 1;
            for (int i = 0; i < lvl; i++) {
                last[i].forward[i] = x;
                last[i].span[i] = r - lastRank[i];
                last[i] = x;
                lastRank[i] = r;
            }
            x.backward = tail;
            tail = x;
            length = (int) r;
            return x;
        }

        /**
         * Gives each level's last node its span to the end, as {@link #insert} keeps it: no walk reads a span without
         * a forward link, but the list is then the one inserts would have built.
         */
        void finish() {
            for (int i = 0; i < level; i++) {
                last[i].span[i] = length - lastRank[i];
            }
        }
    }

    /** Removes the node with exactly this (score, member); returns false when absent. */
    boolean delete(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) < 0) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        x = x.forward[0];
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x, update);
            return true;
        }
        return false;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.forward[0] != null) {
            x.forward[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward[level - 1] == null) {
            level--;
        }
        length--;
    }

    /** 0-based rank of (score, member), or -1. */
    long rank(double score, byte[] member) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) <= 0) {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x.member != null && x != header && x.score == score && Arrays.equals(x.member, member)) {
                return rank - 1;
            }
        }
        return -1;
    }

    /** The node at 0-based {@code rank}, or null. */
    Node byRank(long rank) {
        long target = rank + 1;
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] <= target) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    /** The first node whose score is at least {@code min}, or null. */
    Node firstScoredAtLeast(double min) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && x.forward[i].score < min) {
                x = x.forward[i];
            }
        }
        return x.forward[0];
    }

    /**
     * Number of nodes strictly before the first node satisfying {@code notBefore} (a monotone predicate over the
     * order): i.e. the 0-based rank of the first node for which it holds, or {@link #length()} when none does.
     */
    long countBefore(java.util.function.Predicate<Node> notBefore) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && !notBefore.test(x.forward[i])) {
                rank += x.span[i];
                x = x.forward[i];
            }
        }
        return rank;
    }
}
