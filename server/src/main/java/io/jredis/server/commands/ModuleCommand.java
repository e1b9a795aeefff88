package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.util.Bytes;

/**
 * MODULE: jredis loads no modules, so LIST is empty, and LOAD, LOADEX and UNLOAD fail as Redis's do when the
 * library cannot be opened or the module is not loaded. Those three are refused before running unless
 * {@code enable-module-command} allows them, as Redis 7.0 protects them.
 */
final class ModuleCommand {
    private static final String NOT_ALLOWED = "ERR MODULE command not allowed. If the enable-module-command option is"
            + " set to \"local\", you can run it from a local connection, otherwise you need to set this option in"
            + " the configuration file, and then restart the server.";

    private ModuleCommand() {}

    static void register(Engine engine) {
        engine.commands().register("module|list", (c, argv) -> c.reply().array(0));
        engine.commands().register("module|help", ModuleCommand::help);
        engine.commands().register("module|load", ModuleCommand::load).protect(ModuleCommand::allowed);
        engine.commands().register("module|loadex", ModuleCommand::load).protect(ModuleCommand::allowed);
        engine.commands().register("module|unload", (c, argv) ->
                c.engine().error(c, "ERR Error unloading module: no such module with that name"))
                .protect(ModuleCommand::allowed);
    }

    /** MODULE LOAD, LOADEX and UNLOAD are protected commands, refused unless enable-module-command allows them. */
    private static String allowed(Client c, CommandSpec cmd, byte[][] argv) {
        return switch (c.engine().config().enableModuleCommand.value()) {
            case "yes" -> null;
            case "local" -> DebugCommand.isLocal(c) ? null : NOT_ALLOWED;
            default -> NOT_ALLOWED;
        };
    }

    /** There is no module library to open: Redis's reply when dlopen fails. */
    private static void load(Client c, byte[][] argv) {
        c.engine().log().warning("Module " + Bytes.str(argv[2])
                + " failed to load: jredis does not load Redis modules");
        c.engine().error(c, "ERR Error loading the extension. Please check the server logs.");
    }

    private static void help(Client c, byte[][] argv) {
        HelpReply.send(c, "MODULE",
                "LIST",
                "    Return a list of loaded modules.",
                "LOAD <path> [<arg> ...]",
                "    Load a module library from <path>, passing to it any optional arguments.",
                "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                "    Load a module library from <path>, while passing it module configurations and optional arguments.",
                "UNLOAD <name>",
                "    Unload a module.");
    }
}
