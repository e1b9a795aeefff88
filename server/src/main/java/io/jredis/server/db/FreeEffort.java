package io.jredis.server.db;

/**
 * Redis's lazyfreeGetFreeEffort: the allocations freeing a value costs, which decides whether a lazy delete hands it
 * to the background thread (counted in INFO lazyfreed_objects). jredis frees nothing itself, so only the count
 * depends on it.
 */
public final class FreeEffort {
    /** Redis's LAZYFREE_THRESHOLD: values costing more are freed in the background. */
    public static final int THRESHOLD = 64;

    private FreeEffort() {}

    /**
     * Whether Redis would free {@code value} in the background; {@code listFill} is list-max-listpack-size, which
     * sizes the quicklist nodes a list's effort counts.
     */
    public static boolean aboveThreshold(Object value, long listFill) {
        if (value instanceof ListValue l) {
            return quicklistNodesAbove(l, listFill);
        }
        if (value instanceof SetValue s) {
            return s.encoding().equals("hashtable") && s.size() > THRESHOLD;
        }
        if (value instanceof HashValue h) {
            return h.encoding().equals("hashtable") && h.size() > THRESHOLD;
        }
        if (value instanceof ZSetValue z) {
            return z.encoding().equals("skiplist") && z.size() > THRESHOLD;
        }
        if (value instanceof StreamValue st) {
            // The stream's nodes, and per group one allocation plus the first group's PEL size as an estimate.
            long effort = st.nodeCount();
            if (!st.groups().isEmpty()) {
                StreamGroup first = st.groups().values().iterator().next();
                effort += (long) st.groups().size() * (1 + first.pel.size());
            }
            return effort > THRESHOLD;
        }
        return false;
    }

    /** Whether the list would span more than the threshold's quicklist nodes (each up to {@code fill}). */
    private static boolean quicklistNodesAbove(ListValue l, long fill) {
        if (l.size() <= THRESHOLD) {
            return false;
        }
        if (fill >= 0) {
            long perNode = Math.max(1, fill);
            return (l.size() + perNode - 1) / perNode > THRESHOLD;
        }
        // A negative fill caps a node's listpack at 4 KB << (-fill - 1): count bytes until the nodes pass it.
        long nodeBytes = 4096L << (Math.min(5, -fill) - 1);
        long limit = nodeBytes * THRESHOLD;
        long bytes = 0;
        for (int i = 0; i < l.size(); i++) {
            bytes += l.get(i).length + 2;
            if (bytes > limit) {
                return true;
            }
        }
        return false;
    }
}
