package org.warehouse.agent.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunReport;
import org.warehouse.agent.state.Json;

/**
 * One line of the control socket's protocol: a JSON object on one line, in either direction.
 *
 * <p>Client to daemon, one request per connection: {@code {"type":"converge","whyRun":false}} or
 * {@code {"type":"status"}}. Daemon to client, for a converge: {@code queued} (a run is in
 * progress; this one follows it), then the run's events {@code started}, {@code resource} (each
 * resource and notification), {@code finished}, and last {@code result} (with the report) or {@code
 * error} (with {@link RunOutcome}'s error kind and a message); for status, one {@code status} line.
 * The daemon closes the connection after the last line.
 *
 * @param type what the line is (see above)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlMessage(
    String type,
    Boolean whyRun,
    String runId,
    String trigger,
    Boolean notification,
    ResourceReport resource,
    RunReport report,
    String error,
    String message,
    DaemonStatus status) {

  /**
   * Jackson's data binding, for the daemon's side. In a holder so that the client, which reads with
   * {@link ClientJson}, never loads it.
   */
  private static final class Codec {
    static final ObjectMapper MAPPER = Json.mapper();
    static final ObjectWriter WRITER =
        MAPPER.writerFor(ControlMessage.class).without(SerializationFeature.INDENT_OUTPUT);
    static final ObjectReader READER = MAPPER.readerFor(ControlMessage.class);
  }

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

  static ControlMessage started(String runId, String trigger, boolean whyRun) {
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

  static ControlMessage error(String kind, String message) {
    return new ControlMessage("error", null, null, null, null, null, null, kind, message, null);
  }

  static ControlMessage status(DaemonStatus status) {
    return new ControlMessage("status", null, null, null, null, null, null, null, null, status);
  }

  /** This message as one line of JSON, newline included. */
  String toLine() {
    try {
      return Codec.WRITER.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize " + type, e);
    }
  }

  static ControlMessage parse(String line) throws IOException {
    ControlMessage m = Codec.READER.readValue(line);
    if (m == null || m.type() == null) {
      throw new IOException("control message without a type");
    }
    return m;
  }
}
