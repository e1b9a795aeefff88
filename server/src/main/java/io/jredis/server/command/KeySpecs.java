package io.jredis.server.command;

import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the key arguments of a command line from its Redis 7.0 key specs ({@code begin_search} by index or
 * keyword, {@code find_keys} by range or keynum), as Redis's {@code getKeysFromCommandWithSpecs} does, including
 * the hand-written extractors Redis falls back to where the specs are incomplete or their flags vary (SORT,
 * SORT_RO, SET, BITFIELD, MIGRATE). Used by COMMAND GETKEYS and anything that needs key positions (ACL, cluster).
 */
public final class KeySpecs {
    /** A key argument: its index in argv and the key spec flags (RO, RW, OW, RM, access, update ...). */
    public record KeyRef(int pos, Set<String> flags) {}

    private record Spec(Set<String> flags, String bsType, long index, String keyword, long startFrom,
            String fkType, long lastKey, long keyStep, long limit, long keyNumIdx, long firstKey) {}

    private KeySpecs() {}

    /** True if the command may take keys (Redis's doesCommandHaveKeys): a spec that is not {@code not_key}. */
    public static boolean hasKeys(CommandSpec cmd) {
        for (Spec s : specs(cmd)) {
            if (!s.flags.contains("not_key")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The keys of {@code argv} (argv[0] is the command name, arity already checked). Returns an empty list when the
     * arguments are invalid for the specs and no extractor applies.
     */
    public static List<KeyRef> keys(CommandSpec cmd, byte[][] argv) {
        List<Spec> specs = specs(cmd);
        boolean hasKeySpec = false;
        boolean varFlags = false;
        for (Spec s : specs) {
            hasKeySpec |= !s.flags.contains("not_key");
            varFlags |= s.flags.contains("variable_flags");
        }
        if (hasKeySpec && !varFlags) {
            List<KeyRef> keys = fromSpecs(cmd, specs, argv);
            if (keys != null) {
                return keys;
            }
        }
        return switch (cmd.fullName()) {
            case "sort" -> sortKeys(argv);
            case "sort_ro" -> List.of(new KeyRef(1, flags("RO", "access")));
            case "set" -> setKeys(argv);
            case "bitfield" -> bitfieldKeys(argv);
            case "migrate" -> migrateKeys(argv);
            default -> List.of();
        };
    }

    /** Redis's getKeysUsingKeySpecs without partial results: null when a spec does not fit the arguments. */
    private static List<KeyRef> fromSpecs(CommandSpec cmd, List<Spec> specs, byte[][] argv) {
        int argc = argv.length;
        List<KeyRef> out = new ArrayList<>();
        for (Spec spec : specs) {
            if (spec.flags.contains("not_key")) {
                continue;
            }
            int first = 0;
            if (spec.bsType.equals("index")) {
                first = (int) spec.index;
            } else if (spec.bsType.equals("keyword")) {
                int start = (int) (spec.startFrom > 0 ? spec.startFrom : argc + spec.startFrom);
                int end = spec.startFrom > 0 ? argc - 1 : 1;
                for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                    if (i >= argc || i < 1) {
                        break;
                    }
                    if (Bytes.eqIgnoreCase(argv[i], spec.keyword)) {
                        first = i + 1;
                        break;
                    }
                }
                if (first == 0) {
                    continue;
                }
            } else {
                return null;
            }
            int last;
            int step;
            if (spec.fkType.equals("range")) {
                step = (int) spec.keyStep;
                if (spec.lastKey >= 0) {
                    last = (int) (first + spec.lastKey);
                } else if (spec.limit == 0) {
                    last = (int) (argc + spec.lastKey);
                } else {
                    last = (int) (first + ((argc - first) / spec.limit + spec.lastKey));
                }
            } else if (spec.fkType.equals("keynum")) {
                step = (int) spec.keyStep;
                if (spec.keyNumIdx >= argc || first + spec.keyNumIdx >= argc) {
                    return null;
                }
                long[] numKeys = new long[1];
                if (!Bytes.parseLong(argv[(int) (first + spec.keyNumIdx)], numKeys) || numKeys[0] < 0
                        || numKeys[0] > Integer.MAX_VALUE) {
                    return null;
                }
                first += (int) spec.firstKey;
                last = (int) (first + numKeys[0] - 1);
            } else {
                return null;
            }
            if (last >= argc || last < first || first >= argc) {
                return null;
            }
            for (int i = first; i <= last; i += step) {
                if (i >= argc || i < first) {
                    // Variadic commands are not arity-checked against their keys; the command reports the error.
                    continue;
                }
                out.add(new KeyRef(i, spec.flags));
            }
            if (spec.flags.contains("incomplete")) {
                return null;
            }
        }
        return out;
    }

    /** SORT key ... [STORE dest]: the last STORE names the destination; BY/GET patterns are not keys here. */
    private static List<KeyRef> sortKeys(byte[][] argv) {
        List<KeyRef> out = new ArrayList<>(2);
        out.add(new KeyRef(1, flags("RO", "access")));
        int store = -1;
        for (int i = 2; i < argv.length; i++) {
            // Options are skipped with their arguments so that a pattern or offset named "store" is not taken.
            if (Bytes.eqIgnoreCase(argv[i], "limit")) {
                i += 2;
            } else if (Bytes.eqIgnoreCase(argv[i], "store") && i + 1 < argv.length) {
                store = i + 1;
            } else if (Bytes.eqIgnoreCase(argv[i], "get") || Bytes.eqIgnoreCase(argv[i], "by")) {
                i += 1;
            }
        }
        if (store > 0) {
            out.add(new KeyRef(store, flags("OW", "update")));
        }
        return out;
    }

    /** SET key value [... GET ...]: reading the old value makes the key RW instead of OW. */
    private static List<KeyRef> setKeys(byte[][] argv) {
        for (int i = 3; i < argv.length; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "get")) {
                return List.of(new KeyRef(1, flags("RW", "access", "update")));
            }
        }
        return List.of(new KeyRef(1, flags("OW", "update")));
    }

    /** BITFIELD key [GET ...] [SET ...] [INCRBY ...] [OVERFLOW ...]: read-only when it only GETs. */
    private static List<KeyRef> bitfieldKeys(byte[][] argv) {
        boolean readonly = true;
        for (int i = 2; i < argv.length; i++) {
            int remaining = argv.length - i - 1;
            if (Bytes.eqIgnoreCase(argv[i], "get") && remaining >= 2) {
                i += 2;
            } else if ((Bytes.eqIgnoreCase(argv[i], "set") || Bytes.eqIgnoreCase(argv[i], "incrby"))
                    && remaining >= 3) {
                readonly = false;
                break;
            } else if (Bytes.eqIgnoreCase(argv[i], "overflow") && remaining >= 1) {
                i += 1;
            } else {
                readonly = false;
                break;
            }
        }
        return List.of(new KeyRef(1, readonly ? flags("RO", "access") : flags("RW", "access", "update")));
    }

    /** MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS key ...]. */
    private static List<KeyRef> migrateKeys(byte[][] argv) {
        int first = 3;
        int num = 1;
        if (argv.length > 6) {
            for (int i = 6; i < argv.length; i++) {
                if (Bytes.eqIgnoreCase(argv[i], "keys")) {
                    if (argv[3].length > 0) {
                        num = 0;
                    } else {
                        first = i + 1;
                        num = argv.length - first;
                    }
                    break;
                }
                if (Bytes.eqIgnoreCase(argv[i], "auth")) {
                    i += 1;
                } else if (Bytes.eqIgnoreCase(argv[i], "auth2")) {
                    i += 2;
                }
            }
        }
        List<KeyRef> out = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            out.add(new KeyRef(first + i, flags("RW", "access", "delete")));
        }
        return out;
    }

    private static Set<String> flags(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** The key specs of the stored COMMAND INFO entry (its ninth element). */
    private static List<Spec> specs(CommandSpec cmd) {
        List<?> info = (List<?>) cmd.info();
        List<Spec> out = new ArrayList<>();
        if (info.size() < 9 || !(info.get(8) instanceof Collection<?> specs)) {
            return out;
        }
        for (Object o : specs) {
            Map<?, ?> m = (Map<?, ?>) o;
            Set<String> flags = new LinkedHashSet<>();
            for (Object f : (Collection<?>) m.get("flags")) {
                flags.add(text(f));
            }
            Map<?, ?> bs = (Map<?, ?>) m.get("begin_search");
            Map<?, ?> bsSpec = (Map<?, ?>) bs.get("spec");
            Map<?, ?> fk = (Map<?, ?>) m.get("find_keys");
            Map<?, ?> fkSpec = (Map<?, ?>) fk.get("spec");
            out.add(new Spec(flags, text(bs.get("type")), num(bsSpec, "index"),
                    bsSpec.containsKey("keyword") ? text(bsSpec.get("keyword")).toLowerCase() : "",
                    num(bsSpec, "startfrom"), text(fk.get("type")), num(fkSpec, "lastkey"), num(fkSpec, "keystep"),
                    num(fkSpec, "limit"), num(fkSpec, "keynumidx"), num(fkSpec, "firstkey")));
        }
        return out;
    }

    private static long num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v instanceof Long l ? l : 0;
    }

    private static String text(Object o) {
        if (o instanceof Reply.Status s) {
            return s.text();
        }
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(o);
    }
}
