package io.jredis.server.config;

/** {@code replicaof <host> <port>} or {@code replicaof no one} (alias {@code slaveof}). */
public final class ReplicaofDirective extends Directive {
    private String host;
    private int port;

    public ReplicaofDirective(int flags) {
        super("replicaof", flags | MULTI_ARG, "slaveof");
    }

    /** The master's host, or null when this server is a master. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Records the master set at run time (REPLICAOF host port), or none with a null host, for CONFIG REWRITE. */
    public void master(String host, int port) {
        this.host = host;
        this.port = host == null ? 0 : port;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        if (args.length != 2) {
            throw new ConfigException("wrong number of arguments");
        }
        host = null;
        if (args[0].equalsIgnoreCase("no") && args[1].equalsIgnoreCase("one")) {
            return true;
        }
        Long p = CNumbers.strtoll(args[1], 10, false);
        if (p == null || p < 0 || p > 65535) {
            throw new ConfigException("Invalid master port");
        }
        port = p.intValue();
        host = args[0];
        return true;
    }

    @Override
    public String get() {
        return host == null ? "" : host + " " + port;
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        if (host == null) {
            rw.markProcessed(name());
            return;
        }
        rw.line(name(), name() + " " + host + " " + port, true);
    }
}
