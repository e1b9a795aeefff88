package io.jredis.server.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code dir}: the working directory for RDB, AOF and other files. Redis {@code chdir}s into it; a JVM cannot, so
 * the absolute real path is kept here and file owners resolve their names against {@link #path()}. Relative values
 * are taken relative to the current value, as a {@code chdir} would.
 */
public final class DirDirective extends Directive {
    private Path value;

    public DirDirective(int flags) {
        super("dir", flags);
        this.value = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    }

    public Path path() {
        return value;
    }

    /** The directory as a string, as CONFIG GET prints it. */
    public String value() {
        return value.toString();
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        String dir = cstr(args[0]);
        // chdir("") fails with ENOENT, where resolving "" would give the current directory.
        if (dir.isEmpty()) {
            throw new ConfigException("No such file or directory");
        }
        Path p = value.resolve(dir);
        if (!Files.exists(p)) {
            throw new ConfigException("No such file or directory");
        }
        if (!Files.isDirectory(p)) {
            throw new ConfigException("Not a directory");
        }
        if (!Files.isExecutable(p)) {
            throw new ConfigException("Permission denied");
        }
        try {
            value = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ConfigException("No such file or directory");
        } catch (AccessDeniedException e) {
            throw new ConfigException("Permission denied");
        } catch (IOException e) {
            value = p.normalize();
        }
        return true;
    }

    @Override
    public String get() {
        return value.toString();
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + ConfigRewrite.repr(get()), true);
    }
}
