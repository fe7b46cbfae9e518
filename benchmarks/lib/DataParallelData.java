import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.schemas.TokenizedExample;

/**
 * The input of benchmarks/data-parallel: an encode output of COUNT examples shaped like the tiny
 * transformer config's (32 text tokens, an 8x8 grid of 512 codes) with its tokenizer.json, so the
 * benchmark needs no quickstart run. Captions name a colour and a shape; image tokens are random
 * (throughput does not depend on them). Run with the runnable jar on the class path:
 * {@code java -cp jobs/target/dalle.jar DataParallelData.java DIR COUNT}.
 */
public class DataParallelData {

  private static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "orange"};
  private static final String[] SHAPES = {"circle", "square", "triangle", "star"};

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    Map<String, Long> words = new HashMap<>();
    for (int i = 0; i < count; i++) {
      for (String word : ByteLevelPreTokenizer.split(caption(i))) {
        words.merge(word, 1L, Long::sum);
      }
    }
    BpeModel model = new BpeTrainer(300, 2).train(words);
    Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(dir.resolve("tokenizer.json"), model.toTokenizerJson(), StandardCharsets.UTF_8);
    BpeTokenizer tokenizer = new BpeTokenizer(model);
    Random random = new Random(0);
    try (DataFileWriter<TokenizedExample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(TokenizedExample.class))) {
      writer.create(
          TokenizedExample.getClassSchema(), dir.resolve("tokens/part-0.avro").toFile());
      for (int i = 0; i < count; i++) {
        List<Integer> text = new ArrayList<>();
        for (int id : TextTokens.pad(tokenizer.encode(caption(i)), 32, tokenizer.vocabSize())) {
          text.add(id);
        }
        List<Integer> image = new ArrayList<>();
        for (int p = 0; p < 64; p++) {
          image.add(random.nextInt(512));
        }
        writer.append(
            TokenizedExample.newBuilder()
                .setId(String.format("%016x", i))
                .setCaption(caption(i))
                .setTextTokens(text)
                .setImageTokens(image)
                .setGridSize(8)
                .setAttributes(Map.of())
                .build());
      }
    }
  }

  private static String caption(int i) {
    return "a " + COLOURS[i % COLOURS.length] + " " + SHAPES[(i / COLOURS.length) % SHAPES.length];
  }
}
