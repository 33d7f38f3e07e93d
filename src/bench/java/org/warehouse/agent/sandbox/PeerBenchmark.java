package org.warehouse.agent.sandbox;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * test-fixtures/bench.sh peers: the agent against {@code puppet apply} and {@code ansible-playbook
 * -c local} doing the same job in the same sandbox (warehouse at latest from the same loopback
 * repository, the same config.yml, warehouse-web restarted on change; src/bench/peers/). Debian's
 * puppet and ansible-core are installed inside the sandbox from the .debs that
 * test-fixtures/install-peers.sh downloaded. Tools take turns, round after round, so that load from
 * other work hits all alike; medians of N rounds (argument 1, default 5). Every run is checked:
 * config.yml byte for byte, warehouse-web not restarted by a no-op and restarted onto the new
 * version by a change. Not a test: figures, no thresholds.
 */
public final class PeerBenchmark {
  private static final String CLI_CONFIG = "/etc/warehouse-agent/agent-nodaemon.yml";

  private PeerBenchmark() {}

  /** One tool doing the job for a given release of the config data. */
  private interface Tool {
    ExecResult run(int release);
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path debs =
        Path.of(args.length > 1 ? args[1] : "/var/cache/warehouse-agent-tests/peers/archives");
    SandboxSupport.assumeAvailable();
    String peers = Fixtures.projectDir().resolve("src/bench/peers").toString();
    String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
    try (SandboxHost host = SandboxHost.start()) {
      Sandbox s = host.sandbox();
      installPeers(s, debs);
      List<Path> published = new ArrayList<>();
      published.add(host.buildWarehouse("18.09.01"));
      host.publish(published.toArray(Path[]::new));
      BenchDaemon daemon =
          BenchDaemon.start(host, "interval: 1h\nsplay: 1s\nfirst_run_delay: 1s\n", 0);
      AgentInSandbox agent = daemon.agent();
      // The same agent.yml with another run_dir: the CLI finds no daemon there and converges
      // in-process (the daemon idles: its next slot is an hour away).
      s.writeFile(
          CLI_CONFIG,
          s.readFile(AgentInSandbox.CONFIG) + "run_dir: /run/warehouse-agent-nodaemon\n");
      String puppetVersion = s.checkOutput("puppet", "--version").strip();
      String ansibleVersion =
          s.checkOutput("ansible-playbook", "--version").lines().findFirst().orElse("");

      Map<String, Tool> tools = new LinkedHashMap<>();
      tools.put(
          "agent, daemon running",
          release -> {
            daemon.setRelease(release);
            return agent.run("converge", "--now", "--detailed-exitcodes");
          });
      tools.put(
          "agent, no daemon",
          release -> {
            daemon.setRelease(release);
            return agent.runWith(CLI_CONFIG, "converge", "--now", "--detailed-exitcodes");
          });
      tools.put(
          "puppet apply",
          release ->
              s.exec(
                  List.of(
                      "puppet",
                      "apply",
                      "--detailed-exitcodes",
                      "--color=false",
                      peers + "/site.pp"),
                  Map.of("FACTER_release", Integer.toString(release), "FACTER_peers_dir", peers),
                  Duration.ofMinutes(3)));
      tools.put(
          "ansible-playbook -c local",
          release ->
              s.exec(
                  List.of(
                      "ansible-playbook",
                      "-c",
                      "local",
                      "-i",
                      "localhost,",
                      peers + "/playbook.yml",
                      "-e",
                      "release=" + release),
                  Map.of(
                      "ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3",
                      "ANSIBLE_NOCOLOR", "1",
                      "ANSIBLE_LOCALHOST_WARNING", "false"),
                  Duration.ofMinutes(3)));

      // Warm-up: one no-op each (first puppet run creates its directories, caches fill).
      int release = 0;
      for (Tool tool : tools.values()) {
        tool.run(release);
      }
      Map<String, List<Double>> noop = new LinkedHashMap<>();
      Map<String, List<Double>> change = new LinkedHashMap<>();
      Map<String, List<Double>> healthy = new LinkedHashMap<>();
      List<Double> inDaemon = new ArrayList<>();
      tools.keySet().forEach(n -> noop.put(n, new ArrayList<>()));
      tools.keySet().forEach(n -> change.put(n, new ArrayList<>()));
      tools.keySet().forEach(n -> healthy.put(n, new ArrayList<>()));

      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, Tool> t : tools.entrySet()) {
          long pidBefore = agent.mainPid();
          ExecResult r = t.getValue().run(release);
          requireOk(t.getKey(), r);
          check(t.getKey() + " no-op", s, release, pidBefore == agent.mainPid(), r);
          noop.get(t.getKey()).add(ms(r));
          if (t.getKey().equals("agent, daemon running")) {
            inDaemon.add(reportMs(r));
          }
        }
      }
      int version = 1;
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, Tool> t : tools.entrySet()) {
          release++;
          version++;
          String v = String.format("18.10.%03d", version);
          published.add(host.buildWarehouse(v));
          host.publish(published.toArray(Path[]::new));
          long pidBefore = agent.mainPid();
          long start = System.nanoTime();
          ExecResult r = t.getValue().run(release);
          requireOk(t.getKey(), r);
          Await.until(
              t.getKey() + ": warehouse-web healthy on " + v,
              Duration.ofSeconds(60),
              () -> v.equals(BenchDaemon.healthyVersion(host)));
          double untilHealthy = (System.nanoTime() - start) / 1e6;
          check(t.getKey() + " change", s, release, pidBefore != agent.mainPid(), r);
          change.get(t.getKey()).add(ms(r));
          healthy.get(t.getKey()).add(untilHealthy);
        }
      }
      String load1 = Files.readString(Path.of("/proc/loadavg")).strip();

      System.out.println();
      System.out.printf(
          "peer benchmark: medians of %d rounds, wall ms from the host (includes nsenter, a few ms);"
              + " %d CPUs, load %s at start, %s at end%n",
          rounds, Runtime.getRuntime().availableProcessors(), load0, load1);
      System.out.printf("  peers: puppet %s, %s (in the sandbox)%n", puppetVersion, ansibleVersion);
      System.out.printf("  %-28s %10s %10s %12s%n", "", "no-op", "change", "until healthy");
      for (String name : tools.keySet()) {
        System.out.printf(
            "  %-28s %10.0f %10.0f %12.0f%n",
            name,
            BenchStats.median(noop.get(name)),
            BenchStats.median(change.get(name)),
            BenchStats.median(healthy.get(name)));
      }
      System.out.printf(
          "  %-28s %10.0f   (the no-op's own duration in the daemon's report)%n",
          "agent, inside the daemon", BenchStats.median(inDaemon));
      System.out.println("  ratios (agent / peer; below 1 = agent faster):");
      for (String agentName : List.of("agent, daemon running", "agent, no daemon")) {
        for (String peer : List.of("puppet apply", "ansible-playbook -c local")) {
          System.out.printf(
              "    %-22s / %-26s no-op %5.2f  change %5.2f  until healthy %5.2f%n",
              agentName,
              peer,
              BenchStats.median(noop.get(agentName)) / BenchStats.median(noop.get(peer)),
              BenchStats.median(change.get(agentName)) / BenchStats.median(change.get(peer)),
              BenchStats.median(healthy.get(agentName)) / BenchStats.median(healthy.get(peer)));
        }
      }
      s.exec(List.of("systemctl", "stop", DaemonUnit.UNIT));
    }
  }

  /** Installs the downloaded .debs inside (not ansible's 400 MB of collections: unused here). */
  private static void installPeers(Sandbox s, Path debs) throws Exception {
    List<String> files;
    try (Stream<Path> list = Files.list(debs)) {
      files =
          list.map(Path::toString)
              .filter(f -> f.endsWith(".deb"))
              .filter(f -> !new File(f).getName().startsWith("ansible_"))
              .sorted()
              .toList();
    }
    if (files.stream().noneMatch(f -> new File(f).getName().startsWith("puppet_"))) {
      throw new IllegalStateException(
          "no puppet .deb in " + debs + ": run test-fixtures/install-peers.sh");
    }
    // No service of theirs starts (puppet.service would look for a puppet server).
    s.writeFile("/usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n");
    s.exec(List.of("chmod", "755", "/usr/sbin/policy-rc.d")).requireSuccess();
    List<String> argv =
        new ArrayList<>(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends"));
    argv.addAll(files);
    long t0 = System.nanoTime();
    s.exec(argv, Map.of("DEBIAN_FRONTEND", "noninteractive"), Duration.ofMinutes(10))
        .requireSuccess();
    s.exec(List.of("rm", "-f", "/usr/sbin/policy-rc.d")).requireSuccess();
    s.exec(List.of("systemctl", "mask", "--now", "puppet.service"));
    System.err.printf(
        "peer benchmark: installed %d packages in the sandbox in %.0f s%n",
        files.size(), (System.nanoTime() - t0) / 1e9);
  }

  private static void requireOk(String tool, ExecResult r) {
    // puppet --detailed-exitcodes: 2 = changes (its exec of apt-get update is one on every run).
    if (r.exitCode() != 0 && r.exitCode() != 2) {
      throw new IllegalStateException(tool + " failed: " + r);
    }
  }

  private static void check(
      String what, Sandbox s, int release, boolean pidAsExpected, ExecResult r) {
    String config = s.readFile(AgentInSandbox.CONFIG_YML);
    if (!config.equals(BenchDaemon.expectedConfig(release))) {
      throw new IllegalStateException(what + ": config.yml differs:\n" + config + "\n" + r);
    }
    if (!pidAsExpected) {
      throw new IllegalStateException(what + ": warehouse-web restarted wrongly (or not): " + r);
    }
  }

  private static double ms(ExecResult r) {
    return r.elapsed().toNanos() / 1e6;
  }

  // "result: unchanged in 12 ms": the run's own duration, as the daemon timed it.
  private static double reportMs(ExecResult r) {
    Matcher m = Pattern.compile("result: unchanged in (\\d+) ms").matcher(r.stdout());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
