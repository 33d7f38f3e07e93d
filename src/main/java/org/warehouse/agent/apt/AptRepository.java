package org.warehouse.agent.apt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One repository as apt sees it: where, which suite and components, which key signs it. */
public record AptRepository(
    String name,
    URI uri,
    String suite,
    List<String> components,
    Path signedBy,
    Duration pollTimeout) {

  public AptRepository {
    components = List.copyOf(components);
  }

  /** The signed index whose change means the repository changed. */
  public URI inReleaseUri() {
    return uri.resolve("dists/" + suite + "/InRelease");
  }

  /** The one-line sources.list entry, signed-by this repository's own keyring only. */
  public String sourceLine() {
    return "deb [signed-by="
        + signedBy
        + "] "
        + uri
        + " "
        + suite
        + " "
        + String.join(" ", components);
  }
}
