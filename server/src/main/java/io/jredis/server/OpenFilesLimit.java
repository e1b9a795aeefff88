package io.jredis.server;

import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Redis's {@code adjustOpenFilesLimit}: maxclients must fit in the process's open-files limit with 32 descriptors to
 * spare. Redis first tries to raise the limit; the JVM already raised its soft limit to the hard one at start, which
 * is as far as an unprivileged process gets, so here the soft limit is what there is.
 */
final class OpenFilesLimit {
    /** Redis's CONFIG_MIN_RESERVED_FDS: descriptors kept for listeners, persistence files and logs. */
    static final long RESERVED_FDS = 32;
    private static final Path LIMITS = Path.of("/proc/self/limits");

    private OpenFilesLimit() {}

    /** The soft RLIMIT_NOFILE of this process, or -1 when /proc does not tell. */
    static long current() {
        try {
            for (String line : Files.readAllLines(LIMITS)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The largest maxclients the limit allows, or {@code maxclients} itself when it fits (or nothing is known). */
    static long fit(long maxclients) {
        long limit = current();
        return limit < 0 || maxclients + RESERVED_FDS <= limit ? maxclients : limit - RESERVED_FDS;
    }

    /** At start-up, as Redis: a maxclients over the limit is lowered, with Redis's warnings. */
    static void adjustAtStartup(ServerConfig config, Log log) {
        long requested = config.maxclients.value();
        long fitted = fit(requested);
        if (fitted == requested) {
            return;
        }
        long limit = fitted + RESERVED_FDS;
        config.maxclients.force(fitted);
        log.warning("You requested maxclients of " + requested + " requiring at least "
                + (requested + RESERVED_FDS) + " max file descriptors.");
        log.warning("Server can't set maximum open files to " + (requested + RESERVED_FDS)
                + " because of OS error: Operation not permitted.");
        log.warning("Current maximum open files is " + limit + ". maxclients has been reduced to " + fitted
                + " to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.");
    }
}
