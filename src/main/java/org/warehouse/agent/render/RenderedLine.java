package org.warehouse.agent.render;

import java.util.List;

/**
 * One line of a render: the text to write, the text to show, and for a line holding a secret its
 * name, the text before the value, the value as written (quoted) and raw, and the value's place in
 * the tree (keys and {@code [i]} indexes), so that an old file's secret can be found and masked.
 */
record RenderedLine(
    String text,
    String shown,
    String secretName,
    String lead,
    String secretValue,
    String raw,
    List<String> path) {
  static RenderedLine plain(String text) {
    return new RenderedLine(text, text, null, null, null, null, null);
  }

  boolean hasSecret() {
    return secretName != null;
  }

  /** This line with its first {@code oldLeadLength} characters replaced by {@code newLead}. */
  RenderedLine relead(int oldLeadLength, String newLead) {
    return new RenderedLine(
        newLead + text.substring(oldLeadLength),
        newLead + shown.substring(oldLeadLength),
        secretName,
        lead == null ? null : newLead + lead.substring(oldLeadLength),
        secretValue,
        raw,
        path);
  }
}
