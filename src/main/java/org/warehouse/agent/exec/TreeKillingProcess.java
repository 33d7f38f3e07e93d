package org.warehouse.agent.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** A process whose destroy also kills its descendants, as killing a process group would. */
final class TreeKillingProcess extends Process {
  private final Process delegate;

  TreeKillingProcess(Process delegate) {
    this.delegate = delegate;
  }

  @Override
  public OutputStream getOutputStream() {
    return delegate.getOutputStream();
  }

  @Override
  public InputStream getInputStream() {
    return delegate.getInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return delegate.getErrorStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    return delegate.waitFor();
  }

  @Override
  public int exitValue() {
    return delegate.exitValue();
  }

  @Override
  public long pid() {
    return delegate.pid();
  }

  @Override
  public void destroy() {
    destroyForcibly();
  }

  @Override
  public Process destroyForcibly() {
    // Collect first: once the parent dies its children are re-parented and no longer found.
    List<ProcessHandle> children = delegate.descendants().toList();
    delegate.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    return this;
  }

  @Override
  public boolean isAlive() {
    return delegate.isAlive();
  }
}
