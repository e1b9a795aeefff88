package io.jredis.server.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What threads this JVM runs: for tests that check a closed server left none of its own behind, and for the failure
 * message of a test whose server stopped answering.
 */
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

    /** The stacks of the live threads whose name starts with {@code prefix}, for a failure message. */
    public static String stacks(String prefix) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith(prefix)) {
                sb.append("\n\"").append(e.getKey().getName()).append("\" ").append(e.getKey().getState());
                for (StackTraceElement f : e.getValue()) {
                    sb.append("\n    at ").append(f);
                }
            }
        }
        return sb.toString();
    }
}
