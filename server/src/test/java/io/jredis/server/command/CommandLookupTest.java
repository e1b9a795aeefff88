package io.jredis.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-keyed command lookup: case-insensitive, exact length, only implemented commands and subcommands. */
class CommandLookupTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void lookupIgnoresAsciiCaseOnly() {
        CommandTable t = new CommandTable();
        CommandHandler h = (c, argv) -> { };
        CommandSpec get = t.register("get", h);
        t.register("set", h);
        assertSame(get, t.lookup(b("get")));
        assertSame(get, t.lookup(b("GET")));
        assertSame(get, t.lookup(b("gEt")));
        assertNull(t.lookup(b("ge")));
        assertNull(t.lookup(b("gett")));
        assertNull(t.lookup(b("g\u00c5t")), "only A-Z fold");
        assertNull(t.lookup(b("")));
        assertNull(t.lookup(b("del")), "known to Redis but not implemented");
        assertEquals("set", t.lookup(b("SET")).name());
    }

    @Test
    void subcommandsOnlyWhenImplemented() {
        CommandTable t = new CommandTable();
        CommandHandler h = (c, argv) -> { };
        CommandSpec configGet = t.register("config|get", h);
        CommandSpec config = t.lookup(b("CONFIG"));
        assertEquals("config", config.name());
        assertSame(configGet, CommandTable.subcommand(config, b("GeT")));
        assertNull(CommandTable.subcommand(config, b("set")), "not registered");
        assertNull(CommandTable.subcommand(config, b("gets")));
    }
}
