package org.warehouse.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.warehouse.agent.version.DebianVersion;
import org.warehouse.agent.version.InvalidVersionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agent compare-versions A OP B}: {@code dpkg --compare-versions} with the agent's own
 * comparison, same relations, same handling of bad and empty versions, same exit codes.
 */
@Command(
    name = "compare-versions",
    mixinStandardHelpOptions = true,
    description = {
      "Compares two Debian versions exactly as 'dpkg --compare-versions A OP B' does.",
      "OP is one of lt le eq ne ge gt, or << <= = >= >>, or lt-nl le-nl ge-nl gt-nl"
          + " (an empty version counts as later than any other), or the obsolete < (means <=)"
          + " and > (means >=), which draw a warning.",
      "An empty A or B, or <unknown>, is no version: earlier than any version for all but the"
          + " -nl relations.",
      "A version dpkg only warns about (not starting with a digit, characters outside"
          + " [A-Za-z0-9.+~-:]) draws the same warning and is compared anyway; one dpkg rejects"
          + " exits 2.",
      "A version starting with '-' (such as -0:1) needs '--' before it, as with dpkg.",
      "Exit status: 0 the relation holds, 1 it does not, 2 invalid version or relation."
    })
public class CompareVersionsCommand implements Callable<Integer> {
  static final int TRUE = 0;
  static final int FALSE = 1;
  static final int INVALID = 2;

  @Parameters(index = "0", paramLabel = "A", description = "first version")
  private String first;

  @Parameters(index = "1", paramLabel = "OP", description = "relation")
  private String relation;

  @Parameters(index = "2", paramLabel = "B", description = "second version")
  private String second;

  @Spec private CommandSpec spec;

  public CompareVersionsCommand() {}

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Relation rel = Relation.named(relation);
    if (rel == null) {
      err.println(
          "compare-versions: error: bad relation '"
              + relation
              + "' (use lt le eq ne ge gt, << <= = >= >>, lt-nl le-nl ge-nl gt-nl)");
      err.flush();
      return INVALID;
    }
    if (rel.obsolete) {
      err.println(
          "compare-versions: warning: obsolete relation operator '"
              + relation
              + "' (it means "
              + (relation.equals("<") ? "<=" : ">=")
              + ")");
    }
    DebianVersion a;
    DebianVersion b;
    try {
      a = versionOrNone(first, err);
      b = versionOrNone(second, err);
    } catch (InvalidVersionException e) {
      err.flush();
      return INVALID;
    }
    err.flush();
    if (a == null) {
      return b == null ? rel.ifNoneBoth : rel.ifNoneA;
    }
    if (b == null) {
      return rel.ifNoneB;
    }
    int c = a.compareTo(b);
    return c < 0 ? rel.ifLesser : c == 0 ? rel.ifEqual : rel.ifGreater;
  }

  // null is dpkg's blank version: "" and "<unknown>" are accepted as "no version".
  private static DebianVersion versionOrNone(String text, PrintWriter err) {
    if (text.isEmpty() || text.equals("<unknown>")) {
      return null;
    }
    try {
      DebianVersion v = DebianVersion.parseLax(text);
      v.syntaxWarning()
          .ifPresent(
              w ->
                  err.println(
                      "compare-versions: warning: version '" + text + "' has bad syntax: " + w));
      return v;
    } catch (InvalidVersionException e) {
      err.println(
          "compare-versions: error: version '" + text + "' has bad syntax: " + e.getMessage());
      throw e;
    }
  }

  /** dpkg's relation table (src/main/enquiry.c cmpversions): exit status for each outcome. */
  enum Relation {
    LE("le", 0, 0, 1, 0, 0, 1, false),
    LT("lt", 0, 1, 1, 0, 1, 1, false),
    EQ("eq", 1, 0, 1, 1, 0, 1, false),
    NE("ne", 0, 1, 0, 0, 1, 0, false),
    GE("ge", 1, 0, 0, 1, 0, 0, false),
    GT("gt", 1, 1, 0, 1, 1, 0, false),
    LE_NL("le-nl", 0, 0, 1, 1, 0, 0, false),
    LT_NL("lt-nl", 0, 1, 1, 1, 1, 0, false),
    GE_NL("ge-nl", 1, 0, 0, 0, 0, 1, false),
    GT_NL("gt-nl", 1, 1, 0, 0, 1, 1, false),
    OBSOLETE_LESS("<", 0, 0, 1, 0, 0, 1, true),
    LESS_EQUAL("<=", 0, 0, 1, 0, 0, 1, false),
    LESS("<<", 0, 1, 1, 0, 1, 1, false),
    EQUAL("=", 1, 0, 1, 1, 0, 1, false),
    OBSOLETE_GREATER(">", 1, 0, 0, 1, 0, 0, true),
    GREATER_EQUAL(">=", 1, 0, 0, 1, 0, 0, false),
    GREATER(">>", 1, 1, 0, 1, 1, 0, false);

    final String op;
    final int ifLesser;
    final int ifEqual;
    final int ifGreater;
    final int ifNoneA;
    final int ifNoneBoth;
    final int ifNoneB;
    final boolean obsolete;

    Relation(
        String op,
        int ifLesser,
        int ifEqual,
        int ifGreater,
        int ifNoneA,
        int ifNoneBoth,
        int ifNoneB,
        boolean obsolete) {
      this.op = op;
      this.ifLesser = ifLesser;
      this.ifEqual = ifEqual;
      this.ifGreater = ifGreater;
      this.ifNoneA = ifNoneA;
      this.ifNoneBoth = ifNoneBoth;
      this.ifNoneB = ifNoneB;
      this.obsolete = obsolete;
    }

    static Relation named(String op) {
      for (Relation r : values()) {
        if (r.op.equals(op)) {
          return r;
        }
      }
      return null;
    }
  }
}
