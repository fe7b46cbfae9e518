package org.dalle.jobs.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.jobs.cli.DalleCommand;
import picocli.CommandLine;

/**
 * Checks of the documents' prose (fenced blocks left out): the {@code dalle JOB --flag} spans it
 * quotes, its Markdown links and anchors, and the repository paths it cites.
 */
public final class DocProse {
  private static final Pattern SPAN = Pattern.compile("`([^`\\n]+)`");
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

  /** Top-level folders whose paths are outputs, not files of the repository. */
  private static final Set<String> OUTPUT_FOLDERS = Set.of("runs", "target");

  private DocProse() {}

  /** {@code markdown} with the lines of its fenced blocks blanked (line numbers kept). */
  static String prose(String markdown) {
    String[] lines = markdown.split("\n", -1);
    String fence = null;
    for (int i = 0; i < lines.length; i++) {
      String stripped = lines[i].strip();
      if (fence == null && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
        fence = stripped.substring(0, 3);
        lines[i] = "";
      } else if (fence != null) {
        if (stripped.startsWith(fence)) {
          fence = null;
        }
        lines[i] = "";
      }
    }
    return String.join("\n", lines);
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * Problems with the {@code dalle JOB ...} spans of the prose: a job the CLI does not have, or a
   * flag the job does not have.
   */
  public static List<String> unknownFlags(String file, String markdown) {
    List<String> problems = new ArrayList<>();
    String prose = prose(markdown);
    CommandLine cli = DalleCommand.commandLine();
    Matcher m = SPAN.matcher(prose);
    while (m.find()) {
      String[] words = m.group(1).strip().split("\\s+");
      if (words.length < 2 || !(words[0].equals("dalle") || words[0].equals("./dalle"))) {
        continue;
      }
      if (!words[1].matches("[a-z][a-z-]*")) {
        continue; // a placeholder such as <job>
      }
      String where = file + ":" + lineOf(prose, m.start()) + ": `" + m.group(1) + "`";
      CommandLine job = cli.getSubcommands().get(words[1]);
      if (job == null) {
        problems.add(where + ": the CLI has no job " + words[1]);
        continue;
      }
      int first = 2;
      if (words.length > 2 && job.getSubcommands().containsKey(words[2])) {
        job = job.getSubcommands().get(words[2]);
        first = 3;
      }
      for (int i = first; i < words.length; i++) {
        String word = words[i];
        if (!word.matches("--?[A-Za-z][A-Za-z0-9-]*(=.*)?[.,;:)]*")) {
          continue;
        }
        String flag = word.replaceAll("(=.*)|([.,;:)]+$)", "");
        if (!job.getCommandSpec().optionsMap().containsKey(flag)) {
          problems.add(where + ": dalle " + words[1] + " has no option " + flag);
        }
      }
    }
    return problems;
  }

  /** Links of {@code file}'s prose whose target file or heading does not exist. */
  public static List<String> brokenLinks(Path repo, String file, String markdown) {
    List<String> problems = new ArrayList<>();
    String prose = prose(markdown);
    Path dir = repo.resolve(file).getParent();
    Matcher m = LINK.matcher(prose);
    while (m.find()) {
      String target = m.group(1);
      if (target.matches("[a-z]+:.*")) {
        continue; // https:, mailto:
      }
      String where = file + ":" + lineOf(prose, m.start()) + ": link " + target;
      int hash = target.indexOf('#');
      String path = hash < 0 ? target : target.substring(0, hash);
      Path resolved = path.isEmpty() ? repo.resolve(file) : dir.resolve(path).normalize();
      if (!Files.exists(resolved)) {
        problems.add(where + ": " + repo.relativize(resolved) + " does not exist");
        continue;
      }
      if (hash >= 0 && resolved.toString().endsWith(".md")) {
        String anchor = target.substring(hash + 1);
        if (!anchors(path.isEmpty() ? markdown : read(resolved)).contains(anchor)) {
          problems.add(where + ": " + repo.relativize(resolved) + " has no heading #" + anchor);
        }
      }
    }
    return problems;
  }

  /** The anchors GitHub gives the headings of {@code markdown}. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Matcher m = HEADING.matcher(prose(markdown));
    while (m.find()) {
      String slug =
          m.group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-');
      String unique = slug;
      for (int n = 1; anchors.contains(unique); n++) {
        unique = slug + "-" + n;
      }
      anchors.add(unique);
    }
    return anchors;
  }

  /**
   * Repository paths quoted in the prose that do not exist. A span counts as a path when its first
   * segment is one of the repository's top-level folders; {@code jobs/.../train/X.java} stands for
   * a file under {@code jobs/} whose path ends in {@code /train/X.java}. Spans with wildcards or
   * placeholders ({@code *}, {@code <cluster>}, {@code …}) are left out. A class or test named on
   * its own ({@code TrainingLoop.java}, {@code PowerSgdTest}) must be a file somewhere.
   */
  public static List<String> missingPaths(Path repo, String file, String markdown) {
    List<String> problems = new ArrayList<>();
    String prose = prose(markdown);
    Matcher m = SPAN.matcher(prose);
    while (m.find()) {
      String span = m.group(1).strip().replaceAll("#.*$", "");
      if (span.matches("[A-Z][A-Za-z0-9]*(\\.java|Test)")) {
        String name = span.endsWith(".java") ? span : span + ".java";
        if (!anyFileEndsWith(repo, "/" + name)) {
          problems.add(file + ":" + lineOf(prose, m.start()) + ": `" + span + "`: no " + name);
        }
        continue;
      }
      if (!span.matches("[A-Za-z0-9_.][A-Za-z0-9_./-]*/[A-Za-z0-9_./-]*")) {
        continue;
      }
      String top = span.split("/")[0];
      if (OUTPUT_FOLDERS.contains(top)
          || span.contains("/target/")
          || !Files.isDirectory(repo.resolve(top))) {
        continue; // an output, or not a path of the repository
      }
      boolean exists;
      int elided = span.indexOf("/.../");
      if (elided >= 0) {
        String module = span.substring(0, elided);
        String tail = span.substring(elided + 4);
        exists = anyFileEndsWith(repo.resolve(module), tail);
      } else {
        exists = Files.exists(repo.resolve(span));
      }
      if (!exists) {
        problems.add(file + ":" + lineOf(prose, m.start()) + ": `" + span + "` does not exist");
      }
    }
    return problems;
  }

  private static boolean anyFileEndsWith(Path root, String tail) {
    String wanted = tail.endsWith("/") ? tail.substring(0, tail.length() - 1) : tail;
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/runs/"))
          .anyMatch(p -> p.toString().endsWith(wanted));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
