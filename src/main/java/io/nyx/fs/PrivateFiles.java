package io.nyx.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Directories (mode 700) and files (mode 600) only their owner can read: Nyx's data dir holds
 * queries, prompts with recalled memories, answers and passwords. The mode is given when the file
 * or directory is created, not set afterwards, so there is no moment in which another local user
 * could open it. On a file system without POSIX permissions they are created plainly.
 *
 * <p>Stateless and thread-safe.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * Creates {@code dir} (and missing parents) with mode 700, or tightens an existing one to 700
   * (data dirs of older versions were 755).
   *
   * @throws IOException also when {@code dir} is a shared sticky directory such as {@code /tmp},
   *     which must not be made private (nor used as a data dir)
   */
  public static Path directory(Path dir) throws IOException {
    if (!posix(dir)) {
      return Files.createDirectories(dir);
    }
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      } catch (FileAlreadyExistsException e) {
        // a file, or a directory created concurrently: checked below
      }
    }
    restrict(dir, OWNER_DIR);
    return dir;
  }

  /** Creates {@code file} empty with mode 600 unless it exists; returns whether it created it. */
  public static boolean createFile(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttributes(file));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /**
   * Opens {@code file} like {@link FileChannel#open(Path, OpenOption...)}; a file it creates gets
   * mode 600 (an existing file keeps its mode: the private directory around it protects it).
   */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, Set.of(options), fileAttributes(file));
  }

  /** Replaces {@code file}'s content with {@code bytes}, creating it with mode 600 if absent. */
  public static void write(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch =
        open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
  }

  /** Tightens an existing {@code file} to mode 600 (a secret someone widened). */
  public static void restrictFile(Path file) throws IOException {
    if (posix(file)) {
      restrict(file, OWNER_FILE);
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
    if (now.equals(wanted)) {
      return;
    }
    if (Files.isDirectory(path) && sticky(path)) {
      throw new IOException(
          path + " is a shared directory (sticky bit, like /tmp); give Nyx a directory of its own");
    }
    Files.setPosixFilePermissions(path, wanted);
  }

  /** The sticky bit is not in {@link PosixFilePermission}; the "unix" view has the whole mode. */
  private static boolean sticky(Path dir) throws IOException {
    try {
      return ((Integer) Files.getAttribute(dir, "unix:mode") & 01000) != 0;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static FileAttribute<?>[] fileAttributes(Path file) {
    return posix(file)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
