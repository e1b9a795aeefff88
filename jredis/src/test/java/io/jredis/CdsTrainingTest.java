package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run bin/jredis archives classes from: every command it sends succeeds and it leaves nothing behind. */
class CdsTrainingTest {
    @TempDir
    Path dir;

    @Test
    void trainingRunsWithoutErrorsAndCleansUp() throws Exception {
        assertEquals(0, Main.run("cds-training", dir.toString()));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }
}
