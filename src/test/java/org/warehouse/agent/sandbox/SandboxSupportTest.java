package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** Missing preconditions skip sandbox tests, except on CI, where they fail. */
class SandboxSupportTest {
  private static final List<String> MISSING = List.of("root (uid 0)", "apt-ftparchive on the PATH");

  @Test
  void runsWhenNothingIsMissing() {
    assertThat(SandboxSupport.evaluate(List.of(), false).isDisabled()).isFalse();
    assertThatCode(() -> SandboxSupport.failOnCi(List.of(), true)).doesNotThrowAnyException();
  }

  @Test
  void skipsWithTheReasonOffCi() {
    ConditionEvaluationResult result = SandboxSupport.evaluate(MISSING, false);

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("root (uid 0)").contains("install-deps.sh"));
    assertThatCode(() -> SandboxSupport.failOnCi(MISSING, false)).doesNotThrowAnyException();
  }

  @Test
  void failsOnCi() {
    assertThat(SandboxSupport.evaluate(MISSING, true).isDisabled()).isFalse();
    assertThatThrownBy(() -> SandboxSupport.failOnCi(MISSING, true))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apt-ftparchive")
        .hasMessageContaining("CI=true");
  }

  @Test
  void thisHostIsChecked() {
    // Whatever the host, the check runs without throwing and names what it lacks.
    assertThat(SandboxSupport.problems()).doesNotContainNull();
  }
}
