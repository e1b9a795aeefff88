package io.jredis.server.testing;

import java.util.Set;
import java.util.TreeSet;

/** What threads this JVM runs, for tests that check a closed server left none of its own behind. */
public final class Threads {
    private Threads() {
    }

    /** The names of the live threads. */
    public static Set<String> liveNames() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
