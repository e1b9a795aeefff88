package io.jredis.server.command;

import io.jredis.server.Client;

/** Executes one command; arity has been checked, {@code argv[0]} is the command name as the client sent it. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client c, byte[][] argv);
}
