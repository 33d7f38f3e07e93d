package org.warehouse.agent.attributes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Reads secret values: from {@code $CREDENTIALS_DIRECTORY/NAME} when that variable is set (systemd
 * {@code LoadCredential=}; systemd owns those permissions), else from {@code
 * /etc/warehouse-agent/secrets/NAME} (or the directory given), which must be a regular file (not a
 * symlink) that passes {@link StrictModes} (owned by root or the agent's user, in directories only
 * they can write) and has no group or other permission bits. One trailing newline ({@code \n} or
 * {@code \r\n}) is dropped, since files written with {@code echo} have one. Values must be UTF-8
 * and at most 64 KiB. Errors name the secret and the file, never the value.
 */
public final class SecretStore implements SecretResolver {
  /** Where secrets live when systemd does not pass credentials. */
  public static final Path DEFAULT_DIR = Path.of("/etc/warehouse-agent/secrets");

  private static final int MAX_BYTES = 64 * 1024;

  private final Path directory;
  private final boolean checkPermissions;

  private SecretStore(Path directory, boolean checkPermissions) {
    this.directory = directory;
    this.checkPermissions = checkPermissions;
  }

  /** From this process's environment, with the default secrets directory. */
  public static SecretStore fromEnvironment() {
    return fromEnvironment(System.getenv(), DEFAULT_DIR);
  }

  /**
   * {@code $CREDENTIALS_DIRECTORY} from {@code env} if set and non-empty, else {@code secretsDir}.
   */
  public static SecretStore fromEnvironment(Map<String, String> env, Path secretsDir) {
    String credentials = env.get("CREDENTIALS_DIRECTORY");
    if (credentials != null && !credentials.isEmpty()) {
      return new SecretStore(Path.of(credentials), false);
    }
    return new SecretStore(secretsDir, true);
  }

  /** The directory secrets are read from. */
  public Path directory() {
    return directory;
  }

  @Override
  public String resolve(SecretRef ref) {
    Path file = directory.resolve(ref.name());
    String what = "secret '" + ref.name() + "' (" + file + ")";
    byte[] bytes;
    try {
      PosixFileAttributes attrs =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
        throw new AttributeException(what + ": not a regular file (symbolic links are refused)");
      }
      if (checkPermissions) {
        check(file, attrs, what);
      }
      try (SeekableByteChannel ch =
              Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
          InputStream in = Channels.newInputStream(ch)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      throw new AttributeException(
          "secret '" + ref.name() + "' not found (no file " + file + ")", e);
    } catch (IOException e) {
      throw new AttributeException(what + ": cannot read: " + AttributeFileReader.reason(e), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new AttributeException(what + ": larger than " + MAX_BYTES + " bytes");
    }
    String value;
    try {
      value =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      // No cause: the decoder's message could quote bytes of the value.
      throw new AttributeException(what + ": not valid UTF-8");
    }
    if (value.endsWith("\r\n")) {
      return value.substring(0, value.length() - 2);
    }
    return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
  }

  // Who could have changed it (StrictModes: owner, the directories up to /), then who can read it.
  private static void check(Path file, PosixFileAttributes attrs, String what) throws IOException {
    try {
      StrictModes.FOR_THIS_PROCESS.check(file);
    } catch (StrictModes.UntrustedFileException e) {
      throw new AttributeException("secret '" + file.getFileName() + "': " + e.getMessage());
    }
    Set<PosixFilePermission> perms = attrs.permissions();
    if (perms.contains(PosixFilePermission.GROUP_READ)
        || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.GROUP_EXECUTE)
        || perms.contains(PosixFilePermission.OTHERS_READ)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
      throw new AttributeException(
          what
              + ": mode "
              + mode(perms)
              + " lets group or others access it; a secret file must be mode 0600 or 0400"
              + " (fix: chmod go= "
              + file
              + ")");
    }
  }

  /** Octal with a leading zero, as chmod takes it: {@code 0644}. */
  static String mode(Set<PosixFilePermission> perms) {
    String rwx = PosixFilePermissions.toString(perms);
    int m = 0;
    for (int i = 0; i < 9; i++) {
      m = (m << 1) | (rwx.charAt(i) == '-' ? 0 : 1);
    }
    return String.format("0%03o", m);
  }
}
