package org.dalle.pipelines.prepare;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.schemas.CaptionedImage;

/**
 * Encodes each caption with the learned tokenizer (a side input holding the {@code tokenizer.json}
 * text) into {@code text_length} tokens, with one padding token per position as in the paper.
 * Captions longer than the text length are truncated and also reported on {@link #TRUNCATED}.
 */
final class TokenizeCaptionsFn extends DoFn<CaptionedImage, CaptionedImage> {
  static final TupleTag<CaptionedImage> TOKENIZED = new TupleTag<CaptionedImage>() {};
  static final TupleTag<String> TRUNCATED = new TupleTag<String>() {};

  private final PCollectionView<String> tokenizerJson;
  private final int textLength;
  private transient String loadedJson;
  private transient BpeTokenizer tokenizer;

  TokenizeCaptionsFn(PCollectionView<String> tokenizerJson, int textLength) {
    this.tokenizerJson = tokenizerJson;
    this.textLength = textLength;
  }

  @ProcessElement
  public void process(ProcessContext context) {
    String json = context.sideInput(tokenizerJson);
    // Runners hand out the same cached side-input object, so the identity check is the fast path.
    if (tokenizer == null || (json != loadedJson && !json.equals(loadedJson))) {
      tokenizer = BpeTokenizer.fromTokenizerJson(json);
      loadedJson = json;
    }
    CaptionedImage image = context.element();
    int[] tokens = tokenizer.encode(image.getCaption());
    int[] padded = TextTokens.pad(tokens, textLength, tokenizer.vocabSize());
    List<Integer> list = new ArrayList<>(padded.length);
    for (int t : padded) {
      list.add(t);
    }
    context.output(TOKENIZED, CaptionedImage.newBuilder(image).setTextTokens(list).build());
    if (tokens.length > textLength) {
      context.output(TRUNCATED, RemoveExactDuplicates.qualifiedKey(image));
    }
  }
}
