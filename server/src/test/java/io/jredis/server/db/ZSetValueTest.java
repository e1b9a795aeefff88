package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ZSetValue's score-range walk against the rank-based one, in both encodings; a set built from sorted arrays against
 * one built member by member.
 */
class ZSetValueTest {

    @Test
    void forScoresVisitsTheRanksOfTheHalfOpenRange() {
        SplittableRandom r = new SplittableRandom(5);
        for (int size : new int[] {0, 1, 20, 2000}) {
            ZSetValue z = new ZSetValue();
            // 128 entries keep a listpack; the 2000-member set converts to a skiplist.
            ZSetValue.Limits limits = new ZSetValue.Limits(128, 64);
            for (int i = 0; i < size; i++) {
                z.put(("m" + i).getBytes(StandardCharsets.US_ASCII), r.nextInt(size / 2 + 1), limits);
            }
            for (int probe = 0; probe < 200; probe++) {
                double min = r.nextInt(size / 2 + 3) - 1 - (r.nextBoolean() ? 0.5 : 0);
                double max = min + r.nextInt(6) + (r.nextBoolean() ? 0.5 : 0);
                List<String> expected = new ArrayList<>();
                long from = z.firstRank((s, m) -> s >= min);
                long to = z.firstRank((s, m) -> s >= max) - 1;
                z.forRange(from, to, false, (m, s) -> expected.add(new String(m, StandardCharsets.US_ASCII) + "@" + s));
                List<String> actual = new ArrayList<>();
                z.forScores(min, max, (m, s) -> actual.add(new String(m, StandardCharsets.US_ASCII) + "@" + s));
                assertEquals(expected, actual, z.encoding() + " [" + min + ", " + max + ")");
            }
        }
    }

    @Test
    void ofSortedMatchesMemberByMemberAndKeepsRanksThroughLaterWrites() {
        SplittableRandom r = new SplittableRandom(9);
        ZSetValue.Limits limits = new ZSetValue.Limits(128, 64);
        for (int size : new int[] {1, 3, 128, 129, 3000}) {
            byte[][] members = new byte[size][];
            double[] scores = new double[size];
            ZSetValue expected = new ZSetValue();
            for (int i = 0; i < size; i++) {
                members[i] = ("m" + i).getBytes(StandardCharsets.US_ASCII);
                scores[i] = r.nextInt(size);
                expected.put(members[i], scores[i], limits);
            }
            ZSetValue.sort(members, scores, size);
            ZSetValue built = ZSetValue.ofSorted(members, scores, size, limits);
            assertEquals(expected.encoding(), built.encoding(), "size " + size);
            // Later writes go through the skiplist's searches, which rely on the spans the tail appends left.
            for (int i = 0; i < size / 2 + 5; i++) {
                byte[] m = ("m" + r.nextInt(size + 10)).getBytes(StandardCharsets.US_ASCII);
                if (r.nextBoolean()) {
                    double score = r.nextInt(size);
                    expected.put(m, score, limits);
                    built.put(m, score, limits);
                } else {
                    expected.remove(m);
                    built.remove(m);
                }
            }
            assertEquals(contents(expected), contents(built), "size " + size);
            for (long rank = 0; rank < built.size(); rank++) {
                assertEquals(rank, built.rank(built.memberAt(rank)), "size " + size);
            }
        }
    }

    private static List<String> contents(ZSetValue z) {
        List<String> out = new ArrayList<>();
        z.forRange(0, z.size() - 1, false, (m, s) -> out.add(new String(m, StandardCharsets.US_ASCII) + "@" + s));
        z.forRange(0, z.size() - 1, true, (m, s) -> out.add(new String(m, StandardCharsets.US_ASCII) + "@" + s));
        return out;
    }
}
