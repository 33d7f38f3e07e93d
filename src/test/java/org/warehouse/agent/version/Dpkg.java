package org.warehouse.agent.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Runs the real {@code dpkg --compare-versions}, the oracle the version tests agree with. */
final class Dpkg {
  static final String LESS = "<";
  static final String EQUAL = "=";
  static final String GREATER = ">";
  static final String ERROR = "E";

  private static final Path DPKG = Path.of("/usr/bin/dpkg");
  private static final AtomicLong RUNS = new AtomicLong();

  private Dpkg() {}

  static boolean available() {
    return Files.isExecutable(DPKG);
  }

  /** The first line of {@code dpkg --version}. */
  static String version() {
    try {
      Process p =
          new ProcessBuilder(DPKG.toString(), "--version")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      p.waitFor();
      return out.lines().findFirst().orElse("dpkg (unknown version)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many times dpkg was run by this JVM. */
  static long runs() {
    return RUNS.get();
  }

  /** Exit status of {@code dpkg --compare-versions -- a op b}. */
  static int exitStatus(String a, String op, String b) {
    return run(a, op, b).exitStatus();
  }

  /** Exit status and standard error of {@code dpkg --compare-versions -- a op b}. */
  static Result run(String a, String op, String b) {
    // "--" so that versions starting with '-' are not taken for options; LC_ALL=C so that the
    // messages are dpkg's English ones.
    ProcessBuilder pb =
        new ProcessBuilder(DPKG.toString(), "--compare-versions", "--", a, op, b)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C");
    RUNS.incrementAndGet();
    try {
      Process p = pb.start();
      String err;
      try (InputStream in = p.getErrorStream()) {
        err = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return new Result(p.waitFor(), err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * dpkg's answer for a pair: {@link #LESS}, {@link #EQUAL}, {@link #GREATER} or {@link #ERROR}.
   */
  static String compare(String a, String b) {
    return compare(a, b, LESS);
  }

  /**
   * dpkg's answer for a pair, asking first the question whose "yes" would confirm {@code guess}:
   * one dpkg run when the guess is right, two at most. The answer is always dpkg's own; the guess
   * only saves processes (dpkg costs milliseconds a run).
   */
  static String compare(String a, String b, String guess) {
    String first =
        switch (guess) {
          case LESS -> "lt";
          case GREATER -> "gt";
          default -> "eq";
        };
    int rc = exitStatus(a, first, b);
    if (rc == 2) {
      return ERROR;
    }
    if (rc == 0) {
      return first.equals("lt") ? LESS : first.equals("gt") ? GREATER : EQUAL;
    }
    if (rc != 1) {
      throw new IllegalStateException("dpkg exited " + rc + " on '" + a + "' " + first + " " + b);
    }
    // Not the first relation: one more question tells the other two apart.
    String second = first.equals("lt") ? "gt" : "lt";
    rc = exitStatus(a, second, b);
    if (rc == 0) {
      return second.equals("lt") ? LESS : GREATER;
    }
    if (rc == 1) {
      return first.equals("eq") ? GREATER : EQUAL;
    }
    throw new IllegalStateException("dpkg exited " + rc + " on '" + a + "' " + second + " " + b);
  }

  /**
   * {@link #compare} for every pair on {@code threads} threads, answers in pair order; each pair's
   * first question is the one our own comparison expects dpkg to say yes to.
   */
  static List<String> compareAll(List<String[]> pairs, int threads) {
    return compareAll(pairs, threads, pairs.size(), Long.MAX_VALUE);
  }

  /**
   * As {@link #compareAll(List, int)}, but pairs after the first {@code minimum} that would start
   * after {@code deadline} (a {@link System#nanoTime} value) are not asked: their answer is null.
   */
  static List<String> compareAll(List<String[]> pairs, int threads, int minimum, long deadline) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> futures = new ArrayList<>(pairs.size());
      for (int i = 0; i < pairs.size(); i++) {
        String[] pair = pairs.get(i);
        boolean required = i < minimum;
        futures.add(
            pool.submit(
                () ->
                    required || System.nanoTime() < deadline
                        ? compare(pair[0], pair[1], javaCompare(pair[0], pair[1]))
                        : null));
      }
      List<String> answers = new ArrayList<>(pairs.size());
      for (Future<String> f : futures) {
        answers.add(f.get());
      }
      return answers;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** What our lax parser and comparison say about a pair, in {@link #compare}'s terms. */
  static String javaCompare(String a, String b) {
    DebianVersion va;
    DebianVersion vb;
    try {
      va = DebianVersion.parseLax(a);
      vb = DebianVersion.parseLax(b);
    } catch (InvalidVersionException e) {
      return ERROR;
    }
    int c = va.compareTo(vb);
    return c < 0 ? LESS : c == 0 ? EQUAL : GREATER;
  }

  /** One dpkg run. */
  record Result(int exitStatus, String stderr) {}
}
