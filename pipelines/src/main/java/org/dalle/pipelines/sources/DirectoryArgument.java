package org.dalle.pipelines.sources;

/** Checks the directory argument of a spec such as {@code folder:DIR} or {@code cub:ROOT}. */
final class DirectoryArgument {
  private DirectoryArgument() {}

  /**
   * Returns {@code argument} when it names a directory: not blank and not a glob, since the source
   * appends its own pattern to it.
   *
   * @param example a complete spec shown in the error message
   */
  static String require(String kind, String argument, String example) {
    if (argument == null || argument.isBlank()) {
      throw new IllegalArgumentException(
          "source '" + kind + ":' needs a directory, got none; expected e.g. '" + example + "'");
    }
    if (argument.matches(".*[*?\\[\\]{}].*")) {
      throw new IllegalArgumentException(
          "source '"
              + kind
              + ":"
              + argument
              + "' names a glob; expected a directory, e.g. '"
              + example
              + "'");
    }
    return argument;
  }

  /** The directory with one trailing '/', ready for a relative pattern to be appended. */
  static String withTrailingSlash(String directory) {
    return directory.endsWith("/") ? directory : directory + "/";
  }
}
