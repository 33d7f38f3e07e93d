package org.warehouse.agent.daemon;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.warehouse.agent.converge.ReportJson;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.converge.Trigger;
import org.warehouse.agent.state.JsonTree;

/**
 * One line of the control socket's protocol: a JSON object on one line, in either direction.
 *
 * <p>Client to daemon, one request per connection: {@code {"type":"converge","whyRun":false}} or
 * {@code {"type":"status"}}. Daemon to client, for a converge: {@code queued} (a run is in
 * progress; this one follows it), then the run's events {@code started}, {@code resource} (each
 * resource and notification), {@code finished}, and last {@code result} (with the report) or {@code
 * error} (with a {@link RunError}'s label and a message); for status, one {@code status} line. To
 * any request, a daemon serving all it takes answers one {@code error} of kind {@code busy}. The
 * daemon closes the connection after the last line.
 *
 * @param type what the line is (see above)
 */
public record ControlMessage(
    String type,
    Boolean whyRun,
    String runId,
    Trigger trigger,
    Boolean notification,
    ResourceReport resource,
    RunReport report,
    RunError error,
    String message,
    DaemonStatus status) {

  /** The longest line either side accepts: a report of a few hundred resources fits easily. */
  static final int MAX_LINE = 4 * 1024 * 1024;

  static ControlMessage converge(boolean whyRun) {
    return new ControlMessage("converge", whyRun, null, null, null, null, null, null, null, null);
  }

  static ControlMessage statusRequest() {
    return new ControlMessage("status", null, null, null, null, null, null, null, null, null);
  }

  static ControlMessage queued(String message) {
    return new ControlMessage("queued", null, null, null, null, null, null, null, message, null);
  }

  static ControlMessage started(String runId, Trigger trigger, boolean whyRun) {
    return new ControlMessage(
        "started", whyRun, runId, trigger, null, null, null, null, null, null);
  }

  static ControlMessage resource(ResourceReport report, boolean notification) {
    return new ControlMessage(
        "resource", null, null, null, notification, report, null, null, null, null);
  }

  static ControlMessage finished(RunReport report) {
    return new ControlMessage("finished", null, null, null, null, null, report, null, null, null);
  }

  static ControlMessage result(RunReport report) {
    return new ControlMessage("result", null, null, null, null, null, report, null, null, null);
  }

  static ControlMessage error(RunError kind, String message) {
    return new ControlMessage("error", null, null, null, null, null, null, kind, message, null);
  }

  static ControlMessage status(DaemonStatus status) {
    return new ControlMessage("status", null, null, null, null, null, null, null, null, status);
  }

  /** This message as one line of JSON, newline included; null fields are left out. */
  String toLine() {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "type", type);
    put(m, "whyRun", whyRun);
    put(m, "runId", runId);
    put(m, "trigger", trigger == null ? null : trigger.label());
    put(m, "notification", notification);
    put(m, "resource", resource == null ? null : ReportJson.toJson(resource));
    put(m, "report", report == null ? null : ReportJson.toJson(report));
    put(m, "error", error == null ? null : error.label());
    put(m, "message", message);
    put(m, "status", status == null ? null : StatusJson.toJson(status));
    try {
      return JsonTree.line(m) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize " + type, e);
    }
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /** The message on {@code line}, as either side reads it. */
  static ControlMessage parse(String line) throws IOException {
    Map<String, Object> m = JsonTree.object(JsonTree.read(line), "control message");
    String type = JsonTree.string(m, "type");
    if (type == null) {
      throw new IOException("control message without a type");
    }
    return new ControlMessage(
        type,
        bool(m, "whyRun"),
        JsonTree.string(m, "runId"),
        trigger(JsonTree.string(m, "trigger")),
        bool(m, "notification"),
        m.get("resource") == null
            ? null
            : ReportJson.resourceReport(JsonTree.object(m.get("resource"), "resource")),
        m.get("report") == null
            ? null
            : ReportJson.runReport(JsonTree.object(m.get("report"), "report")),
        error(JsonTree.string(m, "error")),
        JsonTree.string(m, "message"),
        m.get("status") == null
            ? null
            : StatusJson.daemonStatus(JsonTree.object(m.get("status"), "status")));
  }

  private static Trigger trigger(String label) throws IOException {
    try {
      return label == null ? null : Trigger.parse(label);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static RunError error(String label) {
    return label == null ? null : RunError.fromLabel(label);
  }

  private static Boolean bool(Map<String, Object> m, String key) throws IOException {
    Object v = m.get(key);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw new IOException("\"" + key + "\" is not a boolean");
  }
}
