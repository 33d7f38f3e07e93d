package org.warehouse.agent.apt;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Asks a repository whether its signed index changed, with a conditional GET of InRelease. A plain
 * {@link HttpURLConnection} rather than java.net.http: no selector thread to keep a short CLI run
 * alive at exit. The content is not trusted here: apt verifies it when it refreshes.
 */
public final class RepositoryProbe {
  /** InRelease of a one-package repository is a few KB; anything huge is not an index. */
  private static final int MAX_BYTES = 16 * 1024 * 1024;

  private final Clock clock;

  public RepositoryProbe(Clock clock) {
    this.clock = clock;
  }

  /** Probes {@code repo}; {@code last} is what the previous good refresh recorded, if any. */
  public ProbeResult probe(AptRepository repo, Optional<ProbeState> last) throws AptException {
    URI uri = repo.inReleaseUri();
    Optional<ProbeState> previous =
        last.isPresent() && last.get().uri().equals(uri.toString()) ? last : Optional.empty();
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
      int timeout = (int) Math.min(Integer.MAX_VALUE, repo.pollTimeout().toMillis());
      c.setConnectTimeout(timeout);
      c.setReadTimeout(timeout);
      c.setInstanceFollowRedirects(true);
      c.setUseCaches(false);
      c.setRequestProperty("User-Agent", "warehouse-agent");
      c.setRequestProperty("Cache-Control", "max-age=0");
      if (previous.isPresent()) {
        if (previous.get().etag() != null) {
          c.setRequestProperty("If-None-Match", previous.get().etag());
        }
        if (previous.get().lastModified() != null) {
          c.setRequestProperty("If-Modified-Since", previous.get().lastModified());
        }
      }
      int status = c.getResponseCode();
      if (status == HttpURLConnection.HTTP_NOT_MODIFIED && previous.isPresent()) {
        drain(c);
        return new ProbeResult(false, status, previous.get());
      }
      if (status != HttpURLConnection.HTTP_OK) {
        drain(c);
        throw new AptException(
            "repository " + repo.name() + " answered HTTP " + status + " for " + uri);
      }
      String sha;
      try (InputStream in = c.getInputStream()) {
        sha = sha256(in);
      }
      ProbeState now =
          new ProbeState(
              uri.toString(),
              c.getHeaderField("ETag"),
              c.getHeaderField("Last-Modified"),
              sha,
              clock.instant());
      boolean same = previous.isPresent() && sha.equals(previous.get().sha256());
      return new ProbeResult(!same, status, same ? previous.get() : now);
    } catch (SocketTimeoutException e) {
      throw new AptException(
          "repository "
              + repo.name()
              + " did not answer within "
              + repo.pollTimeout().toSeconds()
              + "s (poll_timeout): "
              + uri,
          e);
    } catch (ConnectException | UnknownHostException e) {
      throw new AptException(
          "repository " + repo.name() + " unreachable: " + e.getMessage() + " (" + uri + ")", e);
    } catch (IOException e) {
      throw new AptException(
          "repository " + repo.name() + " probe failed: " + e + " (" + uri + ")", e);
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  private static void drain(HttpURLConnection c) {
    try (InputStream in = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream()) {
      if (in != null) {
        in.readNBytes(64 * 1024);
      }
    } catch (IOException ignored) {
      // the status already says what happened
    }
  }

  private static String sha256(InputStream in) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > MAX_BYTES) {
        throw new IOException("InRelease larger than " + MAX_BYTES + " bytes");
      }
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
