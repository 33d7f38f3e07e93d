package org.warehouse.agent.attributes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON attribute text (plain attributes or a Chef node) with Jackson's streaming parser,
 * keeping the line and column of every map entry; duplicate keys are refused.
 */
final class JsonAttributeParser {
  private final String source;
  private final AttributeLimits limits;
  private final Map<List<String>, Location> locations = new LinkedHashMap<>();
  private int values;

  private JsonAttributeParser(String source, AttributeLimits limits) {
    this.source = source;
    this.limits = limits;
  }

  static AttributeDocument parse(String text, String source, AttributeLimits limits) {
    return new JsonAttributeParser(source, limits).parse(text);
  }

  private AttributeDocument parse(String text) {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxDepth())
                    .maxDocumentLength(limits.maxFileBytes())
                    .build())
            .build();
    locations.put(List.of(), new Location(source, 1, 1));
    try (JsonParser p = factory.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return new AttributeDocument(source, new LinkedHashMap<>(), locations);
      }
      if (first != JsonToken.START_OBJECT) {
        throw error(p.currentTokenLocation(), "the top level must be a JSON object");
      }
      Object value = value(p, new ArrayList<>());
      if (p.nextToken() != null) {
        throw error(p.currentTokenLocation(), "unexpected content after the top-level object");
      }
      if (!(value instanceof Map)) {
        throw error(JsonLocation.NA, "the top level must be a map, not a secret reference");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) value;
      return new AttributeDocument(source, map, locations);
    } catch (StreamConstraintsException e) {
      throw new AttributeException(source + ": " + oneLine(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw error(e.getLocation(), oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new AttributeException(source + ": " + e.getMessage(), e);
    }
  }

  private static String oneLine(String s) {
    return s == null ? "invalid JSON" : s.strip().replaceAll("\\s*\\n\\s*", " ");
  }

  private AttributeException error(JsonLocation at, String message) {
    if (at == null || at.getLineNr() < 1) {
      return new AttributeException(source + ": " + message);
    }
    return new AttributeException(
        source + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message);
  }

  /** The value whose first token is the current one. */
  private Object value(JsonParser p, List<String> path) throws IOException {
    if (++values > limits.maxValues()) {
      throw error(p.currentTokenLocation(), "more than " + limits.maxValues() + " values");
    }
    JsonToken t = p.currentToken();
    return switch (t) {
      case START_OBJECT -> object(p, path);
      case START_ARRAY -> array(p, path);
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> YamlAttributeParser.integer(p.getText());
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw error(p.currentTokenLocation(), "unexpected " + t);
    };
  }

  private List<Object> array(JsonParser p, List<String> path) throws IOException {
    List<Object> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      path.add("[" + list.size() + "]");
      list.add(value(p, path));
      path.remove(path.size() - 1);
    }
    return list;
  }

  private Object object(JsonParser p, List<String> path) throws IOException {
    JsonLocation start = p.currentTokenLocation();
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonLocation at = p.currentTokenLocation();
      path.add(key);
      locations.put(List.copyOf(path), new Location(source, at.getLineNr(), at.getColumnNr()));
      p.nextToken();
      map.put(key, value(p, path));
      path.remove(path.size() - 1);
    }
    SecretRef secret;
    try {
      secret = Values.secretOrNull(map, "{\"$secret\": NAME}");
    } catch (AttributeException e) {
      throw error(start, e.getMessage());
    }
    if (secret != null) {
      List<String> secretPath = new ArrayList<>(path);
      secretPath.add(Values.SECRET_KEY);
      locations.remove(secretPath);
      return secret;
    }
    return map;
  }
}
