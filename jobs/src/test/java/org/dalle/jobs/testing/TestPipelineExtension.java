package org.dalle.jobs.testing;

import java.lang.reflect.Method;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

/**
 * The pipelines module's test extension, for the jobs module's pipelines (test classes do not cross
 * modules). Runs Beam's JUnit 4 {@link TestPipeline} rule around a JUnit 5 test, so its checks (a
 * pipeline that is built must be run, no abandoned PAsserts) still apply. Use a fresh instance per
 * test:
 *
 * <pre>{@code
 * @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
 * ... beam.pipeline() ...
 * }</pre>
 */
public final class TestPipelineExtension implements InvocationInterceptor {
  private final TestPipeline pipeline = TestPipeline.create();

  public TestPipeline pipeline() {
    return pipeline;
  }

  @Override
  public void interceptTestMethod(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext extensionContext)
      throws Throwable {
    Statement body =
        new Statement() {
          @Override
          public void evaluate() throws Throwable {
            invocation.proceed();
          }
        };
    Description description =
        Description.createTestDescription(
            extensionContext.getRequiredTestClass(), extensionContext.getDisplayName());
    pipeline.apply(body, description).evaluate();
  }
}
