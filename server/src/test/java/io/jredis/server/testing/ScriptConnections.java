package io.jredis.server.testing;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One server's side of a multi-connection comparison script ({@link DifferentialRunner#steps}): a control
 * connection, and connection N opened on first use. Subclasses add what their scripts check.
 */
public class ScriptConnections implements AutoCloseable {
    private static final int BLOCK_SECONDS = 20;

    protected final String name;
    protected final int port;
    public final RawClient control;
    private final Map<Integer, RawClient> conns = new HashMap<>();

    public ScriptConnections(String name, int port) throws IOException {
        this.name = name;
        this.port = port;
        control = new RawClient("127.0.0.1", port);
    }

    /** Connection {@code n}, opened on first use. */
    public RawClient conn(int n) throws IOException {
        RawClient c = conns.get(n);
        if (c == null) {
            c = new RawClient("127.0.0.1", port);
            conns.put(n, c);
            opened(n, c);
        }
        return c;
    }

    /** Called once connection {@code n} is open. */
    protected void opened(int n, RawClient c) throws IOException {
    }

    /** INFO clients' blocked_clients. */
    public long blockedClients() {
        return control.infoLong("clients", "blocked_clients");
    }

    /** Sends a command whose reply comes later, and waits (bounded) until the server counts one more blocked client. */
    public void sendBlocking(RawClient c, byte[][] argv, String where) throws IOException {
        long before = blockedClients();
        c.send(RawClient.encode(argv));
        Await.until("a blocked client on " + name + " after " + where, BLOCK_SECONDS, () -> blockedClients() > before);
    }

    /** Closes the script's connections (not the control connection). */
    protected void closeConnections() throws IOException {
        for (RawClient c : conns.values()) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeConnections();
        control.close();
    }
}
