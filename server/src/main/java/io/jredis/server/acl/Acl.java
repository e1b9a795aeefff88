package io.jredis.server.acl;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.PubSub;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.command.KeySpecs;
import io.jredis.server.util.BytesKey;
import io.jredis.server.util.Glob;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Redis 7.0's access control lists: the users, the permission check every command goes through, AUTH, the ACL log
 * and the ACL file. Command permissions are bits over every Redis 7.0 command (implemented here or not), so rules
 * and their descriptions are the same as Redis's. Strings are ISO-8859-1 views of the client's bytes.
 */
public final class Acl {
    /** Redis's ACL categories, in its order (ACL CAT, COMMAND INFO, rule descriptions). */
    public static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    static final String ERR_UNKNOWN = "Unknown command or category name in ACL";
    static final String ERR_SYNTAX = "Syntax error";
    static final String ERR_ALLKEYS = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
            + "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    static final String ERR_ALLCHANNELS = "Adding a pattern after the * pattern (or the 'allchannels' flag) is not "
            + "valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    private static final String ERR_NO_PASSWORD = "The password you are trying to remove from the user does not exist";
    private static final String ERR_HASH = "The password hash must be exactly 64 characters and contain only "
            + "lowercase hexadecimal characters";

    /** Permission check outcomes, ordered as Redis ranks them when selectors disagree. */
    public static final int OK = 0;
    public static final int DENIED_CMD = 1;
    public static final int DENIED_KEY = 2;
    public static final int DENIED_AUTH = 3;
    public static final int DENIED_CHANNEL = 4;

    /** A check's outcome and, for keys and channels, the index of the refused argument. */
    public record Verdict(int result, int pos) {}

    private static final Verdict ALLOWED = new Verdict(OK, 0);

    private final Engine engine;
    private final List<CommandSpec> commands = new ArrayList<>();
    private final Map<CommandSpec, Integer> ids = new IdentityHashMap<>();
    private final Map<String, CommandSpec> byName = new TreeMap<>();
    private final int futureBit;
    private TreeMap<String, User> users = new TreeMap<>();
    private final User defaultUser;
    private final LinkedList<LogEntry> log = new LinkedList<>();

    public Acl(Engine engine) {
        this(engine, engine.commands());
        String pass = engine.config().requirepass.value();
        if (!pass.isEmpty()) {
            updateDefaultPassword(pass);
        }
        engine.config().userLines(this::userLines);
    }

    /** The command index and default user only: without an engine, for checking rules ({@link #checkConfigUser}). */
    private Acl(Engine engine, CommandTable table) {
        this.engine = engine;
        int next = 0;
        List<CommandSpec> all = new ArrayList<>(table.redisCommands());
        all.sort(Comparator.comparing(CommandSpec::name));
        for (CommandSpec cmd : all) {
            commands.add(cmd);
            byName.put(cmd.name(), cmd);
            ids.put(cmd, next++);
            for (CommandSpec sub : cmd.subcommands().values()) {
                ids.put(sub, next++);
            }
        }
        futureBit = next;
        defaultUser = newDefaultUser();
        users.put(defaultUser.name(), defaultUser);
    }

    /**
     * Redis's check of a redis.conf {@code user} line while the file is parsed (ACLAppendUserForLoading): the rules
     * are tried on a throwaway user, unknown commands and categories passing (they fail when the users load at
     * start-up), and a name may be declared once. {@code args} are the line's arguments after "user"; returns null
     * or the reason for the fatal config error. Redis names the argument at the failing rule's index in the whole
     * line ("user" for the first rule, the user name for the second), which is kept.
     */
    public static String checkConfigUser(CommandTable table, List<String> args, Set<String> declared) {
        List<String> line = new ArrayList<>();
        line.add("user");
        line.addAll(args);
        if (declared.contains(args.get(0))) {
            return "Error in user declaration '" + line.get(1) + "': Duplicate user found. A user can only be "
                    + "defined once in config files";
        }
        int[] invalid = new int[1];
        List<String> rules = mergeSelectors(args.subList(1, args.size()), invalid);
        if (rules == null) {
            // Redis reports errno as it happens to be then, which is ENOENT.
            return "Error in user declaration '" + line.get(invalid[0]) + "': " + ERR_UNKNOWN;
        }
        Acl acl = new Acl(null, table);
        User fake = new User(args.get(0), false);
        for (int j = 0; j < rules.size(); j++) {
            String err = acl.apply(fake, rules.get(j));
            if (err != null && !err.equals(ERR_UNKNOWN)) {
                return "Error in user declaration '" + line.get(j) + "': " + err;
            }
        }
        declared.add(args.get(0));
        return null;
    }

    /** CONFIG SET requirepass: the default user's password follows it (the engine forwards it to its current ACL). */
    public void requirepassChanged() {
        updateDefaultPassword(engine.config().requirepass.value());
    }

    private User newDefaultUser() {
        User u = new User("default", pubsubDefaultAll());
        for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
            apply(u, op);
        }
        return u;
    }

    /** {@code acl-pubsub-default}: whether new selectors start with allchannels (7.0 default: resetchannels). */
    private boolean pubsubDefaultAll() {
        return engine != null && engine.config().aclPubsubDefault.value().equals("allchannels");
    }

    /** requirepass sets the default user's only password, or makes it nopass when empty (as Redis). */
    private void updateDefaultPassword(String password) {
        apply(defaultUser, "resetpass");
        apply(defaultUser, password.isEmpty() ? "nopass" : ">" + password);
    }

    // ---- command table views ----

    List<CommandSpec> allCommands() {
        return commands;
    }

    int id(CommandSpec cmd) {
        return ids.get(cmd);
    }

    int futureBit() {
        return futureBit;
    }

    static boolean inCategory(CommandSpec cmd, String category) {
        return cmd.aclCategories().contains("@" + category) || cmd.aclCategories().contains(category);
    }

    /** A Redis command by its original name ({@code get}, {@code config|get}), renamed or not, implemented or not. */
    CommandSpec lookup(String name) {
        String[] parts = name.toLowerCase().split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandSpec base = byName.get(parts[0]);
        if (base == null || parts.length == 1) {
            return base;
        }
        return base.subcommands().isEmpty() ? null : base.subcommands().get(parts[1]);
    }

    /** Every command of a category with its subcommands, as ACL CAT lists them. */
    public List<String> commandsIn(String category) {
        List<String> out = new ArrayList<>();
        for (CommandSpec cmd : commands) {
            if (inCategory(cmd, category)) {
                out.add(cmd.fullName());
            }
            for (CommandSpec sub : cmd.subcommands().values()) {
                if (inCategory(sub, category)) {
                    out.add(sub.fullName());
                }
            }
        }
        return out;
    }

    // ---- users ----

    public User defaultUser() {
        return defaultUser;
    }

    public User user(String name) {
        return users.get(name);
    }

    /** Users in name order (ACL USERS, ACL LIST). */
    public java.util.Collection<User> users() {
        return users.values();
    }

    /**
     * ACL SETUSER: applies the rules to a copy of the user (a new one when absent) and commits only if all of them
     * are valid. Returns null, or the error text for the client.
     */
    public String setUser(String name, List<String> rules) {
        User existing = users.get(name);
        User temp = new User(name, pubsubDefaultAll());
        if (existing != null) {
            temp.copyFrom(existing);
        }
        for (String op : rules) {
            String err = apply(temp, op);
            if (err != null) {
                return "ERR Error in ACL SETUSER modifier '" + op + "': " + err;
            }
        }
        if (existing != null) {
            killPubsubClientsIfNeeded(temp, existing);
            existing.copyFrom(temp);
        } else {
            users.put(name, temp);
        }
        return null;
    }

    /**
     * Removes a user and disconnects its clients ({@code current}, the client running the command, after its
     * reply); false when there is no such user.
     */
    public boolean deleteUser(String name, Client current) {
        User u = users.remove(name);
        if (u == null) {
            return false;
        }
        disconnectClientsOf(u, current);
        return true;
    }

    /** Redis's ACLFreeUserAndKillClients: the running client closes after its reply, the others at once. */
    private void disconnectClientsOf(User u, Client current) {
        for (Client c : new ArrayList<>(engine.clients().values())) {
            if (c.aclUser() == u) {
                c.deauthenticate();
                if (c == current) {
                    c.closeAfterReply();
                } else {
                    engine.kill(c);
                }
            }
        }
    }

    /**
     * Merges selector arguments split by spaces ("(+get" "~k)") into one rule each; returns null and sets
     * {@code invalid[0]} to the index of an unclosed one.
     */
    public static List<String> mergeSelectors(List<String> args, int[] invalid) {
        List<String> out = new ArrayList<>();
        StringBuilder selector = null;
        int open = -1;
        for (int j = 0; j < args.size(); j++) {
            String op = args.get(j);
            if (selector == null && op.startsWith("(") && !op.endsWith(")")) {
                selector = new StringBuilder(op);
                open = j;
                continue;
            }
            if (selector != null) {
                selector.append(' ').append(op);
                if (op.endsWith(")")) {
                    out.add(selector.toString());
                    selector = null;
                }
                continue;
            }
            out.add(op);
        }
        if (selector != null) {
            invalid[0] = open;
            return null;
        }
        return out;
    }

    /** Applies one rule to a user (Redis's ACLSetUser); returns null or the reason it is invalid. */
    String apply(User u, String op) {
        if (op.isEmpty()) {
            return null;
        }
        switch (op.toLowerCase()) {
            case "on" -> u.enabled = true;
            case "off" -> u.enabled = false;
            case "skip-sanitize-payload" -> {
                u.skipSanitize = true;
                u.sanitize = false;
            }
            case "sanitize-payload" -> {
                u.skipSanitize = false;
                u.sanitize = true;
            }
            case "nopass" -> {
                u.nopass = true;
                u.passwords.clear();
            }
            case "resetpass" -> {
                u.nopass = false;
                u.passwords.clear();
            }
            case "clearselectors" -> {
                Selector root = u.root();
                u.selectors.clear();
                u.selectors.add(root);
            }
            case "reset" -> {
                for (String r : List.of("resetpass", "resetkeys", "resetchannels")) {
                    apply(u, r);
                }
                if (pubsubDefaultAll()) {
                    apply(u, "allchannels");
                }
                for (String r : List.of("off", "sanitize-payload", "clearselectors", "-@all")) {
                    apply(u, r);
                }
            }
            default -> {
                return applyOther(u, op);
            }
        }
        return null;
    }

    private String applyOther(User u, String op) {
        char first = op.charAt(0);
        if (first == '>' || first == '#') {
            String hash;
            if (first == '>') {
                hash = hash(op.substring(1));
            } else {
                hash = op.substring(1);
                if (!validHash(hash)) {
                    return ERR_HASH;
                }
            }
            if (!u.passwords.contains(hash)) {
                u.passwords.add(hash);
            }
            u.nopass = false;
            return null;
        }
        if (first == '<' || first == '!') {
            String hash = first == '<' ? hash(op.substring(1)) : op.substring(1);
            if (first == '!' && !validHash(hash)) {
                return ERR_HASH;
            }
            return u.passwords.remove(hash) ? null : ERR_NO_PASSWORD;
        }
        if (first == '(' && op.endsWith(")")) {
            Selector s = new Selector(false, pubsubDefaultAll());
            List<byte[]> parts = SplitArgs.split(op.substring(1, op.length() - 1).getBytes(StandardCharsets.ISO_8859_1));
            if (parts == null) {
                return ERR_SYNTAX;
            }
            for (byte[] p : parts) {
                String err = s.apply(this, new String(p, StandardCharsets.ISO_8859_1));
                if (err != null) {
                    return err;
                }
            }
            u.selectors.add(s);
            return null;
        }
        return u.root().apply(this, op);
    }

    private static boolean validHash(String hash) {
        if (hash.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char ch = hash.charAt(i);
            if ((ch < 'a' || ch > 'f') && (ch < '0' || ch > '9')) {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 of a cleartext password in lower-case hex, as Redis stores passwords. */
    public static String hash(String cleartext) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(cleartext.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == ' ' || (ch >= '\t' && ch <= '\r') || ch == 0) {
                return true;
            }
        }
        return false;
    }

    /** A user name can be created when it has no whitespace or NUL (Redis's ACLStringHasSpaces). */
    public static boolean validName(String name) {
        return !hasSpaces(name);
    }

    // ---- authentication ----

    /**
     * AUTH and HELLO AUTH: on success the client becomes the user; a failure is logged in the ACL log and leaves
     * the client as it was.
     */
    public boolean authenticate(Client c, byte[] username, byte[] password) {
        String name = new String(username, StandardCharsets.ISO_8859_1);
        User u = users.get(name);
        if (u != null && u.enabled && (u.nopass || matchesPassword(u, password))) {
            c.authenticate(u);
            return true;
        }
        addLog(c, DENIED_AUTH, c.multi() != null ? "multi" : "toplevel", name,
                new String(engine.currentArgv()[0], StandardCharsets.ISO_8859_1));
        return false;
    }

    private static boolean matchesPassword(User u, byte[] password) {
        byte[] hashed;
        try {
            hashed = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        boolean ok = false;
        for (String p : u.passwords) {
            ok |= MessageDigest.isEqual(hashed, p.getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }

    /** True while connections must authenticate: the default user has a password or is disabled. */
    public boolean authRequired() {
        return !defaultUser.nopass || !defaultUser.enabled;
    }

    // ---- permission checks ----

    /**
     * The command path's check (Redis's ACLCheckAllPerm in processCommand): null when the client's user may run the
     * command, else the NOPERM error, after logging the refusal.
     */
    public String check(Client c, CommandSpec cmd, byte[][] argv) {
        Verdict v = denial(c, cmd, argv);
        return v == null ? null : refuse(c, c.aclUser(), cmd, argv, v, c.multi() != null ? "multi" : "toplevel");
    }

    /** Why the client's user may not run the command, or null when it may (or the client has no user). */
    private Verdict denial(Client c, CommandSpec cmd, byte[][] argv) {
        User u = c.aclUser();
        if (u == null) {
            return null;
        }
        Verdict v = check(u, cmd, argv);
        return v.result() == OK ? null : v;
    }

    /**
     * EXEC's second check of a queued command (Redis's execCommand): the user's rules may have changed since it was
     * queued. Null when still allowed, else EXEC's NOPERM error for that command, after logging the refusal.
     */
    public String checkQueued(Client c, CommandSpec cmd, byte[][] argv) {
        Verdict v = denial(c, cmd, argv);
        if (v == null) {
            return null;
        }
        refuse(c, c.aclUser(), cmd, argv, v, "multi");
        String reason = switch (v.result()) {
            case DENIED_CMD -> "no permission to execute the command or subcommand";
            case DENIED_KEY -> "no permission to touch the specified keys";
            default -> "no permission to access one of the channels used as arguments";
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: " + reason;
    }

    /** Logs a refusal and returns the command path's NOPERM error for it. */
    private String refuse(Client c, User u, CommandSpec cmd, byte[][] argv, Verdict v, String context) {
        switch (v.result()) {
            case DENIED_CMD -> {
                addLog(c, DENIED_CMD, context, u.name(), cmd.fullName());
                return "NOPERM this user has no permissions to run the '" + cmd.fullName() + "' command";
            }
            case DENIED_KEY -> {
                addLog(c, DENIED_KEY, context, u.name(), new String(argv[v.pos()], StandardCharsets.ISO_8859_1));
                return "NOPERM this user has no permissions to access one of the keys used as arguments";
            }
            default -> {
                addLog(c, DENIED_CHANNEL, context, u.name(), new String(argv[v.pos()], StandardCharsets.ISO_8859_1));
                return "NOPERM this user has no permissions to access one of the channels used as arguments";
            }
        }
    }

    /** Redis's ACLCheckAllUserCommandPerm: allowed if any selector allows; else the most relevant refusal. */
    public Verdict check(User u, CommandSpec cmd, byte[][] argv) {
        int relevant = DENIED_CMD;
        int lastPos = 0;
        List<KeySpecs.KeyRef> keys = null;
        int[] pos = new int[1];
        for (Selector s : u.selectors) {
            int result;
            pos[0] = 0;
            if (!commandAllowed(s, cmd, argv)) {
                result = DENIED_CMD;
            } else if (s.allKeys && s.allChannels) {
                return ALLOWED;
            } else {
                result = OK;
                if (!s.allKeys && KeySpecs.hasKeys(cmd)) {
                    if (keys == null) {
                        keys = KeySpecs.keys(cmd, argv);
                    }
                    result = checkKeys(s, keys, argv, pos);
                }
                if (result == OK && !s.allChannels) {
                    result = checkChannels(s, cmd, argv, pos);
                }
            }
            if (result == OK) {
                return ALLOWED;
            }
            if (result > relevant || (result == relevant && pos[0] > lastPos)) {
                relevant = result;
                lastPos = pos[0];
            }
        }
        return new Verdict(relevant, lastPos);
    }

    private boolean commandAllowed(Selector s, CommandSpec cmd, byte[][] argv) {
        if (s.allCommands || cmd.noAuth()) {
            return true;
        }
        int id = id(cmd);
        if (s.bit(id)) {
            return true;
        }
        List<String> args = s.firstArgs.get(id);
        if (argv.length < 2 || args == null) {
            return false;
        }
        int idx = cmd.parent() != null ? 2 : 1;
        if (idx >= argv.length) {
            return false;
        }
        String arg = new String(argv[idx], StandardCharsets.ISO_8859_1);
        for (String a : args) {
            if (a.equalsIgnoreCase(arg)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Redis's ACLUserCheckKeyPerm with read access: whether some selector of {@code u} may read {@code key}. SORT
     * asks this for the key "*" to tell whether the user may read every key.
     */
    public static boolean mayRead(User u, byte[] key) {
        for (Selector s : u.selectors) {
            if (keyAllowed(s, key, READ_FLAGS)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Set<String> READ_FLAGS = java.util.Set.of("access");

    private static int checkKeys(Selector s, List<KeySpecs.KeyRef> keys, byte[][] argv, int[] pos) {
        for (KeySpecs.KeyRef k : keys) {
            if (!keyAllowed(s, argv[k.pos()], k.flags())) {
                pos[0] = k.pos();
                return DENIED_KEY;
            }
        }
        return OK;
    }

    /** A key spec's access flag needs read permission; insert, delete and update need write permission. */
    private static boolean keyAllowed(Selector s, byte[] key, java.util.Set<String> flags) {
        if (s.allKeys) {
            return true;
        }
        boolean read = flags.contains("access");
        boolean write = flags.contains("insert") || flags.contains("delete") || flags.contains("update");
        for (Selector.KeyPattern p : s.keys) {
            if ((read && !p.read()) || (write && !p.write())) {
                continue;
            }
            if (Glob.match(p.pattern().getBytes(StandardCharsets.ISO_8859_1), key, false)) {
                return true;
            }
        }
        return false;
    }

    private static int checkChannels(Selector s, CommandSpec cmd, byte[][] argv, int[] pos) {
        switch (cmd.fullName()) {
            case "publish", "spublish" -> {
                return channelsAllowed(s, argv, 1, 2, false, pos);
            }
            case "subscribe", "ssubscribe" -> {
                return channelsAllowed(s, argv, 1, argv.length, false, pos);
            }
            case "psubscribe" -> {
                return channelsAllowed(s, argv, 1, argv.length, true, pos);
            }
            default -> {
                return OK;
            }
        }
    }

    private static int channelsAllowed(Selector s, byte[][] argv, int from, int to, boolean literal, int[] pos) {
        for (int j = from; j < to; j++) {
            if (!channelAllowed(s.channels, argv[j], literal)) {
                pos[0] = j;
                return DENIED_CHANNEL;
            }
        }
        return OK;
    }

    /** Patterns of PSUBSCRIBE must equal an allowed pattern; channels must match one. */
    private static boolean channelAllowed(List<String> patterns, byte[] channel, boolean literal) {
        for (String p : patterns) {
            byte[] pb = p.getBytes(StandardCharsets.ISO_8859_1);
            if (literal ? java.util.Arrays.equals(pb, channel) : Glob.match(pb, channel, false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Redis's ACLKillPubsubClientsIfNeeded: when a user loses channels it had, its subscribed clients whose
     * subscriptions fall outside the new channel list are disconnected.
     */
    private void killPubsubClientsIfNeeded(User updated, User original) {
        List<String> upcoming = new ArrayList<>();
        for (Selector s : updated.selectors) {
            if (s.allChannels) {
                return;
            }
            upcoming.addAll(s.channels);
        }
        boolean match = true;
        for (Selector s : original.selectors) {
            if (s.allChannels) {
                match = false;
            }
            for (String ch : s.channels) {
                match &= upcoming.contains(ch);
            }
        }
        if (match) {
            return;
        }
        for (Client c : new ArrayList<>(engine.clients().values())) {
            if (c.aclUser() != original || !c.subscribed()) {
                continue;
            }
            boolean kill = false;
            for (PubSub.Kind kind : PubSub.Kind.values()) {
                for (BytesKey ch : c.subscriptions(kind)) {
                    kill |= !channelAllowed(upcoming, ch.bytes(), kind == PubSub.Kind.PATTERN);
                }
            }
            if (kill) {
                engine.kill(c);
            }
        }
    }

    // ---- ACL LOG ----

    /** One ACL LOG entry; similar refusals within a minute are counted in one entry. */
    public static final class LogEntry {
        long count = 1;
        final int reason;
        final String context;
        final String object;
        final String username;
        long createdAt;
        String clientInfo;

        LogEntry(int reason, String context, String object, String username, long createdAt, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.createdAt = createdAt;
            this.clientInfo = clientInfo;
        }

        public long count() {
            return count;
        }

        public String reason() {
            return switch (reason) {
                case DENIED_CMD -> "command";
                case DENIED_KEY -> "key";
                case DENIED_CHANNEL -> "channel";
                case DENIED_AUTH -> "auth";
                default -> "unknown";
            };
        }

        public String context() {
            return context;
        }

        public String object() {
            return object;
        }

        public String username() {
            return username;
        }

        public long createdAt() {
            return createdAt;
        }

        public String clientInfo() {
            return clientInfo;
        }
    }

    /** Records a refusal, grouping it with a matching entry among the ten newest (Redis's addACLLogEntry). */
    public void addLog(Client c, int reason, String context, String username, String object) {
        long now = System.currentTimeMillis();
        String info = c.describe();
        Iterator<LogEntry> it = log.iterator();
        for (int scanned = 0; scanned < 10 && it.hasNext(); scanned++) {
            LogEntry e = it.next();
            if (e.reason == reason && e.context.equals(context) && Math.abs(e.createdAt - now) <= 60000
                    && e.object.equals(object) && e.username.equals(username)) {
                it.remove();
                log.addFirst(e);
                e.clientInfo = info;
                e.createdAt = now;
                e.count++;
                return;
            }
        }
        log.addFirst(new LogEntry(reason, context, object, username, now, info));
        while (log.size() > engine.config().acllogMaxLen.value()) {
            log.removeLast();
        }
    }

    /** The ACL log, newest first. */
    public List<LogEntry> log() {
        return log;
    }

    // ---- files ----

    /** "user name rules" lines for CONFIG REWRITE (without "user "), in name order. */
    private List<String> userLines() {
        List<String> out = new ArrayList<>();
        for (User u : users.values()) {
            out.add(u.name() + " " + u.describe(this));
        }
        return out;
    }

    /** ACL GETUSER's flags of a user. */
    public List<String> flags(User u) {
        return u.flags();
    }

    /** ACL GETUSER's password digests of a user. */
    public List<String> passwords(User u) {
        return List.copyOf(u.passwords);
    }

    /** ACL GETUSER's commands, keys and channels of each selector, the root selector first. */
    public List<String[]> selectorFields(User u) {
        List<String[]> out = new ArrayList<>();
        for (Selector s : u.selectors) {
            out.add(new String[] {s.describeCommands(this), s.describeKeys(), s.describeChannels()});
        }
        return out;
    }

    /** Describes a user as ACL LIST shows it. */
    public String describe(User u) {
        return "user " + u.name() + " " + u.describe(this);
    }

    /**
     * Loads the users of the config files ({@code user} lines) and the aclfile at start, as Redis's
     * ACLLoadUsersAtStartup; throws with Redis's message when the configuration is invalid.
     */
    public void loadAtStartup() throws IOException {
        List<String> fileUsers = engine.config().fileUsers();
        String aclfile = engine.config().aclfile.value();
        if (!aclfile.isEmpty() && !fileUsers.isEmpty()) {
            throw new IOException("Configuring Redis with users defined in redis.conf and at the same setting an ACL "
                    + "file path is invalid. This setup is very likely to lead to configuration errors and security "
                    + "holes, please define either an ACL file or declare users directly in your redis.conf, but not "
                    + "both.");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : fileUsers) {
            List<String> args = new ArrayList<>();
            for (byte[] a : SplitArgs.split(line.getBytes(StandardCharsets.ISO_8859_1))) {
                args.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            String name = args.get(0);
            if (!seen.add(name)) {
                throw new IOException("Duplicate user found. A user can only be defined once in config files");
            }
            List<String> rules = mergeSelectors(args.subList(1, args.size()), new int[1]);
            if (rules == null) {
                throw new IOException("Unmatched parenthesis in selector definition of user '" + name + "'");
            }
            User u = users.get(name);
            if (u == null) {
                u = new User(name, pubsubDefaultAll());
                users.put(name, u);
            } else {
                apply(u, "reset");
            }
            for (String op : rules) {
                String err = apply(u, op);
                if (err != null) {
                    throw new IOException("Error loading ACL rule '" + op + "' for the user named '" + name + "': "
                            + err);
                }
            }
            // As Redis (ACLLoadConfiguredUsers): a user left off in redis.conf may be a mistake, so say so.
            if (!u.enabled()) {
                engine.log().notice("The user '" + name + "' is disabled (there is no 'on' modifier in the user "
                        + "description). Make sure this is not a configuration error.");
            }
        }
        if (!aclfile.isEmpty()) {
            String errors = loadFile(aclfile, null);
            if (errors != null) {
                throw new IOException("Aborting Redis startup because of ACL errors: " + errors);
            }
        }
    }

    /** A relative aclfile name is relative to {@code dir}, where Redis has chdir'ed when it opens the file. */
    private Path inDir(String filename) {
        return engine.config().dir.path().resolve(filename);
    }

    /**
     * ACL LOAD: replaces every user with the file's, or changes nothing and returns the errors. The default user
     * object survives (its clients stay), other users' clients are disconnected as in Redis.
     */
    public String loadFile(String filename, Client current) {
        String text;
        try {
            text = Files.readString(inDir(filename), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + filename + "': " + ioReason(e);
        }
        StringBuilder errors = new StringBuilder();
        TreeMap<String, User> loaded = new TreeMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNum = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            List<String> argv = new ArrayList<>();
            for (String a : line.split(" ")) {
                argv.add(a);
            }
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(filename).append(':').append(lineNum)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (hasSpaces(name)) {
                errors.append("'").append(filename).append(':').append(lineNum).append(": username '").append(name)
                        .append("' contains invalid characters. ");
                continue;
            }
            if (loaded.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(lineNum)
                        .append(". ");
                continue;
            }
            User u = new User(name, pubsubDefaultAll());
            loaded.put(name, u);
            List<String> rules = mergeSelectors(argv.subList(2, argv.size()), new int[1]);
            if (rules == null) {
                errors.append(filename).append(':').append(lineNum)
                        .append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            for (String op : rules) {
                String err = apply(u, op.strip());
                if (err != null) {
                    errors.append(filename).append(':').append(lineNum).append(": ").append(err).append(". ");
                }
            }
        }
        if (errors.length() > 0) {
            return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was "
                    + "performed").toString();
        }
        User newDefault = loaded.remove("default");
        defaultUser.copyFrom(newDefault != null ? newDefault : newDefaultUser());
        TreeMap<String, User> old = users;
        loaded.put("default", defaultUser);
        users = loaded;
        for (User u : old.values()) {
            if (u != defaultUser) {
                disconnectClientsOf(u, current);
            }
        }
        return null;
    }

    /** ACL SAVE: every user as a "user" line, written to a temporary file renamed over the aclfile. */
    public boolean saveFile(String filename) {
        StringBuilder sb = new StringBuilder();
        for (User u : users.values()) {
            sb.append(describe(u)).append('\n');
        }
        Path target = inDir(filename);
        Path tmp = inDir(filename + ".tmp-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        try {
            Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            engine.log().warning("Writing ACL file for ACL SAVE: " + ioReason(e));
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The temporary file may not exist; the failure is already reported.
            }
            return false;
        }
    }

    private static String ioReason(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : String.valueOf(e.getMessage());
    }
}
