package org.dalle.jobs.clip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hard negative captions for contrastive training (NegCLIP, Yuksekgonul et al. 2023, "When and why
 * vision-language models behave like bags-of-words"): a caption with one word swapped for another
 * of the same group ("red" for "blue", "left" for "right"), which no longer describes the image. A
 * batch of random pairs rarely holds two captions that differ in one attribute, so plain CLIP
 * training learns to tell scenes apart by whatever differs most (mostly colour); the swapped
 * caption is a negative that differs in exactly one fact, so the model has to read each of them.
 *
 * <p>Words match whole and case-insensitively; the swap keeps the rest of the caption as it is.
 */
public final class CaptionNegatives {
  private static final Pattern WORD = Pattern.compile("\\p{L}+");

  private final Map<String, List<String>> groupOf = new HashMap<>();

  /**
   * @param groups the interchangeable words; each group holds at least two distinct words and a
   *     word belongs to one group at most
   * @throws IllegalArgumentException naming the first group that breaks that
   */
  public CaptionNegatives(List<List<String>> groups) {
    for (int g = 0; g < groups.size(); g++) {
      List<String> group = new ArrayList<>();
      for (String word : groups.get(g)) {
        String w = word == null ? "" : word.toLowerCase(Locale.ROOT);
        if (!WORD.matcher(w).matches()) {
          throw new IllegalArgumentException(
              String.format(
                  "negative_swaps group %d holds '%s'; expected single words of letters", g, word));
        }
        if (group.contains(w)) {
          throw new IllegalArgumentException(
              String.format("negative_swaps group %d holds '%s' twice", g, w));
        }
        group.add(w);
      }
      if (group.size() < 2) {
        throw new IllegalArgumentException(
            String.format(
                "negative_swaps group %d is %s; expected at least two words to swap between",
                g, groups.get(g)));
      }
      List<String> frozen = List.copyOf(group);
      for (String w : frozen) {
        if (groupOf.put(w, frozen) != null) {
          throw new IllegalArgumentException(
              String.format(
                  "negative_swaps names '%s' in two groups; expected each word in one group", w));
        }
      }
    }
  }

  /** Whether no group is configured (plain contrastive training). */
  public boolean isEmpty() {
    return groupOf.isEmpty();
  }

  /**
   * {@code caption} with one of its swappable words, chosen uniformly, replaced by another word of
   * its group, chosen uniformly; empty when the caption holds none.
   */
  public Optional<String> negative(String caption, Random random) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = WORD.matcher(caption);
    while (m.find()) {
      if (groupOf.containsKey(m.group().toLowerCase(Locale.ROOT))) {
        spans.add(new int[] {m.start(), m.end()});
      }
    }
    if (spans.isEmpty()) {
      return Optional.empty();
    }
    int[] span = spans.get(random.nextInt(spans.size()));
    String word = caption.substring(span[0], span[1]).toLowerCase(Locale.ROOT);
    List<String> group = groupOf.get(word);
    int pick = random.nextInt(group.size() - 1);
    String other = group.get(pick >= group.indexOf(word) ? pick + 1 : pick);
    return Optional.of(caption.substring(0, span[0]) + other + caption.substring(span[1]));
  }
}
