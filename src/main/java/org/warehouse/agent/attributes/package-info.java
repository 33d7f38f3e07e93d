/**
 * Node attributes: loading attribute files safely, merging the precedence levels with provenance,
 * gathering automatic facts, and reading secrets.
 *
 * <p>Typical use by the converge engine and {@code agent attributes}:
 *
 * <pre>{@code
 * MergedAttributes merged =
 *     new AttributeLoader()
 *         .load(agentYml.defaults(), agentYml.files(), agentYml.overrides(),
 *               AutomaticFacts.gather(agentVersion));
 * Map<String, Object> config = merged.lookupMap("warehouse.config"); // error names the missing part
 * Explanation why = merged.explain("warehouse.config.database");    // toString() is for humans
 * SecretResolver secrets = SecretStore.fromEnvironment();            // used only at render time
 * }</pre>
 *
 * <p>Values are plain Java trees ({@code Map<String, Object>}, {@code List<Object>}, {@code
 * String}, {@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean}, {@code null}) plus
 * {@link org.warehouse.agent.attributes.SecretRef}, written {@code !secret NAME} in YAML or {@code
 * {"$secret": "NAME"}} anywhere. Unquoted YAML scalars are typed only where YAML 1.1 and 1.2 agree
 * (see {@link org.warehouse.agent.attributes.AttributeFileReader}). Every error is an {@link
 * org.warehouse.agent.attributes.AttributeException} with a one-line message citing {@code
 * file:line:column} where there is one, and never a secret value. This package depends on no other
 * package of the agent.
 */
package org.warehouse.agent.attributes;
