package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;

/**
 * CLUSTER and the cluster-only connection commands (READONLY, READWRITE, ASKING) of a server whose cluster support
 * is disabled, as Redis's cluster.c answers them: clients and tools probing for cluster mode get Redis's error
 * rather than an unknown command.
 */
final class ClusterCommands {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    private ClusterCommands() {}

    static void register(Engine engine) {
        for (CommandSpec cmd : engine.commands().redisCommands()) {
            if (cmd.name().equals("cluster")) {
                for (String sub : cmd.subcommands().keySet()) {
                    engine.commands().register("cluster|" + sub, ClusterCommands::disabled);
                }
            }
        }
        engine.commands().register("readonly", ClusterCommands::disabled);
        engine.commands().register("readwrite", ClusterCommands::disabled);
        engine.commands().register("asking", ClusterCommands::disabled);
    }

    private static void disabled(Client c, byte[][] argv) {
        c.engine().error(c, DISABLED);
    }
}
