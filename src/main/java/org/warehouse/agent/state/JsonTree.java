package org.warehouse.agent.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's one JSON serializer, for the state files, the control socket and every {@code --json}
 * output, with jackson-core's streaming parser and generator only: values are maps (field order
 * kept), lists, strings, numbers, booleans, null and {@link Instant}s (written as ISO-8601
 * strings). Data binding, which loads and introspects hundreds of classes, is not used: it would
 * cost the long-running daemon resident memory. The pretty printer is jackson's default, the one
 * data binding's {@code INDENT_OUTPUT} used, so files and outputs look as they always did.
 */
public final class JsonTree {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonTree() {}

  /** {@code value} as pretty-printed UTF-8. */
  public static byte[] write(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      value(g, value);
    }
    return out.toByteArray();
  }

  /** {@code value} on one line, without a newline. */
  public static String line(Object value) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      value(g, value);
    }
    return out.toString();
  }

  /** The value {@code json} holds; a syntax error or trailing content is a JsonParseException. */
  public static Object read(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return document(p);
    }
  }

  public static Object read(String json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return document(p);
    }
  }

  /** The JSON object {@code json} holds; anything else is an IOException naming {@code what}. */
  public static Map<String, Object> readObject(byte[] json, String what) throws IOException {
    return object(read(json), what);
  }

  /** {@code value} as an object; anything else (null included) is an IOException. */
  @SuppressWarnings("unchecked") // read() builds objects with String keys only
  public static Map<String, Object> object(Object value, String what) throws IOException {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IOException(what + " is not a JSON object");
  }

  public static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }

  /** The string under {@code key}; absent, null or another type is an IOException. */
  public static String requiredText(Map<String, Object> m, String key) throws IOException {
    if (m.get(key) instanceof String s) {
      return s;
    }
    throw new JsonParseException(null, "\"" + key + "\" is " + describe(m.get(key)));
  }

  /** The string under {@code key}, "" when absent or null; another type is an IOException. */
  public static String optionalText(Map<String, Object> m, String key) throws IOException {
    Object v = m.get(key);
    return v == null ? "" : requiredText(m, key);
  }

  /** An ISO-8601 instant that must be there; absent, null or malformed is an IOException. */
  public static Instant requiredInstant(Map<String, Object> m, String key) throws IOException {
    Instant i = instant(m, key);
    if (i == null) {
      throw new JsonParseException(null, "\"" + key + "\" is missing");
    }
    return i;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "missing";
    }
    return "not a string but "
        + (v instanceof Map ? "an object" : v instanceof List ? "a list" : v);
  }

  public static long number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : 0;
  }

  public static boolean bool(Map<String, Object> m, String key) {
    return Boolean.TRUE.equals(m.get(key));
  }

  /** An ISO-8601 instant, or null when absent; a malformed one is a JsonParseException. */
  public static Instant instant(Map<String, Object> m, String key) throws IOException {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String)) {
      throw new JsonParseException(null, "\"" + key + "\" is not an ISO-8601 instant: " + v);
    }
    try {
      return Instant.parse(v.toString());
    } catch (DateTimeParseException e) {
      throw new JsonParseException(null, "\"" + key + "\" is not an ISO-8601 instant: " + v, e);
    }
  }

  /** The objects in the list under {@code key}; other items are skipped, no list is none. */
  public static List<Map<String, Object>> objects(Map<String, Object> m, String key)
      throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    if (m.get(key) instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof Map<?, ?>) {
          out.add(object(item, key));
        }
      }
    }
    return out;
  }

  private static Object document(JsonParser p) throws IOException {
    if (p.nextToken() == null) {
      throw new JsonParseException(p, "no JSON value (empty input)");
    }
    Object v = value(p);
    if (p.nextToken() != null) {
      throw new JsonParseException(p, "trailing content after the JSON value");
    }
    return v;
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new JsonParseException(p, "truncated JSON");
    }
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p));
        }
        yield m;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw new JsonParseException(p, "unexpected " + t + " in JSON");
    };
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Instant i) {
      g.writeString(i.toString());
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(e.getKey().toString());
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        value(g, item);
      }
      g.writeEndArray();
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }
}
