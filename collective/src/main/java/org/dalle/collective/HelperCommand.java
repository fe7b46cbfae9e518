package org.dalle.collective;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How a trainer starts its collective helper: a second JVM on the presets' class path running
 * {@code org.dalle.collective.gloo.GlooHelper}. That class path is, in order of preference:
 *
 * <ol>
 *   <li>{@code DALLE_COLLECTIVE_CLASSPATH} (images set it to {@code /app/collective/*});
 *   <li>the folder this module was compiled to and the dependency jars its build listed, both
 *       recorded in resources at build time (local runs from a source tree, and tests).
 * </ol>
 *
 * Not the jar this class was loaded from: {@code dalle.jar} carries DJL and an older javacpp, which
 * must not come before the presets' own.
 */
public final class HelperCommand {

  /** Environment variable: the helper's class path. */
  public static final String CLASSPATH = "DALLE_COLLECTIVE_CLASSPATH";

  /** The helper's main class. */
  public static final String MAIN = "org.dalle.collective.gloo.GlooHelper";

  private final String javaExecutable;
  private final String classpath;

  private HelperCommand(String javaExecutable, String classpath) {
    this.javaExecutable = javaExecutable;
    this.classpath = classpath;
  }

  /**
   * The command for this machine.
   *
   * @throws IllegalStateException when no class path for the helper can be found
   */
  public static HelperCommand locate(Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String configured = env.get(CLASSPATH);
    if (configured != null && !configured.isBlank()) {
      return new HelperCommand(java, configured);
    }
    return new HelperCommand(java, compiledClasses() + File.pathSeparator + listedJars());
  }

  /** The class path the helper runs on. */
  public String classpath() {
    return classpath;
  }

  /** The full command line for a helper with {@code arguments}. */
  public List<String> commandLine(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable);
    // The helper holds no arrays on its heap: the segment is mapped, the tensors are views of it.
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN);
    command.addAll(arguments);
    return command;
  }

  private static String compiledClasses() {
    try (InputStream in = HelperCommand.class.getResourceAsStream("helper.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      String classes = properties.getProperty("classes", "");
      if (classes.isEmpty() || !Files.isDirectory(Path.of(classes))) {
        throw new IllegalStateException(
            "the collective module's classes ("
                + (classes.isEmpty() ? "not recorded" : classes)
                + ") are not on this machine: set "
                + CLASSPATH
                + " (e.g. collective/target/dalle-collective.jar:collective/target/helper-lib/*)");
      }
      return classes;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read helper.properties", e);
    }
  }

  private static String listedJars() {
    try (InputStream in = HelperCommand.class.getResourceAsStream("helper.classpath")) {
      if (in == null) {
        throw new IllegalStateException(
            "no class path for the collective helper: set "
                + CLASSPATH
                + " (e.g. collective/target/dalle-collective.jar:collective/target/helper-lib/*)"
                + " or build the collective module, which lists its jars in helper.classpath");
      }
      String listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      for (String entry : listed.split(File.pathSeparator)) {
        if (!Files.exists(Path.of(entry))) {
          throw new IllegalStateException(
              "the collective helper's jar "
                  + entry
                  + " is missing; rebuild (mvn package) or set "
                  + CLASSPATH);
        }
      }
      return listed;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read helper.classpath", e);
    }
  }
}
