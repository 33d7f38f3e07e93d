package org.warehouse.agent.sandbox;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Serves a repository on 127.0.0.1 with conditional GETs, a request log and faults. */
public final class RepositoryServer implements AutoCloseable {
  /** What the server does to requests; see {@link #setFault}. */
  public enum Fault {
    /** Serves files normally. */
    NONE,
    /** Not listening: connection refused. Switching away listens again on the same port. */
    DOWN,
    /** Answers 500 to every request. */
    STATUS_500,
    /**
     * Accepts, reads the request, never answers; the connection closes on the next fault change.
     */
    HANG,
    /** Sends the headers of a full 200 answer and half the body, then closes the connection. */
    TRUNCATE,
    /**
     * Sends the headers of a full 200 answer (to conditional GETs too), then the body one byte a
     * second: every read of the client succeeds, the whole takes minutes. The connection closes on
     * the next fault change.
     */
    TRICKLE
  }

  /**
   * One request as the server saw it. {@code status} is 0 for a request that got no answer (HANG);
   * {@code bytes} counts body bytes sent.
   */
  public record Request(
      Instant time,
      String method,
      String path,
      int status,
      long bytes,
      Map<String, List<String>> headers) {

    /** Copies the headers into a case-insensitive map. */
    public Request {
      TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
      headers = Collections.unmodifiableMap(copy);
    }

    /** The first value of a request header, by case-insensitive name. */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Whether it was a conditional GET (If-Modified-Since or If-None-Match). */
    public boolean isConditional() {
      return header("If-Modified-Since").isPresent() || header("If-None-Match").isPresent();
    }
  }

  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final Path root;
  private final int port;
  private final ExecutorService executor;
  private final List<Request> requests = new ArrayList<>();
  private HttpServer server;
  private Fault fault = Fault.NONE;
  private Predicate<String> faultPaths = path -> true;
  private CountDownLatch hangRelease = new CountDownLatch(0);
  private boolean closed;

  private RepositoryServer(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "repository-server");
              thread.setDaemon(true);
              return thread;
            });
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  /**
   * Serves {@code root} on 127.0.0.1, on a free port, with Last-Modified, ETag and 304 answers to
   * If-Modified-Since and If-None-Match. A sandbox reaches it: it shares the host's network.
   */
  public static RepositoryServer start(Path root) {
    return new RepositoryServer(root);
  }

  /** {@code http://127.0.0.1:PORT/}: the repository's URL, from the host and from a sandbox. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** The port; it stays the same across {@link Fault#DOWN}. */
  public int port() {
    return port;
  }

  /** The current fault. */
  public synchronized Fault fault() {
    return fault;
  }

  /** Applies {@code fault} to every request ({@link Fault#NONE} to heal). */
  public void setFault(Fault fault) {
    setFault(fault, path -> true);
  }

  /**
   * Applies {@code fault} to requests whose path matches (e.g. {@code p -> p.endsWith(".deb")});
   * the others are served normally. {@link Fault#DOWN} always applies to the whole server.
   */
  public synchronized void setFault(Fault fault, Predicate<String> appliesToPath) {
    requireOpen();
    // Requests held by HANG (without an answer) or TRICKLE (cut short) end on any change.
    hangRelease.countDown();
    hangRelease = new CountDownLatch(fault == Fault.HANG || fault == Fault.TRICKLE ? 1 : 0);
    if (fault == Fault.DOWN && server != null) {
      server.stop(0);
      server = null;
    } else if (fault != Fault.DOWN && server == null) {
      server = listen(port);
    }
    this.fault = fault;
    this.faultPaths = appliesToPath;
  }

  /** Every request since start or {@link #clearRequests()}, oldest first. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests for one path (e.g. {@code /dists/stable/InRelease}), oldest first. */
  public synchronized List<Request> requests(String path) {
    return requests.stream().filter(request -> request.path().equals(path)).toList();
  }

  /** Forgets the logged requests. */
  public synchronized void clearRequests() {
    requests.clear();
  }

  /** Stops listening, ends held requests, stops the threads. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    hangRelease.countDown();
    if (server != null) {
      server.stop(0);
      server = null;
    }
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "RepositoryServer[" + uri() + " serving " + root + "]";
  }

  private HttpServer listen(int listenPort) {
    try {
      HttpServer created =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
      created.createContext("/", this::handle);
      // Not the default (the dispatcher thread): a HANG would block every other request.
      created.setExecutor(executor);
      created.start();
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + listenPort, e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Map<String, List<String>> headers = exchange.getRequestHeaders();
    Fault current;
    boolean applies;
    CountDownLatch release;
    synchronized (this) {
      current = fault;
      applies = faultPaths.test(path);
      release = hangRelease;
    }
    try (exchange) {
      if (applies && current == Fault.HANG) {
        log(method, path, 0, 0, headers);
        awaitQuietly(release);
        return; // closing without an answer drops the connection
      }
      if (applies && current == Fault.STATUS_500) {
        respond(exchange, method, path, 500, "injected fault\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      serveFile(exchange, method, path, applies ? current : Fault.NONE, release);
    }
  }

  private void serveFile(
      HttpExchange exchange, String method, String path, Fault fault, CountDownLatch release)
      throws IOException {
    Headers requestHeaders = exchange.getRequestHeaders();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      respond(exchange, method, path, 405, new byte[0]);
      return;
    }
    Path file = root.resolve(path.substring(1)).normalize();
    if (path.contains("..") || !file.startsWith(root) || !Files.isRegularFile(file)) {
      respond(exchange, method, path, 404, "not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] body = Files.readAllBytes(file);
    Instant modified = Files.getLastModifiedTime(file).toInstant();
    String etag = '"' + sha256(body).substring(0, 32) + '"';
    Headers response = exchange.getResponseHeaders();
    response.set("Last-Modified", HTTP_DATE.format(modified.atZone(ZoneOffset.UTC)));
    response.set("ETag", etag);
    response.set("Content-Type", "application/octet-stream");
    if (fault == Fault.TRICKLE && method.equals("GET")) {
      trickle(exchange, method, path, body, release); // whatever the client already has
      return;
    }
    if (notModified(requestHeaders, etag, modified)) {
      log(method, path, 304, 0, requestHeaders);
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    if (method.equals("HEAD")) {
      response.set("Content-Length", Integer.toString(body.length));
      log(method, path, 200, 0, requestHeaders);
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    if (fault == Fault.TRUNCATE && body.length > 1) {
      int half = body.length / 2;
      log(method, path, 200, half, requestHeaders);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body, 0, half);
      exchange.getResponseBody().flush();
      // An IOException out of the handler is what makes the JDK's server close the connection;
      // otherwise it keeps it open and the client waits for the rest of the body forever.
      throw new IOException("truncated on purpose");
    }
    respond(exchange, method, path, 200, body);
  }

  private void trickle(
      HttpExchange exchange, String method, String path, byte[] body, CountDownLatch release)
      throws IOException {
    log(method, path, 200, 0, exchange.getRequestHeaders());
    exchange.sendResponseHeaders(200, body.length);
    OutputStream out = exchange.getResponseBody();
    for (byte b : body) {
      out.write(b);
      out.flush();
      try {
        if (release.await(1, TimeUnit.SECONDS)) {
          // As for TRUNCATE: an exception is what makes the JDK's server drop the connection.
          throw new IOException("trickle ended by a fault change");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    out.close();
  }

  /** RFC 9110: If-None-Match wins over If-Modified-Since; dates compare to the second. */
  private static boolean notModified(Headers request, String etag, Instant modified) {
    String ifNoneMatch = request.getFirst("If-None-Match");
    if (ifNoneMatch != null) {
      for (String candidate : ifNoneMatch.split(",", -1)) {
        String tag = candidate.strip();
        if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String ifModifiedSince = request.getFirst("If-Modified-Since");
    if (ifModifiedSince == null) {
      return false;
    }
    try {
      Instant since = ZonedDateTime.parse(ifModifiedSince.strip(), HTTP_DATE).toInstant();
      return modified.getEpochSecond() <= since.getEpochSecond();
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private void respond(HttpExchange exchange, String method, String path, int status, byte[] body)
      throws IOException {
    boolean sendBody = !method.equals("HEAD") && body.length > 0;
    log(method, path, status, sendBody ? body.length : 0, exchange.getRequestHeaders());
    exchange.sendResponseHeaders(status, sendBody ? body.length : -1);
    if (sendBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  // Called before the answer leaves: a client that has its answer finds its request logged.
  private synchronized void log(
      String method, String path, int status, long bytes, Map<String, List<String>> headers) {
    requests.add(new Request(Instant.now(), method, path, status, bytes, headers));
  }

  private synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException("server closed");
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      // Bounded so a forgotten HANG cannot keep a thread forever.
      latch.await(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
