package io.jredis.server.config;

import io.jredis.server.acl.Acl;
import io.jredis.server.command.CommandTable;
import io.jredis.server.util.Glob;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads redis.conf text the way Redis's {@code loadServerConfig} does: one directive per line, arguments split like
 * {@code sdssplitargs} (quotes, escapes), {@code #} comments, case-insensitive names, {@code include} files (relative
 * to the working directory, with glob patterns), later lines overriding earlier ones, and the file-only directives
 * {@code rename-command}, {@code user}, {@code loadmodule} and {@code sentinel}. Errors are reported exactly as
 * redis-server reports them.
 */
public final class ConfigFile {
    /** A config error with Redis's report: line number, the offending line and the reason. */
    public static final class FatalConfigError extends Exception {
        /** 1-based line in the text being parsed, or 0 for errors found after parsing (no line shown). */
        public final int line;
        public final String text;
        public final String reason;
        private final boolean logLine;

        public FatalConfigError(int line, String text, String reason) {
            this(line, text, reason, false);
        }

        private FatalConfigError(int line, String text, String reason, boolean logLine) {
            super(reason, null, false, false);
            this.line = line;
            this.text = text;
            this.reason = reason;
            this.logLine = logLine;
        }

        /**
         * True for an unreadable config or include file: redis-server logs {@link #reason} as a warning line
         * ({@code Fatal error, can't open config file '...': ...}) and exits 1, without the report block.
         */
        public boolean isLogLine() {
            return logLine;
        }

        /** The exact block redis-server prints to stderr before exiting with code 1. */
        public String report(String version) {
            if (logLine) {
                return reason + "\n";
            }
            StringBuilder sb = new StringBuilder("\n*** FATAL CONFIG FILE ERROR (Redis ").append(version).append(") ***\n");
            if (line > 0) {
                sb.append("Reading the configuration file, at line ").append(line).append('\n');
                sb.append(">>> '").append(text).append("'\n");
            }
            return sb.append(reason).append('\n').toString();
        }
    }

    /** A {@code sentinel ...} line, kept for the Sentinel module with its position for error reports. */
    public record SentinelLine(List<String> args, int line, String text) {}

    /**
     * How redis-server was invoked: {@code redis-server [/path/to/redis.conf] [-] [--name value ...]}. The options
     * become config lines appended after the file (and stdin) text.
     */
    public record CommandLine(Path configFile, boolean configFromStdin, String options) {
        /** Parses the arguments after the program name, as Redis's {@code main} does. */
        public static CommandLine parse(List<String> args) {
            Path file = null;
            int j = 0;
            if (!args.isEmpty() && !args.get(0).startsWith("-")) {
                file = Path.of(args.get(0)).toAbsolutePath();
                j = 1;
            }
            boolean stdin = false;
            List<String> rest = new ArrayList<>();
            for (; j < args.size(); j++) {
                if (args.get(j).equals("-") && (j == 0 || j == args.size() - 1)) {
                    stdin = true;
                } else {
                    // Config text is bytes seen as ISO-8859-1; the JVM decoded argv from UTF-8, so encode it back.
                    rest.add(new String(args.get(j).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                }
            }
            return new CommandLine(file, stdin, fromCommandLine(rest));
        }
    }

    private static final Set<String> DEPRECATED = Set.of("list-max-ziplist-entries", "list-max-ziplist-value",
            "lua-replicate-commands");

    private final ServerConfig config;
    /** Directives the files set that jredis accepts but does not act on, in the order first seen. */
    private final Set<String> notImplemented = new LinkedHashSet<>();
    private final Set<String> removedCommands = new HashSet<>();
    private final Set<String> addedCommands = new HashSet<>();
    private final Set<String> declaredUsers = new HashSet<>();
    private CommandTable commandNames;

    public ConfigFile(ServerConfig config) {
        this.config = config;
    }

    /**
     * Warnings to log once at start-up: directives the files set that jredis accepts but does not act on yet, left
     * at a value other than their default (a stock redis.conf spells out many defaults, which change nothing).
     */
    public List<String> warnings() {
        ServerConfig defaults = new ServerConfig();
        List<String> warnings = new ArrayList<>();
        for (String name : notImplemented) {
            Directive set = config.find(name);
            Directive fresh = defaults.find(name);
            if (set == null || fresh == null || !set.get().equals(fresh.get())) {
                warnings.add("Config directive '" + name + "' is accepted but not implemented yet by jredis");
            }
        }
        return warnings;
    }

    /**
     * Turns redis-server's {@code --name value ...} options into config lines, as Redis's {@code main} does: each
     * {@code --name} starts a line, each following argument is appended quoted ({@code --save ''} gives
     * {@code save ""}), and a bare {@code --save} before another option or at the end means {@code save ""}.
     * Returns the text appended (after a newline) to the config file's text.
     */
    public static String fromCommandLine(List<String> args) {
        StringBuilder options = new StringBuilder();
        boolean handledLastConfigArg = true;
        for (int j = 0; j < args.size(); j++) {
            String a = args.get(j);
            if (handledLastConfigArg && a.startsWith("--")) {
                if (!options.isEmpty()) {
                    options.append('\n');
                }
                options.append(a, 2, a.length()).append(' ');
                List<byte[]> words = SplitArgs.split(a.getBytes(StandardCharsets.ISO_8859_1));
                if (words != null && words.size() == 1) {
                    handledLastConfigArg = false;
                    boolean last = j == args.size() - 1;
                    boolean nextIsOption = !last && args.get(j + 1).startsWith("--");
                    if (a.equalsIgnoreCase("--save") && (last || nextIsOption)) {
                        options.append("\"\"");
                        handledLastConfigArg = true;
                    } else if (a.equalsIgnoreCase("--sentinel") && (last || nextIsOption)) {
                        handledLastConfigArg = true;
                    }
                } else {
                    handledLastConfigArg = true;
                }
            } else {
                options.append(ConfigRewrite.repr(a)).append(' ');
                handledLastConfigArg = true;
            }
        }
        return options.toString();
    }

    /**
     * Loads the configuration of a redis-server invocation: the config file (remembered as the file CONFIG REWRITE
     * writes), then standard input when asked, then the command-line options.
     */
    public void load(CommandLine cl, InputStream stdin) throws FatalConfigError, IOException {
        StringBuilder text = new StringBuilder();
        if (cl.configFile() != null) {
            text.append(readConfigFile(cl.configFile().toString()));
            config.configFile(cl.configFile());
        }
        if (cl.configFromStdin()) {
            text.append(new String(stdin.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        if (!cl.options().isEmpty()) {
            text.append('\n').append(cl.options());
        }
        loadString(text.toString());
    }

    /** Loads one config file (without remembering it as the server's config file). */
    public void loadFile(Path file) throws FatalConfigError {
        loadString(readConfigFile(file.toString()));
    }

    /** Parses a whole config text (file contents followed by command-line directives, as Redis builds it). */
    public void loadString(String text) throws FatalConfigError {
        parse(text);
        String logfile = config.logfile.value();
        if (!logfile.isEmpty()) {
            try (OutputStream out = Files.newOutputStream(Path.of(config.inDir(logfile)), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                out.flush();
            } catch (IOException e) {
                throw new FatalConfigError(0, null, "Can't open the log file: " + ConfigRewrite.strerror(e));
            }
        }
        if (config.clusterEnabled.value() && config.replicaof.host() != null) {
            throw new FatalConfigError(0, null, "replicaof directive not allowed in cluster mode");
        }
        config.clampHz();
    }

    private void parse(String text) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = trim(lines[i]);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<byte[]> parts = SplitArgs.split(line.getBytes(StandardCharsets.ISO_8859_1));
            if (parts == null) {
                throw new FatalConfigError(i + 1, line, "Unbalanced quotes in configuration line");
            }
            if (parts.isEmpty()) {
                continue;
            }
            String name = new String(parts.get(0), StandardCharsets.ISO_8859_1).toLowerCase();
            String[] args = new String[parts.size() - 1];
            for (int a = 1; a < parts.size(); a++) {
                args[a - 1] = new String(parts.get(a), StandardCharsets.ISO_8859_1);
            }
            try {
                directive(name, args, i + 1, line);
            } catch (ConfigException e) {
                throw new FatalConfigError(i + 1, line, e.getMessage());
            }
        }
    }

    private void directive(String name, String[] args, int lineNo, String line) throws ConfigException,
            FatalConfigError {
        Directive d = config.find(name);
        if (d != null) {
            if (!d.has(Directive.MULTI_ARG) && args.length != 1) {
                throw new ConfigException("wrong number of arguments");
            }
            if (d.has(Directive.MULTI_ARG) && args.length == 1 && !args[0].isEmpty()) {
                // As Redis: a lone argument of a multi-argument directive holds them all (--save "900 1"), split as
                // a C string.
                List<byte[]> split = SplitArgs.split(Directive.cstr(args[0]).getBytes(StandardCharsets.ISO_8859_1));
                args = new String[split == null ? 0 : split.size()];
                for (int a = 0; a < args.length; a++) {
                    args[a] = new String(split.get(a), StandardCharsets.ISO_8859_1);
                }
            }
            d.load(d.has(Directive.MULTI_ARG) ? d.multiArgs(args) : args);
            if (d.has(Directive.NOT_IMPLEMENTED)) {
                warn(d.name());
            }
            return;
        }
        if (DEPRECATED.contains(name) && args.length == 1) {
            return;
        }
        if (name.equals("include") && args.length == 1) {
            include(args[0]);
        } else if (name.equals("rename-command") && args.length == 2) {
            renameCommand(args[0], args[1]);
            config.renamedCommands().add(args.clone());
        } else if (name.equals("user") && args.length >= 1) {
            String err = Acl.checkConfigUser(commands(), List.of(args), declaredUsers);
            if (err != null) {
                throw new ConfigException(err);
            }
            config.fileUsers().add(userLine(args));
        } else if (name.equals("loadmodule") && args.length >= 1) {
            config.loadModules().add(String.join(" ", args));
            warn("loadmodule");
        } else if (name.indexOf('.') >= 0) {
            if (args.length == 0) {
                throw new ConfigException("Module config specified without value");
            }
            // Redis joins several arguments with spaces into the one value the module receives.
            config.moduleConfigs().put(name, String.join(" ", args));
            warn(name);
        } else if (name.equals("sentinel")) {
            // A bare "sentinel" line only switches the mode, which the launcher decides before parsing.
            if (args.length != 0) {
                if (!config.sentinelMode()) {
                    throw new ConfigException("sentinel directive while not in sentinel mode");
                }
                config.sentinelLines().add(new SentinelLine(List.of(args), lineNo, line));
            }
        } else {
            throw new ConfigException("Bad directive or wrong number of arguments");
        }
    }

    /**
     * A user line's arguments joined for {@link ServerConfig#fileUsers}, which is split again like a config line:
     * an argument with spaces, quotes or unprintable bytes (a password "&gt;p w") is quoted so it stays one.
     */
    private static String userLine(String[] args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            boolean plain = !a.isEmpty();
            for (int i = 0; i < a.length() && plain; i++) {
                char c = a.charAt(i);
                plain = c > ' ' && c < 127 && c != '"' && c != '\'';
            }
            sb.append(plain ? a : ConfigRewrite.repr(a));
        }
        return sb.toString();
    }

    private void warn(String name) {
        notImplemented.add(name);
    }

    /** Redis checks renames against its command table while parsing: the source must exist, the target must not. */
    private void renameCommand(String from, String to) throws ConfigException {
        String f = from.toLowerCase();
        String t = to.toLowerCase();
        if (!commandExists(f)) {
            throw new ConfigException("No such command in rename-command");
        }
        removedCommands.add(f);
        addedCommands.remove(f);
        if (!t.isEmpty()) {
            if (commandExists(t)) {
                throw new ConfigException("Target command name already exists");
            }
            addedCommands.add(t);
        }
    }

    private boolean commandExists(String name) {
        if (addedCommands.contains(name)) {
            return true;
        }
        return commands().isRedisCommand(name) && !removedCommands.contains(name);
    }

    /** Redis's command table, built on first use (rename-command and user lines check names against it). */
    private CommandTable commands() {
        if (commandNames == null) {
            commandNames = new CommandTable();
        }
        return commandNames;
    }

    /** {@code include path}: a plain path must be readable; a glob pattern may match nothing. */
    private void include(String path) throws FatalConfigError {
        if (path.indexOf('*') < 0 && path.indexOf('?') < 0 && path.indexOf('[') < 0) {
            parse(readConfigFile(path));
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Path p : glob(path)) {
            text.append(readConfigFile(p.toString()));
        }
        parse(text.toString());
    }

    private static String readConfigFile(String path) throws FatalConfigError {
        try {
            return new String(Files.readAllBytes(Path.of(path)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new FatalConfigError(0, null, "Fatal error, can't open config file '" + path + "': "
                    + ConfigRewrite.strerror(e), true);
        }
    }

    /** glob(3) without flags: each pattern component matched in its directory, results sorted. */
    static List<Path> glob(String pattern) {
        boolean absolute = pattern.startsWith("/");
        List<Path> current = List.of(absolute ? Path.of("/") : Path.of(""));
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            for (Path base : current) {
                if (part.indexOf('*') < 0 && part.indexOf('?') < 0 && part.indexOf('[') < 0) {
                    Path p = base.resolve(part);
                    if (Files.exists(p)) {
                        next.add(p);
                    }
                    continue;
                }
                List<Path> matched = new ArrayList<>();
                byte[] pat = part.getBytes(StandardCharsets.ISO_8859_1);
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(base.toString().isEmpty() ? Path.of(".")
                        : base)) {
                    for (Path entry : ds) {
                        String fname = entry.getFileName().toString();
                        if (fname.startsWith(".") && !part.startsWith(".")) {
                            continue;
                        }
                        if (Glob.match(pat, fname.getBytes(StandardCharsets.ISO_8859_1), false)) {
                            matched.add(base.resolve(fname));
                        }
                    }
                } catch (IOException e) {
                    continue;
                }
                matched.sort(null);
                next.addAll(matched);
            }
            current = next;
        }
        return current;
    }

    /** Redis's {@code sdstrim(line, " \t\r\n")}. */
    static String trim(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && " \t\r\n".indexOf(s.charAt(b)) >= 0) {
            b++;
        }
        while (e > b && " \t\r\n".indexOf(s.charAt(e - 1)) >= 0) {
            e--;
        }
        return s.substring(b, e);
    }
}
