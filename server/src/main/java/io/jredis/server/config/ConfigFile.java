package io.jredis.server.config;

import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads redis.conf text the way Redis's {@code loadServerConfigFromString} does: one directive per line, arguments
 * split with {@link SplitArgs}, {@code #} comments, case-insensitive names, {@code include} files, later lines
 * overriding earlier ones.
 */
public final class ConfigFile {
    /** A config error with Redis's report: line number, the offending line and the reason. */
    public static final class FatalConfigError extends Exception {
        public final int line;
        public final String text;
        public final String reason;

        public FatalConfigError(int line, String text, String reason) {
            super(reason);
            this.line = line;
            this.text = text;
            this.reason = reason;
        }

        /** The exact block redis-server prints to stderr before exiting with code 1. */
        public String report(String version) {
            return "\n*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***\n"
                    + "Reading the configuration file, at line " + line + "\n"
                    + ">>> '" + text + "'\n" + reason + "\n";
        }
    }

    private final ServerConfig config;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> multiLineSeen = new ArrayList<>();

    public ConfigFile(ServerConfig config) {
        this.config = config;
    }

    /** Warnings to log once at start-up (directives accepted but not implemented yet). */
    public List<String> warnings() {
        return warnings;
    }

    public void loadFile(Path file) throws IOException, FatalConfigError {
        loadString(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /** Parses a whole config text (file contents followed by command-line directives, as Redis builds it). */
    public void loadString(String text) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
            List<byte[]> parts = SplitArgs.split(bytes);
            if (parts == null) {
                throw new FatalConfigError(i + 1, raw, "Unbalanced quotes in configuration line");
            }
            if (parts.isEmpty()) {
                continue;
            }
            String name = new String(parts.get(0), StandardCharsets.ISO_8859_1).toLowerCase();
            String[] args = new String[parts.size() - 1];
            for (int a = 1; a < parts.size(); a++) {
                args[a - 1] = new String(parts.get(a), StandardCharsets.ISO_8859_1);
            }
            if (name.equals("include") && args.length == 1) {
                try {
                    loadFile(Path.of(args[0]));
                } catch (IOException e) {
                    throw new FatalConfigError(i + 1, raw, "Fatal error, can't open config file '" + args[0] + "': "
                            + e.getMessage());
                }
                continue;
            }
            Directive d = config.find(name);
            if (d == null) {
                throw new FatalConfigError(i + 1, raw, "Bad directive or wrong number of arguments");
            }
            try {
                d.set(args);
            } catch (ConfigException e) {
                throw new FatalConfigError(i + 1, raw, e.getMessage());
            }
            if (d.has(Directive.NOT_IMPLEMENTED) && !multiLineSeen.contains(d.name())) {
                multiLineSeen.add(d.name());
                warnings.add("Config directive '" + d.name() + "' is accepted but not implemented yet by jredis");
            }
        }
    }

    /** Quotes a value for the config file when it is empty or holds spaces or quotes, as Redis's rewrite does. */
    public static String quoteIfNeeded(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c > 126)) {
            return v;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c < ' ' || c > 126) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
