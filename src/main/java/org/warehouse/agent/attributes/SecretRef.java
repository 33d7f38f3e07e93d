package org.warehouse.agent.attributes;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference to a secret by name, resolved only at render time.
 *
 * <p>Syntax in attribute files: the YAML tag {@code !secret NAME} on a scalar (e.g. {@code
 * password: !secret db_password}), or, in JSON, YAML and inline maps alike, a map with exactly the
 * one key {@code $secret} whose value is the name (e.g. {@code {"$secret": "db_password"}}). A name
 * is 1-128 characters of {@code A-Z a-z 0-9 _ . -}, does not start with a dot and contains no
 * {@code ..}, so that it is always a plain file name inside the secrets directory. {@link
 * #toString()} is {@code <secret:NAME>}: printing a tree, an explanation or an error never shows a
 * value.
 */
public record SecretRef(String name) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  public SecretRef {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw new AttributeException(
          "invalid secret name '"
              + Printable.of(name, 60)
              + "': use 1-128 characters of A-Z a-z 0-9 _ . - (no slash, no leading dot, no '..')");
    }
  }

  @Override
  public String toString() {
    return "<secret:" + name + ">";
  }
}
