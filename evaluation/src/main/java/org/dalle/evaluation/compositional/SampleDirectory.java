package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Generated images on disk: one sub-directory per {@link SampleSet}, named by its label, holding
 * for each caption either {@code <caption id>.png} (one image) or a folder {@code <caption id>/} of
 * {@code .png} files (several images, read in name order):
 *
 * <pre>
 * samples/top1_reranked/3f2a9c0b1d4e5f60.png
 * samples/unreranked/3f2a9c0b1d4e5f60/0.png, 1.png, …
 * </pre>
 */
public final class SampleDirectory {
  private SampleDirectory() {}

  /**
   * The sample sets under {@code root}, one per sub-directory, by label.
   *
   * @param captionIds the ids of the captions; an image filed under any other id is an error
   * @throws IllegalArgumentException when {@code root} has no sub-directory, or a set holds a file
   *     that is not a PNG named after a caption id
   */
  public static List<SampleSet> read(Path root, Collection<String> captionIds) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("samples directory " + root + " does not exist");
    }
    List<Path> setDirs;
    try (Stream<Path> entries = Files.list(root)) {
      setDirs = entries.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
    }
    if (setDirs.isEmpty()) {
      throw new IllegalArgumentException(
          "samples directory "
              + root
              + " holds no sample-set folder; expected e.g. "
              + SampleSet.TOP1_RERANKED
              + "/ and "
              + SampleSet.UNRERANKED
              + "/ with <caption id>.png files or <caption id>/ folders of PNGs");
    }
    List<SampleSet> sets = new ArrayList<>();
    for (Path dir : setDirs) {
      Map<String, List<Path>> files = index(dir, captionIds);
      sets.add(
          new SampleSet(
              dir.getFileName().toString(),
              id -> {
                List<BufferedImage> images = new ArrayList<>();
                for (Path file : files.getOrDefault(id, List.of())) {
                  images.add(decode(file));
                }
                return images;
              }));
    }
    return sets;
  }

  private static Map<String, List<Path>> index(Path dir, Collection<String> captionIds)
      throws IOException {
    Map<String, List<Path>> files = new TreeMap<>();
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.filter(p -> !hidden(p)).sorted().toList();
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (Files.isDirectory(entry)) {
        List<Path> pngs;
        try (Stream<Path> list = Files.list(entry)) {
          pngs = list.filter(p -> !hidden(p)).sorted().toList();
        }
        for (Path png : pngs) {
          requirePng(png);
        }
        files
            .computeIfAbsent(knownId(name, entry, captionIds), k -> new ArrayList<>())
            .addAll(pngs);
      } else {
        requirePng(entry);
        String id = name.substring(0, name.length() - ".png".length());
        files.computeIfAbsent(knownId(id, entry, captionIds), k -> new ArrayList<>()).add(entry);
      }
    }
    return files;
  }

  private static String knownId(String id, Path where, Collection<String> captionIds) {
    if (!captionIds.contains(id)) {
      throw new IllegalArgumentException(
          where + " is filed under caption id '" + id + "', which the caption file does not hold");
    }
    return id;
  }

  private static void requirePng(Path file) {
    if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".png")) {
      throw new IllegalArgumentException(
          "expected a .png file at "
              + file
              + " (images are <caption id>.png or <caption id>/*.png)");
    }
  }

  private static BufferedImage decode(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException(file + " is not a readable PNG image");
    }
    return image;
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }
}
