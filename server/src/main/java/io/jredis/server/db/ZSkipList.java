package io.jredis.server.db;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: nodes ordered by (score, member), each forward link carrying its span so ranks are found in
 * O(log n). Ranks here are 0-based. Used by sorted sets above the listpack thresholds.
 */
final class ZSkipList {
    private static final int MAX_LEVEL = 32;

    /**
     * A node with its two lowest levels in its own fields: 94 % of nodes have no other level, so a step at those
     * levels reads only the node it reaches, where separate link arrays cost another cache miss per step (Redis keeps
     * a node's levels in the node's allocation for the same reason).
     */
    static final class Node {
        final byte[] member;
        double score;
        Node backward;
        /** Level 0's forward link: the next node in order. */
        Node next;
        private Node next1;
        private long span0;
        private long span1;
        /** Levels 2 and up, or null. */
        private final Node[] upper;
        private final long[] upperSpan;

        Node(int level, double score, byte[] member) {
            this.member = member;
            this.score = score;
            this.upper = level > 2 ? new Node[level - 2] : null;
            this.upperSpan = level > 2 ? new long[level - 2] : null;
        }

        Node forward(int i) {
            return i == 0 ? next : i == 1 ? next1 : upper[i - 2];
        }

        void forward(int i, Node n) {
            if (i == 0) {
                next = n;
            } else if (i == 1) {
                next1 = n;
            } else {
                upper[i - 2] = n;
            }
        }

        long span(int i) {
            return i == 0 ? span0 : i == 1 ? span1 : upperSpan[i - 2];
        }

        void span(int i, long v) {
            if (i == 0) {
                span0 = v;
            } else if (i == 1) {
                span1 = v;
            } else {
                upperSpan[i - 2] = v;
            }
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
        return header.next;
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
            for (Node y = x.forward(i); y != null && compare(y.score, y.member, score, member) < 0; y = x.forward(i)) {
                rank[i] += x.span(i);
                x = y;
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span(i, length);
            }
            level = lvl;
        }
        x = new Node(lvl, score, member);
        for (int i = 0; i < lvl; i++) {
            x.forward(i, update[i].forward(i));
            update[i].forward(i, x);
            x.span(i, update[i].span(i) - (rank[0] - rank[i]));
            update[i].span(i, (rank[0] - rank[i]) + 1);
        }
        for (int i = lvl; i < level; i++) {
            update[i].span(i, update[i].span(i) + 1);
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.next != null) {
            x.next.backward = x;
        } else {
            tail = x;
        }
        length++;
        return x;
    }

    /** Removes the node with exactly this (score, member); returns false when absent. */
    boolean delete(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            for (Node y = x.forward(i); y != null && compare(y.score, y.member, score, member) < 0; y = x.forward(i)) {
                x = y;
            }
            update[i] = x;
        }
        x = x.next;
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x, update);
            return true;
        }
        return false;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward(i) == x) {
                update[i].span(i, update[i].span(i) + x.span(i) - 1);
                update[i].forward(i, x.forward(i));
            } else {
                update[i].span(i, update[i].span(i) - 1);
            }
        }
        if (x.next != null) {
            x.next.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward(level - 1) == null) {
            level--;
        }
        length--;
    }

    /** 0-based rank of (score, member), or -1. */
    long rank(double score, byte[] member) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            for (Node y = x.forward(i); y != null && compare(y.score, y.member, score, member) <= 0; y = x.forward(i)) {
                rank += x.span(i);
                x = y;
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
            for (Node y = x.forward(i); y != null && traversed + x.span(i) <= target; y = x.forward(i)) {
                traversed += x.span(i);
                x = y;
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    /**
     * Number of nodes strictly before the first node satisfying {@code notBefore} (a monotone predicate over the
     * order): i.e. the 0-based rank of the first node for which it holds, or {@link #length()} when none does.
     */
    long countBefore(java.util.function.Predicate<Node> notBefore) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            for (Node y = x.forward(i); y != null && !notBefore.test(y); y = x.forward(i)) {
                rank += x.span(i);
                x = y;
            }
        }
        return rank;
    }
}
