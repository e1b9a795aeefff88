package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandTable;
import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT ID | SETNAME | GETNAME | LIST | INFO | KILL | NO-EVICT | REPLY | PAUSE | UNPAUSE | HELP, as Redis 7.0.15's
 * {@code clientCommand}.
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
                engine.error(c, "ERR Unknown client type '" + Bytes.str(argv[3]) + "'");
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
                Long id = Args.longOrNull(argv[j]);
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
                    Long v = Args.longOrNull(argv[i + 1]);
                    if (v == null || v < 1) {
                        engine.error(c, "ERR client-id should be greater than 0");
                        return;
                    }
                    id = v;
                } else if (Bytes.eqIgnoreCase(argv[i], "type") && more) {
                    type = typeByName(argv[i + 1]);
                    if (type == null) {
                        engine.error(c, "ERR Unknown client type '" + Bytes.str(argv[i + 1]) + "'");
                        return;
                    }
                } else if (Bytes.eqIgnoreCase(argv[i], "addr") && more) {
                    addr = Bytes.str(argv[i + 1]);
                } else if (Bytes.eqIgnoreCase(argv[i], "laddr") && more) {
                    laddr = Bytes.str(argv[i + 1]);
                } else if (Bytes.eqIgnoreCase(argv[i], "user") && more) {
                    user = Bytes.str(argv[i + 1]);
                    if (engine.acl().user(user) == null) {
                        engine.error(c, "ERR No such user '" + user + "'");
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
            engine.error(c, "ERR unknown subcommand or wrong number of arguments for '" + truncate(Bytes.str(argv[1]))
                    + "'. Try CLIENT HELP.");
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
        Long timeout = Args.longOrNull(argv[2]);
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

    private static String truncate(String s) {
        return s.length() <= 128 ? s : s.substring(0, 128);
    }
}
