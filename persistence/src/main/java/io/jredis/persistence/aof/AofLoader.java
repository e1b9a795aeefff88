package io.jredis.persistence.aof;

import io.jredis.persistence.Loading;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Replays AOF files through the engine as Redis's loadSingleAppendOnlyFile does: each RESP multibulk runs as a
 * command of a fake client whose replies are dropped, through {@link Engine#replay} (the handler itself, without the
 * request path's bookkeeping, as Redis calls the command's proc), and whose writes are not propagated (the data is
 * already in the AOF). Every 1024 commands the clients that are ready get served (with {@code -LOADING} for most
 * commands).
 */
final class AofLoader {
    /** How one file ended. */
    enum Result { OK, EMPTY, TRUNCATED }

    private final Engine engine;
    private final Log log;
    private final boolean loadTruncated;
    private final Client fake;
    private final Loading loading;
    long commandsLoaded;

    AofLoader(Engine engine, Log log, boolean loadTruncated, Loading loading) {
        this.engine = engine;
        this.log = log;
        this.loadTruncated = loadTruncated;
        this.loading = loading;
        this.fake = engine.fakeClient();
        fake.replyMode(Client.ReplyMode.OFF);
    }

    /** Thrown inside a file at a command boundary problem; carries where the last whole command ended. */
    private static final class Eof extends Exception {
        Eof() {
            super(null, null, false, false);
        }
    }

    /** Bad file format: carries the offset of the offending byte. */
    private static final class Format extends Exception {
        final long offset;

        Format(long offset) {
            super(null, null, false, false);
            this.offset = offset;
        }
    }

    /** Loads one file, {@code name} as the manifest lists it. */
    Result load(Path file, String name) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new AofException("Fatal error: can't open the append log file " + name + " for reading: "
                    + e.getMessage(), e);
        }
        if (size == 0) {
            return Result.EMPTY;
        }
        long validUpTo = 0;
        long validBeforeMulti = -1;
        try (Reader in = new Reader(Files.newInputStream(file))) {
            byte[] sig = in.peek(5);
            if (sig != null && new String(sig, java.nio.charset.StandardCharsets.US_ASCII).equals("REDIS")) {
                log.notice("Reading RDB base file on AOF loading...");
                long end = RdbPreamble.load(engine, file, name, log, loading);
                if (end >= size) {
                    return Result.OK;
                }
                // A 6.x AOF with an RDB preamble goes on with commands.
                log.notice("Reading the remaining AOF tail...");
                in.skip(end);
                validUpTo = end;
            }
            try {
                while (true) {
                    long start = in.pos();
                    long argc = in.plainHeader('*');
                    if (argc < 0) {
                        if (!in.line()) {
                            break;
                        }
                        if (in.lineLen > 0 && in.lineByte(0) == '#') {
                            validUpTo = in.pos();
                            continue;
                        }
                        if (in.lineLen < 2 || in.lineByte(0) != '*') {
                            throw new Format(start);
                        }
                        argc = in.lineNumber(start);
                    }
                    if (argc < 1) {
                        throw new Format(start);
                    }
                    byte[][] argv = new byte[(int) argc][];
                    for (int j = 0; j < argc; j++) {
                        long at = in.pos();
                        long len = in.plainHeader('$');
                        if (len < 0) {
                            if (!in.line()) {
                                throw new Eof();
                            }
                            if (in.lineLen < 2 || in.lineByte(0) != '$') {
                                throw new Format(at);
                            }
                            len = in.lineNumber(at);
                            if (len < 0 || len > Integer.MAX_VALUE - 2) {
                                throw new Format(at);
                            }
                        }
                        argv[j] = in.exact((int) len);
                        in.crlf();
                    }
                    CommandSpec cmd = engine.commands().lookup(argv[0]);
                    if (cmd == null) {
                        throw new AofException("Unknown command '" + Bytes.str(argv[0])
                                + "' reading the append only file " + name);
                    }
                    if (cmd.name().equals("multi")) {
                        validBeforeMulti = validUpTo;
                    }
                    engine.propagationTarget(0);
                    try {
                        engine.replay(fake, cmd, argv);
                    } finally {
                        engine.propagationTarget(Engine.PROPAGATE_ALL);
                    }
                    validUpTo = in.pos();
                    if (++commandsLoaded % 1024 == 0) {
                        loading.poll(validUpTo);
                    }
                }
                if (fake.multi() != null) {
                    log.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
                    engine.resetClientState(fake);
                    validUpTo = validBeforeMulti;
                    throw new Eof();
                }
                return Result.OK;
            } catch (Eof e) {
                return truncated(file, name, validUpTo);
            } catch (Format e) {
                log.warning("Bad file format reading the append only file " + name + ": make a backup of your AOF "
                        + "file, then use ./redis-check-aof --fix <filename.manifest>");
                throw AofException.logged("Bad file format reading the append only file " + name + " at offset "
                        + e.offset + " (last valid command ends at offset " + validUpTo + ")");
            }
        } catch (AofException | Loading.Aborted e) {
            throw e;
        } catch (IOException e) {
            log.warning("Unrecoverable error reading the append only file " + name + ": " + e.getMessage());
            throw AofException.logged("Unrecoverable error reading the append only file " + name + ": "
                    + e.getMessage(), e);
        }
    }

    private Result truncated(Path file, String name, long validUpTo) throws AofException {
        if (loadTruncated) {
            log.warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
            log.warning("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            if (validUpTo == -1) {
                log.warning("Last valid command offset is invalid");
            } else {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(validUpTo);
                    f.getFD().sync();
                    log.warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
                    return Result.TRUNCATED;
                } catch (IOException e) {
                    log.warning("Error truncating the AOF file " + name + ": " + e.getMessage());
                }
            }
        }
        log.warning("Unexpected end of file reading the append only file " + name + ". You can: 1) Make a backup "
                + "of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can "
                + "set the 'aof-load-truncated' configuration option to yes and restart the server.");
        throw AofException.logged("Unexpected end of file reading the append only file " + name
                + " (last valid command ends at offset " + validUpTo + ")");
    }

    /**
     * Reads the file through one large buffer: lines are parsed where they lie, so a command costs only its argument
     * arrays. Short reads become {@link Eof}.
     */
    private static final class Reader implements AutoCloseable {
        /** Longest header line accepted (a "*" or "$" line is a few digits). */
        private static final int MAX_LINE = 1 << 16;
        private final InputStream in;
        private final byte[] buf = new byte[1 << 20];
        private int bpos;
        private int blen;
        /** File offset of {@code buf[0]}. */
        private long base;
        /** The last line read by {@link #line()}, without its CRLF, valid until the next read. */
        private int lineOff;
        int lineLen;

        Reader(InputStream in) {
            this.in = in;
        }

        /** File offset of the next unread byte. */
        long pos() {
            return base + bpos;
        }

        /** Makes {@code n <= buf.length} bytes available at {@code bpos}; false when the file ends first. */
        private boolean ensure(int n) throws IOException {
            if (blen - bpos >= n) {
                return true;
            }
            if (bpos > 0) {
                System.arraycopy(buf, bpos, buf, 0, blen - bpos);
                blen -= bpos;
                base += bpos;
                bpos = 0;
            }
            while (blen < n) {
                int k = in.read(buf, blen, buf.length - blen);
                if (k < 0) {
                    return false;
                }
                blen += k;
            }
            return true;
        }

        byte[] peek(int n) throws IOException {
            return ensure(n) ? Arrays.copyOfRange(buf, bpos, bpos + n) : null;
        }

        /** Reads a line; false at a clean end of file; {@link Eof} when the file ends inside it. */
        boolean line() throws IOException, Eof, Format {
            long start = pos();
            int scanned = 0;
            while (true) {
                for (int i = bpos + scanned; i < blen; i++) {
                    if (buf[i] == '\n') {
                        if (i == bpos || buf[i - 1] != '\r') {
                            throw new Format(start);
                        }
                        lineOff = bpos;
                        lineLen = i - 1 - bpos;
                        bpos = i + 1;
                        return true;
                    }
                }
                scanned = blen - bpos;
                if (scanned > MAX_LINE) {
                    throw new Format(start);
                }
                if (!ensure(scanned + 1)) {
                    if (scanned == 0) {
                        return false;
                    }
                    throw new Eof();
                }
            }
        }

        /**
         * Reads a {@code <type><digits>CRLF} header (no sign, no leading zero, at most 9 digits) where it lies in the
         * buffer and returns its number; -1, reading nothing, for any other form or when the header is not whole in
         * the buffer: {@link #line()} and {@link #lineNumber} then take it with every check.
         */
        int plainHeader(char type) {
            int i = bpos;
            if (blen - i < 4 || buf[i] != type || buf[i + 1] < '1' || buf[i + 1] > '9') {
                return -1;
            }
            int end = Math.min(blen, i + 10);
            int v = 0;
            int j = i + 1;
            for (; j < end && buf[j] >= '0' && buf[j] <= '9'; j++) {
                v = v * 10 + (buf[j] - '0');
            }
            if (j + 1 >= blen || buf[j] != '\r' || buf[j + 1] != '\n') {
                return -1;
            }
            bpos = j + 2;
            return v;
        }

        int lineByte(int i) {
            return buf[lineOff + i];
        }

        /** The number after the line's type byte, by strtol's rules as Redis checks them; else a format error. */
        long lineNumber(long offset) throws Format {
            int from = lineOff + 1;
            int end = lineOff + lineLen;
            if (end - from <= 18 && buf[from] >= '1' && buf[from] <= '9') {
                long v = 0;
                int i = from;
                for (; i < end && buf[i] >= '0' && buf[i] <= '9'; i++) {
                    v = v * 10 + (buf[i] - '0');
                }
                if (i == end) {
                    return v;
                }
            }
            long[] out = new long[1];
            if (!Bytes.parseLong(Arrays.copyOfRange(buf, from, end), out)) {
                throw new Format(offset);
            }
            return out[0];
        }

        void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                if (bpos == blen && !ensure(1)) {
                    throw new IOException("Unexpected end of file while skipping the RDB preamble");
                }
                int k = (int) Math.min(left, blen - bpos);
                bpos += k;
                left -= k;
            }
        }

        byte[] exact(int n) throws IOException, Eof {
            byte[] b = new byte[n];
            int have = Math.min(n, blen - bpos);
            System.arraycopy(buf, bpos, b, 0, have);
            bpos += have;
            if (have < n) {
                // Larger than what is buffered: the rest straight into the array, past the buffer.
                int rest = in.readNBytes(b, have, n - have);
                base += rest;
                if (rest < n - have) {
                    throw new Eof();
                }
            }
            return b;
        }

        /** The CRLF after a bulk argument. */
        void crlf() throws IOException, Eof, Format {
            if (!ensure(2)) {
                throw new Eof();
            }
            if (buf[bpos] != '\r' || buf[bpos + 1] != '\n') {
                throw new Format(pos());
            }
            bpos += 2;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
