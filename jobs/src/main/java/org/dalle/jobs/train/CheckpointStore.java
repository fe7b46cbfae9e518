package org.dalle.jobs.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of checkpoints written atomically, of which the last {@code keep} are kept:
 *
 * <pre>
 *   checkpoints/
 *     step-000001000/          complete: manifest.json written last, then the directory renamed
 *     step-000002000/
 *     step-000003000.tmp-8f3a/ partial: a write that was interrupted; ignored and deleted
 *     latest                   "step-000002000", replaced by temp file + rename
 * </pre>
 *
 * A checkpoint is published by renaming its finished temporary directory, so a crash at any moment
 * leaves either the complete checkpoint or none. {@link #latest()} trusts the directory names, not
 * the {@code latest} file (which is for people and scripts). One process writes a store at a time.
 * Needs a local (POSIX) file system; copy checkpoints to object storage after they are published.
 */
public final class CheckpointStore {

  /** The pointer file naming the newest complete checkpoint directory. */
  public static final String LATEST = "latest";

  private static final Pattern COMPLETE = Pattern.compile("step-(\\d{9,})");
  private static final Pattern PARTIAL = Pattern.compile("step-\\d{9,}\\.(tmp|old)-.*");

  private final Path root;
  private final int keep;

  /**
   * @param root the checkpoints directory, created when missing
   * @param keep how many of the newest checkpoints to keep, at least 1
   */
  public CheckpointStore(Path root, int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("must keep at least 1 checkpoint, got " + keep);
    }
    this.root = root;
    this.keep = keep;
    Files.createDirectories(root);
  }

  public Path root() {
    return root;
  }

  /** The directory name of step {@code step}'s checkpoint: {@code step-} and 9 or more digits. */
  public static String dirName(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    return String.format(Locale.ROOT, "step-%09d", step);
  }

  /**
   * Starts writing the checkpoint of step {@code step} in a fresh temporary directory.
   *
   * @throws IllegalStateException when the store already holds a later step: checkpoints are
   *     written in increasing step order, or retention could delete the new one
   */
  public CheckpointWriter begin(long step) throws IOException {
    List<Path> complete = completeDirs();
    if (!complete.isEmpty() && stepOf(complete.get(complete.size() - 1)) > step) {
      throw new IllegalStateException(
          "checkpoint store "
              + root
              + " already holds "
              + complete.get(complete.size() - 1).getFileName()
              + ", later than step "
              + step
              + "; resume from the latest checkpoint or write to a new directory");
    }
    Path temp = Files.createTempDirectory(root, dirName(step) + ".tmp-");
    return new CheckpointWriter(this, step, temp);
  }

  /**
   * The newest complete checkpoint, after deleting partial ones left by interrupted writes.
   *
   * @throws IOException when the newest complete checkpoint does not match its manifest
   */
  public Optional<Checkpoint> latest() throws IOException {
    deletePartial();
    List<Path> complete = completeDirs();
    if (complete.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Checkpoint.open(complete.get(complete.size() - 1)));
  }

  /**
   * The checkpoint a run starts from: the newest one with {@code resume}, none otherwise.
   *
   * @throws IllegalStateException when {@code resume} is off but the run directory {@code runDir}
   *     already holds a checkpoint, which a fresh start would mix with its own
   */
  public Optional<Checkpoint> latestToResume(boolean resume, Path runDir) throws IOException {
    Optional<Checkpoint> latest = latest();
    if (!resume && latest.isPresent()) {
      throw new IllegalStateException(
          runDir
              + " already holds checkpoint "
              + latest.get().dir().getFileName()
              + "; pass --resume to continue it, or choose another --out");
    }
    return latest;
  }

  /** The complete checkpoint directories, oldest first. */
  public List<Path> completeDirs() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        if (COMPLETE.matcher(child.getFileName().toString()).matches()
            && Files.isRegularFile(child.resolve(Checkpoint.MANIFEST))) {
          dirs.add(child);
        }
      }
    }
    dirs.sort(Comparator.comparingLong(CheckpointStore::stepOf));
    return dirs;
  }

  /** Renames a finished temporary directory into place, updates {@code latest}, prunes. */
  Checkpoint publish(Path tempDir, long step) throws IOException {
    Path target = root.resolve(dirName(step));
    Path replaced = null;
    if (Files.exists(target)) {
      // Writing the same step again (e.g. a final checkpoint right after a resume): move the old
      // one aside first, because a directory cannot be renamed onto a non-empty one.
      replaced = Files.createTempDirectory(root, dirName(step) + ".old-");
      Files.delete(replaced);
      Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tempDir, target, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.forceDirectory(root);
    if (replaced != null) {
      AtomicFiles.deleteTree(replaced);
    }
    AtomicFiles.writeString(root.resolve(LATEST), target.getFileName() + "\n");
    List<Path> complete = completeDirs();
    for (Path old : complete.subList(0, Math.max(0, complete.size() - keep))) {
      AtomicFiles.deleteTree(old);
    }
    return Checkpoint.open(target);
  }

  private void deletePartial() throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        if (PARTIAL.matcher(child.getFileName().toString()).matches()) {
          AtomicFiles.deleteTree(child);
        }
      }
    }
  }

  private static long stepOf(Path dir) {
    Matcher matcher = COMPLETE.matcher(dir.getFileName().toString());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a checkpoint directory name: " + dir);
    }
    return Long.parseLong(matcher.group(1));
  }
}
