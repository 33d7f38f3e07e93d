package org.warehouse.agent.attributes;

/** Turns a {@link SecretRef} into its value at render time. */
@FunctionalInterface
public interface SecretResolver {
  /**
   * The secret's value.
   *
   * @throws AttributeException naming the secret (never its value) when it cannot be had
   */
  String resolve(SecretRef ref);
}
