package io.jredis.server;

import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import java.util.Collection;
import java.util.List;

/**
 * Redis's bug report (debug.c), written when the server dies on purpose (DEBUG SEGFAULT, PANIC, ASSERT) or panics: the
 * same sections in the same order, so that whoever collects crash logs finds them where Redis puts them. The stack is
 * the JVM's, of the thread that died; sections about native state (registers, memory test) are left out.
 */
final class CrashReport {
    private CrashReport() {
    }

    /**
     * The lines Redis's logStackTrace writes: the frame that was running ("EIP"), then the whole stack, innermost
     * first.
     */
    static String stackTrace(StackTraceElement[] frames) {
        StringBuilder text = new StringBuilder("\n------ STACK TRACE ------\nEIP:\n");
        text.append(frames.length > 0 ? frames[0] : "").append("\n\nBacktrace:");
        for (StackTraceElement frame : frames) {
            text.append('\n').append(frame);
        }
        return text.toString();
    }

    /** The stack from the frame that called for the crash: the report's own frames would stand as "EIP". */
    private static StackTraceElement[] callersOfCrash(StackTraceElement[] frames) {
        int from = 0;
        while (from < frames.length && isReportFrame(frames[from])) {
            from++;
        }
        return java.util.Arrays.copyOfRange(frames, from, frames.length);
    }

    private static boolean isReportFrame(StackTraceElement f) {
        String cls = f.getClassName();
        return cls.equals(CrashReport.class.getName()) || cls.equals(Thread.class.getName())
                || cls.equals(Engine.class.getName()) && (f.getMethodName().equals("crash")
                        || f.getMethodName().equals("panic"));
    }

    /**
     * Writes the report: {@code cause} (Redis's first lines, logged as warnings), the stack of the calling thread,
     * INFO, the clients and the client whose command was running.
     */
    static void write(Log log, List<String> cause, String info, Collection<Client> clients, Client current) {
        if (!log.enabled(Log.WARNING)) {
            return;
        }
        log.raw("\n\n=== REDIS BUG REPORT START: Cut & paste starting from here ===");
        for (String line : cause) {
            log.warning(line);
        }
        log.raw(stackTrace(callersOfCrash(Thread.currentThread().getStackTrace())));
        log.raw("\n------ INFO OUTPUT ------\n" + info);
        StringBuilder list = new StringBuilder("------ CLIENT LIST OUTPUT ------");
        for (Client c : clients) {
            list.append('\n').append(c.describe());
        }
        log.raw(list.toString());
        if (current != null) {
            StringBuilder text = new StringBuilder("\n------ CURRENT CLIENT INFO ------\n").append(current.describe());
            byte[][] argv = current.heldArgv();
            for (int i = 0; argv != null && i < argv.length; i++) {
                text.append("\nargv[").append(i).append("]: '\"").append(Bytes.str(argv[i])).append("\"'");
            }
            log.raw(text.toString());
        }
        log.raw("\n=== REDIS BUG REPORT END. Make sure to include from START to END. ===\n");
    }
}
