package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The skiplist against a sorted map of the same (score, member) pairs, through random inserts and deletes: order,
 * backward links, ranks both ways, counts before a position and the first node at a score agree after every step.
 */
class ZSkipListTest {
    private record Key(double score, byte[] member) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return ZSkipList.compare(score, member, o.score, o.member);
        }
    }

    @Test
    void randomInsertsAndDeletesKeepOrderRanksAndLinks() {
        SplittableRandom r = new SplittableRandom(11);
        ZSkipList list = new ZSkipList();
        TreeMap<Key, Boolean> model = new TreeMap<>();
        List<Key> present = new ArrayList<>();
        for (int step = 0; step < 6000; step++) {
            if (present.isEmpty() || r.nextInt(3) > 0) {
                Key k = new Key(r.nextInt(50), ("m" + r.nextInt(4000)).getBytes(StandardCharsets.US_ASCII));
                if (model.putIfAbsent(k, Boolean.TRUE) == null) {
                    list.insert(k.score, k.member);
                    present.add(k);
                }
            } else {
                Key k = present.remove(r.nextInt(present.size()));
                model.remove(k);
                assertEquals(true, list.delete(k.score, k.member));
                assertEquals(false, list.delete(k.score, k.member));
            }
            if (step % 50 == 0 || step > 5900) {
                check(list, model, r);
            }
        }
    }

    private static void check(ZSkipList list, TreeMap<Key, Boolean> model, SplittableRandom r) {
        assertEquals(model.size(), list.length());
        List<Key> keys = new ArrayList<>(model.keySet());
        ZSkipList.Node prev = null;
        ZSkipList.Node n = list.first();
        for (int i = 0; i < keys.size(); i++, n = n.forward[0]) {
            Key k = keys.get(i);
            assertEquals(k.score, n.score);
            assertEquals(new String(k.member, StandardCharsets.US_ASCII), new String(n.member, StandardCharsets.US_ASCII));
            assertSame(prev, n.backward);
            assertSame(n, list.byRank(i));
            assertEquals(i, list.rank(k.score, k.member));
            prev = n;
        }
        assertNull(n);
        assertSame(prev, list.last());
        assertNull(list.byRank(keys.size()));
        assertEquals(-1, list.rank(1e9, new byte[] {'z'}));
        Key probe = new Key(r.nextInt(50), ("m" + r.nextInt(4000)).getBytes(StandardCharsets.US_ASCII));
        long expected = model.headMap(probe, false).size();
        assertEquals(expected, list.countBefore(node -> ZSkipList.compare(node.score, node.member, probe.score,
                probe.member) >= 0));
        // Scores are whole numbers: a probe between two of them, on one, and past the last.
        for (double min : new double[] {r.nextInt(52) - 0.5, r.nextInt(52), 1e9}) {
            Key first = model.keySet().stream().filter(k -> k.score >= min).findFirst().orElse(null);
            ZSkipList.Node found = list.firstScoredAtLeast(min);
            if (first == null) {
                assertNull(found);
            } else {
                assertSame(list.byRank(keys.indexOf(first)), found);
            }
        }
    }
}
