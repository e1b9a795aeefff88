package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.ConfigException;
import io.jredis.server.config.ConfigRewrite;
import io.jredis.server.config.Directive;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.util.Glob;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CONFIG GET, SET, RESETSTAT, REWRITE and HELP, as Redis 7.0's config.c implements them. */
final class ConfigCommand {
    private static final String[] HELP = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    };

    private ConfigCommand() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("config|get", ConfigCommand::get);
        t.register("config|set", ConfigCommand::set);
        t.register("config|resetstat", ConfigCommand::resetstat);
        t.register("config|rewrite", ConfigCommand::rewrite);
        t.register("config|help", ConfigCommand::help);
        ServerConfig cfg = engine.config();
        cfg.loglevel.onChange(() -> engine.log().level(cfg.loglevel.value()));
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * CONFIG GET parameter [parameter ...]. A name without glob characters is looked up directly (hidden directives
     * included) and echoed as typed; a pattern matches every visible name, aliases included. Each name appears
     * once, compared case-insensitively.
     */
    private static void get(Client c, byte[][] argv) {
        ServerConfig cfg = c.engine().config();
        Map<String, Map.Entry<String, Directive>> matches = new LinkedHashMap<>();
        for (int i = 2; i < argv.length; i++) {
            String arg = latin1(argv[i]);
            if (arg.indexOf('[') < 0 && arg.indexOf('*') < 0 && arg.indexOf('?') < 0) {
                Directive d = cfg.find(arg);
                if (d != null) {
                    matches.putIfAbsent(arg.toLowerCase(), Map.entry(arg, d));
                }
                continue;
            }
            for (Map.Entry<String, Directive> e : cfg.names().entrySet()) {
                Directive d = e.getValue();
                if (d.has(Directive.HIDDEN) || matches.containsKey(e.getKey())) {
                    continue;
                }
                if (Glob.match(argv[i], e.getKey().getBytes(StandardCharsets.ISO_8859_1), true)) {
                    matches.put(e.getKey(), Map.entry(e.getKey(), d));
                }
            }
        }
        c.reply().map(matches.size());
        for (Map.Entry<String, Directive> m : matches.values()) {
            c.reply().bulk(m.getKey().getBytes(StandardCharsets.ISO_8859_1));
            c.reply().bulk(shown(c.engine(), m.getValue()).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * A directive's value as CONFIG GET shows it. In Redis "port 0" means no TCP listener, so a client that reached
     * the server over TCP always reads back the port it connected to. A jredis server started with port 0 and no
     * unix socket or TLS port (the embedded mode) listens on a port the system picked instead: CONFIG GET shows that
     * port, keeping Redis's meaning, while the directive itself (and CONFIG REWRITE) keeps 0 so that a restart
     * picks a free port again. The engine's tcp_port is the bound TCP port, or the TLS port when no TCP listener
     * is bound, so a value different from tls-port means a TCP listener.
     */
    private static String shown(Engine engine, Directive d) {
        ServerConfig cfg = engine.config();
        if (d == cfg.port && cfg.port.intValue() == 0 && engine.tcpPort() != cfg.tlsPort.intValue()) {
            return Integer.toString(engine.tcpPort());
        }
        return d.get();
    }

    /**
     * CONFIG SET parameter value [parameter value ...]: all or nothing. Every name is checked first (unknown,
     * immutable, protected, the same name twice), then all values are stored, then the apply hooks run once each; a
     * failure in either step restores every previous value.
     */
    private static void set(Client c, byte[][] argv) {
        Engine engine = c.engine();
        ServerConfig cfg = engine.config();
        if ((argv.length & 1) != 0) {
            engine.error(c, Args.SYNTAX);
            return;
        }
        int n = (argv.length - 2) / 2;
        Directive[] dirs = new Directive[n];
        String[] names = new String[n];
        String[] values = new String[n];
        String unknown = null;
        String errArg = null;
        String errText = null;
        boolean invalid = false;
        boolean loadingDenied = false;
        for (int i = 0; i < n; i++) {
            String typed = latin1(argv[2 + 2 * i]);
            Directive d = cfg.find(typed);
            if (d == null) {
                if (!invalid) {
                    unknown = typed;
                    invalid = true;
                }
                continue;
            }
            // Every sensitive value is hidden from the slow log and MONITOR, even when the command fails.
            if (d.has(Directive.SENSITIVE)) {
                engine.redactArgument(3 + 2 * i);
            }
            if (invalid) {
                continue;
            }
            if (d.has(Directive.IMMUTABLE) || (d.has(Directive.PROTECTED) && !protectedAllowed(c, cfg))) {
                errText = d.has(Directive.IMMUTABLE) ? "can't set immutable config" : "can't set protected config";
                errArg = typed;
                invalid = true;
                continue;
            }
            if (d.has(Directive.DENY_LOADING) && engine.loading() != null) {
                loadingDenied = true;
                invalid = true;
                continue;
            }
            // As Redis 7.0, where an alias is an entry of its own: only the same name twice is a duplicate, and a
            // name and its alias both set apply in order.
            for (int j = 0; j < i; j++) {
                if (dirs[j] == d && names[j].equals(typed.toLowerCase())) {
                    errText = "duplicate parameter";
                    errArg = typed;
                    invalid = true;
                    break;
                }
            }
            dirs[i] = d;
            names[i] = typed.toLowerCase();
            values[i] = latin1(argv[3 + 2 * i]);
        }
        if (loadingDenied) {
            // As Redis: the loading error wins over a plain ERR, since clients may retry on it.
            engine.error(c, Engine.LOADING_ERROR);
            return;
        }
        if (invalid) {
            replySetError(c, unknown, errArg, errText);
            return;
        }
        String[] old = new String[n];
        for (int i = 0; i < n; i++) {
            old[i] = dirs[i].get();
        }
        List<Directive.ApplyHook> hooks = new ArrayList<>();
        List<Integer> hookOwner = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean changed;
            try {
                changed = dirs[i].setFromString(values[i]);
            } catch (ConfigException e) {
                restore(engine, dirs, old, i + 1, List.of());
                replySetError(c, null, names[i], e.getMessage());
                return;
            }
            Directive.ApplyHook hook = dirs[i].applyHook();
            if (changed && hook != null && !hooks.contains(hook)) {
                hooks.add(hook);
                hookOwner.add(i);
            }
        }
        for (int k = 0; k < hooks.size(); k++) {
            String err = hooks.get(k).apply();
            if (err != null) {
                String owner = dirs[hookOwner.get(k)].name();
                engine.log().warning("Failed applying new configuration. Possibly related to new " + owner
                        + " setting. Restoring previous settings.");
                restore(engine, dirs, old, n, hooks);
                replySetError(c, null, names[hookOwner.get(k)], err);
                return;
            }
        }
        c.reply().ok();
    }

    private static void restore(Engine engine, Directive[] dirs, String[] old, int count,
            List<Directive.ApplyHook> hooks) {
        for (int i = 0; i < count; i++) {
            try {
                dirs[i].setFromString(old[i]);
            } catch (ConfigException e) {
                engine.log().warning("Failed restoring failed CONFIG SET command. Error setting " + dirs[i].name()
                        + " to '" + old[i] + "': " + e.getMessage());
            }
        }
        for (Directive.ApplyHook h : hooks) {
            String err = h.apply();
            if (err != null) {
                engine.log().warning("Failed applying restored failed CONFIG SET command: " + err);
            }
        }
    }

    private static void replySetError(Client c, String unknown, String arg, String reason) {
        if (unknown != null) {
            c.engine().error(c, "ERR Unknown option or number of arguments for CONFIG SET - '"
                    + Directive.cstr(unknown) + "'");
        } else if (reason != null) {
            c.engine().error(c, "ERR CONFIG SET failed (possibly related to argument '" + Directive.cstr(arg) + "') - "
                    + reason);
        } else {
            c.engine().error(c, "ERR CONFIG SET failed (possibly related to argument '" + Directive.cstr(arg) + "')");
        }
    }

    /** enable-protected-configs: {@code yes} for everyone, {@code local} for loopback and unix socket clients. */
    private static boolean protectedAllowed(Client c, ServerConfig cfg) {
        return switch (cfg.enableProtectedConfigs.value()) {
            case "yes" -> true;
            case "local" -> isLocal(c);
            default -> false;
        };
    }

    private static boolean isLocal(Client c) {
        if (c.channel() == null) {
            return true;
        }
        SocketAddress a = c.channel().remoteAddress();
        if (a instanceof DomainSocketAddress) {
            return true;
        }
        if (a instanceof InetSocketAddress in && in.getAddress() != null) {
            String ip = in.getAddress().getHostAddress();
            return ip.equals("127.0.0.1") || ip.equals("0:0:0:0:0:0:0:1");
        }
        return false;
    }

    /** CONFIG RESETSTAT: server counters, error counts and every command's statistics. */
    private static void resetstat(Client c, byte[][] argv) {
        Engine engine = c.engine();
        engine.stats().reset();
        for (CommandSpec spec : engine.commands().allWithSubcommands()) {
            spec.calls = 0;
            spec.micros = 0;
            spec.rejectedCalls = 0;
            spec.failedCalls = 0;
            spec.latencyHistogram = null;
        }
        c.reply().ok();
    }

    /** CONFIG REWRITE: rewrites the file the server was started with, keeping its comments and layout. */
    private static void rewrite(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Path file = engine.config().configFile();
        if (file == null) {
            engine.error(c, "ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewrite.rewrite(engine.config(), file);
        } catch (IOException e) {
            String why = ConfigRewrite.strerror(e);
            engine.log().warning("CONFIG REWRITE failed: " + why);
            engine.error(c, "ERR Rewriting config file: " + why);
            return;
        }
        engine.log().warning("CONFIG REWRITE executed with success.");
        c.reply().ok();
    }

    private static void help(Client c, byte[][] argv) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }
}
