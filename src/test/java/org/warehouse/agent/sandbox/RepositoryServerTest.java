package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The repository server's HTTP semantics and faults, with Java's own client. */
@Timeout(20)
class RepositoryServerTest {
  private static final String PATH = "/dists/stable/InRelease";

  @TempDir Path root;
  private RepositoryServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws IOException {
    Files.createDirectories(root.resolve("dists/stable"));
    Files.writeString(root.resolve("dists/stable/InRelease"), "signed release\n");
    Files.setLastModifiedTime(
        root.resolve("dists/stable/InRelease"),
        FileTime.from(Instant.ofEpochSecond(1_700_000_000)));
    server = RepositoryServer.start(root);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesFilesWithValidators() throws Exception {
    java.net.http.HttpResponse<String> response = get(PATH, "X-Test", "1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("signed release\n");
    assertThat(response.headers().firstValue("Last-Modified"))
        .hasValue("Tue, 14 Nov 2023 22:13:20 GMT");
    assertThat(response.headers().firstValue("ETag")).isPresent();
    // The server logs a request once its answer is sent, which the client may see first.
    Await.until(
        "the request to be logged",
        java.time.Duration.ofSeconds(5),
        () -> !server.requests().isEmpty());
    assertThat(server.requests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.method()).isEqualTo("GET");
              assertThat(request.path()).isEqualTo(PATH);
              assertThat(request.status()).isEqualTo(200);
              assertThat(request.bytes()).isEqualTo(15);
              assertThat(request.header("x-test")).hasValue("1");
              assertThat(request.isConditional()).isFalse();
            });
  }

  @Test
  void answersConditionalGetsWith304UntilTheFileChanges() throws Exception {
    java.net.http.HttpResponse<String> first = get(PATH);
    String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
    String etag = first.headers().firstValue("ETag").orElseThrow();

    assertThat(get(PATH, "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
    assertThat(get(PATH, "If-None-Match", etag).statusCode()).isEqualTo(304);
    // If-None-Match wins over If-Modified-Since.
    assertThat(
            get(PATH, "If-None-Match", "\"other\"", "If-Modified-Since", lastModified).statusCode())
        .isEqualTo(200);

    Files.writeString(root.resolve("dists/stable/InRelease"), "signed release 2\n");
    Files.setLastModifiedTime(
        root.resolve("dists/stable/InRelease"),
        FileTime.from(Instant.ofEpochSecond(1_700_000_001)));
    assertThat(get(PATH, "If-Modified-Since", lastModified).statusCode()).isEqualTo(200);
    assertThat(get(PATH, "If-None-Match", etag).statusCode()).isEqualTo(200);
  }

  @Test
  void refusesPathsOutsideTheRoot() throws Exception {
    assertThat(get("/dists/stable/missing").statusCode()).isEqualTo(404);
    assertThat(get("/dists/stable/").statusCode()).isEqualTo(404);
    assertThat(get("/dists/%2e%2e/%2e%2e/etc/passwd").statusCode()).isEqualTo(404);
  }

  @Test
  void status500Fault() throws Exception {
    server.setFault(RepositoryServer.Fault.STATUS_500);
    assertThat(get(PATH).statusCode()).isEqualTo(500);
    server.setFault(RepositoryServer.Fault.NONE);
    assertThat(get(PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void faultCanApplyToSomePathsOnly() throws Exception {
    server.setFault(RepositoryServer.Fault.STATUS_500, path -> path.endsWith(".deb"));
    assertThat(get(PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void downRefusesConnectionsAndComesBackOnTheSamePort() throws Exception {
    int port = server.port();
    server.setFault(RepositoryServer.Fault.DOWN);
    assertThatThrownBy(() -> get(PATH)).isInstanceOf(ConnectException.class);
    server.setFault(RepositoryServer.Fault.NONE);
    assertThat(server.port()).isEqualTo(port);
    assertThat(get(PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void hangHoldsTheRequestUntilTheFaultChanges() throws Exception {
    server.setFault(RepositoryServer.Fault.HANG);
    HttpRequest request =
        HttpRequest.newBuilder(server.uri().resolve(PATH)).timeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> client.send(request, BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(server.requests(PATH)).singleElement().extracting("status").isEqualTo(0);
    server.setFault(RepositoryServer.Fault.NONE);
    assertThat(get(PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void truncateCutsTheBody() {
    server.setFault(RepositoryServer.Fault.TRUNCATE);
    assertThatThrownBy(() -> get(PATH)).isInstanceOf(IOException.class);
    assertThat(server.requests(PATH)).singleElement().extracting("bytes").isEqualTo(7L);
  }

  @Test
  void trickleSendsTheBodyAByteASecondEvenToAConditionalGet() throws Exception {
    String etag = get(PATH).headers().firstValue("ETag").orElseThrow();
    server.setFault(RepositoryServer.Fault.TRICKLE);
    long t0 = System.nanoTime();
    java.net.http.HttpResponse<java.io.InputStream> response =
        client.send(
            HttpRequest.newBuilder(URI.create(server.uri() + PATH.substring(1)))
                .header("If-None-Match", etag)
                .build(),
            BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (java.io.InputStream body = response.body()) {
      assertThat(body.read()).isEqualTo('s');
      assertThat(body.read()).isEqualTo('i');
      assertThat(body.read()).isEqualTo('g');
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
      server.setFault(RepositoryServer.Fault.NONE);
      assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
  }

  private java.net.http.HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path.substring(1)))
            .timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }
}
