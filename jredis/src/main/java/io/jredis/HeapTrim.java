package io.jredis;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.jredis.server.Engine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;

/**
 * Keeps the heap near the live data without making requests pay for it.
 *
 * <p>Request garbage stays on the heap until the collector's next cycle, which Shenandoah starts only when free heap
 * runs low against the maximum heap (a quarter of the machine's memory): a burst left the process at 380 MB for 865k
 * small keys where redis-server held 112 MB, and a sustained write load grew it by everything allocated. Two bounds
 * keep it near the live data (what the last cycle marked, see {@link #liveAtStart}):
 * <ul>
 *   <li>The soft maximum heap ({@code SoftMaxHeapSize}) is twice the live data plus {@link #BUSY_SLACK} plus the
 *   collector's evacuation reserve, and the launcher's static heuristic starts Shenandoah's own cycles there. The
 *   regions they free stay mapped, so requests allocate in memory they touched before. Explicit cycles
 *   ({@code System.gc()}, which bounded a busy heap before) unmap every region they free: every allocation then
 *   landed on a fresh page, and the page faults cost 10 % of the server's CPU at {@code -P 16} (docs/benchmarks.md,
 *   session 10).
 *   <li>A {@link #quiet} server whose heap holds more than
 *   twice the live data plus {@link #SLACK}, or maps that much beyond its initial heap, gets an explicit concurrent
 *   cycle, which returns the freed regions to the system at once.
 * </ul>
 *
 * <p>Standalone servers only, and only with a collector whose explicit cycles are concurrent and a soft maximum it
 * honours (Shenandoah): an embedded server must not tune or collect its host's heap, and a stop-the-world full
 * collection would be a pause clients see. {@link G1HeapTrim} does the quiet trim under G1.
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
    /** Fewer commands than this between two checks may be quiet: a trim's concurrent cycle competes with nobody. */
    static final long QUIET_COMMANDS = 250;
    /** Fewer bytes than this read from clients between two checks may be quiet. */
    static final long QUIET_INPUT = 1L << 20;
    /** Heap use samples kept (one per check): a minute, longer than a cycle over 10,000,000 keys under load. */
    private static final int SAMPLES = 256;

    private final Engine engine;
    private final HotSpotDiagnosticMXBean vm;
    private final MemoryPoolMXBean heap;
    /** Shenandoah's concurrent cycles, whose last one tells what it found live. */
    private final GarbageCollectorMXBean cycles;
    private final RuntimeMXBean runtime;
    /** Shenandoah keeps this much free heap for evacuation, out of what requests may allocate. */
    private final long reserve;
    private long softMax;
    private long lastCommands;
    private long lastInput;
    /**
     * Heap use at each check and when it was taken (ms since the JVM started), in a ring; a slot not yet written holds
     * no use, which raises no peak.
     */
    private final long[] sampleUsed = new long[SAMPLES];
    private final long[] sampleTime = new long[SAMPLES];
    private int next;
    private long cyclesSeen;
    /** The live data the last cycle found (0 before the first). */
    private long live;
    /** An explicit cycle is running. */
    private volatile boolean collecting;

    private HeapTrim(Engine engine, HotSpotDiagnosticMXBean vm, MemoryPoolMXBean heap, GarbageCollectorMXBean cycles,
            long reserve) {
        this.engine = engine;
        this.vm = vm;
        this.heap = heap;
        this.cycles = cycles;
        this.runtime = ManagementFactory.getRuntimeMXBean();
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
        GarbageCollectorMXBean cycles = ManagementFactory.getPlatformMXBeans(GarbageCollectorMXBean.class).stream()
                .filter(b -> b.getName().endsWith("Cycles")).findFirst().orElse(null);
        if (heap == null || cycles == null) {
            return;
        }
        long reserve = heap.getUsage().getMax() / 100 * evacReservePercent(vm);
        Thread t = new Thread(new HeapTrim(engine, vm, heap, cycles, reserve), "jredis-heap-trim");
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
     * Whether the load between two checks, {@code commands} commands and {@code input} bytes read from clients, leaves
     * the server quiet. Commands alone are not enough: a burst of large values is few commands a check, and a trim
     * started during it takes the values still arriving for live data, so the trim due once they are deleted waits
     * for the next one's cooldown, or never comes (G1: 756 MB resident a minute after 300 values of 1 MB written
     * over 2 s were flushed).
     */
    static boolean quiet(long commands, long input) {
        return commands < QUIET_COMMANDS && input < QUIET_INPUT;
    }

    /**
     * Whether a quiet server should be trimmed: its heap holds more than twice the {@code live} data plus the slack,
     * or maps more than that (and more than the {@code initial} heap, which is never unmapped) plus the slack.
     */
    static boolean quietTrimDue(long used, long committed, long live, long initial) {
        long needed = 2 * live + SLACK;
        return used > needed || committed > Math.max(needed, initial) + SLACK;
    }

    /**
     * The live data a concurrent cycle found: the heap it left ({@code after}) less what was allocated while it ran,
     * the peak use seen during it over the use at its start ({@code before}). Shenandoah keeps everything allocated
     * during a cycle and, marking a snapshot of the heap at its start, frees only what was garbage then; the heap after
     * a cycle under a heavy write load held 1.7 GB where 1.1 GB was live (10,000,000 keys, docs/benchmarks.md,
     * session 11), and twice that as the bound let the process grow to 3.8 GB. A peak sampled late only raises the
     * estimate, and so the bound.
     */
    static long liveAtStart(long before, long after, long peakDuring) {
        return Math.max(0, after - Math.max(0, peakDuring - before));
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
                long input = engine.stats().netInputBytes;
                MemoryUsage now = heap.getUsage();
                sample(now.getUsed());
                // During an explicit cycle the soft maximum stays at the maximum heap: should the load come back
                // meanwhile, one left over from before would start cycle after cycle while the heap grows.
                if (!collecting) {
                    if (quiet(commands - lastCommands, input - lastInput)
                            && quietTrimDue(now.getUsed(), now.getCommitted(), live, now.getInit())) {
                        bound(now.getMax());
                        collect();
                    } else {
                        bound(softMax(live, reserve, now.getMax()));
                    }
                }
                lastCommands = engine.stats().commandsProcessed;
                lastInput = engine.stats().netInputBytes;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs an explicit cycle on its own thread: {@code System.gc()} returns only when the cycle ends, and the checks
     * must go on sampling the heap meanwhile, or what the requests allocated during the cycle would count as live.
     */
    private void collect() {
        collecting = true;
        Thread t = new Thread(() -> {
            System.gc();
            collecting = false;
        }, "jredis-heap-trim-gc");
        t.setDaemon(true);
        t.start();
    }

    /** Records the heap's use now and, when a cycle ended since the last check, what it found live. */
    private void sample(long used) {
        sampleUsed[next] = used;
        sampleTime[next] = runtime.getUptime();
        next = (next + 1) % SAMPLES;
        long count = cycles.getCollectionCount();
        if (count == cyclesSeen) {
            return;
        }
        cyclesSeen = count;
        GcInfo last = cycles.getLastGcInfo();
        if (last == null) {
            return;
        }
        String pool = heap.getName();
        long before = last.getMemoryUsageBeforeGc().get(pool).getUsed();
        long peak = before;
        for (int k = 0; k < SAMPLES; k++) {
            if (sampleTime[k] >= last.getStartTime() && sampleTime[k] <= last.getEndTime()) {
                peak = Math.max(peak, sampleUsed[k]);
            }
        }
        live = liveAtStart(before, last.getMemoryUsageAfterGc().get(pool).getUsed(), peak);
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
