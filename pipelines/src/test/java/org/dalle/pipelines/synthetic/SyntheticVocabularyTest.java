package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticVocabularyTest {
  @Test
  void hasTheDocumentedVocabulary() {
    assertEquals(8, SyntheticVocabulary.colours().size());
    assertEquals(6, SyntheticVocabulary.shapes().size());
    assertEquals(2, SyntheticVocabulary.sizes().size());
    assertEquals(9, SyntheticVocabulary.positions().size());
    assertEquals(4, SyntheticVocabulary.relations().size());
    assertEquals(48, SyntheticVocabulary.allPairs().size());
    assertEquals("crosses", Shape.CROSS.plural());
    assertEquals("stars", Shape.STAR.noun(3));
    assertEquals("star", Shape.STAR.noun(1));
    assertEquals("centre", GridPosition.CENTRE.word());
    assertEquals("four", SyntheticVocabulary.countWord(4));
    assertEquals("an", SyntheticVocabulary.article("orange"));
    assertEquals("a", SyntheticVocabulary.article("red"));
  }

  @Test
  void coloursAreDistinctInRgb() {
    Colour[] colours = Colour.values();
    for (int i = 0; i < colours.length; i++) {
      for (int j = i + 1; j < colours.length; j++) {
        assertTrue(
            rgbDistance(colours[i].rgb(), colours[j].rgb()) > 90,
            colours[i] + " and " + colours[j] + " are too close");
      }
      assertTrue(rgbDistance(colours[i].rgb(), SceneRenderer.BACKGROUND) > 150, colours[i].word());
    }
  }

  @Test
  void parsesPairsIgnoringCaseAndSpaces() {
    assertEquals(
        new ColourShape(Colour.BLUE, Shape.STAR), SyntheticVocabulary.parsePair("  Blue   star "));
    assertEquals("blue star", new ColourShape(Colour.BLUE, Shape.STAR).toString());
  }

  @Test
  void rejectsBadPairsNamingTheBadWord() {
    IllegalArgumentException colour =
        assertThrows(
            IllegalArgumentException.class, () -> SyntheticVocabulary.parsePair("teal star"));
    assertTrue(colour.getMessage().contains("'teal'"), colour.getMessage());
    assertTrue(colour.getMessage().contains("red, orange"), colour.getMessage());
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class, () -> SyntheticVocabulary.parsePair("red stars"));
    assertTrue(shape.getMessage().contains("'stars'"), shape.getMessage());
    IllegalArgumentException words =
        assertThrows(IllegalArgumentException.class, () -> SyntheticVocabulary.parsePair("red"));
    assertTrue(words.getMessage().contains("\"colour shape\""), words.getMessage());
  }

  @Test
  void defaultHeldOutPairsLeaveEveryColourAndShapeInTraining() {
    Set<ColourShape> heldOut = SyntheticVocabulary.resolveHeldOutPairs(List.of());
    assertEquals(new HashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS), heldOut);
    assertEquals(6, heldOut.size());
    Set<Colour> colours = EnumSet.noneOf(Colour.class);
    Set<Shape> shapes = EnumSet.noneOf(Shape.class);
    for (ColourShape pair : SyntheticVocabulary.allPairs()) {
      if (!heldOut.contains(pair)) {
        colours.add(pair.colour());
        shapes.add(pair.shape());
      }
    }
    assertEquals(EnumSet.allOf(Colour.class), colours);
    assertEquals(EnumSet.allOf(Shape.class), shapes);
  }

  @Test
  void resolvesConfiguredPairs() {
    assertEquals(
        Set.of(new ColourShape(Colour.PINK, Shape.CIRCLE)),
        SyntheticVocabulary.resolveHeldOutPairs(List.of("pink circle")));
  }

  @Test
  void rejectsHeldOutPairsThatOrphanAColour() {
    List<String> allWhite =
        SyntheticVocabulary.shapes().stream().map(s -> "white " + s.word()).toList();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SyntheticVocabulary.resolveHeldOutPairs(allWhite));
    assertTrue(e.getMessage().contains("[white]"), e.getMessage());
  }

  private static double rgbDistance(int a, int b) {
    double dr = ((a >> 16) & 0xFF) - ((b >> 16) & 0xFF);
    double dg = ((a >> 8) & 0xFF) - ((b >> 8) & 0xFF);
    double db = (a & 0xFF) - (b & 0xFF);
    return Math.sqrt(dr * dr + dg * dg + db * db);
  }
}
