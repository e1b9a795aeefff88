package io.jredis.sentinel;

import io.jredis.server.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs notification and client-reconfiguration scripts as Redis does: as child processes with the event's words as
 * arguments, off the event loop, killed after the script time limit.
 */
final class Scripts {
    private Scripts() {}

    /**
     * Starts a script in the working directory ({@code dir}), where Redis's chdir puts its children: a relative
     * script path is relative to it, as SENTINEL SET checked it.
     */
    static void run(Sentinel sentinel, String path, String... args) {
        Path dir = sentinel.engine.config().dir.path();
        List<String> cmd = new ArrayList<>();
        cmd.add(dir.resolve(path).toString());
        cmd.addAll(List.of(args));
        long limit = sentinel.scriptMaxRuntime;
        Log log = sentinel.log;
        Thread t = new Thread(() -> {
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    log.warning("-script-timeout " + path);
                } else if (p.exitValue() != 0) {
                    log.warning("-script-error " + path + " " + p.exitValue());
                }
            } catch (IOException e) {
                log.warning("-script-error " + path + " " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sentinel-script");
        t.setDaemon(true);
        t.start();
    }
}
