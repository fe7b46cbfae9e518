package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CUDA image carries kernels for the GPUs the specs schedule onto, and DJL finds its libtorch.
 */
class CudaImageTest {
  /**
   * The compute capabilities each CUDA build of PyTorch 2.7.1 ships kernels for (the wheels'
   * TORCH_CUDA_ARCH_LIST, as {@code torch.cuda.get_arch_list()} prints it): from 2.7 the CUDA 12.8
   * builds drop Maxwell, Pascal and Volta.
   */
  static final Map<String, Set<String>> ARCHES_OF_PYTORCH_2_7_1 =
      Map.of(
          "11.8", Set.of("sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"),
          "12.6", Set.of("sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"),
          "12.8", Set.of("sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120"));

  /** GKE accelerator labels → the compute capability of that GPU. */
  static final Map<String, String> ARCH_OF_ACCELERATOR =
      Map.of(
          "nvidia-tesla-v100", "sm_70",
          "nvidia-tesla-t4", "sm_75",
          "nvidia-tesla-a100", "sm_80",
          "nvidia-l4", "sm_89",
          "nvidia-h100-80gb", "sm_90");

  @Test
  void theBaseImageHasKernelsForEveryGpuTheSpecsTarget() throws IOException {
    String dockerfile = Files.readString(Rendered.K8S.resolve("images/cuda.Dockerfile"));
    Matcher from =
        Pattern.compile("(?m)^FROM pytorch/pytorch:([0-9.]+)-cuda([0-9.]+)-cudnn\\d+-runtime$")
            .matcher(dockerfile);
    assertTrue(from.find(), "the CUDA image is built FROM a pytorch/pytorch runtime image");
    assertEquals("2.7.1", from.group(1), "the PyTorch of the base image");
    Set<String> arches = ARCHES_OF_PYTORCH_2_7_1.get(from.group(2));
    assertNotNull(arches, "no known architecture list for CUDA " + from.group(2));

    Set<String> accelerators = new HashSet<>();
    Rendered.each().forEach(e -> collectAccelerators(e.getValue().object(), accelerators));
    assertTrue(accelerators.contains("nvidia-tesla-v100"), accelerators.toString());
    for (String accelerator : accelerators) {
      String arch = ARCH_OF_ACCELERATOR.get(accelerator);
      assertNotNull(arch, "unknown accelerator " + accelerator);
      assertTrue(
          arches.contains(arch),
          "PyTorch 2.7.1 for CUDA "
              + from.group(2)
              + " has no "
              + arch
              + " kernels, which "
              + accelerator
              + " needs (\"no kernel image is available\")");
    }
  }

  @Test
  void djlFindsTheJniGlueAndVersionTheImageNames() throws IOException {
    String dockerfile = Files.readString(Rendered.K8S.resolve("images/cuda.Dockerfile"));
    Matcher flavor = Pattern.compile("PYTORCH_FLAVOR=(\\S+)").matcher(dockerfile);
    Matcher version = Pattern.compile("PYTORCH_VERSION=(\\S+)").matcher(dockerfile);
    assertTrue(flavor.find() && version.find());
    ClassLoader loader = getClass().getClassLoader();
    assertNotNull(
        loader.getResource("jnilib/linux-x86_64/" + flavor.group(1) + "/libdjl_torch.so"),
        "pytorch-jni bundles no JNI glue for flavour " + flavor.group(1));
    String properties =
        new String(
            loader.getResourceAsStream("jnilib/pytorch.properties").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        properties.contains("jni_version=" + version.group(1) + "-"),
        "pytorch-jni is built for " + properties.trim() + ", the image says " + version.group(1));
  }

  private static void collectAccelerators(JsonNode node, Set<String> out) {
    if (node.isObject() && node.path("cloud.google.com/gke-accelerator").isTextual()) {
      out.add(node.get("cloud.google.com/gke-accelerator").asText());
    }
    node.elements().forEachRemaining(child -> collectAccelerators(child, out));
  }
}
