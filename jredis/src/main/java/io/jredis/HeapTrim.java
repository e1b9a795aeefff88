package io.jredis;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jredis.server.Engine;
import java.lang.management.ManagementFactory;

/**
 * Gives memory back after a burst of requests. Their garbage stays on the heap until the collector's first cycle,
 * which Shenandoah starts only when free heap runs low against the maximum heap (a quarter of the machine's memory),
 * so the process kept the RSS a burst had grown to: 380 MB after two million SETs of 865k small keys, where
 * redis-server held 112 MB. When the server has been quiet for a second and the heap holds more than twice what it
 * held after the previous trim, this thread asks for a concurrent cycle, and the launcher's short uncommit delay
 * returns the freed regions to the system (188 MB a second later in the same run).
 *
 * <p>Standalone servers only, and only with a collector whose explicit cycles are concurrent: an embedded server must
 * not collect its host's heap, and a stop-the-world full collection would be a pause clients see.
 */
final class HeapTrim implements Runnable {
    /** The heap may hold this much more than after the last trim before a quiet second trims it. */
    static final long SLACK = 64L << 20;
    /** Fewer commands than this in a second is quiet: a trim's concurrent cycle then competes with nobody. */
    static final long QUIET_COMMANDS = 1000;

    private final Engine engine;
    private long lastCommands;
    private long liveAfterTrim;

    private HeapTrim(Engine engine) {
        this.engine = engine;
    }

    /** Starts the trimming thread when the collector runs explicit cycles concurrently (Shenandoah's default). */
    static void startIfConcurrent(Engine engine) {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (!"true".equals(vm.getVMOption("UseShenandoahGC").getValue())
                || !"true".equals(vm.getVMOption("ExplicitGCInvokesConcurrent").getValue())) {
            return;
        }
        Thread t = new Thread(new HeapTrim(engine), "jredis-heap-trim");
        t.setDaemon(true);
        t.start();
    }

    /** Whether a quiet second with {@code used} heap bytes should trim, given the heap left after the last trim. */
    static boolean due(long commandsInLastSecond, long used, long liveAfterTrim) {
        return commandsInLastSecond < QUIET_COMMANDS && used > 2 * liveAfterTrim + SLACK;
    }

    @Override
    public void run() {
        Runtime rt = Runtime.getRuntime();
        try {
            while (true) {
                Thread.sleep(1000);
                // Read from the engine thread's counter without a lock: a stale value only delays a trim.
                long commands = engine.stats().commandsProcessed;
                long used = rt.totalMemory() - rt.freeMemory();
                if (due(commands - lastCommands, used, liveAfterTrim)) {
                    System.gc();
                    liveAfterTrim = rt.totalMemory() - rt.freeMemory();
                }
                lastCommands = engine.stats().commandsProcessed;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
