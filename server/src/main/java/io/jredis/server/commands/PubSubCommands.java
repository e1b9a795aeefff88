package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.PubSub;
import io.jredis.server.command.CommandTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Publish/subscribe commands (Redis's pubsub.c). */
final class PubSubCommands {
    private PubSubCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("subscribe", (c, argv) -> subscribe(c, argv, PubSub.Kind.CHANNEL));
        t.register("psubscribe", (c, argv) -> subscribe(c, argv, PubSub.Kind.PATTERN));
        t.register("ssubscribe", (c, argv) -> subscribe(c, argv, PubSub.Kind.SHARD));
        t.register("unsubscribe", (c, argv) -> unsubscribe(c, argv, PubSub.Kind.CHANNEL));
        t.register("punsubscribe", (c, argv) -> unsubscribe(c, argv, PubSub.Kind.PATTERN));
        t.register("sunsubscribe", (c, argv) -> unsubscribe(c, argv, PubSub.Kind.SHARD));
        t.register("publish", (c, argv) -> {
            c.reply().integer(c.engine().pubsub().publish(argv[1], argv[2]));
            // PUBLISH changes no data (no dirty count, nothing in the AOF) but is propagated so replicas'
            // subscribers see it (Sentinel relies on it).
            c.engine().forceReplicaPropagation();
        });
        t.register("spublish", (c, argv) -> {
            c.reply().integer(c.engine().pubsub().publishShard(argv[1], argv[2]));
            c.engine().forceReplicaPropagation();
        });
        t.register("pubsub|channels", (c, argv) -> channels(c, argv, PubSub.Kind.CHANNEL));
        t.register("pubsub|shardchannels", (c, argv) -> channels(c, argv, PubSub.Kind.SHARD));
        t.register("pubsub|numsub", (c, argv) -> numsub(c, argv, PubSub.Kind.CHANNEL));
        t.register("pubsub|shardnumsub", (c, argv) -> numsub(c, argv, PubSub.Kind.SHARD));
        t.register("pubsub|numpat", (c, argv) -> c.reply().integer(c.engine().pubsub().patternCount()));
        t.register("pubsub|help", PubSubCommands::help);
    }

    /** SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE name [name ...] */
    private static void subscribe(Client c, byte[][] argv, PubSub.Kind kind) {
        // Inside EXEC Redis lets SUBSCRIBE and PSUBSCRIBE through for backward compatibility, but not SSUBSCRIBE.
        if (kind == PubSub.Kind.SHARD && c.denyBlocking()) {
            c.engine().error(c, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        for (int i = 1; i < argv.length; i++) {
            c.engine().pubsub().subscribe(c, kind, argv[i]);
        }
        c.timeoutExempt(true);
    }

    /** UNSUBSCRIBE/PUNSUBSCRIBE/SUNSUBSCRIBE [name ...] */
    private static void unsubscribe(Client c, byte[][] argv, PubSub.Kind kind) {
        List<byte[]> names = new ArrayList<>(Arrays.asList(argv).subList(1, argv.length));
        c.engine().pubsub().unsubscribe(c, kind, names);
        if (!c.subscribed()) {
            c.timeoutExempt(false);
        }
    }

    /** PUBSUB CHANNELS|SHARDCHANNELS [pattern] */
    private static void channels(Client c, byte[][] argv, PubSub.Kind kind) {
        if (argv.length > 3) {
            c.engine().error(c, "ERR unknown subcommand or wrong number of arguments for '" + io.jredis.server.util.Bytes.str(argv[1])
                    + "'. Try PUBSUB HELP.");
            return;
        }
        List<byte[]> names = c.engine().pubsub().active(kind, argv.length == 3 ? argv[2] : null);
        c.reply().array(names.size());
        for (byte[] n : names) {
            c.reply().bulk(n);
        }
    }

    /** PUBSUB NUMSUB|SHARDNUMSUB [channel ...]: a map of channel to subscriber count. */
    private static void numsub(Client c, byte[][] argv, PubSub.Kind kind) {
        // A flat array even in RESP3, as Redis 7.0 replies.
        c.reply().array((argv.length - 2) * 2);
        for (int i = 2; i < argv.length; i++) {
            c.reply().bulk(argv[i]);
            c.reply().integer(c.engine().pubsub().subscriberCount(kind, argv[i]));
        }
    }

    private static void help(Client c, byte[][] argv) {
        String[] lines = {
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
            "HELP",
            "    Prints this help."
        };
        c.reply().array(lines.length);
        for (String l : lines) {
            c.reply().simple(l);
        }
    }
}
