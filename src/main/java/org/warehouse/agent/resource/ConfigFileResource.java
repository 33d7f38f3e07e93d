package org.warehouse.agent.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.warehouse.agent.render.AtomicFileWriter;
import org.warehouse.agent.render.FileWriteException;
import org.warehouse.agent.render.RenderedFile;
import org.warehouse.agent.render.UnifiedDiff;
import org.warehouse.agent.render.WriteResult;

/**
 * A config file with rendered content, owner, group and mode; written atomically and only when it
 * differs. Reports show digests of the redacted text and why-run shows a redacted diff: a secret
 * never reaches a report. When it rewrites the file it remembers where the writer saved the
 * previous content, so that a failed service check can have that put back ({@link #rollback}).
 */
public final class ConfigFileResource implements Reversible {
  private final Path path;
  private final RenderedFile rendered;
  private final String owner;
  private final String group;
  private final String mode;
  private final AtomicFileWriter writer;
  private final Path backupDir;
  // The previous content, saved by the writer when this run rewrote the file (null: nothing to
  // undo).
  private Path previousContent;

  public ConfigFileResource(
      Path path,
      RenderedFile rendered,
      String owner,
      String group,
      int mode,
      AtomicFileWriter writer,
      Path backupDir) {
    this.path = path;
    this.rendered = rendered;
    this.owner = owner;
    this.group = group;
    this.mode = String.format("%04o", mode);
    this.writer = writer;
    this.backupDir = backupDir;
  }

  @Override
  public ResourceId id() {
    return ResourceId.ofFile(path.toString());
  }

  @Override
  public Result checkApply(boolean apply) throws ResourceException {
    try {
      byte[] current = read();
      String before = current == null ? "absent" : digest(rendered.redact(current));
      String after = digest(rendered.redactedText());
      if (!apply && !Files.isDirectory(path.getParent())) {
        // On a fresh host the package that ships the directory is installed earlier in the run.
        return Result.differed(
            false, "absent", after, "would create it once " + path.getParent() + " exists");
      }
      if (!apply) {
        WriteResult.Change planned = writer.plan(path, rendered.content(), owner, group, mode);
        if (planned == WriteResult.Change.UNCHANGED) {
          return Result.unchanged(after);
        }
        String diff =
            planned == WriteResult.Change.METADATA_FIXED
                ? "owner/group/mode would be fixed to " + owner + ":" + group + " " + mode
                : UnifiedDiff.of(path.toString(), current, rendered);
        return Result.differed(false, before, after, diff);
      }
      WriteResult w = writer.write(path, rendered.content(), owner, group, mode, backupDir);
      if (!w.changed()) {
        return Result.unchanged(after);
      }
      previousContent = w.change() == WriteResult.Change.UPDATED ? w.backup().orElse(null) : null;
      String what =
          switch (w.change()) {
            case CREATED -> "created " + owner + ":" + group + " " + mode;
            case METADATA_FIXED -> "fixed owner/group/mode to " + owner + ":" + group + " " + mode;
            default ->
                "rewritten"
                    + (w.backup().isPresent() ? ", previous kept at " + w.backup().get() : "");
          };
      return Result.differed(true, before, after, what);
    } catch (FileWriteException e) {
      throw new ResourceException(e.getMessage(), e);
    }
  }

  @Override
  public Optional<Undo> undo() {
    return previousContent == null
        ? Optional.empty()
        : Optional.of(new Undo("rewrite of " + path, "the previous " + path));
  }

  @Override
  public Result rollback(String reason) throws ResourceException {
    if (previousContent == null) {
      throw new ResourceException(
          "nothing to roll back: " + path + " was not rewritten in this run");
    }
    byte[] old;
    try {
      old = Files.readAllBytes(previousContent);
    } catch (IOException e) {
      throw new ResourceException(
          "cannot read the previous content of "
              + path
              + " at "
              + previousContent
              + ": "
              + e.getMessage(),
          e);
    }
    byte[] current = read();
    try {
      // Without a backup of the failed content: a full or read-only state_dir must not stop it.
      writer.restore(path, old, owner, group, mode);
    } catch (FileWriteException e) {
      throw new ResourceException(e.getMessage(), e);
    }
    previousContent = null;
    return Result.differed(
        true,
        current == null ? "absent" : digest(rendered.redact(current)),
        digest(rendered.redact(old)),
        "previous content restored");
  }

  private byte[] read() throws ResourceException {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new ResourceException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  // A digest of the redacted text: identifies the content without revealing a secret.
  private static String digest(String redacted) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(redacted.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
