package org.dalle.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A Dataflow Flex Template spec file: the launcher image (by digest, so a template never changes
 * under its users), the SDK language and the template's {@code metadata.json}; what {@code gcloud
 * dataflow flex-template build --image IMAGE --sdk-language JAVA --metadata-file FILE} writes. The
 * release CI writes one per pipeline and copies it to Cloud Storage, where {@code gcloud dataflow
 * flex-template run --template-file-gcs-location} reads it:
 *
 * <pre>
 *   java -cp dalle.jar org.dalle.jobs.cli.FlexTemplateSpec METADATA_JSON IMAGE@sha256:DIGEST
 * </pre>
 */
public final class FlexTemplateSpec {
  private static final Pattern BY_DIGEST = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FlexTemplateSpec() {}

  /**
   * The spec of the template described by {@code metadata} whose launcher is {@code image}.
   *
   * @throws IllegalArgumentException when the image is not named by digest or the metadata has no
   *     name and parameters
   */
  public static ObjectNode of(String image, JsonNode metadata) {
    if (!BY_DIGEST.matcher(image).matches()) {
      throw new IllegalArgumentException(
          "launcher image "
              + image
              + " is not named by digest (REGISTRY/NAME@sha256:<64 hex>); a tag could move under"
              + " the template's users");
    }
    if (!metadata.path("name").isTextual() || !metadata.path("parameters").isArray()) {
      throw new IllegalArgumentException(
          "template metadata needs a name and a parameters list; got " + metadata);
    }
    ObjectNode spec = JSON.createObjectNode();
    spec.put("image", image);
    spec.putObject("sdkInfo").put("language", "JAVA");
    spec.set("metadata", metadata);
    return spec;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: FlexTemplateSpec METADATA_JSON IMAGE@sha256:DIGEST");
      System.exit(2);
    }
    try {
      System.out.println(
          JSON.writeValueAsString(of(args[1], JSON.readTree(Path.of(args[0]).toFile()))));
    } catch (IllegalArgumentException e) {
      System.err.println("FlexTemplateSpec: " + e.getMessage());
      System.exit(2);
    }
  }
}
