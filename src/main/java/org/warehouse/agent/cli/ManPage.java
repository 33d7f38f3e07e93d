package org.warehouse.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** agent(1), the manual page in troff, written from the command model so it lists every command. */
final class ManPage {
  // What the model does not hold: the prose around the commands.
  private static final String DESCRIPTION =
      "agent installs the newest Warehouse release from a signed apt repository, renders"
          + " /opt/warehouse/etc/config.yml from node attributes and restarts the services that"
          + " subscribed to what changed. warehouse-agent.service runs 'agent daemon'; the other"
          + " commands are for operators. The global options may be given before the command or"
          + " after it; a --config after the command wins over one before it.";
  private static final String EXIT_STATUS =
      "0 converged (or the command succeeded); 1 the run or command failed; with converge"
          + " --detailed-exitcodes 0 unchanged, 2 changed, 4 failed, 6 changed and failed;"
          + " 64 usage error; 66 rollout halt, resume or release named no rollout or host of the"
          + " group; 69 the rollout database is unreachable or refused the command; 75 run lock"
          + " busy, daemon busy or stopping, or converges disabled; 78 configuration error"
          + " (nothing changed; also: no rollout section for the rollout commands)."
          + " compare-versions answers 0, 1 or 2 as described above.";
  private static final String FILES =
      "/etc/warehouse-agent/agent.yml, /etc/warehouse-agent/attributes.d/,"
          + " /etc/warehouse-agent/secrets/, /var/lib/warehouse-agent/,"
          + " /run/warehouse-agent/control.sock";

  private final StringBuilder page = new StringBuilder();

  private ManPage() {}

  /** The page of {@code agent}, whose subcommands must all be in {@code agent}. */
  static String of(CommandLine agent) {
    return new ManPage().write(agent.getCommandSpec());
  }

  private String write(CommandSpec agent) {
    line(".TH AGENT 1 \"\" \"warehouse-agent\" \"User Commands\"");
    line(".SH NAME");
    line("agent \\- " + text(agent.usageMessage().description()[0]));
    line(".SH SYNOPSIS");
    line(".B agent");
    line("[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]");
    line(".SH DESCRIPTION");
    line(text(DESCRIPTION));
    line(".SH GLOBAL OPTIONS");
    options(agent);
    line(".SH COMMANDS");
    commands(agent);
    line(".SH EXIT STATUS");
    line(text(EXIT_STATUS));
    line(".SH FILES");
    line(text(FILES));
    line(".SH SEE ALSO");
    line("/usr/share/doc/warehouse-agent/README.md.gz,");
    line("/usr/share/doc/warehouse-agent/configuration.md.gz,");
    line("/usr/share/doc/warehouse-agent/operations.md.gz,");
    line(".BR systemctl (1),");
    line(".BR journalctl (1)");
    return page.toString();
  }

  private void commands(CommandSpec parent) {
    for (Map.Entry<String, CommandLine> e : parent.subcommands().entrySet()) {
      CommandSpec c = e.getValue().getCommandSpec();
      line(".SS " + text(c.qualifiedName()));
      line(".B " + text(c.qualifiedName()));
      line(synopsis(c));
      for (String paragraph : c.usageMessage().description()) {
        line(".PP");
        line(text(paragraph));
      }
      options(c);
      commands(c);
    }
  }

  private static String synopsis(CommandSpec c) {
    List<String> parts = new ArrayList<>();
    for (OptionSpec o : c.options()) {
      parts.add("[" + bold(o.longestName()) + param(o) + "]");
    }
    for (PositionalParamSpec p : c.positionalParameters()) {
      parts.add(italic(p.paramLabel()));
    }
    if (!c.subcommands().isEmpty()) {
      parts.add(italic("COMMAND"));
    }
    return String.join(" ", parts);
  }

  private void options(CommandSpec c) {
    for (ArgSpec arg : c.args()) {
      line(".TP");
      if (arg instanceof OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String name : o.names()) {
          names.add(bold(name));
        }
        line(String.join(", ", names) + param(o));
      } else {
        line(italic(arg.paramLabel()));
      }
      String description = String.join(" ", arg.description());
      if (!description.isBlank()) {
        line(text(description));
      }
    }
  }

  private static String param(OptionSpec o) {
    return o.typeInfo().isBoolean() ? "" : " " + italic(o.paramLabel());
  }

  private static String bold(String s) {
    return "\\fB" + escape(s) + "\\fR";
  }

  private static String italic(String s) {
    return "\\fI" + escape(s) + "\\fR";
  }

  // A line of running text: picocli's line breaks (%n) as spaces, escaped, and never starting
  // with a request character.
  private static String text(String s) {
    String t = escape(s.replace("%n", " ").strip());
    return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
  }

  private static String escape(String s) {
    return s.replace("\\", "\\e").replace("-", "\\-");
  }

  private void line(String s) {
    page.append(s).append('\n');
  }
}
