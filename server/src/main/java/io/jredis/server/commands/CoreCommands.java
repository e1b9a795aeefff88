package io.jredis.server.commands;

import io.jredis.server.Engine;

/** Registers every command family of the server module with the engine's command table. */
public final class CoreCommands {
    private CoreCommands() {}

    public static void register(Engine engine) {
        ConnectionCommands.register(engine);
        ClientCommand.register(engine);
        StringCommands.register(engine);
        ListCommands.register(engine);
        ZSetCommands.register(engine);
        StreamCommands.register(engine);
        BitCommands.register(engine);
        HyperLogLogCommands.register(engine);
        TransactionCommands.register(engine);
        PubSubCommands.register(engine);
        ConfigCommand.register(engine);
        KeyCommands.register(engine);
        ServerCommands.register(engine);
        InfoCommand.register(engine);
        CommandCommand.register(engine);
        DebugCommand.register(engine);
        HashCommands.register(engine);
        SetCommands.register(engine);
        MemoryCommand.register(engine);
        ObservabilityCommands.register(engine);
        AclCommand.register(engine);
        ScriptingCommands.register(engine);
        SortCommand.register(engine);
        ClusterCommands.register(engine);
        ModuleCommand.register(engine);
        GeoCommands.register(engine);
        LolwutCommand.register(engine);
    }
}
