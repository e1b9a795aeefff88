package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DictTest {
    private static byte[] k(String s) {
        return Bytes.of(s);
    }

    private static Dict filled(String prefix, int n) {
        Dict d = new Dict();
        for (int i = 0; i < n; i++) {
            d.put(k(prefix + i), i);
        }
        return d;
    }

    @Test
    void growsIncrementallyAndFindsEveryKeyWhileRehashing() {
        Dict d = new Dict();
        boolean sawRehash = false;
        for (int i = 0; i < 5000; i++) {
            d.put(k("key:" + i), i);
            sawRehash |= d.isRehashing();
            // Every key inserted so far stays reachable, whichever table it sits in.
            if (i % 97 == 0) {
                for (int j = 0; j <= i; j += 13) {
                    assertEquals(j, d.get(k("key:" + j)), "key:" + j + " after " + i + " inserts");
                }
            }
        }
        assertTrue(sawRehash, "a growing dict rehashes incrementally");
        assertEquals(5000, d.size());
        while (d.rehash(100)) {
            // finish the migration
        }
        assertFalse(d.isRehashing());
        assertEquals(8192, d.buckets());
        for (int i = 0; i < 5000; i++) {
            assertEquals(i, d.get(k("key:" + i)));
        }
    }

    @Test
    void putOverwritesAndRemoveUnlinks() {
        Dict d = filled("k", 100);
        d.put(k("k5"), "new");
        assertEquals(100, d.size());
        assertEquals("new", d.get(k("k5")));
        Dict.Entry e = d.remove(k("k5"));
        assertNotNull(e);
        assertArrayEquals(k("k5"), e.key);
        assertNull(d.get(k("k5")));
        assertNull(d.remove(k("k5")));
        assertEquals(99, d.size());
        assertNull(new Dict().remove(k("x")));
        assertNull(new Dict().find(k("x")));
    }

    @Test
    void shrinksWhenMostlyEmpty() {
        Dict d = filled("k", 1000);
        while (d.rehash(100)) {
            // settle at 1024 buckets
        }
        assertEquals(1024, d.buckets());
        for (int i = 0; i < 990; i++) {
            d.remove(k("k" + i));
        }
        d.shrinkIfNeeded();
        assertTrue(d.isRehashing());
        while (d.rehash(100)) {
            // migrate into the small table
        }
        assertEquals(16, d.buckets());
        for (int i = 990; i < 1000; i++) {
            assertEquals(i, d.get(k("k" + i)));
        }
    }

    @Test
    void fullScanReturnsEveryKeyExactlyOnceWithoutResize() {
        Dict d = filled("k", 3000);
        while (d.rehash(100)) {
            // a stable table: Redis's scan then returns each element exactly once
        }
        Map<String, Integer> seen = new HashMap<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> seen.merge(Bytes.str(e.key), 1, Integer::sum));
        } while (cursor != 0);
        assertEquals(3000, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "no duplicates without a resize");
    }

    @Test
    void scanReturnsStableKeysWhileTheTableGrowsAndShrinks() {
        Dict d = filled("stable:", 100);
        Set<String> seen = new HashSet<>();
        List<byte[]> churn = new ArrayList<>();
        long cursor = 0;
        int step = 0;
        boolean grew = false;
        boolean shrank = false;
        do {
            cursor = d.scan(cursor, e -> seen.add(Bytes.str(e.key)));
            step++;
            // Alternate phases: flood the table (forcing growth), then drain it (forcing a shrink).
            if (step % 20 != 0) {
                for (int i = 0; i < 100; i++) {
                    byte[] key = k("churn:" + step + ":" + i);
                    d.put(key, i);
                    churn.add(key);
                }
                grew |= d.isRehashing();
            } else {
                churn.forEach(d::remove);
                churn.clear();
                int before = d.buckets();
                d.shrinkIfNeeded();
                shrank |= d.isRehashing() && d.buckets() > before;
            }
            d.rehash(1);
        } while (cursor != 0);
        assertTrue(grew, "the table grew during the scan");
        assertTrue(shrank, "the table shrank during the scan");
        for (int i = 0; i < 100; i++) {
            assertTrue(seen.contains("stable:" + i), "stable:" + i + " missed by the scan");
        }
    }

    @Test
    void scanStartedDuringRehashCoversBothTables() {
        Dict d = filled("k", 64);
        while (d.rehash(100)) {
            // settle
        }
        for (int i = 64; i < 65; i++) {
            d.put(k("k" + i), i);
        }
        assertTrue(d.isRehashing(), "the 65th key starts a resize to 128 buckets");
        d.rehash(10);
        assertTrue(d.isRehashing());
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> seen.add(Bytes.str(e.key)));
            assertTrue(d.isRehashing(), "scan itself pauses rehashing");
        } while (cursor != 0);
        assertEquals(65, seen.size());
    }

    @Test
    void visitorMayRemoveTheEntryItIsGiven() {
        Dict d = filled("k", 1000);
        assertTrue(d.isRehashing() || d.size() == 1000);
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> {
                seen.add(Bytes.str(e.key));
                if ((Integer) e.value() % 2 == 0) {
                    d.remove(e.key);
                }
            });
        } while (cursor != 0);
        assertEquals(1000, seen.size(), "removing the current entry does not break the chain walk");
        assertEquals(500, d.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i % 2 == 0 ? null : i, d.get(k("k" + i)));
        }
    }

    @Test
    void randomReachesEveryEntryIncludingDuringRehash() {
        Dict d = filled("k", 64);
        while (d.rehash(100)) {
            // settle at 64 buckets
        }
        d.put(k("k64"), 64);
        d.rehash(5);
        assertTrue(d.isRehashing());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000 && seen.size() < 65; i++) {
            Dict.Entry e = d.random();
            assertNotNull(e);
            assertEquals(e, d.find(e.key));
            seen.add(Bytes.str(e.key));
        }
        assertEquals(65, seen.size());
        assertNull(new Dict().random());
    }

    @Test
    void fairRandomGivesEveryEntryEqualOddsWhateverItsChain() {
        // 10 entries in 16 buckets share some chains; a bucket-then-chain pick would halve their odds.
        Dict d = filled("f", 10);
        Map<String, Integer> hits = new HashMap<>();
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            hits.merge(Bytes.str(d.fairRandom().key), 1, Integer::sum);
        }
        assertEquals(10, hits.size());
        double expected = draws / 10.0;
        double chiSquare = 0;
        for (int n : hits.values()) {
            chiSquare += (n - expected) * (n - expected) / expected;
        }
        // 9 degrees of freedom: above 40 has a probability of about 1e-5 for a uniform pick.
        assertTrue(chiSquare < 40, "chi-square " + chiSquare + " for " + hits);

        Dict growing = filled("g", 64);
        while (growing.rehash(100)) {
            // settle at 64 buckets
        }
        growing.put(k("g64"), 64);
        growing.rehash(5);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000 && seen.size() < 65; i++) {
            Dict.Entry e = growing.fairRandom();
            assertEquals(e, growing.find(e.key));
            seen.add(Bytes.str(e.key));
        }
        assertEquals(65, seen.size(), "entries of both tables are drawn while rehashing");
        assertNull(new Dict().fairRandom());
    }

    @Test
    void scanOfAnEmptyDictEndsAtOnce() {
        assertEquals(0, new Dict().scan(12345, e -> {
            throw new AssertionError("no entries");
        }));
    }

    @Test
    void removeByEntryUnlinksThatEntryWhileRehashing() {
        Dict d = filled("k", 64);
        d.put(k("extra"), -1); // 65 entries in 64 buckets: the next insert starts a resize
        d.put(k("more"), -2);
        assertTrue(d.isRehashing());
        for (int i = 0; i < 64; i++) {
            Dict.Entry e = d.find(k("k" + i));
            assertTrue(d.remove(e), "k" + i);
            assertFalse(d.remove(e), "an entry no longer in the dict");
            assertNull(d.find(k("k" + i)));
        }
        assertEquals(2, d.size());
        assertEquals(-1, d.get(k("extra")));
        assertEquals(-2, d.get(k("more")));
    }

    @Test
    void hashTellsApartKeysThatDifferOnlyByLengthOrInOneByte() {
        Set<Integer> seen = new HashSet<>();
        byte[] zeros = new byte[24];
        for (int n = 0; n <= zeros.length; n++) {
            assertTrue(seen.add(Dict.hash(java.util.Arrays.copyOf(zeros, n))), "zero bytes, length " + n);
        }
        // Every bit of every position of a 16-byte key (both 8-byte words) changes the bucket of a 1024-slot table
        // for about half of the flips, as a well-mixed hash must.
        byte[] key = k("key:000000012345");
        int base = Dict.hash(key);
        int moved = 0;
        for (int i = 0; i < key.length * 8; i++) {
            byte[] flipped = key.clone();
            flipped[i / 8] ^= (byte) (1 << (i % 8));
            if (((Dict.hash(flipped) ^ base) & 1023) != 0) {
                moved++;
            }
        }
        assertTrue(moved > 120, moved + " of 128 single-bit flips changed the bucket");
    }
}
