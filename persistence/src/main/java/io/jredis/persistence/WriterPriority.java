package io.jredis.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a snapshot's writer thread at a lower scheduling priority than the engine thread. Redis writes its snapshot
 * in a forked child; jredis writes it in a thread of the server's own process, and on a machine whose cores are
 * busy that thread (encoding, compression, checksums: about one core while it runs) takes CPU time from the engine
 * thread and so delays every client command. A higher nice value lets the writer use idle CPU and yield to the
 * engine under contention: the snapshot takes longer then, the clients do not wait.
 *
 * <p>Linux only, best effort: the JVM has no API for a thread's nice value, so {@code renice} is run on the
 * thread's id ({@code /proc/thread-self}). Elsewhere, or without {@code renice}, the writer keeps the normal
 * priority. The nice value comes from the system property {@code jredis.snapshot.nice} (default 10, 0 = off).
 */
final class WriterPriority {
    private static final int NICE = Integer.getInteger("jredis.snapshot.nice", 10);

    private WriterPriority() {}

    /** Lowers the calling thread's priority to nice {@code jredis.snapshot.nice}; returns whether it did. */
    static boolean lowerCurrentThread() {
        if (NICE <= 0) {
            return false;
        }
        try {
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
            String tid = self.getFileName().toString();
            Process p = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
