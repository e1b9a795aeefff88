package io.jredis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapTrimTest {
    private static final long MB = 1 << 20;

    @Test
    void trimsAQuietServerWhoseHeapMoreThanDoubledPastTheSlack() {
        assertTrue(HeapTrim.due(0, 380 * MB, 0));
        assertTrue(HeapTrim.due(HeapTrim.QUIET_COMMANDS - 1, 305 * MB, 120 * MB));
        assertFalse(HeapTrim.due(0, 300 * MB, 120 * MB), "within twice the live heap plus the slack");
        assertFalse(HeapTrim.due(0, 60 * MB, 0), "a fresh server");
    }

    @Test
    void trimsABusyServerOnlyPastTwiceTheLiveHeapPlusTheWiderSlack() {
        assertFalse(HeapTrim.due(HeapTrim.QUIET_COMMANDS, 250 * MB, 0), "a burst over a fresh server");
        assertFalse(HeapTrim.due(1_000_000, 450 * MB, 100 * MB), "within twice the live heap plus the slack");
        assertTrue(HeapTrim.due(1_000_000, 300 * MB, 0), "past the slack of a server that had nothing live");
        assertTrue(HeapTrim.due(1_000_000, 800 * MB, 250 * MB));
    }
}
