package io.jredis.server.acl;

import io.jredis.server.command.CommandSpec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One set of permissions of a user (Redis's aclSelector): allowed commands as a bitmap over command ids (the bit
 * after the last id stands for commands that do not exist yet, set only by {@code +@all}), first arguments allowed
 * for otherwise blocked commands, key patterns with read/write permissions and channel patterns.
 */
public final class Selector {
    /** A key pattern and whether it grants reading, writing or both. */
    record KeyPattern(String pattern, boolean read, boolean write) {
        String describe() {
            return (read && write ? "~" : read ? "%R~" : "%W~") + pattern;
        }
    }

    final boolean root;
    final BitSet commands = new BitSet();
    final Map<Integer, List<String>> firstArgs = new HashMap<>();
    final List<KeyPattern> keys = new ArrayList<>();
    final List<String> channels = new ArrayList<>();
    boolean allKeys;
    boolean allChannels;
    boolean allCommands;

    Selector(boolean root, boolean allChannels) {
        this.root = root;
        this.allChannels = allChannels;
    }

    Selector copy() {
        Selector s = new Selector(root, allChannels);
        s.commands.or(commands);
        firstArgs.forEach((id, args) -> s.firstArgs.put(id, new ArrayList<>(args)));
        s.keys.addAll(keys);
        s.channels.addAll(channels);
        s.allKeys = allKeys;
        s.allCommands = allCommands;
        return s;
    }

    boolean bit(int id) {
        return commands.get(id);
    }

    void setBit(int id, boolean on) {
        if (on) {
            commands.set(id);
        } else {
            commands.clear(id);
            allCommands = false;
        }
    }

    /** Redis's ACLChangeSelectorPerm: the command, and all its subcommands when it is a container. */
    void change(Acl acl, CommandSpec cmd, boolean allow) {
        int id = acl.id(cmd);
        setBit(id, allow);
        firstArgs.remove(id);
        for (CommandSpec sub : cmd.subcommands().values()) {
            setBit(acl.id(sub), allow);
        }
    }

    /** Sets or clears every command of a category, containers bringing all their subcommands along. */
    void category(Acl acl, String category, boolean allow) {
        for (CommandSpec cmd : acl.allCommands()) {
            if (Acl.inCategory(cmd, category)) {
                change(acl, cmd, allow);
            }
            for (CommandSpec sub : cmd.subcommands().values()) {
                if (Acl.inCategory(sub, category)) {
                    change(acl, sub, allow);
                }
            }
        }
    }

    void allCommands(Acl acl, boolean allow) {
        commands.clear();
        if (allow) {
            commands.set(0, acl.futureBit() + 1);
        }
        allCommands = allow;
        firstArgs.clear();
    }

    /**
     * Applies one selector rule (Redis's ACLSetSelector); returns null or the reason text Redis gives for a bad rule.
     */
    String apply(Acl acl, String op) {
        if (op.equalsIgnoreCase("allkeys") || op.equals("~*")) {
            allKeys = true;
            keys.clear();
        } else if (op.equalsIgnoreCase("resetkeys")) {
            allKeys = false;
            keys.clear();
        } else if (op.equalsIgnoreCase("allchannels") || op.equals("&*")) {
            allChannels = true;
            channels.clear();
        } else if (op.equalsIgnoreCase("resetchannels")) {
            allChannels = false;
            channels.clear();
        } else if (op.equalsIgnoreCase("allcommands") || op.equalsIgnoreCase("+@all")) {
            allCommands(acl, true);
        } else if (op.equalsIgnoreCase("nocommands") || op.equalsIgnoreCase("-@all")) {
            allCommands(acl, false);
        } else if (op.startsWith("~") || op.startsWith("%")) {
            return keyPattern(op);
        } else if (op.startsWith("&")) {
            if (allChannels) {
                return Acl.ERR_ALLCHANNELS;
            }
            String pattern = op.substring(1);
            if (Acl.hasSpaces(pattern)) {
                return Acl.ERR_SYNTAX;
            }
            if (!channels.contains(pattern)) {
                channels.add(pattern);
            }
        } else if (op.startsWith("+") && !op.startsWith("+@")) {
            return allow(acl, op.substring(1));
        } else if (op.startsWith("-") && !op.startsWith("-@")) {
            CommandSpec cmd = acl.lookup(op.substring(1));
            if (cmd == null) {
                return Acl.ERR_UNKNOWN;
            }
            change(acl, cmd, false);
        } else if (op.startsWith("+@") || op.startsWith("-@")) {
            String cat = op.substring(2).toLowerCase();
            if (!Acl.CATEGORIES.contains(cat)) {
                return Acl.ERR_UNKNOWN;
            }
            category(acl, cat, op.charAt(0) == '+');
        } else {
            return Acl.ERR_SYNTAX;
        }
        return null;
    }

    private String keyPattern(String op) {
        if (allKeys) {
            return Acl.ERR_ALLKEYS;
        }
        boolean read = true;
        boolean write = true;
        int offset = 1;
        if (op.charAt(0) == '%') {
            read = false;
            write = false;
            for (; offset < op.length(); offset++) {
                char ch = Character.toUpperCase(op.charAt(offset));
                if (ch == 'R' && !read) {
                    read = true;
                } else if (ch == 'W' && !write) {
                    write = true;
                } else if (op.charAt(offset) == '~') {
                    offset++;
                    break;
                } else {
                    return Acl.ERR_SYNTAX;
                }
            }
            // A permission on no operation ('%~pattern', '%' alone) is refused, not stored as access to nothing.
            if (!read && !write) {
                return Acl.ERR_SYNTAX;
            }
        }
        String pattern = op.substring(Math.min(offset, op.length()));
        if (Acl.hasSpaces(pattern)) {
            return Acl.ERR_SYNTAX;
        }
        for (int i = 0; i < keys.size(); i++) {
            KeyPattern k = keys.get(i);
            if (k.pattern().equals(pattern)) {
                keys.set(i, new KeyPattern(pattern, k.read() || read, k.write() || write));
                return null;
            }
        }
        keys.add(new KeyPattern(pattern, read, write));
        return null;
    }

    /** {@code +cmd}, {@code +container|sub}, or {@code +cmd|firstarg} for a command without subcommands. */
    private String allow(Acl acl, String name) {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            CommandSpec cmd = acl.lookup(name);
            if (cmd == null) {
                return Acl.ERR_UNKNOWN;
            }
            change(acl, cmd, true);
            return null;
        }
        CommandSpec cmd = acl.lookup(name.substring(0, bar));
        String sub = name.substring(bar + 1);
        if (cmd == null) {
            return Acl.ERR_UNKNOWN;
        }
        if (cmd.parent() != null) {
            return "Allowing first-arg of a subcommand is not supported";
        }
        if (sub.isEmpty()) {
            return Acl.ERR_SYNTAX;
        }
        if (!cmd.subcommands().isEmpty()) {
            CommandSpec s = acl.lookup(name);
            if (s == null) {
                return Acl.ERR_UNKNOWN;
            }
            change(acl, s, true);
            return null;
        }
        List<String> args = firstArgs.computeIfAbsent(acl.id(cmd), k -> new ArrayList<>());
        for (String a : args) {
            if (a.equalsIgnoreCase(sub)) {
                return null;
            }
        }
        args.add(sub);
        return null;
    }

    /** Key patterns as ACL LIST prints them, space separated ("~*" for allkeys). */
    String describeKeys() {
        if (allKeys) {
            return "~*";
        }
        StringBuilder sb = new StringBuilder();
        for (KeyPattern k : keys) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(k.describe());
        }
        return sb.toString();
    }

    String describeChannels() {
        if (allChannels) {
            return "&*";
        }
        StringBuilder sb = new StringBuilder();
        for (String ch : channels) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append('&').append(ch);
        }
        return sb.toString();
    }

    /**
     * Redis's ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that best approximate the bitmap
     * (fewest exceptions first), then single commands and first arguments to make it exact.
     */
    String describeCommands(Acl acl) {
        boolean additive = !bit(acl.futureBit());
        StringBuilder rules = new StringBuilder(additive ? "-@all " : "+@all ");
        Selector fake = new Selector(false, false);
        fake.allCommands(acl, !additive);
        Selector temp = new Selector(false, false);
        temp.commands.or(commands);
        boolean[] applied = new boolean[Acl.CATEGORIES.size()];
        while (true) {
            int best = -1;
            long minDiff = Integer.MAX_VALUE;
            long maxSame = 0;
            for (int j = 0; j < applied.length; j++) {
                if (applied[j]) {
                    continue;
                }
                long[] onOff = temp.count(acl, Acl.CATEGORIES.get(j));
                long diff = additive ? onOff[1] : onOff[0];
                long same = additive ? onOff[0] : onOff[1];
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                    best = j;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best < 0) {
                break;
            }
            String cat = Acl.CATEGORIES.get(best);
            fake.category(acl, cat, additive);
            temp.category(acl, cat, !additive);
            rules.append(additive ? "+@" : "-@").append(cat).append(' ');
            applied[best] = true;
        }
        for (CommandSpec cmd : acl.allCommands()) {
            single(acl, fake, rules, cmd);
            for (CommandSpec sub : cmd.subcommands().values()) {
                single(acl, fake, rules, sub);
            }
        }
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    private void single(Acl acl, Selector fake, StringBuilder rules, CommandSpec cmd) {
        int id = acl.id(cmd);
        boolean user = bit(id);
        if (user != fake.bit(id)) {
            rules.append(user ? '+' : '-').append(cmd.fullName()).append(' ');
            fake.change(acl, cmd, user);
        }
        List<String> args = firstArgs.get(id);
        if (!user && args != null) {
            for (String a : args) {
                rules.append('+').append(cmd.fullName()).append('|').append(a).append(' ');
            }
        }
    }

    /** How many commands of a category (subcommands counted) this selector allows and denies. */
    private long[] count(Acl acl, String category) {
        long[] onOff = new long[2];
        for (CommandSpec cmd : acl.allCommands()) {
            tally(acl, cmd, category, onOff);
            for (CommandSpec sub : cmd.subcommands().values()) {
                tally(acl, sub, category, onOff);
            }
        }
        return onOff;
    }

    private void tally(Acl acl, CommandSpec cmd, String category, long[] onOff) {
        if (Acl.inCategory(cmd, category)) {
            onOff[bit(acl.id(cmd)) ? 0 : 1]++;
        }
    }

    /** The whole selector as ACL LIST prints it: keys, channels, then command rules. */
    String describe(Acl acl) {
        StringBuilder sb = new StringBuilder();
        if (allKeys) {
            sb.append("~* ");
        } else {
            for (KeyPattern k : keys) {
                sb.append(k.describe()).append(' ');
            }
        }
        if (allChannels) {
            sb.append("&* ");
        } else {
            sb.append("resetchannels ");
            for (String ch : channels) {
                sb.append('&').append(ch).append(' ');
            }
        }
        return sb.append(describeCommands(acl)).toString();
    }
}
