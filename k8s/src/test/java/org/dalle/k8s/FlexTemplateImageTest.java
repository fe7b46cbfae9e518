package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dalle.jobs.cli.FlexTemplateArgs;
import org.dalle.jobs.cli.FlexTemplateMain;
import org.dalle.jobs.cli.FlexTemplateSpec;
import org.junit.jupiter.api.Test;

/**
 * The Flex Templates as the release builds them: the launcher image (k8s/images/flex-template.
 * Dockerfile) on Google's Java launcher base for this project's Java, running a main class that
 * exists with the jar it copies, for each pipeline that has a template; and a template spec per
 * pipeline that pins that image and carries the template's metadata.json.
 */
class FlexTemplateImageTest {
  private static final String DIGEST = "@sha256:" + "0123456789abcdef".repeat(4);

  private static String dockerfile() throws IOException {
    return Files.readString(Rendered.K8S.resolve("images/flex-template.Dockerfile"));
  }

  /** The Dockerfile's ENV settings, NAME → value. */
  private static Map<String, String> env(String dockerfile) {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher block = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$").matcher(dockerfile);
    while (block.find()) {
      Matcher pair =
          Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)")
              .matcher(block.group(1).replace("\\\n", " "));
      while (pair.find()) {
        env.put(pair.group(1), pair.group(2).replace("\"", ""));
      }
    }
    return env;
  }

  @Test
  void theLauncherImageRunsTheMainClassFromTheJarItCopies() throws Exception {
    String dockerfile = dockerfile();
    Matcher from =
        Pattern.compile(
                "(?m)^FROM gcr\\.io/dataflow-templates-base/java(\\d+)-template-launcher-base:")
            .matcher(dockerfile);
    assertTrue(from.find(), "built FROM Google's Java Flex Template launcher base");
    String release =
        Files.readString(Rendered.REPO.resolve("pom.xml"))
            .replaceAll("(?s).*<maven.compiler.release>(\\d+)</maven.compiler.release>.*", "$1");
    assertEquals(release, from.group(1), "the launcher's Java runs the project's bytecode");

    Map<String, String> env = env(dockerfile);
    Class<?> main = Class.forName(env.get("FLEX_TEMPLATE_JAVA_MAIN_CLASS"));
    assertEquals(FlexTemplateMain.class, main);
    Method entry = main.getMethod("main", String[].class);
    assertTrue(Modifier.isStatic(entry.getModifiers()));
    assertTrue(
        dockerfile.contains(
            "COPY jobs/target/dalle.jar " + env.get("FLEX_TEMPLATE_JAVA_CLASSPATH")),
        "the class path is where the image copies the jar");
    assertEquals("${PIPELINE}", env.get(FlexTemplateMain.PIPELINE_ENV));
    Matcher accepted = Pattern.compile("\\n\\s+([a-z|-]+)\\) ;;").matcher(dockerfile);
    assertTrue(accepted.find(), "the build checks its PIPELINE argument");
    assertEquals(
        new TreeSet<>(FlexTemplateArgs.PIPELINES),
        new TreeSet<>(Arrays.asList(accepted.group(1).split("\\|"))));
  }

  @Test
  void theReleaseBuildsAnImageAndASpecForEveryPipeline() throws IOException {
    String ci = Files.readString(Rendered.REPO.resolve(".github/workflows/retrain.yml"));
    Matcher loop = Pattern.compile("for pipeline in ([a-z -]+); do").matcher(ci);
    assertTrue(loop.find(), "retrain.yml loops over the pipelines");
    assertEquals(
        new TreeSet<>(FlexTemplateArgs.PIPELINES),
        new TreeSet<>(Arrays.asList(loop.group(1).trim().split(" "))));
    String body = ci.substring(loop.end(), ci.indexOf("done", loop.end()));
    for (String step :
        new String[] {
          "docker build -f k8s/images/flex-template.Dockerfile --build-arg PIPELINE=\"$pipeline\"",
          "docker push \"$image\"",
          FlexTemplateSpec.class.getName(),
          "\"k8s/flex-templates/$pipeline/metadata.json\" \"$digest\"",
          "gcloud storage cp \"$pipeline.json\" \"$FLEX_TEMPLATES/current/$pipeline.json\""
        }) {
      assertTrue(body.replace("\\\n", "").replaceAll("\\s+", " ").contains(step), step);
    }
  }

  @Test
  void eachSpecPinsItsLauncherAndCarriesItsMetadata() throws IOException {
    ObjectMapper json = new ObjectMapper();
    Set<String> pipelines = new TreeSet<>(FlexTemplateArgs.PIPELINES);
    for (String pipeline : pipelines) {
      JsonNode metadata =
          json.readTree(
              FlexTemplateMetadataTest.TEMPLATES
                  .resolve(pipeline)
                  .resolve("metadata.json")
                  .toFile());
      String image = "us-docker.pkg.dev/p/dalle/dalle-flex-" + pipeline + DIGEST;
      ObjectNode spec = FlexTemplateSpec.of(image, metadata);
      assertEquals(Set.of("image", "sdkInfo", "metadata"), fields(spec), pipeline);
      assertEquals(image, spec.path("image").asText());
      assertEquals("JAVA", spec.path("sdkInfo").path("language").asText());
      assertEquals(metadata, spec.path("metadata"));
    }
    JsonNode any =
        json.readTree(FlexTemplateMetadataTest.TEMPLATES.resolve("encode/metadata.json").toFile());
    IllegalArgumentException tag =
        assertThrows(
            IllegalArgumentException.class,
            () -> FlexTemplateSpec.of("us-docker.pkg.dev/p/dalle/dalle-flex-encode:v1", any));
    assertTrue(tag.getMessage().contains("not named by digest"), tag.getMessage());
  }

  private static Set<String> fields(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
