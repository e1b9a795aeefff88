package io.jredis.replication;

import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import io.jredis.server.Shutdown;
import io.jredis.server.command.CommandHandler;
import io.jredis.server.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Plugs replication into a server: the commands (REPLCONF, PSYNC, SYNC, WAIT, ROLE, REPLICAOF, SLAVEOF), the
 * propagation listener that feeds the stream, the read-only / stale-data / min-replicas guard, INFO's Replication
 * section, the once-a-second replication cron, {@code replicaof} from the configuration at start, and DEBUG REPLICATE.
 */
public final class ReplicationModule {
    private ReplicationModule() {}

    /** Installs replication with the codec that snapshots and parses RDB payloads; call before {@link RedisServer#start()}. */
    public static Replication install(RedisServer server, SnapshotCodec codec) {
        Engine engine = server.engine();
        Replication repl = new Replication(engine, codec);
        engine.commands().register("replconf", repl::replconf);
        engine.commands().register("psync", repl::sync);
        engine.commands().register("sync", repl::sync);
        engine.commands().register("wait", repl::waitCommand);
        engine.commands().register("role", repl::role);
        engine.commands().register("failover", repl::failover);
        engine.commands().register("replicaof", repl::replicaof);
        engine.commands().register("slaveof", repl::replicaof);
        CommandHandler debug = engine.commands().lookup("debug").handler();
        engine.commands().register("debug", (c, argv) -> {
            if (argv.length >= 3 && Bytes.eqIgnoreCase(argv[1], "replicate")) {
                repl.debugReplicate(c, Arrays.copyOfRange(argv, 2, argv.length));
            } else {
                debug.execute(c, argv);
            }
        });
        engine.addPropagationListener(Engine.PROPAGATE_REPL, repl::propagate, repl::feeding);
        // The stream of the current loop turn goes out before SHUTDOWN closes the replicas' connections.
        engine.addShutdownPreparer((save, nosave, force) -> {
            repl.flushStreams();
            return true;
        });
        engine.shutdownSequence().replicas(new Shutdown.Replicas() {
            @Override
            public boolean caughtUp() {
                return repl.replicasCaughtUp();
            }

            @Override
            public void requestAcks() {
                repl.sendGetack();
            }

            @Override
            public void logSyncState() {
                repl.logShutdownSyncState();
            }
        });
        engine.addGuard((c, cmd, argv) -> repl.guard(c, cmd));
        engine.addScriptWriteGuard(repl::noReplicas);
        engine.staleReplicaSource(repl::runningStale);
        engine.replOffsetSource(repl::masterOffset);
        engine.replBacklogSource(repl::backlogBytes);
        engine.config().replBacklogSize.onChange(repl::backlogSizeChanged);
        engine.replicationInfo(repl::info);
        // Redis's role mark follows masterhost, set from the replicaof directive before the link starts.
        server.log().role(() -> engine.config().replicaof.host() != null ? 'S' : 'M');
        server.onStarted(() -> {
            engine.loop().scheduleAtFixedRate(repl::cron, 1, 1, TimeUnit.SECONDS);
            String host = engine.config().replicaof.host();
            if (host != null) {
                repl.startReplica(host, engine.config().replicaof.port());
            }
        });
        return repl;
    }
}
