package io.jredis;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jredis.server.Engine;
import java.lang.management.ManagementFactory;

/**
 * Keeps the heap near the live data. Request garbage stays on the heap until the collector's next cycle, which
 * Shenandoah starts only when free heap runs low against the maximum heap (a quarter of the machine's memory), so
 * the process kept the RSS a burst had grown to (380 MB after two million SETs of 865k small keys, where redis-server
 * held 112 MB) and under a sustained write load grew by the whole allocation (1.2 GB after ten million SETs). This
 * thread asks for a concurrent cycle when the heap outgrew what the last cycle left: on a quiet server (fewer than
 * {@link #QUIET_COMMANDS} commands in the last check) past twice that plus {@link #SLACK}, and under load past twice
 * that plus {@link #BUSY_SLACK}, a wider margin because a cycle then competes with the clients for CPU (measured: the
 * quiet margin under load cost 5-25 % more CPU per write). The launcher's short uncommit delay returns
 * the freed regions to the system.
 *
 * <p>Standalone servers only, and only with a collector whose explicit cycles are concurrent: an embedded server must
 * not collect its host's heap, and a stop-the-world full collection would be a pause clients see.
 */
final class HeapTrim implements Runnable {
    /** The heap may hold twice as much as after the last trim plus this before a quiet server trims it. */
    static final long SLACK = 64L << 20;
    /** The heap may hold twice as much as after the last trim plus this before a busy server trims it. */
    static final long BUSY_SLACK = 256L << 20;
    /** How often the heap is checked. */
    static final long CHECK_MS = 250;
    /** Fewer commands than this between two checks is quiet: a trim's concurrent cycle then competes with nobody. */
    static final long QUIET_COMMANDS = 250;

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

    /** Whether {@code used} heap bytes call for a trim, given the commands since the last check and the last trim's heap. */
    static boolean due(long commandsSinceCheck, long used, long liveAfterTrim) {
        return commandsSinceCheck < QUIET_COMMANDS ? used > 2 * liveAfterTrim + SLACK
                : used > 2 * liveAfterTrim + BUSY_SLACK;
    }

    @Override
    public void run() {
        Runtime rt = Runtime.getRuntime();
        try {
            while (true) {
                Thread.sleep(CHECK_MS);
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
