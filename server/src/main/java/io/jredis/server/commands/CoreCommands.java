package io.jredis.server.commands;

import io.jredis.server.Engine;

/** Registers every command family of the server module with the engine's command table. */
public final class CoreCommands {
    private CoreCommands() {}

    public static void register(Engine engine) {
        ConnectionCommands.register(engine);
        StringCommands.register(engine);
        HashCommands.register(engine);
        SetCommands.register(engine);
    }
}
