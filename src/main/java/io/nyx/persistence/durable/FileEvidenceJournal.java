package io.nyx.persistence.durable;

import io.nyx.fs.PrivateFiles;
import io.nyx.learning.EvidenceJournal;
import io.nyx.learning.EvidenceSum;
import io.nyx.learning.TraitEvidence;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * {@link EvidenceJournal} in a directory: {@code id} holds the journal's id, {@code seg-<seq>.log}
 * one segment each, a line per answer ({@code trait TAB cluster TAB successes TAB trials TAB
 * crc32}). Each line is one {@code write} straight to the file (no user-space buffer), so a killed
 * process leaves every line it wrote in the page cache; {@link #sync} forces sealed segments to
 * disk once per batch, which also covers a machine crash for all but the last interval. A line cut
 * short or damaged fails its checksum and is skipped. An applied segment is emptied, and the newest
 * empty one is kept, so the journal's numbers never fall behind ones it used before (the database's
 * watermark cannot tell a start with the clock set back while the database is away). Not
 * thread-safe: the learner calls {@link #append} and {@link #rotate} under its lock and the rest
 * from one thread.
 */
public final class FileEvidenceJournal implements EvidenceJournal {
  private static final Logger LOG = Logger.getLogger(FileEvidenceJournal.class.getName());
  private static final Pattern SEGMENT = Pattern.compile("seg-(\\d{19})\\.log");

  private final Path dir;
  private final UUID id;
  private final List<Segment> leftovers;
  private final List<FileOutputStream> sealed = new ArrayList<>();
  private final FileChannel lockChannel;
  private long seq;

  /**
   * The last applied segment, kept as an empty file (-1: none): the highest number this journal has
   * used, so numbering never falls back below the database's watermark, even when the clock was set
   * back and the database is away at the next start.
   */
  private long marker = -1;

  private FileOutputStream open;
  private boolean written;
  private boolean torn;

  /**
   * Opens (or creates) the journal in {@code dir}, reading what a previous process left. New
   * segments are numbered above {@code floor} and above every segment found (the caller passes the
   * wall clock in microseconds, so numbers keep rising across restarts even when every file was
   * applied and deleted; {@link #advancePast} covers a clock set back).
   */
  public FileEvidenceJournal(Path dir, long floor) {
    this.dir = dir;
    try {
      PrivateFiles.directory(dir);
      this.lockChannel = lock(dir.resolve("lock"));
      this.id = readOrCreateId(dir);
      long last = lastSeq(); // before empty files go: the newest of them is the high-water mark
      this.leftovers = readLeftovers();
      this.seq = Math.max(floor, last) + 1;
      this.open = stream(seq);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the evidence journal in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public UUID id() {
    return id;
  }

  @Override
  public void append(EvidenceSum.Target target, TraitEvidence e) {
    String body =
        String.format(
            Locale.ROOT,
            "%s\t%d\t%s\t%s",
            target.trait(),
            target.cluster(),
            Double.toString(e.successes()),
            Double.toString(e.trials()));
    // After a failed write, start on a fresh line: a torn line fails its checksum alone.
    String text = (torn ? "\n" : "") + body + "\t" + crc(body) + "\n";
    try {
      // A stream, not a FileChannel: an interrupted caller must not close the shared file.
      open.write(text.getBytes(StandardCharsets.UTF_8));
      written = true;
      torn = false;
    } catch (IOException ex) {
      torn = true;
      // The answer is recorded; only its learning would be lost in a crash before the flush.
      LOG.warning("evidence journal write failed: " + ex.getMessage());
    }
  }

  @Override
  public long rotate() {
    FileOutputStream next;
    try {
      next = stream(seq + 1); // first, so a failure leaves the journal as it was
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open journal segment " + (seq + 1), e);
    }
    sealed.add(open);
    open = next;
    written = false;
    torn = false;
    return seq++;
  }

  @Override
  public void advancePast(long applied) {
    if (applied < seq) {
      return;
    }
    try {
      open.close();
      Files.deleteIfExists(file(seq)); // nothing was written to it yet: called at start
      seq = applied + 1;
      open = stream(seq);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the journal past segment " + applied, e);
    }
  }

  @Override
  public void sync() {
    if (sealed.isEmpty()) {
      return;
    }
    for (FileOutputStream s : sealed) {
      try (s) {
        s.getFD().sync();
      } catch (IOException e) {
        LOG.warning("evidence journal sync failed: " + e.getMessage());
      }
    }
    sealed.clear();
    syncDirectory(dir); // the new segments' names, not only their contents
  }

  /** Makes the directory's entries durable (a new file's name survives a power loss). */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.warning("evidence journal directory sync failed: " + e.getMessage());
    }
  }

  @Override
  public void applied(long done) {
    try {
      PrivateFiles.write(file(done), new byte[0]); // emptied, kept as the high-water mark
      if (marker >= 0 && marker != done) {
        Files.deleteIfExists(file(marker));
      }
      marker = done;
    } catch (IOException e) {
      LOG.warning("cannot clear applied journal segment " + done + ": " + e.getMessage());
    }
  }

  @Override
  public List<Segment> leftovers() {
    return leftovers;
  }

  @Override
  public void close() {
    sync();
    try (lockChannel) {
      open.getFD().sync();
      open.close();
      if (!written) {
        Files.deleteIfExists(file(seq));
      }
    } catch (IOException e) {
      LOG.warning("closing the evidence journal: " + e.getMessage());
    }
  }

  /**
   * Whether {@code dir} can be this process's journal: false when another live process holds it (a
   * second Nyx on the same data dir), which must then keep its evidence in memory.
   */
  public static boolean available(Path dir) {
    try {
      PrivateFiles.directory(dir);
      try (FileChannel c = lockFile(dir.resolve("lock"));
          FileLock l = c.tryLock()) {
        return l != null;
      }
    } catch (OverlappingFileLockException e) {
      return false; // held by this very process
    } catch (IOException e) {
      return false;
    }
  }

  /** The journal in {@code dir}, or empty when another live process holds it. */
  public static java.util.Optional<FileEvidenceJournal> openIfFree(Path dir, long floor) {
    try {
      return java.util.Optional.of(new FileEvidenceJournal(dir, floor));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof HeldException) {
        return java.util.Optional.empty();
      }
      throw e;
    }
  }

  /** The directory's lock is taken. */
  private static final class HeldException extends IOException {
    private static final long serialVersionUID = 1L;

    HeldException(Path file) {
      super(file + " is held by another process using the same data dir");
    }
  }

  private static FileChannel lock(Path file) throws IOException {
    FileChannel c = lockFile(file);
    FileLock held;
    try {
      held = c.tryLock();
    } catch (OverlappingFileLockException e) {
      held = null;
    }
    if (held == null) {
      c.close();
      throw new HeldException(file);
    }
    return c; // the lock lives as long as the channel
  }

  private static FileChannel lockFile(Path file) throws IOException {
    return PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /** Created with mode 600 first: the stream would create it readable by every local user. */
  private FileOutputStream stream(long n) throws IOException {
    PrivateFiles.createFile(file(n));
    return new FileOutputStream(file(n).toFile(), true);
  }

  private Path file(long n) {
    return dir.resolve(String.format(Locale.ROOT, "seg-%019d.log", n));
  }

  /** Every segment file with at least one intact line, oldest first; empty ones are deleted. */
  /** Segments with evidence; of the empty ones only the newest stays, as the high-water mark. */
  private List<Segment> readLeftovers() throws IOException {
    List<Segment> out = new ArrayList<>();
    for (long n : segmentNumbers()) {
      List<EvidenceSum> sums = sums(Files.readAllLines(file(n), StandardCharsets.UTF_8), n);
      if (!sums.isEmpty()) {
        out.add(new Segment(n, sums));
        continue;
      }
      if (marker >= 0) {
        Files.deleteIfExists(file(marker));
      }
      marker = n;
    }
    return out;
  }

  private long lastSeq() throws IOException {
    List<Long> all = segmentNumbers();
    return all.isEmpty() ? 0 : all.getLast();
  }

  private List<Long> segmentNumbers() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> SEGMENT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .map(m -> Long.parseLong(m.group(1)))
          .sorted()
          .toList();
    }
  }

  private static List<EvidenceSum> sums(List<String> lines, long n) {
    Map<EvidenceSum.Target, TraitEvidence> sums = new LinkedHashMap<>();
    Map<EvidenceSum.Target, Integer> counts = new LinkedHashMap<>();
    int bad = 0;
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      int cut = line.lastIndexOf('\t');
      if (f.length != 5 || cut < 0 || !crc(line.substring(0, cut)).equals(f[4])) {
        bad++;
        continue;
      }
      EvidenceSum.Target t = new EvidenceSum.Target(f[0], Integer.parseInt(f[1]));
      TraitEvidence e = new TraitEvidence(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
      sums.merge(t, e, TraitEvidence::plus);
      counts.merge(t, 1, Integer::sum);
    }
    if (bad > 0) {
      LOG.warning("journal segment " + n + ": skipped " + bad + " damaged line(s)");
    }
    List<EvidenceSum> out = new ArrayList<>();
    sums.forEach(
        (t, e) -> {
          int answers = Objects.requireNonNull(counts.get(t), "counted with every line summed");
          out.add(new EvidenceSum(t.trait(), t.cluster(), e, answers));
        });
    return out;
  }

  private static String crc(String body) {
    CRC32 c = new CRC32();
    c.update(body.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(c.getValue());
  }

  private static UUID readOrCreateId(Path dir) throws IOException {
    Path file = dir.resolve("id");
    if (Files.exists(file)) {
      return UUID.fromString(Files.readString(file, StandardCharsets.UTF_8).strip());
    }
    UUID fresh = UUID.randomUUID();
    Path tmp = file.resolveSibling("id.tmp");
    try (FileChannel c =
        PrivateFiles.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      c.write(ByteBuffer.wrap(fresh.toString().getBytes(StandardCharsets.UTF_8)));
      c.force(true);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(dir); // a lost id would start a new journal at watermark 0
    return fresh;
  }
}
