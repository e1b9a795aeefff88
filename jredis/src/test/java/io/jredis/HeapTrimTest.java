package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapTrimTest {
    private static final long MB = 1 << 20;
    private static final long INITIAL = 384 * MB;

    @Test
    void trimsAQuietServerWhoseHeapMoreThanDoubledPastTheSlack() {
        assertTrue(HeapTrim.quietTrimDue(380 * MB, INITIAL, 0, INITIAL));
        assertTrue(HeapTrim.quietTrimDue(305 * MB, INITIAL, 120 * MB, INITIAL));
        assertFalse(HeapTrim.quietTrimDue(300 * MB, INITIAL, 120 * MB, INITIAL),
                "within twice the live heap plus the slack");
        assertFalse(HeapTrim.quietTrimDue(60 * MB, INITIAL, 0, INITIAL), "a fresh server");
    }

    @Test
    void aBurstOfLargeValuesIsNoQuietTime() {
        assertTrue(HeapTrim.quiet(HeapTrim.QUIET_COMMANDS - 1, 0));
        assertFalse(HeapTrim.quiet(HeapTrim.QUIET_COMMANDS, 0), "many small commands");
        assertFalse(HeapTrim.quiet(120, 120 * MB), "120 SETs of 1 MB");
    }

    @Test
    void trimsAQuietServerStillMappingWhatALoadChurnedThrough() {
        assertTrue(HeapTrim.quietTrimDue(130 * MB, 900 * MB, 120 * MB, INITIAL),
                "the heap a busy server was bounded to, after its last cycle");
        assertFalse(HeapTrim.quietTrimDue(130 * MB, INITIAL + 60 * MB, 120 * MB, INITIAL),
                "the initial heap is never unmapped, so it does not call for a trim");
        assertFalse(HeapTrim.quietTrimDue(500 * MB, 600 * MB, 400 * MB, INITIAL),
                "a big dataset maps what it holds");
    }

    @Test
    void boundsABusyServerAtTwiceTheLiveHeapPlusTheWiderSlackAndTheReserve() {
        long reserve = 300 * MB;
        assertEquals(HeapTrim.BUSY_SLACK + reserve, HeapTrim.softMax(0, reserve, 6000 * MB), "a fresh server");
        assertEquals(200 * MB + HeapTrim.BUSY_SLACK + reserve, HeapTrim.softMax(100 * MB, reserve, 6000 * MB));
        assertEquals(6000 * MB, HeapTrim.softMax(3000 * MB, reserve, 6000 * MB), "never past the maximum heap");
    }

    @Test
    void theLiveDataOfACycleLeavesOutWhatWasAllocatedWhileItRan() {
        assertEquals(1081 * MB, HeapTrim.liveAtStart(2947 * MB, 1690 * MB, 3556 * MB),
                "a cycle under a heavy write load (gc log of bench/gc-pauses.sh, 10,000,000 keys)");
        assertEquals(120 * MB, HeapTrim.liveAtStart(400 * MB, 120 * MB, 400 * MB), "nothing allocated meanwhile");
        assertEquals(120 * MB, HeapTrim.liveAtStart(400 * MB, 120 * MB, 300 * MB),
                "a sample after the cycle freed memory is no allocation");
        assertEquals(0, HeapTrim.liveAtStart(100 * MB, 50 * MB, 400 * MB), "never negative");
    }
}
