package io.jredis.server;

import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code oom-score-adj}: Redis's setOOMScoreAdj. While enabled the process's {@code /proc/self/oom_score_adj} holds
 * the value of its class (master or replica), absolute or added to the score the process had when Redis first took
 * control; disabling it restores that score.
 */
final class OomScoreAdj {
    private static final Path FILE = Path.of("/proc/self/oom_score_adj");
    private static final int MASTER = 0;
    private static final int REPLICA = 1;

    private final ServerConfig config;
    private final Log log;
    private boolean adjusted;
    private int base;

    OomScoreAdj(ServerConfig config, Log log) {
        this.config = config;
        this.log = log;
    }

    /** Sets the score for the current role; false when /proc could not be read or written (logged). */
    boolean apply(boolean replica) {
        int val;
        String mode = config.oomScoreAdj.value();
        if (!mode.equals("no")) {
            if (!adjusted) {
                try {
                    base = Integer.parseInt(Files.readString(FILE, StandardCharsets.US_ASCII).trim());
                } catch (IOException | NumberFormatException e) {
                    log.warning("Unable to read oom_score_adj: " + e.getMessage());
                    return false;
                }
                adjusted = true;
            }
            val = config.oomScoreAdjValues.value(replica ? REPLICA : MASTER);
            if (mode.equals("yes")) {
                val += base;
            }
            val = Math.max(-1000, Math.min(1000, val));
        } else if (adjusted) {
            adjusted = false;
            val = base;
        } else {
            return true;
        }
        try {
            Files.writeString(FILE, val + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            log.warning("Unable to write oom_score_adj: " + e.getMessage());
            return false;
        }
        return true;
    }
}
