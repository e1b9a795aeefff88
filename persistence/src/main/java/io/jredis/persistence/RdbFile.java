package io.jredis.persistence;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An RDB file written the safe way Redis's rdbSave writes it: into a temp file in {@code dir}, fsynced, renamed over
 * the target (atomic: readers see the old file or the new one) and the directory fsynced so the rename survives a
 * crash. Failures carry Redis's log wording.
 */
final class RdbFile implements Snapshot.Destination {
    /** A failure already worded as Redis logs it. */
    static final class Failure extends IOException {
        Failure(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** The log line for a failed save. */
    static String describe(Exception e) {
        if (e instanceof Failure) {
            return e.getMessage();
        }
        return "Write error saving DB on disk: " + (e instanceof IOException io ? strerror(io) : e.toString());
    }

    private final Path dir;
    private final Path temp;
    private final Path target;
    private FileChannel channel;

    RdbFile(Path dir, String tempName, Path target) {
        this.dir = dir;
        this.temp = dir.resolve(tempName);
        this.target = target;
    }

    @Override
    public OutputStream open() throws IOException {
        try {
            channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new Failure("Failed opening the temp RDB file " + temp.getFileName() + " (in server root dir "
                    + dir + ") for saving: " + strerror(e), e);
        }
        return Channels.newOutputStream(channel);
    }

    @Override
    public void sync() throws IOException {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new Failure("Write error saving DB on disk(fsync): " + strerror(e), e);
        }
    }

    @Override
    public void commit() throws IOException {
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            discard();
            throw new Failure("Error moving temp DB file " + temp.getFileName() + " on the final destination "
                    + target.getFileName() + " (in server root dir " + dir + "): " + strerror(e), e);
        }
        try (FileChannel d = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            throw new Failure("Write error saving DB on disk(fsyncFileDir): " + strerror(e), e);
        }
    }

    @Override
    public void discard() {
        try {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // Nothing more to do: a stale temp file is overwritten by the next save of the same name.
        }
    }

    /** The C library's wording where the JDK has one (rename over a directory, permissions, missing paths). */
    static String strerror(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Is a directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
