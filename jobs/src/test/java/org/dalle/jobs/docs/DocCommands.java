package org.dalle.jobs.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands of the documentation: every fenced code block tagged {@code bash} (or {@code sh},
 * {@code shell}) of a Markdown file, split into simple commands as a POSIX shell would split them.
 * Lines ending in a backslash continue on the next; {@code #} starts a comment; {@code &&}, {@code
 * ||}, {@code ;}, {@code |} and parentheses separate commands; redirections ({@code > FILE}) are
 * dropped; {@code cd DIR} moves the commands after it on the same line into DIR. Constructs whose
 * words cannot be known without running a shell (command and process substitution) are refused, so
 * that no command escapes the checks by being written in them.
 */
public final class DocCommands {
  /** Info strings of fenced blocks whose lines are shell commands. */
  static final Set<String> SHELL = Set.of("bash", "sh", "shell");

  private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)\\s*([A-Za-z0-9_+-]*).*$");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

  private DocCommands() {}

  /** A fenced code block: its info string (lower case, "" if none), first content line, lines. */
  public record Block(String language, int firstLine, List<String> lines) {}

  /** Every fenced code block of {@code markdown}, in order. */
  public static List<Block> blocks(String markdown) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher open = FENCE.matcher(lines[i]);
      if (!open.matches()) {
        continue;
      }
      String fence = open.group(1);
      List<String> body = new ArrayList<>();
      int j = i + 1;
      while (j < lines.length && !lines[j].strip().startsWith(fence)) {
        body.add(lines[j]);
        j++;
      }
      blocks.add(new Block(open.group(2).toLowerCase(java.util.Locale.ROOT), i + 2, body));
      i = j;
    }
    return blocks;
  }

  /** The commands of every shell block of {@code markdown}; {@code file} names it in messages. */
  public static List<DocCommand> inMarkdown(String file, String markdown) {
    List<DocCommand> commands = new ArrayList<>();
    for (Block block : blocks(markdown)) {
      if (SHELL.contains(block.language())) {
        commands.addAll(inShell(file, block.firstLine(), block.lines()));
      }
    }
    return commands;
  }

  /** The commands of shell {@code lines}, the first of which is line {@code firstLine}. */
  public static List<DocCommand> inShell(String file, int firstLine, List<String> lines) {
    List<DocCommand> commands = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int start = firstLine + i;
      StringBuilder logical = new StringBuilder(lines.get(i));
      while (endsInContinuation(logical) && i + 1 < lines.size()) {
        logical.setLength(logical.length() - 1);
        logical.append(' ').append(lines.get(++i));
      }
      commands.addAll(split(file, start, logical.toString()));
    }
    return commands;
  }

  private static boolean endsInContinuation(CharSequence line) {
    int backslashes = 0;
    for (int k = line.length() - 1; k >= 0 && line.charAt(k) == '\\'; k--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** Splits one logical line into simple commands. */
  static List<DocCommand> split(String file, int line, String text) {
    List<DocCommand> commands = new ArrayList<>();
    List<String> words = new ArrayList<>();
    String dir = "";
    java.util.Deque<String> outer = new java.util.ArrayDeque<>();
    boolean redirect = false;
    StringBuilder word = null;
    int n = text.length();
    for (int k = 0; k <= n; k++) {
      char c = k < n ? text.charAt(k) : '\n';
      if (word == null && (c == ' ' || c == '\t')) {
        continue;
      }
      if (word == null && c == '#') {
        k = n - 1; // a comment runs to the end of the line, which ends the command
        continue;
      }
      boolean operator = c == '\n' || c == ';' || c == '|' || c == '&' || c == '(' || c == ')';
      boolean redirection = c == '>' || c == '<';
      if (c == '<' && k + 1 < n && text.charAt(k + 1) == '(') {
        throw unsupported(file, line, "process substitution <(...)", text);
      }
      if (word != null && (c == ' ' || c == '\t' || operator || redirection)) {
        String finished = word.toString();
        word = null;
        if (redirection && finished.matches("[0-9]+")) {
          // "2>" redirects a file descriptor: the digits are not a word
        } else if (redirect) {
          redirect = false; // the redirection's target is not an argument
        } else {
          words.add(finished);
        }
        if (c == ' ' || c == '\t') {
          continue;
        }
      }
      if (redirection) {
        redirect = true;
        while (k + 1 < n && (text.charAt(k + 1) == '>' || text.charAt(k + 1) == '&')) {
          k++;
        }
        continue;
      }
      if (operator) {
        if (!words.isEmpty()) {
          dir = finish(file, line, words, dir, commands);
        }
        if (c == '(') {
          outer.push(dir); // a subshell: its cd ends with it
        } else if (c == ')') {
          dir = outer.isEmpty() ? "" : outer.pop();
        }
        if ((c == '&' || c == '|') && k + 1 < n && text.charAt(k + 1) == c) {
          k++;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\'') {
        int close = text.indexOf('\'', k + 1);
        if (close < 0) {
          throw unsupported(file, line, "an unclosed single quote", text);
        }
        word.append(text, k + 1, close);
        k = close;
      } else if (c == '"') {
        k = doubleQuoted(file, line, text, k, word);
      } else if (c == '\\' && k + 1 < n) {
        word.append(text.charAt(++k));
      } else if (c == '`' || (c == '$' && k + 1 < n && text.charAt(k + 1) == '(')) {
        throw unsupported(file, line, "command substitution", text);
      } else {
        word.append(c);
      }
    }
    return commands;
  }

  /** Appends a double-quoted string starting at {@code open}; returns the closing quote's index. */
  private static int doubleQuoted(
      String file, int line, String text, int open, StringBuilder word) {
    for (int k = open + 1; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == '"') {
        return k;
      }
      if (c == '`' || (c == '$' && k + 1 < text.length() && text.charAt(k + 1) == '(')) {
        throw unsupported(file, line, "command substitution", text);
      }
      if (c == '\\' && k + 1 < text.length() && "\"\\$`".indexOf(text.charAt(k + 1)) >= 0) {
        c = text.charAt(++k);
      }
      word.append(c);
    }
    throw unsupported(file, line, "an unclosed double quote", text);
  }

  /** Adds the command in {@code words} (then cleared); returns the directory after it. */
  private static String finish(
      String file, int line, List<String> words, String dir, List<DocCommand> commands) {
    Map<String, String> env = new LinkedHashMap<>();
    int first = 0;
    while (first < words.size() - 1 && ASSIGNMENT.matcher(words.get(first)).matches()) {
      String assignment = words.get(first++);
      int eq = assignment.indexOf('=');
      env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
    List<String> command = new ArrayList<>(words.subList(first, words.size()));
    words.clear();
    commands.add(new DocCommand(file, line, env, dir, command));
    if (command.get(0).equals("cd") && command.size() == 2) {
      return dir.isEmpty() ? command.get(1) : dir + "/" + command.get(1);
    }
    return dir;
  }

  private static IllegalArgumentException unsupported(
      String file, int line, String what, String text) {
    return new IllegalArgumentException(
        file
            + ":"
            + line
            + ": "
            + what
            + " cannot be checked without running a shell; write the command out (e.g. write the"
            + " file first, then pass its name): "
            + text.strip());
  }
}
