package org.warehouse.agent.attributes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Reads attribute files ({@code .yml}, {@code .yaml} or {@code .json}, chosen by extension) into
 * {@link AttributeDocument}s, safely: the size is checked before reading, the text must be UTF-8,
 * and YAML is composed (never constructed into objects) under the {@link AttributeLimits}. Errors
 * are {@link AttributeException}s reading {@code file:line:column: message}.
 *
 * <p>Unquoted YAML scalars follow {@link AttributeSchemaResolver}'s schema: only what YAML 1.1 and
 * 1.2 agree on becomes a boolean, null or number ({@code true}, {@code 42}, {@code 1.5}); {@code
 * no}, {@code on}, {@code 0755}, {@code 1e3}, {@code 2018-09-14} stay strings. Quoted scalars are
 * always strings. Refused: duplicate keys, non-string keys, merge keys ({@code <<}), any tag but
 * {@code !!str !!int !!float !!bool !!null !!map !!seq} and {@code !secret}, a top level that is
 * not a map, recursive aliases. Secrets: {@code !secret NAME} (YAML) or {@code {"$secret": "NAME"}}
 * (YAML or JSON), see {@link SecretRef}. Files and directories that others could have written are
 * refused before they are read ({@link StrictModes}).
 */
public final class AttributeFileReader {
  private final AttributeLimits limits;

  public AttributeFileReader() {
    this(AttributeLimits.DEFAULTS);
  }

  public AttributeFileReader(AttributeLimits limits) {
    this.limits = limits;
  }

  /** Reads one attribute file; the format follows its extension. */
  public AttributeDocument read(Path file) {
    String format = format(file);
    if (format == null) {
      throw new AttributeException(
          file + ": unsupported attribute file type (expected .yml, .yaml or .json)");
    }
    String text = readText(file);
    return "json".equals(format)
        ? JsonAttributeParser.parse(text, file.toString(), limits)
        : YamlAttributeParser.parse(text, file.toString(), limits);
  }

  /** Parses YAML attribute text; {@code source} names it in locations and errors. */
  public AttributeDocument parseYaml(String text, String source) {
    checkLength(text, source);
    return YamlAttributeParser.parse(text, source, limits);
  }

  /** Parses JSON attribute text; {@code source} names it in locations and errors. */
  public AttributeDocument parseJson(String text, String source) {
    checkLength(text, source);
    return JsonAttributeParser.parse(text, source, limits);
  }

  /**
   * The attribute files named by {@code paths}, in order: a file as itself, a directory as its
   * {@code *.yml}, {@code *.yaml} and {@code *.json} files (not hidden ones) sorted by name. A
   * missing path is an error.
   */
  public static List<Path> expand(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try {
          StrictModes.FOR_THIS_PROCESS.check(p);
        } catch (IOException e) {
          throw new AttributeException(p + ": cannot check attribute directory: " + reason(e), e);
        }
        // Sorted by name: the merge order of the files in a directory.
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
          for (Path f : s) {
            String name = f.getFileName().toString();
            if (format(f) != null && !name.startsWith(".")) {
              names.add(name);
            }
          }
        } catch (IOException e) {
          throw new AttributeException(p + ": cannot list attribute directory: " + reason(e), e);
        }
        Collections.sort(names);
        for (String name : names) {
          out.add(p.resolve(name));
        }
      } else if (Files.exists(p)) {
        out.add(p);
      } else {
        throw new AttributeException(p + ": attribute file or directory does not exist");
      }
    }
    return out;
  }

  private static String format(Path file) {
    Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".json")) {
      return "json";
    } else if (n.endsWith(".yml") || n.endsWith(".yaml")) {
      return "yaml";
    }
    return null;
  }

  private void checkLength(String text, String source) {
    if (text.length() > limits.maxFileBytes()) {
      throw new AttributeException(
          source
              + ": "
              + text.length()
              + " characters is larger than the limit of "
              + limits.maxFileBytes());
    }
  }

  private String readText(Path file) {
    byte[] bytes;
    try {
      // Before anything else: a file others could write is not read at all, not even its size.
      StrictModes.FOR_THIS_PROCESS.check(file);
      if (!Files.isRegularFile(file)) {
        throw new AttributeException(
            file
                + ": cannot read attribute file: "
                + (Files.exists(file) ? "not a regular file" : "no such file"));
      }
      long size = Files.size(file);
      if (size > limits.maxFileBytes()) {
        throw new AttributeException(
            file
                + ": attribute file is "
                + size
                + " bytes, larger than the limit of "
                + limits.maxFileBytes()
                + " bytes; refusing to read it");
      }
      try (InputStream in = Files.newInputStream(file)) {
        // Bounded read: the file may have grown since the size check.
        bytes = in.readNBytes((int) limits.maxFileBytes() + 1);
      }
    } catch (NoSuchFileException e) {
      throw new AttributeException(file + ": cannot read attribute file: no such file", e);
    } catch (IOException e) {
      throw new AttributeException(file + ": cannot read attribute file: " + reason(e), e);
    }
    if (bytes.length > limits.maxFileBytes()) {
      throw new AttributeException(
          file
              + ": attribute file is larger than the limit of "
              + limits.maxFileBytes()
              + " bytes");
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new AttributeException(file + ": attribute file is not valid UTF-8", e);
    }
  }

  static String reason(IOException e) {
    String name = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    String reason =
        e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : e.getMessage();
    return reason == null ? name : reason;
  }
}
