package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ZSetValue's score-range walk against the rank-based one, in both encodings. */
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
}
