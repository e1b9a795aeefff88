package io.jredis.server.config;

/**
 * {@code client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [...]} for the classes {@code normal},
 * {@code replica} (alias {@code slave}) and {@code pubsub}. A line changes only the classes it names.
 */
public final class ClientOutputBufferLimitDirective extends Directive {
    /** The client classes, in Redis's order (CONFIG GET prints them so). */
    public enum ClientClass { NORMAL, REPLICA, PUBSUB }

    /** One class's limits; 0 disables a limit. */
    public record Limit(long hardBytes, long softBytes, int softSeconds) {
        /**
         * The hard limit of a replica: a set one below repl-backlog-size counts as that size, as in Redis 7.0's
         * checkClientOutputBufferLimits, or a partial resync the backlog allows would be cut off by the data it sends.
         */
        public long replicaHardBytes(long backlogSize) {
            return hardBytes != 0 && hardBytes < backlogSize ? backlogSize : hardBytes;
        }
    }

    private static final Limit[] DEFAULTS = {
        new Limit(0, 0, 0), new Limit(256L << 20, 64L << 20, 60), new Limit(32L << 20, 8L << 20, 60)
    };

    private final Limit[] limits = DEFAULTS.clone();

    public ClientOutputBufferLimitDirective(int flags) {
        super("client-output-buffer-limit", flags | MULTI_ARG);
    }

    public Limit limit(ClientClass c) {
        return limits[c.ordinal()];
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        if (args.length % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Limit[] next = limits.clone();
        for (int j = 0; j < args.length; j += 4) {
            ClientClass cls = switch (args[j].toLowerCase()) {
                case "normal" -> ClientClass.NORMAL;
                case "slave", "replica" -> ClientClass.REPLICA;
                case "pubsub" -> ClientClass.PUBSUB;
                default -> throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            };
            Long hard = MemoryUnits.parse(args[j + 1]);
            Long soft = MemoryUnits.parse(args[j + 2]);
            Long seconds = CNumbers.strtoll(args[j + 3], 10, false);
            // Redis stores the seconds in an int, so it is the truncated value that must not be negative.
            if (hard == null || soft == null || seconds == null || seconds.intValue() < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            next[cls.ordinal()] = new Limit(hard, soft, seconds.intValue());
        }
        System.arraycopy(next, 0, limits, 0, limits.length);
        return true;
    }

    @Override
    public String get() {
        StringBuilder sb = new StringBuilder();
        String[] names = {"normal", "slave", "pubsub"};
        for (int j = 0; j < limits.length; j++) {
            if (j > 0) {
                sb.append(' ');
            }
            sb.append(names[j]).append(' ').append(Long.toUnsignedString(limits[j].hardBytes)).append(' ')
                    .append(Long.toUnsignedString(limits[j].softBytes)).append(' ').append(limits[j].softSeconds);
        }
        return sb.toString();
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        String[] names = {"normal", "replica", "pubsub"};
        for (int j = 0; j < limits.length; j++) {
            Limit l = limits[j];
            rw.line(name(), name() + " " + names[j] + " " + MemoryUnits.format(l.hardBytes) + " "
                    + MemoryUnits.format(l.softBytes) + " " + l.softSeconds, !l.equals(DEFAULTS[j]));
        }
    }
}
