package io.jredis.persistence.aof;

import io.jredis.persistence.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a rewrite's snapshot writes the new base: a temp file that the rewrite's end renames into the AOF directory
 * (in order with the manifest, on the AOF writer thread), as Redis's temp-rewriteaof-bg file.
 */
final class TempBase implements Snapshot.Destination {
    private final Path path;
    private FileChannel channel;
    private volatile long size = -1;

    TempBase(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** The complete file's size, known once the snapshot committed it. */
    long size() {
        return size;
    }

    @Override
    public OutputStream open() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return Channels.newOutputStream(channel);
    }

    @Override
    public void sync() throws IOException {
        channel.force(true);
    }

    @Override
    public void commit() throws IOException {
        size = channel.size();
        channel.close();
    }

    @Override
    public void discard() {
        try {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover temp file is harmless: it is never listed in the manifest.
        }
    }
}
