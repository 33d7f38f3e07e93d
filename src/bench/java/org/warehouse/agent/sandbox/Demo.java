package org.warehouse.agent.sandbox;

import java.util.Map;

/** test-fixtures/demo.sh: the agent's whole job, for real, on a sandboxed host. */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    SandboxSupport.assumeAvailable();
    try (SandboxHost host = SandboxHost.start()) {
      AgentInSandbox agent = new AgentInSandbox(host);
      step("Publishing warehouse 18.09.01 to a signed repository on " + host.server().uri());
      host.publish(host.buildWarehouse("18.09.01"));
      agent.configure(
          AgentInSandbox.standardConfig(host.server().uri().toString(), ""),
          Map.of(
              "10-warehouse.yml",
              "warehouse:\n  config:\n    site: pypi.org\n    debug: no\n    database: !secret"
                  + " database_url\n"));
      host.sandbox()
          .writeFile("/etc/warehouse-agent/secrets/database_url", "postgres://u:hunter2@db/w\n");
      host.sandbox()
          .exec(java.util.List.of("chmod", "0600", "/etc/warehouse-agent/secrets/database_url"));
      step("agent.yml inside the sandbox");
      System.out.print(host.sandbox().readFile(AgentInSandbox.CONFIG));
      step("First converge on a fresh host: install, render config.yml, start warehouse-web");
      agent.converge();
      step("The rendered config.yml (the secret is in the file, never in logs or reports)");
      System.out.print(host.sandbox().readFile(AgentInSandbox.CONFIG_YML));
      System.out.println(
          "warehouse-web answers: " + host.sandbox().httpGet(host.healthUrl()).body());
      step("Publishing 18.09.02; converge: upgrade, restart once");
      host.publish(host.buildWarehouse("18.09.01"), host.buildWarehouse("18.09.02"));
      agent.converge();
      System.out.println(
          "warehouse-web answers: " + host.sandbox().httpGet(host.healthUrl()).body());
      step("Converge again: the repository answers 304, nothing to do");
      host.server().clearRequests();
      agent.converge();
      System.out.println(
          "requests to the repository: "
              + host.server().requests().stream()
                  .map(r -> r.method() + " " + r.path() + " -> " + r.status())
                  .toList());
      step("agent status");
      agent.run("status");
    }
  }

  private static void step(String what) {
    System.out.println();
    System.out.println("==> " + what);
  }
}
