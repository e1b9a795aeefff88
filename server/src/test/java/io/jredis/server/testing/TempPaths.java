package io.jredis.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Temporary files and directories for servers that tests start, deleted (recursively) when the test JVM exits:
 * servers are closed by the tests in many ways, and a CI machine should not collect their data dirs and logs.
 */
public final class TempPaths {
    private static final List<Path> CREATED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (CREATED) {
                CREATED.forEach(TempPaths::delete);
            }
        }, "temp-paths-cleanup"));
    }

    private TempPaths() {}

    /** A new empty directory under the system temp dir, named with {@code prefix}. */
    public static Path dir(String prefix) {
        try {
            return register(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new empty file under the system temp dir. */
    public static Path file(String prefix, String suffix) {
        try {
            return register(Files.createTempFile(prefix, suffix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file or a directory with everything in it; what cannot be deleted stays (harmless in a temp dir). */
    public static void delete(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // Something else removed part of the tree meanwhile: nothing left to do.
        }
    }

    private static Path register(Path p) {
        synchronized (CREATED) {
            CREATED.add(p);
        }
        return p;
    }
}
