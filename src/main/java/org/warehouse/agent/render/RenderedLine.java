package org.warehouse.agent.render;

/**
 * One line of a render: the text to write, the text to show, and for a line holding a secret its
 * name, the text before the value, and the value as written (quoted) and raw, so that an old file's
 * secret can be masked for a diff.
 */
record RenderedLine(
    String text, String shown, String secretName, String lead, String secretValue, String raw) {
  static RenderedLine plain(String text) {
    return new RenderedLine(text, text, null, null, null, null);
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
        raw);
  }
}
