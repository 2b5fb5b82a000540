package io.nyx.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The embedded database's password for {@link AppRole#EMBEDDED_USER}: generated once (24 random
 * bytes, base64url), kept in {@code dataDir/db-app-password}, readable by the owner only (mode
 * 600). A file left empty by a crash between creation and write is filled anew.
 */
final class AppPasswordFile {
  static final String NAME = "db-app-password";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private AppPasswordFile() {}

  /**
   * @param random a cryptographically strong generator (a {@code SecureRandom} in production)
   */
  static String readOrCreate(Path dataDir, RandomGenerator random) {
    Path file = dataDir.resolve(NAME);
    try {
      Files.createDirectories(dataDir);
      create(file);
      String password = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (password.isEmpty()) {
        password = generate(random);
        Files.writeString(file, password + "\n", StandardCharsets.US_ASCII);
      }
      restrict(file);
      return password;
    } catch (IOException e) {
      throw new StoreException("password file " + file, e);
    }
  }

  private static void create(Path file) throws IOException {
    try {
      if (supportsPosix(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      // kept from an earlier start: read below
    }
  }

  /** Tightens a file someone widened; the password is worth one chmod at every start. */
  private static void restrict(Path file) throws IOException {
    if (supportsPosix(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  private static boolean supportsPosix(Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static String generate(RandomGenerator random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
