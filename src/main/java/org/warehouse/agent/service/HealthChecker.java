package org.warehouse.agent.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLConnection;
import java.time.Duration;

/**
 * Asks a health URL whether the service serves: a GET with connect and read timeouts, answered 2xx.
 * {@link #await} polls with backoff until it does, and the whole wait is bounded by the health
 * timeout, so a service that hangs, refuses connections or answers 500 costs a bounded time.
 */
public final class HealthChecker {
  /** Runs between polls (e.g. the unit is still up); throws to stop waiting early. */
  public interface Guard {
    void check() throws ServiceException, InterruptedException;
  }

  /** One answer: an HTTP status, or 0 and the error when nothing answered. */
  public record Answer(int status, String error) {
    public boolean healthy() {
      return status >= 200 && status < 300;
    }

    /** {@code HTTP 500} or the error, for reasons. */
    public String describe() {
      return status > 0 ? "HTTP " + status : error;
    }
  }

  // A service coming up answers within a second or two: poll that window closely (a refused
  // connection costs microseconds), then back off for one that is slow.
  private static final Duration FIRST_DELAY = Duration.ofMillis(50);
  private static final Duration CLOSE_WINDOW = Duration.ofSeconds(2);
  private static final Duration MAX_DELAY = Duration.ofSeconds(2);
  // One request never takes the whole budget: a hung connection is retried, not waited on.
  private static final Duration MAX_REQUEST = Duration.ofSeconds(10);
  private static final Duration MIN_REQUEST = Duration.ofMillis(50);
  private static final long MAX_BUDGET = 60_000;

  /**
   * One GET of {@code url} that finishes within about {@code budget}: half of it to connect, half
   * to answer (at least 25 ms each).
   */
  public Answer probe(URI url, Duration budget) {
    int millis = (int) Math.max(MIN_REQUEST.toMillis(), Math.min(budget.toMillis(), MAX_BUDGET));
    millis = Math.max(millis / 2, 25);
    HttpURLConnection c = null;
    try {
      // Health URLs are local: no proxy from the environment may sit in between.
      URLConnection opened = url.toURL().openConnection(Proxy.NO_PROXY);
      if (!(opened instanceof HttpURLConnection http)) {
        return new Answer(0, "not an http(s) URL: " + url);
      }
      c = http;
      c.setConnectTimeout(millis);
      c.setReadTimeout(millis);
      // A redirect is not health: the URL in agent.yml should be the one that answers.
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setRequestProperty("User-Agent", "warehouse-agent health check");
      c.setRequestProperty("Connection", "close");
      int status = c.getResponseCode();
      drain(status >= 400 ? c.getErrorStream() : c.getInputStream());
      return new Answer(status, "");
    } catch (IOException | IllegalArgumentException e) {
      String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Answer(0, what.replaceAll("\\s*\\R\\s*", " "));
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /** The outcome of {@link #await}: the last answer and how many tries it took. */
  public record Poll(Answer last, int tries) {
    public boolean healthy() {
      return last.healthy();
    }

    /** Why it is not healthy, naming the status or error, the tries and the timeout. */
    public String describeFailure(HealthCheck check) {
      String within = tries + (tries == 1 ? " try" : " tries") + " in " + seconds(check.timeout());
      return last.status() > 0
          ? "HTTP " + last.status() + " from " + check.url() + " (" + within + ", health_timeout)"
          : "no answer from " + check.url() + " (" + within + ", health_timeout): " + last.error();
    }
  }

  /**
   * Polls {@code check.url()} until it answers 2xx, every 50 ms for 2 s, then backing off to 2 s,
   * for at most {@code check.timeout()} in all (plus one short try at the deadline).
   *
   * @return the last answer: healthy, or what it was when time ran out
   * @throws ServiceException only what the guard threw
   */
  public Poll await(HealthCheck check, Guard guard) throws ServiceException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + check.timeout().toNanos();
    Duration delay = FIRST_DELAY;
    int tries = 0;
    while (true) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      Answer a = probe(check.url(), min(left, MAX_REQUEST));
      tries++;
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (a.healthy() || leftMillis <= 0) {
        return new Poll(a, tries);
      }
      guard.check();
      // Sleeping up to the deadline leaves one last (short) try there.
      Thread.sleep(Math.min(delay.toMillis(), leftMillis));
      if (System.nanoTime() - start > CLOSE_WINDOW.toNanos()) {
        delay = min(delay.multipliedBy(2), MAX_DELAY);
      }
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void drain(InputStream in) throws IOException {
    if (in == null) {
      return;
    }
    try (in) {
      // Read a little, so the connection closes cleanly; the body itself is not judged.
      in.readNBytes(64 * 1024);
    }
  }
}
