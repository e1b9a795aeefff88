package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.Directive;
import io.jredis.server.util.Bytes;

/** Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET. */
final class ConnectionCommands {
    private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static final byte[] DEFAULT_USER = Bytes.of("default");

    private ConnectionCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("ping", ConnectionCommands::ping);
        t.register("echo", (c, argv) -> c.reply().bulk(argv[1]));
        t.register("quit", (c, argv) -> {
            c.reply().ok();
            c.closeAfterReply();
        });
        t.register("select", ConnectionCommands::select);
        t.register("auth", ConnectionCommands::auth);
        t.register("hello", ConnectionCommands::hello);
        t.register("reset", ConnectionCommands::reset);
    }

    /** PING [message] */
    private static void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            c.engine().error(c, "ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (c.subscribed() && c.reply().protocol() == 2) {
            // A RESP2 subscriber's replies are arrays, so PING answers in the shape of a message.
            c.reply().array(2);
            c.reply().bulk("pong");
            c.reply().bulk(argv.length == 2 ? argv[1] : io.jredis.server.util.Bytes.EMPTY);
        } else if (argv.length == 2) {
            c.reply().bulk(argv[1]);
        } else {
            c.reply().simple("PONG");
        }
    }

    /** SELECT index */
    private static void select(Client c, byte[][] argv) {
        Long idx = Bytes.toLong(argv[1]);
        if (idx == null) {
            c.engine().error(c, "ERR value is not an integer or out of range");
            return;
        }
        if (idx < Integer.MIN_VALUE || idx > Integer.MAX_VALUE) {
            // getIntFromObjectOrReply without a message of its own (7.0's wording, "must between" included).
            c.engine().error(c, "ERR value is out of range, value must between " + Integer.MIN_VALUE + " and "
                    + Integer.MAX_VALUE);
            return;
        }
        if (idx < 0 || idx >= c.engine().databaseCount()) {
            c.engine().error(c, "ERR DB index is out of range");
            return;
        }
        c.select(c.engine().database(idx.intValue()));
        c.reply().ok();
    }

    /** AUTH [username] password */
    private static void auth(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        for (int i = 1; i < argv.length; i++) {
            c.engine().redactArgument(i);
        }
        byte[] user;
        byte[] pass;
        if (argv.length == 2) {
            if (c.engine().acl().defaultUser().nopass()) {
                c.engine().error(c, "ERR AUTH <password> called without any password configured for the default "
                        + "user. Are you sure your configuration is correct?");
                return;
            }
            user = DEFAULT_USER;
            pass = argv[1];
        } else {
            user = argv[1];
            pass = argv[2];
        }
        if (authenticate(c, user, pass)) {
            c.reply().ok();
        } else {
            c.engine().error(c, WRONGPASS);
        }
    }

    /** Checks credentials through the ACL; a failure is logged there and leaves the client as it was. */
    private static boolean authenticate(Client c, byte[] user, byte[] pass) {
        return c.engine().acl().authenticate(c, user, pass);
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]] */
    private static void hello(Client c, byte[][] argv) {
        Engine engine = c.engine();
        long version = 0;
        int next = 1;
        if (argv.length >= 2) {
            Long v = Bytes.toLong(argv[next++]);
            if (v == null) {
                engine.error(c, "ERR Protocol version is not an integer or out of range");
                return;
            }
            if (v < 2 || v > 3) {
                engine.error(c, "NOPROTO unsupported protocol version");
                return;
            }
            version = v;
        }
        // Redis 7.0 authenticates and sets the name as it meets the options: a later bad option leaves them done.
        for (int j = next; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            if (Bytes.eqIgnoreCase(argv[j], "auth") && more >= 2) {
                engine.redactArgument(j + 1);
                engine.redactArgument(j + 2);
                if (!authenticate(c, argv[j + 1], argv[j + 2])) {
                    engine.error(c, WRONGPASS);
                    return;
                }
                j += 2;
            } else if (Bytes.eqIgnoreCase(argv[j], "setname") && more >= 1) {
                if (!ClientCommand.setName(c, argv[j + 1])) {
                    return;
                }
                j++;
            } else {
                engine.error(c, "ERR Syntax error in HELLO option '" + Directive.cstr(Bytes.str(argv[j])) + "'");
                return;
            }
        }
        if (!c.authenticated()) {
            engine.error(c, "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                    + "protocol version at the same time");
            return;
        }
        if (version != 0) {
            c.reply().protocol((int) version);
        }
        boolean sentinel = engine.config().sentinelMode();
        // Redis's HELLO has no role in Sentinel mode
        c.reply().map(sentinel ? 6 : 7);
        c.reply().bulk("server");
        c.reply().bulk("redis");
        c.reply().bulk("version");
        c.reply().bulk(Engine.REDIS_VERSION);
        c.reply().bulk("proto");
        c.reply().integer(c.reply().protocol());
        c.reply().bulk("id");
        c.reply().integer(c.id());
        c.reply().bulk("mode");
        c.reply().bulk(sentinel ? "sentinel" : "standalone");
        if (!sentinel) {
            c.reply().bulk("role");
            c.reply().bulk(engine.slaveMode() ? "replica" : "master");
        }
        c.reply().bulk("modules");
        c.reply().array(0);
    }

    /** RESET: back to a fresh connection's state (database 0, RESP2, no name, not authenticated when required). */
    private static void reset(Client c, byte[][] argv) {
        Client.Type type = c.type();
        if (type == Client.Type.REPLICA || type == Client.Type.MASTER) {
            c.engine().error(c, "ERR can only reset normal client connections");
            return;
        }
        c.engine().resetClientState(c);
        c.select(c.engine().database(0));
        c.reply().protocol(2);
        c.name("");
        c.deauthenticate();
        // Redis clears REPLY OFF and a pending SKIP, not the skip of RESET itself (so +RESET is then dropped).
        if (c.replyMode() != Client.ReplyMode.SKIP) {
            c.replyMode(Client.ReplyMode.ON);
        }
        c.reply().simple("RESET");
    }
}
