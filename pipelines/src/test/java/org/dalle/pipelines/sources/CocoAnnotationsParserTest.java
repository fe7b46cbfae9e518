package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CocoAnnotationsParserTest {
  private final List<String> seen = new ArrayList<>();
  private final CocoAnnotationsParser.Entries recorder =
      new CocoAnnotationsParser.Entries() {
        @Override
        public void image(long imageId, String fileName) {
          seen.add("image " + imageId + " " + fileName);
        }

        @Override
        public void caption(long annotationId, long imageId, String caption) {
          seen.add("caption " + annotationId + " " + imageId + " " + caption);
        }
      };

  private void parse(String json) throws IOException {
    CocoAnnotationsParser.parse(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "captions.json", recorder);
  }

  @Test
  void passesImagesAndCaptionsOnInFileOrderSkippingEverythingElse() throws IOException {
    parse(
        """
        {"info": {"description": "x", "list": [1, {"a": []}]},
         "annotations": [{"id": 5, "image_id": 2, "caption": "b\\u00e4r", "extra": [1]}],
         "licenses": [{"id": 1, "name": "x"}],
         "images": [{"id": 2, "coco_url": "http://x", "file_name": "a.jpg"},
                    {"file_name": "b.jpg", "id": 3}]}
        """);
    assertEquals(List.of("caption 5 2 bär", "image 2 a.jpg", "image 3 b.jpg"), seen);
  }

  @Test
  void namesTheProblemAndPositionOfAFileInAnotherFormat() {
    IOException noCaption =
        assertThrows(
            IOException.class,
            () ->
                parse(
                    "{\"images\": [],\n\"annotations\": [{\"id\": 1, \"image_id\": 2, \"bbox\": []}]}"));
    assertEquals(
        "captions.json line 2 column 17: an \"annotations\" entry lacks \"id\", \"image_id\" or"
            + " \"caption\" (instances or keypoints files have no captions; use captions_*.json)",
        noCaption.getMessage());

    IOException noImages = assertThrows(IOException.class, () -> parse("{\"annotations\": []}"));
    assertEquals(
        "captions.json has no \"images\" array; expected an MS-COCO captions file such as"
            + " captions_train2014.json",
        noImages.getMessage());

    IOException stringId =
        assertThrows(
            IOException.class,
            () -> parse("{\"images\": [{\"id\": \"7\", \"file_name\": \"a.jpg\"}]}"));
    assertEquals(
        "captions.json line 1 column 20: images[].id must be an integer, got VALUE_STRING",
        stringId.getMessage());

    IOException notObject = assertThrows(IOException.class, () -> parse("[1, 2]"));
    assertEquals(
        "captions.json line 1 column 1: expected the top-level object to start with START_OBJECT,"
            + " got START_ARRAY",
        notObject.getMessage());
  }

  @Test
  void rejectsAnImageIdListedTwice() {
    IOException twice =
        assertThrows(
            IOException.class,
            () ->
                parse(
                    "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"},"
                        + " {\"id\": 1, \"file_name\": \"b.jpg\"}], \"annotations\": []}"));
    assertEquals(
        "captions.json line 1 column 46: image id 1 is listed twice (a.jpg and b.jpg)",
        twice.getMessage());
  }
}
