package org.dalle.models.export;

import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A block's parameters under PyTorch-style dotted names, for exports other tools read: the path of
 * child blocks, then the parameter's own name ({@code encoder.group_1_block_1.res_path.1.weight}).
 *
 * <p>DJL's own keys ({@code 01encoder_02group_1_block_1_...}) prefix every child with its position
 * and join with underscores, which the names themselves also contain. Here a child is named as the
 * model registered it, without the position, except inside a {@link SequentialBlock}, whose
 * children are numbered from 0 as in PyTorch's {@code nn.Sequential} (ReLUs included, so the
 * convolutions of a ReLU-then-convolution stack are 1, 3, 5, ...).
 */
public final class ParameterNames {

  private ParameterNames() {}

  /**
   * Every parameter of {@code block}, in the order of {@code block.getParameters()}.
   *
   * @throws IllegalStateException when two parameters would get the same name
   */
  public static Map<String, Parameter> of(Block block) {
    Map<String, Parameter> named = new LinkedHashMap<>();
    collect(block, "", named);
    if (named.size() != block.getParameters().size()) {
      throw new IllegalStateException(
          "dotted names of "
              + block.getClass().getSimpleName()
              + " collide: "
              + named.size()
              + " names for "
              + block.getParameters().size()
              + " parameters");
    }
    return named;
  }

  private static void collect(Block block, String prefix, Map<String, Parameter> named) {
    for (Pair<String, Parameter> parameter : block.getDirectParameters()) {
      put(named, prefix + parameter.getValue().getName(), parameter.getValue());
    }
    BlockList children = block.getChildren();
    for (int i = 0; i < children.size(); i++) {
      String name =
          block instanceof SequentialBlock
              ? Integer.toString(i)
              : withoutPosition(children.keyAt(i), i + 1);
      collect(children.valueAt(i), prefix + name + ".", named);
    }
  }

  /**
   * DJL registers child {@code n} (1-based) of a block as {@code String.format("%02d%s", n, name)}.
   */
  private static String withoutPosition(String key, int position) {
    String prefix = String.format("%02d", position);
    if (!key.startsWith(prefix)) {
      throw new IllegalStateException(
          "child key '" + key + "' does not start with its position " + prefix);
    }
    return key.substring(prefix.length());
  }

  private static void put(Map<String, Parameter> named, String name, Parameter parameter) {
    if (named.putIfAbsent(name, parameter) != null) {
      throw new IllegalStateException("two parameters are named '" + name + "'");
    }
  }
}
