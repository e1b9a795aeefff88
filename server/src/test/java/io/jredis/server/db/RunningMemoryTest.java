package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hashes, sets and sorted sets keep a running total of what their elements occupy: after any mix of writes,
 * conversions, pops, range removals and copies it equals a recount of the elements they hold.
 */
class RunningMemoryTest {
    private static final int ROUNDS = 20_000;

    private static byte[] bytes(SplittableRandom r, boolean numeric) {
        String s = numeric ? Long.toString(r.nextLong(-5000, 5000)) : "m" + r.nextInt(3000) + "x".repeat(r.nextInt(40));
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void hashPairsMatchARecount() {
        SplittableRandom r = new SplittableRandom(1);
        HashValue h = new HashValue();
        for (int i = 0; i < ROUNDS; i++) {
            byte[] field = bytes(r, false);
            switch (r.nextInt(4)) {
                case 0 -> h.delete(field);
                case 1 -> {
                    if (!h.isListpack()) {
                        h = h.copy();
                    }
                }
                default -> h.set(field, bytes(r, r.nextBoolean()));
            }
            if (i == 200) {
                h.convertToHashtable();
            }
            if (!h.isListpack()) {
                long[] sum = new long[1];
                h.forEach((fb, fo, fl, vb, vo, vl) -> sum[0] += MemoryEstimate.bytes(fl) + MemoryEstimate.bytes(vl));
                assertEquals(sum[0], h.pairsMemory(), "after step " + i);
            }
        }
    }

    @Test
    void setMembersMatchARecount() {
        SplittableRandom r = new SplittableRandom(2);
        SetValue s = new SetValue();
        for (int i = 0; i < ROUNDS; i++) {
            byte[] m = bytes(r, i < 500 || r.nextInt(3) == 0);
            switch (r.nextInt(5)) {
                case 0 -> s.remove(m);
                case 1 -> {
                    if (s.size() > 0) {
                        s.pop();
                    }
                }
                case 2 -> s = s.copy();
                default -> s.add(m, 128);
            }
            long expected = 0;
            if (!s.isIntset()) {
                for (byte[] member : s.members()) {
                    expected += MemoryEstimate.bytes(member.length);
                }
            }
            assertEquals(expected, s.membersMemory(), "after step " + i);
        }
    }

    @Test
    void sortedSetMembersMatchARecount() {
        SplittableRandom r = new SplittableRandom(3);
        ZSetValue z = new ZSetValue();
        ZSetValue.Limits limits = new ZSetValue.Limits(128, 64);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] m = bytes(r, false);
            int size = z.size();
            switch (r.nextInt(6)) {
                case 0 -> z.remove(m);
                case 1 -> {
                    if (size > 0) {
                        long from = r.nextInt(size);
                        z.removeRange(from, Math.min(size - 1, from + r.nextInt(3)));
                    }
                }
                case 2 -> z = (ZSetValue) z.copy();
                default -> z.put(m, r.nextInt(100), limits);
            }
            long[] expected = new long[1];
            z.forRange(0, z.size() - 1, false, (member, score) -> expected[0] += MemoryEstimate.bytes(member.length));
            assertEquals(expected[0], z.membersMemory(), "after step " + i + " (" + z.encoding() + ")");
        }
    }
}
