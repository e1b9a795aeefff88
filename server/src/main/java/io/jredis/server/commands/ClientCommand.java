package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Tracking;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.Directive;
import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT ID | SETNAME | GETNAME | LIST | INFO | KILL | NO-EVICT | REPLY | PAUSE | UNPAUSE | UNBLOCK | TRACKING |
 * CACHING | GETREDIR | TRACKINGINFO | HELP, as Redis 7.0.15's {@code clientCommand}.
 *
 * <p>CLIENT SETINFO is deliberately absent: it arrived in Redis 7.2, so 7.0.15 answers "ERR unknown subcommand
 * 'SETINFO'. Try CLIENT HELP." (the engine does, since the command table has no client|setinfo). Jedis 5+ and
 * Lettuce 6.3+ send it on connect and ignore that error, exactly as they do against Redis 7.0.
 */
final class ClientCommand {
    private static final String[] HELP = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    };

    private ClientCommand() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("client|id", (c, argv) -> c.reply().integer(c.id()));
        t.register("client|setname", (c, argv) -> {
            if (setName(c, argv[2])) {
                c.reply().ok();
            }
        });
        t.register("client|getname", (c, argv) -> c.reply().bulk(c.name().isEmpty() ? null : c.name()));
        t.register("client|info", (c, argv) -> c.reply().verbatim(c.describe() + "\n"));
        t.register("client|list", ClientCommand::list);
        t.register("client|kill", ClientCommand::kill);
        t.register("client|no-evict", ClientCommand::noEvict);
        t.register("client|reply", ClientCommand::reply);
        t.register("client|pause", ClientCommand::pause);
        t.register("client|unpause", (c, argv) -> {
            c.engine().unpauseClients();
            c.reply().ok();
        });
        t.register("client|unblock", ClientCommand::unblock);
        t.register("client|tracking", ClientCommand::tracking);
        t.register("client|caching", ClientCommand::caching);
        t.register("client|getredir",
                (c, argv) -> c.reply().integer(c.tracking() == null ? -1 : c.tracking().redirect()));
        t.register("client|trackinginfo", ClientCommand::trackingInfo);
        t.register("client|help", (c, argv) -> {
            c.reply().array(HELP.length);
            for (String line : HELP) {
                c.reply().simple(line);
            }
        });
    }

    /**
     * Sets (or with an empty name clears) the connection name, replying the error itself when the name has
     * characters that would break CLIENT LIST's space-separated format. Shared with HELLO SETNAME.
     */
    static boolean setName(Client c, byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                c.engine().error(c, "ERR Client names cannot contain spaces, newlines or special characters.");
                return false;
            }
        }
        c.name(new String(name, StandardCharsets.US_ASCII));
        return true;
    }

    /** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]] */
    private static void list(Client c, byte[][] argv) {
        Engine engine = c.engine();
        StringBuilder out = new StringBuilder();
        if (argv.length == 4 && Bytes.eqIgnoreCase(argv[2], "type")) {
            Client.Type type = typeByName(argv[3]);
            if (type == null) {
                engine.error(c, "ERR Unknown client type '" + Directive.cstr(Bytes.str(argv[3])) + "'");
                return;
            }
            for (Client other : engine.clients().values()) {
                if (other.type() == type) {
                    out.append(other.describe()).append('\n');
                }
            }
        } else if (argv.length > 3 && Bytes.eqIgnoreCase(argv[2], "id")) {
            List<Long> ids = new ArrayList<>();
            for (int j = 3; j < argv.length; j++) {
                Long id = Bytes.toLong(argv[j]);
                if (id == null) {
                    engine.error(c, "ERR Invalid client ID");
                    return;
                }
                ids.add(id);
            }
            for (long id : ids) {
                Client other = engine.clients().get(id);
                if (other != null) {
                    out.append(other.describe()).append('\n');
                }
            }
        } else if (argv.length != 2) {
            engine.error(c, Args.SYNTAX);
            return;
        } else {
            for (Client other : engine.clients().values()) {
                out.append(other.describe()).append('\n');
            }
        }
        c.reply().verbatim(out.toString());
    }

    /** CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no] */
    private static void kill(Client c, byte[][] argv) {
        Engine engine = c.engine();
        String addr = null;
        String laddr = null;
        String user = null;
        Client.Type type = null;
        long id = 0;
        boolean skipme = true;
        if (argv.length == 3) {
            addr = Bytes.str(argv[2]);
            // The old form may kill the calling connection itself.
            skipme = false;
        } else {
            for (int i = 2; i < argv.length; i += 2) {
                boolean more = argv.length > i + 1;
                if (Bytes.eqIgnoreCase(argv[i], "id") && more) {
                    Long v = Bytes.toLong(argv[i + 1]);
                    if (v == null || v < 1) {
                        engine.error(c, "ERR client-id should be greater than 0");
                        return;
                    }
                    id = v;
                } else if (Bytes.eqIgnoreCase(argv[i], "type") && more) {
                    type = typeByName(argv[i + 1]);
                    if (type == null) {
                        engine.error(c, "ERR Unknown client type '" + Directive.cstr(Bytes.str(argv[i + 1]))
                                + "'");
                        return;
                    }
                } else if (Bytes.eqIgnoreCase(argv[i], "addr") && more) {
                    addr = Bytes.str(argv[i + 1]);
                } else if (Bytes.eqIgnoreCase(argv[i], "laddr") && more) {
                    laddr = Bytes.str(argv[i + 1]);
                } else if (Bytes.eqIgnoreCase(argv[i], "user") && more) {
                    user = Bytes.str(argv[i + 1]);
                    if (engine.acl().user(user) == null) {
                        engine.error(c, "ERR No such user '" + Directive.cstr(user) + "'");
                        return;
                    }
                } else if (Bytes.eqIgnoreCase(argv[i], "skipme") && more) {
                    if (Bytes.eqIgnoreCase(argv[i + 1], "yes")) {
                        skipme = true;
                    } else if (Bytes.eqIgnoreCase(argv[i + 1], "no")) {
                        skipme = false;
                    } else {
                        engine.error(c, Args.SYNTAX);
                        return;
                    }
                } else {
                    // MAXAGE arrived in Redis 7.4: a syntax error in 7.0 like any unknown filter.
                    engine.error(c, Args.SYNTAX);
                    return;
                }
            }
        }
        int killed = 0;
        for (Client other : new ArrayList<>(engine.clients().values())) {
            if ((addr != null && !addr.equals(other.addr()))
                    || (laddr != null && !laddr.equals(other.laddr()))
                    || (type != null && other.type() != type)
                    || (id != 0 && other.id() != id)
                    || (user != null && !user.equals(other.user()))
                    || (other == c && skipme)) {
                continue;
            }
            if (other == c) {
                c.closeAfterReply();
            } else {
                engine.kill(other);
            }
            killed++;
        }
        if (argv.length == 3) {
            if (killed == 0) {
                engine.error(c, "ERR No such client");
            } else {
                c.reply().ok();
            }
        } else {
            c.reply().integer(killed);
        }
    }

    /** CLIENT NO-EVICT ON|OFF */
    private static void noEvict(Client c, byte[][] argv) {
        if (Bytes.eqIgnoreCase(argv[2], "on")) {
            c.noEvict(true);
        } else if (Bytes.eqIgnoreCase(argv[2], "off")) {
            c.noEvict(false);
        } else {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        c.reply().ok();
    }

    /** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP answer nothing, ON answers +OK. */
    private static void reply(Client c, byte[][] argv) {
        if (Bytes.eqIgnoreCase(argv[2], "on")) {
            c.replyMode(Client.ReplyMode.ON);
            c.reply().ok();
        } else if (Bytes.eqIgnoreCase(argv[2], "off")) {
            c.replyMode(Client.ReplyMode.OFF);
        } else if (Bytes.eqIgnoreCase(argv[2], "skip")) {
            if (c.replyMode() != Client.ReplyMode.OFF) {
                c.replyMode(Client.ReplyMode.SKIP_NEXT);
            }
        } else {
            c.engine().error(c, Args.SYNTAX);
        }
    }

    /** CLIENT PAUSE timeout [WRITE|ALL] */
    private static void pause(Client c, byte[][] argv) {
        Engine engine = c.engine();
        if (argv.length > 4) {
            HelpReply.syntaxError(c, argv, "CLIENT");
            return;
        }
        Engine.PauseType type = Engine.PauseType.ALL;
        if (argv.length == 4) {
            if (Bytes.eqIgnoreCase(argv[3], "write")) {
                type = Engine.PauseType.WRITE;
            } else if (!Bytes.eqIgnoreCase(argv[3], "all")) {
                engine.error(c, "ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        Long timeout = Bytes.toLong(argv[2]);
        if (timeout == null) {
            engine.error(c, "ERR timeout is not an integer or out of range");
            return;
        }
        if (timeout < 0) {
            engine.error(c, "ERR timeout is negative");
            return;
        }
        // As 7.0's getTimeoutFromObjectOrReply: 0 stays 0 (a pause already over), and a timeout so large that
        // adding the time overflows wraps into the past the same way.
        engine.pauseClients(timeout > 0 ? engine.now() + timeout : 0, type);
        c.reply().ok();
    }

    /** CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: 1 if the client was blocked on keys and is now released. */
    private static void unblock(Client c, byte[][] argv) {
        Engine engine = c.engine();
        if (argv.length > 4) {
            HelpReply.syntaxError(c, argv, "CLIENT");
            return;
        }
        boolean error = false;
        if (argv.length == 4) {
            if (Bytes.eqIgnoreCase(argv[3], "error")) {
                error = true;
            } else if (!Bytes.eqIgnoreCase(argv[3], "timeout")) {
                engine.error(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        Long id = Bytes.toLong(argv[2]);
        if (id == null) {
            engine.error(c, Args.NOT_INTEGER);
            return;
        }
        Client target = engine.clients().get(id);
        if (target == null || !engine.blocking().isBlocked(target)) {
            c.reply().integer(0);
            return;
        }
        engine.blocking().unblockByCommand(target, error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null);
        c.reply().integer(1);
    }

    /**
     * CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX prefix ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP], with Redis
     * 7.0.15's checks in its order.
     */
    private static void tracking(Client c, byte[][] argv) {
        Engine engine = c.engine();
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < argv.length; j++) {
            boolean moreArgs = j < argv.length - 1;
            if (Bytes.eqIgnoreCase(argv[j], "redirect") && moreArgs) {
                j++;
                if (redirect != 0) {
                    engine.error(c, "ERR A client can only redirect to a single other client");
                    return;
                }
                Long id = Bytes.toLong(argv[j]);
                if (id == null) {
                    engine.error(c, Args.NOT_INTEGER);
                    return;
                }
                // The target must exist now; if it goes away later the client is told its redirection broke.
                if (engine.clients().get(id) == null) {
                    engine.error(c, "ERR The client ID you want redirect to does not exist");
                    return;
                }
                redirect = id;
            } else if (Bytes.eqIgnoreCase(argv[j], "bcast")) {
                bcast = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "optin")) {
                optin = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "optout")) {
                optout = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "noloop")) {
                noloop = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "prefix") && moreArgs) {
                prefixes.add(argv[++j]);
            } else {
                engine.error(c, Args.SYNTAX);
                return;
            }
        }
        Tracking tracking = engine.tracking();
        if (Bytes.eqIgnoreCase(argv[2], "on")) {
            Tracking.State s = c.tracking();
            if (!bcast && !prefixes.isEmpty()) {
                engine.error(c, "ERR PREFIX option requires BCAST mode to be enabled");
                return;
            }
            if (s != null && s.bcast() != bcast) {
                engine.error(c, "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
                return;
            }
            if (bcast && (optin || optout)) {
                engine.error(c, "ERR OPTIN and OPTOUT are not compatible with BCAST");
                return;
            }
            if (optin && optout) {
                engine.error(c, "ERR You can't specify both OPTIN mode and OPTOUT mode");
                return;
            }
            if (s != null && ((optin && s.optout()) || (optout && s.optin()))) {
                engine.error(c, "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
                return;
            }
            if (bcast && !tracking.checkPrefixCollisions(c, prefixes)) {
                return;
            }
            tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (Bytes.eqIgnoreCase(argv[2], "off")) {
            tracking.disable(c);
        } else {
            engine.error(c, Args.SYNTAX);
            return;
        }
        c.reply().ok();
    }

    /** CLIENT CACHING YES|NO: whether the next command's keys are tracked, in OPTIN or OPTOUT mode. */
    private static void caching(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Tracking.State s = c.tracking();
        if (s == null) {
            engine.error(c, "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
                    + "or OPTOUT mode enabled");
            return;
        }
        if (Bytes.eqIgnoreCase(argv[2], "yes")) {
            if (!s.optin()) {
                engine.error(c, "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        } else if (Bytes.eqIgnoreCase(argv[2], "no")) {
            if (!s.optout()) {
                engine.error(c, "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        } else {
            engine.error(c, Args.SYNTAX);
            return;
        }
        engine.tracking().caching(c);
        c.reply().ok();
    }

    /** CLIENT TRACKINGINFO: flags (a set), redirect and prefixes, as a map. */
    private static void trackingInfo(Client c, byte[][] argv) {
        Tracking.State s = c.tracking();
        List<String> flags = new ArrayList<>();
        flags.add(s == null ? "off" : "on");
        if (s != null) {
            if (s.bcast()) {
                flags.add("bcast");
            }
            if (s.optin()) {
                flags.add("optin");
                if (s.caching()) {
                    flags.add("caching-yes");
                }
            }
            if (s.optout()) {
                flags.add("optout");
                if (s.caching()) {
                    flags.add("caching-no");
                }
            }
            if (s.noloop()) {
                flags.add("noloop");
            }
            if (s.brokenRedirect()) {
                flags.add("broken_redirect");
            }
        }
        c.reply().map(3);
        c.reply().bulk("flags");
        c.reply().set(flags.size());
        for (String f : flags) {
            c.reply().bulk(f);
        }
        c.reply().bulk("redirect");
        c.reply().integer(s == null ? -1 : s.redirect());
        c.reply().bulk("prefixes");
        c.reply().array(s == null ? 0 : s.prefixes().size());
        if (s != null) {
            for (byte[] p : s.prefixes()) {
                c.reply().bulk(p);
            }
        }
    }

    private static Client.Type typeByName(byte[] name) {
        String n = Bytes.lower(name);
        return switch (n) {
            case "normal" -> Client.Type.NORMAL;
            case "slave", "replica" -> Client.Type.REPLICA;
            case "pubsub" -> Client.Type.PUBSUB;
            case "master" -> Client.Type.MASTER;
            default -> null;
        };
    }
}
