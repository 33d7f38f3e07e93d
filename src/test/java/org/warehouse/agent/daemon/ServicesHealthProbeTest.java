package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.service.HealthChecker;
import org.warehouse.agent.service.HealthServer;

class ServicesHealthProbeTest {
  private static Settings.Service service(String name, Optional<URI> url) {
    return new Settings.Service(name, List.of(), url, Duration.ofSeconds(30));
  }

  @Test
  void healthyWhenEveryHealthUrlAnswers2xxAndServicesWithoutOneAreNotAsked() {
    try (HealthServer web = new HealthServer(200);
        HealthServer worker = new HealthServer(204)) {
      ServicesHealthProbe probe =
          new ServicesHealthProbe(
              List.of(
                  service("warehouse-web", Optional.of(web.url())),
                  service("warehouse-beat", Optional.empty()),
                  service("warehouse-worker", Optional.of(worker.url()))),
              new HealthChecker());

      assertThat(probe.unhealthy()).isEmpty();
      assertThat(web.requests()).isEqualTo(1);
      assertThat(worker.requests()).isEqualTo(1);
    }
  }

  @Test
  void namesTheFirstServiceThatDoesNotAnswer2xx() {
    try (HealthServer web = new HealthServer(200);
        HealthServer worker = new HealthServer(500)) {
      ServicesHealthProbe probe =
          new ServicesHealthProbe(
              List.of(
                  service("warehouse-web", Optional.of(web.url())),
                  service("warehouse-worker", Optional.of(worker.url()))),
              new HealthChecker());

      assertThat(probe.unhealthy())
          .contains("warehouse-worker.service: HTTP 500 from " + worker.url());
    }
  }

  @Test
  void aServiceThatIsNotListeningIsUnhealthy() {
    URI gone;
    try (HealthServer web = new HealthServer(200)) {
      gone = web.url();
    }
    ServicesHealthProbe probe =
        new ServicesHealthProbe(
            List.of(service("warehouse-web", Optional.of(gone))), new HealthChecker());

    assertThat(probe.unhealthy())
        .hasValueSatisfying(
            why -> assertThat(why).startsWith("warehouse-web.service: ").endsWith(" from " + gone));
  }
}
