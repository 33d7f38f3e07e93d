package org.warehouse.agent.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Real file operations that run a check before every step and can fail the n-th step (counting from
 * 1) the way a full disk does.
 */
class FaultyFileOperations implements FileOperations {
  /** Called before each step with the step's name. */
  interface Observer {
    void before(String step) throws IOException;
  }

  private final int failAt;
  private final Observer observer;
  final List<String> steps = new ArrayList<>();

  FaultyFileOperations(int failAt, Observer observer) {
    this.failAt = failAt;
    this.observer = observer;
  }

  private void step(String name) throws IOException {
    steps.add(name);
    observer.before(name);
    if (steps.size() == failAt) {
      throw new IOException("No space left on device");
    }
  }

  @Override
  public FileChannel createExclusive(Path path, Set<PosixFilePermission> perms) throws IOException {
    step("create " + path.getFileName());
    return SYSTEM.createExclusive(path, perms);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer data) throws IOException {
    step("write");
    SYSTEM.write(channel, data);
  }

  @Override
  public void sync(FileChannel channel) throws IOException {
    step("sync");
    SYSTEM.sync(channel);
  }

  @Override
  public void chown(Path path, UserPrincipal owner, GroupPrincipal group) throws IOException {
    step("chown");
    SYSTEM.chown(path, owner, group);
  }

  @Override
  public void chmod(Path path, Set<PosixFilePermission> perms) throws IOException {
    step("chmod");
    SYSTEM.chmod(path, perms);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    step("rename to " + to.getFileName());
    SYSTEM.rename(from, to);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    step("syncdir " + dir.getFileName());
    SYSTEM.syncDirectory(dir);
  }
}
