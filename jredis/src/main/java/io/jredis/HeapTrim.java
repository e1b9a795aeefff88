package io.jredis;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jredis.server.Engine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Keeps the heap near the live data without making requests pay for it.
 *
 * <p>Request garbage stays on the heap until the collector's next cycle, which Shenandoah starts only when free heap
 * runs low against the maximum heap (a quarter of the machine's memory): a burst left the process at 380 MB for 865k
 * small keys where redis-server held 112 MB, and a sustained write load grew it by everything allocated. Two bounds
 * keep it near the live data (what the last cycle left):
 * <ul>
 *   <li>The soft maximum heap ({@code SoftMaxHeapSize}) is twice the live data plus {@link #BUSY_SLACK} plus the
 *   collector's evacuation reserve, and the launcher's static heuristic starts Shenandoah's own cycles there. The
 *   regions they free stay mapped, so requests allocate in memory they touched before. Explicit cycles
 *   ({@code System.gc()}, which bounded a busy heap before) unmap every region they free: every allocation then
 *   landed on a fresh page, and the page faults cost 10 % of the server's CPU at {@code -P 16} (docs/benchmarks.md,
 *   session 10).
 *   <li>A quiet server (fewer than {@link #QUIET_COMMANDS} commands in the last check) whose heap holds more than
 *   twice the live data plus {@link #SLACK}, or maps that much beyond its initial heap, gets an explicit concurrent
 *   cycle, which returns the freed regions to the system at once.
 * </ul>
 *
 * <p>Standalone servers only, and only with a collector whose explicit cycles are concurrent and a soft maximum it
 * honours (Shenandoah): an embedded server must not tune or collect its host's heap, and a stop-the-world full
 * collection would be a pause clients see.
 */
final class HeapTrim implements Runnable {
    /** A quiet server's heap may hold twice the live data plus this before it is trimmed. */
    static final long SLACK = 64L << 20;
    /**
     * The heap may hold twice the live data plus this (and the evacuation reserve) before Shenandoah's own cycle: a
     * wider margin than {@link #SLACK}, because each cycle competes with the clients for CPU and pauses them.
     */
    static final long BUSY_SLACK = 256L << 20;
    /** How often the heap is checked. */
    static final long CHECK_MS = 250;
    /** Fewer commands than this between two checks is quiet: a trim's concurrent cycle then competes with nobody. */
    static final long QUIET_COMMANDS = 250;

    private final Engine engine;
    private final HotSpotDiagnosticMXBean vm;
    private final MemoryPoolMXBean heap;
    /** Shenandoah keeps this much free heap for evacuation, out of what requests may allocate. */
    private final long reserve;
    private long softMax;
    private long lastCommands;

    private HeapTrim(Engine engine, HotSpotDiagnosticMXBean vm, MemoryPoolMXBean heap, long reserve) {
        this.engine = engine;
        this.vm = vm;
        this.heap = heap;
        this.reserve = reserve;
        this.softMax = heap.getUsage().getMax();
    }

    /** Starts the trimming thread when the collector is Shenandoah with concurrent explicit cycles (its default). */
    static void startIfConcurrent(Engine engine) {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (!"true".equals(vm.getVMOption("UseShenandoahGC").getValue())
                || !"true".equals(vm.getVMOption("ExplicitGCInvokesConcurrent").getValue())) {
            return;
        }
        MemoryPoolMXBean heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .findFirst().orElse(null);
        if (heap == null) {
            return;
        }
        long reserve = heap.getUsage().getMax() / 100 * evacReservePercent(vm);
        Thread t = new Thread(new HeapTrim(engine, vm, heap, reserve), "jredis-heap-trim");
        t.setDaemon(true);
        t.start();
    }

    /** Shenandoah's ShenandoahEvacReserve, an experimental flag: visible only when unlocked, 5 by default. */
    private static long evacReservePercent(HotSpotDiagnosticMXBean vm) {
        try {
            return Long.parseLong(vm.getVMOption("ShenandoahEvacReserve").getValue());
        } catch (IllegalArgumentException locked) {
            return 5;
        }
    }

    /**
     * Whether a quiet server should be trimmed: its heap holds more than twice the {@code live} data plus the slack,
     * or maps more than that (and more than the {@code initial} heap, which is never unmapped) plus the slack.
     */
    static boolean quietTrimDue(long used, long committed, long live, long initial) {
        long needed = 2 * live + SLACK;
        return used > needed || committed > Math.max(needed, initial) + SLACK;
    }

    /** The soft maximum heap for {@code live} data: the busy bound plus the reserve, within the maximum heap. */
    static long softMax(long live, long reserve, long max) {
        return Math.min(max, 2 * live + BUSY_SLACK + reserve);
    }

    @Override
    public void run() {
        try {
            while (true) {
                Thread.sleep(CHECK_MS);
                // Read from the engine thread's counter without a lock: a stale value only delays a trim.
                long commands = engine.stats().commandsProcessed;
                MemoryUsage now = heap.getUsage();
                // What the last cycle left (0 before the first).
                long live = heap.getCollectionUsage().getUsed();
                if (commands - lastCommands < QUIET_COMMANDS
                        && quietTrimDue(now.getUsed(), now.getCommitted(), live, now.getInit())) {
                    // The explicit cycle blocks this thread until it ends; should the load come back meanwhile,
                    // a soft maximum left over from before would start cycle after cycle while it grows.
                    bound(now.getMax());
                    System.gc();
                } else {
                    bound(softMax(live, reserve, now.getMax()));
                }
                lastCommands = engine.stats().commandsProcessed;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Moves the soft maximum when it is off by more than an eighth: each change also makes Shenandoah unmap the
     * free regions above it at once.
     */
    private void bound(long target) {
        if (Math.abs(target - softMax) > softMax / 8) {
            vm.setVMOption("SoftMaxHeapSize", Long.toString(target));
            softMax = target;
        }
    }
}
