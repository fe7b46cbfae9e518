package org.dalle.pipelines.sources;

/**
 * Parses a user's source spec, {@code kind:argument}, into its {@link ImageSource}. The forms are
 * listed in {@link #FORMS}, which {@code dalle prepare --help} shows.
 */
public final class SourceSpec {
  public static final String FORMS =
      "synthetic:N[,seed=S][,size=P][,split=train|heldout] | folder:DIR | "
          + "coco:ANNOTATIONS_JSON:IMAGES_DIR | cub:ROOT | tsv:FILE | webdataset:GLOB";

  private SourceSpec() {}

  public static ImageSource parse(String spec, SourceConfig config) {
    int colon = spec == null ? -1 : spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "source '" + spec + "' has no kind: expected one of " + FORMS);
    }
    String kind = spec.substring(0, colon);
    String argument = spec.substring(colon + 1);
    if (argument.isBlank()) {
      throw new IllegalArgumentException(
          "source '" + spec + "' has nothing after '" + kind + ":'; expected one of " + FORMS);
    }
    return switch (kind) {
      case "synthetic" -> SyntheticSource.fromSpec(argument, config);
      case "folder" -> FolderSource.fromSpec(argument, config);
      case "coco" -> CocoSource.fromSpec(argument, config);
      case "cub" -> CubSource.fromSpec(argument, config);
      case "tsv" -> TsvSource.fromSpec(argument, config);
      case "webdataset" -> WebDatasetSource.fromSpec(argument, config);
      default ->
          throw new IllegalArgumentException(
              "unknown source kind '" + kind + "' in '" + spec + "'; expected one of " + FORMS);
    };
  }
}
