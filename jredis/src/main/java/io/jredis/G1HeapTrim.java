package io.jredis;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import io.jredis.server.Engine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;

/**
 * {@link HeapTrim}'s quiet trim for G1, the collector of a plain {@code java -jar jredis.jar} (bin/jredis ships
 * Shenandoah).
 *
 * <p>G1 gives memory back only at the remark of a concurrent cycle, which it starts only when the old generation
 * fills, and then keeps up to {@code MaxHeapFreeRatio} (70 %) of the heap free. A server that took a burst of large
 * values and went quiet kept it all: 957 MB resident after 10,000 SETs and GETs of a 100 KB value, where
 * redis-server held 14 MB. The one way to start a concurrent cycle from inside the JVM without a stop-the-world
 * collection is the manageable {@code G1PeriodicGCInterval}: G1's service thread collects once no collection ran for
 * that long. One cycle is not enough: its marking finds the dead values, the mixed collections after it free their
 * regions, and only the remark of the cycle after those gives the memory back. So the trim sets the interval to a
 * second (a collection a second, a few milliseconds of pause each on a quiet heap) until the heap stops shrinking,
 * then back to zero: a heap with nothing to give back costs a marking or two, not one a second for the whole trim
 * (each marking of 2,000,000 keys took 0.3 s of CPU). Meanwhile {@code MaxHeapFreeRatio} is 50 %, so a remark leaves
 * the heap at most twice what is in use, the bound {@link HeapTrim#quietTrimDue} keeps. Busy servers are left to
 * G1's own sizing.
 */
final class G1HeapTrim implements Runnable {
    /** A collection a second during a trim: G1's service thread looks at the interval once a second while it is off. */
    private static final String TRIGGER_MS = "1000";
    /** The free share of the heap a remark may leave during a trim: twice what is in use. */
    private static final String TRIM_FREE_RATIO = "50";
    /**
     * A trim ends when the heap's use and size have not gone down for this long: time for the first periodic
     * collection (the service thread looks at the interval once a second, then waits the interval) and the next one.
     */
    static final long STALL_MS = 4_000;
    /** A trim ends after this long in any case: a marking, the mixed collections (eight at most) and a marking. */
    static final long SETTLE_MS = 20_000;
    /** Going down by less than this is no progress. */
    private static final long PROGRESS = 1L << 20;
    /** At most one trim this often, so a wrong estimate of the live data cannot keep the collector busy. */
    static final long COOLDOWN_MS = 30_000;

    private final Engine engine;
    private final HotSpotDiagnosticMXBean vm;
    private final MemoryMXBean memory;
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final String maxFreeRatio;
    private long lastCommands;
    private long lastInput;
    private long live;
    /** When the running trim asked for a cycle (ms since the JVM started), or -1. */
    private long asked = -1;
    private long lastAsked = -COOLDOWN_MS;
    /** The lowest heap use and size seen during the running trim, and when either last went down. */
    private long lowestUse;
    private long lowestSize;
    private long lastProgress;

    private G1HeapTrim(Engine engine, HotSpotDiagnosticMXBean vm) {
        this.engine = engine;
        this.vm = vm;
        this.memory = ManagementFactory.getMemoryMXBean();
        this.maxFreeRatio = vm.getVMOption("MaxHeapFreeRatio").getValue();
    }

    /**
     * Starts the trimming thread when the collector is G1 and the periodic interval and the heap's free ratios are
     * the JVM's defaults: ones set on the command line are the operator's choice.
     */
    static void startIfG1(Engine engine) {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (!"true".equals(vm.getVMOption("UseG1GC").getValue())
                || vm.getVMOption("G1PeriodicGCInterval").getOrigin() != VMOption.Origin.DEFAULT
                || vm.getVMOption("MaxHeapFreeRatio").getOrigin() != VMOption.Origin.DEFAULT
                || vm.getVMOption("MinHeapFreeRatio").getOrigin() != VMOption.Origin.DEFAULT) {
            return;
        }
        Thread t = new Thread(new G1HeapTrim(engine, vm), "jredis-heap-trim");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            while (true) {
                Thread.sleep(HeapTrim.CHECK_MS);
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check() {
        // Read from the engine thread's counter without a lock: a stale value only delays a trim.
        long commands = engine.stats().commandsProcessed;
        long input = engine.stats().netInputBytes;
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long now = runtime.getUptime();
        if (asked >= 0) {
            if (heap.getUsed() < lowestUse - PROGRESS || heap.getCommitted() < lowestSize - PROGRESS) {
                lastProgress = now;
            }
            lowestUse = Math.min(lowestUse, heap.getUsed());
            lowestSize = Math.min(lowestSize, heap.getCommitted());
            if (now - lastProgress >= STALL_MS || now - asked >= SETTLE_MS) {
                vm.setVMOption("G1PeriodicGCInterval", "0");
                vm.setVMOption("MaxHeapFreeRatio", maxFreeRatio);
                live = lowestUse;
                asked = -1;
            }
        } else if (HeapTrim.quiet(commands - lastCommands, input - lastInput) && now - lastAsked >= COOLDOWN_MS
                && HeapTrim.quietTrimDue(heap.getUsed(), heap.getCommitted(), live, heap.getInit())) {
            vm.setVMOption("MaxHeapFreeRatio", TRIM_FREE_RATIO);
            vm.setVMOption("G1PeriodicGCInterval", TRIGGER_MS);
            asked = now;
            lastAsked = now;
            lastProgress = now;
            lowestUse = heap.getUsed();
            lowestSize = heap.getCommitted();
        }
        lastCommands = commands;
        lastInput = input;
    }
}
