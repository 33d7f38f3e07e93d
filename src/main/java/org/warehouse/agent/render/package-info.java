/**
 * Config files: rendering attribute trees as YAML that PyYAML reads back exactly, showing them
 * redacted, diffing them, and writing them atomically.
 *
 * <p>Typical use by a config-file resource:
 *
 * <pre>{@code
 * YamlRenderer renderer = new YamlRenderer("Managed by warehouse-agent; local changes are overwritten");
 * RenderedFile rendered = renderer.render(merged.lookup("warehouse.config"), secrets);
 * byte[] current = Files.exists(path) ? Files.readAllBytes(path) : null;
 * String diff = UnifiedDiff.of(path.toString(), current, rendered);   // secrets masked: printable
 * if (apply) {
 *   WriteResult r = new AtomicFileWriter()
 *       .write(path, rendered.content(), "root", "root", "0640", backupDir);
 * } else {
 *   WriteResult.Change c = new AtomicFileWriter().plan(path, rendered.content(), "root", "root", "0640");
 * }
 * String shown = renderer.renderRedacted(merged.tree());               // agent attributes / check-config
 * }</pre>
 *
 * <p>{@link org.warehouse.agent.render.RenderedFile#content()} holds secret values: write it, never
 * print it. Everything else in this package (redacted text, diffs, {@code toString()}, exception
 * messages) shows secrets as {@code <secret:NAME>}. Depends only on {@code attributes}.
 */
package org.warehouse.agent.render;
