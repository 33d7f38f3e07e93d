package org.warehouse.agent.apt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One GET of a repository's InRelease, in a thread of its own: the JDK's connection bounds each
 * read, not the exchange, so a server that trickles a byte a second would hold the caller for as
 * long as it likes. The caller waits for this thread until poll_timeout and then abandons it.
 */
final class ProbeAttempt extends Thread {
  /** InRelease of a one-package repository is a few KB; anything huge is not an index. */
  private static final int MAX_BYTES = 16 * 1024 * 1024;

  /** Date and Valid-Until come before the checksums, in the first few hundred bytes. */
  private static final int HEAD_BYTES = 64 * 1024;

  /** What the server answered: a status, and for a 200 the body's digest and fields. */
  record Answer(
      int status, String etag, String lastModified, String sha256, ReleaseFields fields) {}

  private final URI uri;
  private final Optional<ProbeState> conditional;
  private final int timeoutMillis;
  private final long deadlineNanos;
  private volatile HttpURLConnection connection;
  private volatile Answer answer;
  private volatile IOException failure;

  ProbeAttempt(URI uri, Optional<ProbeState> conditional, int timeoutMillis, long deadlineNanos) {
    super("repository-probe");
    setDaemon(true);
    this.uri = uri;
    this.conditional = conditional;
    this.timeoutMillis = timeoutMillis;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void run() {
    try {
      answer = exchange();
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException(e.toString(), e);
    } finally {
      disconnect();
    }
  }

  /** The answer once the thread ended; its failure rethrown. */
  Answer answer() throws IOException {
    if (failure != null) {
      throw failure;
    }
    return answer;
  }

  /**
   * Closes the connection from a thread of its own: closing a response stream waits for the read in
   * progress, which is what a trickling server makes slow.
   */
  void abandon() {
    Thread closer = new Thread(this::disconnect, "repository-probe-close");
    closer.setDaemon(true);
    closer.start();
  }

  private void disconnect() {
    HttpURLConnection c = connection;
    if (c != null) {
      c.disconnect();
    }
  }

  private Answer exchange() throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    connection = c;
    c.setConnectTimeout(timeoutMillis);
    c.setReadTimeout(timeoutMillis);
    c.setInstanceFollowRedirects(true);
    c.setUseCaches(false);
    c.setRequestProperty("User-Agent", "warehouse-agent");
    c.setRequestProperty("Cache-Control", "max-age=0");
    if (conditional.isPresent()) {
      if (conditional.get().etag() != null) {
        c.setRequestProperty("If-None-Match", conditional.get().etag());
      }
      if (conditional.get().lastModified() != null) {
        c.setRequestProperty("If-Modified-Since", conditional.get().lastModified());
      }
    }
    int status = c.getResponseCode();
    if (status != HttpURLConnection.HTTP_OK) {
      return new Answer(status, null, null, null, ReleaseFields.NONE);
    }
    MessageDigest md = sha256();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try (InputStream in = c.getInputStream()) {
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        if (System.nanoTime() - deadlineNanos > 0) {
          throw new SocketTimeoutException("InRelease not read within poll_timeout");
        }
        total += n;
        if (total > MAX_BYTES) {
          throw new IOException("InRelease larger than " + MAX_BYTES + " bytes");
        }
        md.update(buf, 0, n);
        if (head.size() < HEAD_BYTES) {
          head.write(buf, 0, Math.min(n, HEAD_BYTES - head.size()));
        }
      }
    }
    return new Answer(
        status,
        c.getHeaderField("ETag"),
        c.getHeaderField("Last-Modified"),
        HexFormat.of().formatHex(md.digest()),
        ReleaseFields.parse(head.toString(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
