package org.warehouse.agent.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.warehouse.agent.converge.ResourceReport;
import org.warehouse.agent.converge.RunReport;

/**
 * The client's reading of {@link ControlMessage} lines with jackson-core's streaming parser only.
 * Jackson's data binding (some 600 classes to load and introspect records with) took half the wall
 * time of a cold {@code agent converge --now} through the daemon; the daemon side keeps it.
 */
final class ClientJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ClientJson() {}

  static ControlMessage parse(String line) throws IOException {
    Map<String, Object> m;
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("control message is not a JSON object");
      }
      m = object(p);
    }
    String type = string(m, "type");
    if (type == null) {
      throw new IOException("control message without a type");
    }
    return new ControlMessage(
        type,
        (Boolean) m.get("whyRun"),
        string(m, "runId"),
        string(m, "trigger"),
        (Boolean) m.get("notification"),
        m.get("resource") == null ? null : resource(map(m, "resource")),
        m.get("report") == null ? null : report(map(m, "report")),
        string(m, "error"),
        string(m, "message"),
        m.get("status") == null ? null : status(map(m, "status")));
  }

  /** The request lines: fixed, so written by hand. */
  static String converge(boolean whyRun) {
    return "{\"type\":\"converge\",\"whyRun\":" + whyRun + "}\n";
  }

  static String statusRequest() {
    return "{\"type\":\"status\"}\n";
  }

  private static ResourceReport resource(Map<String, Object> m) {
    return new ResourceReport(
        string(m, "id"),
        string(m, "status"),
        string(m, "before"),
        string(m, "after"),
        string(m, "detail"),
        string(m, "error"),
        number(m, "durationMs"));
  }

  private static RunReport report(Map<String, Object> m) {
    return new RunReport(
        string(m, "runId"),
        string(m, "trigger"),
        Boolean.TRUE.equals(m.get("whyRun")),
        instant(m, "start"),
        instant(m, "end"),
        number(m, "durationMs"),
        string(m, "result"),
        resources(m, "resources"),
        resources(m, "notifications"),
        string(m, "error"));
  }

  private static DaemonStatus status(Map<String, Object> m) {
    return new DaemonStatus(
        string(m, "version"),
        number(m, "pid"),
        instant(m, "startedAt"),
        string(m, "config"),
        instant(m, "configLoadedAt"),
        instant(m, "nextRun"),
        instant(m, "runningSince"),
        string(m, "metrics"));
  }

  private static List<ResourceReport> resources(Map<String, Object> m, String key) {
    List<ResourceReport> out = new ArrayList<>();
    Object list = m.get(key);
    if (list instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof Map<?, ?>) {
          out.add(resource(cast(item)));
        }
      }
    }
    return out;
  }

  private static Map<String, Object> map(Map<String, Object> m, String key) {
    return cast(m.get(key));
  }

  @SuppressWarnings("unchecked") // built by object() below: always String keys
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }

  private static long number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static Instant instant(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : Instant.parse(v.toString());
  }

  private static Map<String, Object> object(JsonParser p) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      m.put(name, value(p));
    }
    return m;
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("truncated control message");
    }
    return switch (t) {
      case START_OBJECT -> object(p);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + t + " in a control message");
    };
  }
}
