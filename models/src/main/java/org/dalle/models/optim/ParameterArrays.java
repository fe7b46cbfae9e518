package org.dalle.models.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Named host copies of parameter arrays, and in-place copies back into them: the one format in
 * which model weights, optimizer moments and EMA shadows are saved.
 *
 * <p>A saved set is an {@link NDList} whose arrays carry names ({@link NDArray#getName()}); the
 * names are the keys of the block's {@link ParameterList} (e.g. {@code 01Conv2d_weight}), which are
 * stable for a given architecture. {@link NDList#encode()} keeps the names, so a set survives a
 * byte stream. Restoring matches by name, never by position, and fails when the names or shapes
 * differ, so a checkpoint can never be loaded silently into the wrong model.
 */
public final class ParameterArrays {

  /** The index that selects a whole array, used for in-place copies that keep autograd leaves. */
  private static final NDIndex ALL = new NDIndex("...");

  private ParameterArrays() {}

  /**
   * Copies every parameter to the host, named by its key in {@code params}.
   *
   * @param target owns the copies; the caller closes it
   */
  public static NDList export(ParameterList params, NDManager target) {
    NDList out = new NDList(params.size());
    for (Pair<String, Parameter> entry : params) {
      out.add(hostCopy(entry.getKey(), entry.getValue().getArray(), target));
    }
    return out;
  }

  /**
   * Overwrites each parameter in place with the saved array of the same name. The parameter arrays
   * keep their identity (and with it their gradient and autograd leaf status).
   *
   * @throws IllegalArgumentException when a name is missing on either side or a shape differs
   */
  public static void restore(ParameterList params, NDList saved) {
    Map<String, NDArray> byName = byName(saved, "saved parameters");
    TreeSet<String> missing = new TreeSet<>();
    for (Pair<String, Parameter> entry : params) {
      if (!byName.containsKey(entry.getKey())) {
        missing.add(entry.getKey());
      }
    }
    TreeSet<String> extra = new TreeSet<>(byName.keySet());
    params.keys().forEach(extra::remove);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new IllegalArgumentException(
          "saved parameters do not match the model: missing "
              + missing
              + ", unknown "
              + extra
              + "; expected exactly the model's parameter names");
    }
    for (Pair<String, Parameter> entry : params) {
      copyInto(entry.getKey(), byName.get(entry.getKey()), entry.getValue().getArray());
    }
  }

  /**
   * Copies {@code source} into {@code target} in place, moving it to the target's device first.
   *
   * @param name the parameter name, used in the error message
   * @throws IllegalArgumentException when the shapes or data types differ
   */
  public static void copyInto(String name, NDArray source, NDArray target) {
    if (!source.getShape().equals(target.getShape())
        || source.getDataType() != target.getDataType()) {
      throw new IllegalArgumentException(
          "array for parameter '"
              + name
              + "' is "
              + source.getDataType()
              + source.getShape()
              + ", expected "
              + target.getDataType()
              + target.getShape());
    }
    // Gradient recording is per thread and the engine turns it off only on the thread that loads
    // it: on any other thread (a Beam worker, a second stage) an in-place write into a parameter
    // fails ("a leaf Variable that requires grad is being used in an in-place operation").
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      if (source.getDevice().equals(target.getDevice())) {
        target.set(ALL, source);
      } else {
        try (NDArray moved = source.toDevice(target.getDevice(), true)) {
          target.set(ALL, moved);
        }
      }
    } finally {
      JniUtils.setGradMode(recording);
    }
  }

  /** A host copy of {@code array} named {@code name}, owned by {@code target}. */
  static NDArray hostCopy(String name, NDArray array, NDManager target) {
    // toDevice(cpu, true) returns an alias, not a copy, when the array is already on the CPU.
    NDArray copy =
        array.getDevice().equals(Device.cpu())
            ? array.duplicate()
            : array.toDevice(Device.cpu(), true);
    copy.attach(target);
    copy.setName(name);
    return copy;
  }

  /**
   * Indexes a saved list by array name.
   *
   * @param what names the list in error messages
   * @throws IllegalArgumentException when an array has no name or a name repeats
   */
  static Map<String, NDArray> byName(NDList saved, String what) {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (NDArray array : saved) {
      String name = array.getName();
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(
            what + " hold an array without a name; every saved array must be named");
      }
      if (byName.put(name, array) != null) {
        duplicates.add(name);
      }
    }
    if (!duplicates.isEmpty()) {
      throw new IllegalArgumentException(what + " repeat the names " + duplicates);
    }
    return byName;
  }
}
