package org.warehouse.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client names the JDK's selector provider (no ServiceLoader scan of the jar), never over a set
 * one.
 */
class SelectorProviderPreferenceTest {
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(ControlClient.SELECTOR_PROVIDER);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(ControlClient.SELECTOR_PROVIDER);
    } else {
      System.setProperty(ControlClient.SELECTOR_PROVIDER, saved);
    }
  }

  @Test
  void namesAProviderThisJdkHasAndThatIsTheOneItUsesByDefault() throws Exception {
    System.clearProperty(ControlClient.SELECTOR_PROVIDER);
    ControlClient.preferPlatformSelectorProvider();
    String named = System.getProperty(ControlClient.SELECTOR_PROVIDER);
    assertThat(named).isEqualTo(ControlClient.EPOLL);
    // The same class SelectorProvider's own lookup settles on here: nothing changes but the cost.
    assertThat(SelectorProvider.provider().getClass().getName()).isEqualTo(named);
    assertThat(SelectorProvider.class.isAssignableFrom(Class.forName(named, false, null))).isTrue();
  }

  @Test
  void leavesAValueSomeoneSetAlone() {
    System.setProperty(ControlClient.SELECTOR_PROVIDER, "com.example.Provider");
    ControlClient.preferPlatformSelectorProvider();
    assertThat(System.getProperty(ControlClient.SELECTOR_PROVIDER))
        .isEqualTo("com.example.Provider");
  }
}
