package org.dalle.jobs.workflow;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pods' mount paths ({@code /runs}, {@code /data}, {@code /models}) mapped to local folders, so
 * a step's container args run on this machine: {@code --out=/runs/v1/dvae} becomes {@code
 * --out=LOCAL/runs/v1/dvae}, {@code list:/data/x.txt} becomes {@code list:LOCAL/data/x.txt}. A path
 * is recognised at the start of an argument or after {@code =}, {@code :} or {@code ,}; URIs such
 * as {@code gs://} are left alone, and so is every path under no mapped mount.
 *
 * @param folders mount path (absolute, no trailing slash) → local folder
 */
public record MountPaths(Map<String, Path> folders) {
  /** The mounts the manifests give their pods. */
  public static final String[] POD_MOUNTS = {"/runs", "/data", "/models"};

  private static final Pattern ABSOLUTE =
      Pattern.compile("(?<![^=:,\\s\\[\"'])/(?!/)[^,@\\s\"'\\]]*");

  public MountPaths {
    folders = Map.copyOf(folders);
    for (String mount : folders.keySet()) {
      if (!mount.startsWith("/") || mount.endsWith("/")) {
        throw new IllegalArgumentException(
            "mount path " + mount + " must be absolute, without a trailing slash");
      }
    }
  }

  /** Each of {@link #POD_MOUNTS} under {@code root}: {@code /runs} → {@code root/runs}, … */
  public static MountPaths under(Path root) {
    Map<String, Path> folders = new LinkedHashMap<>();
    for (String mount : POD_MOUNTS) {
      folders.put(mount, root.resolve(mount.substring(1)).toAbsolutePath());
    }
    return new MountPaths(folders);
  }

  /** {@code arg} with every pod path under a mapped mount replaced by its local path. */
  public String map(String arg) {
    Matcher m = ABSOLUTE.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(local(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The local path of pod path {@code path}, or {@code path} when no mapped mount holds it. */
  public String local(String path) {
    for (Map.Entry<String, Path> mount : folders.entrySet()) {
      String prefix = mount.getKey();
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return mount.getValue() + path.substring(prefix.length());
      }
    }
    return path;
  }
}
