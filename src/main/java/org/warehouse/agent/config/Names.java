package org.warehouse.agent.config;

import java.util.regex.Pattern;

/** Validation of the names that reach argv: Debian package names, unit names, repository names. */
public final class Names {
  // Debian Policy 5.6.1: lowercase letters, digits, + - . ; at least two; alphanumeric first.
  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.@-]{0,250}");
  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern SUITE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}");

  private Names() {}

  public static boolean isPackageName(String s) {
    return s != null && PACKAGE.matcher(s).matches();
  }

  public static boolean isUnitName(String s) {
    return s != null && UNIT.matcher(s).matches() && !s.contains("..");
  }

  public static boolean isRepositoryName(String s) {
    return s != null && REPOSITORY.matcher(s).matches();
  }

  public static boolean isSuiteOrComponent(String s) {
    return s != null && SUITE.matcher(s).matches() && !s.contains("..");
  }
}
