package org.warehouse.agent.cli;

/** Entry point of the {@code agent} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("warehouse-agent");
  }
}
