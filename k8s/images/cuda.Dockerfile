# The jobs image, CUDA flavour. DJL 0.35.1's CUDA natives are not in Maven Central, so DJL is pointed
# at the CUDA build of libtorch that ships inside the PyTorch wheel of the base image:
# PYTORCH_LIBRARY_PATH names the directory holding libtorch*.so, PYTORCH_VERSION tells DJL which
# version it is (it must match the pytorch-jni 2.7.1-0.35.1 inside the jar) and PYTORCH_FLAVOR picks
# the CUDA JNI glue that pytorch-jni bundles (jnilib/linux-x86_64/cu128, the only one; it links
# libtorch*.so and libc10*.so only, so it serves any CUDA build of the same PyTorch version). Without
# the flavour DJL derives one from the driver and, offline, fails to find it. The CPU natives bundled
# in the jar stay unused.
#
# The base is the CUDA 12.6 build of PyTorch 2.7.1: the specs target V100 node pools (compute
# capability sm_70), and the CUDA 12.8 builds of 2.7.1 ship kernels for sm_75 and newer only, so on a
# V100 every operator would fail with "no kernel image is available". CudaImageTest checks the pair.
#
# Build from the repository root after `./mvnw -B -pl jobs,collective -am package -DskipTests`:
#   docker build -f k8s/images/cuda.Dockerfile -t REGISTRY/dalle-jobs:VERSION-cuda .
FROM pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home dalle

# The wheel's libtorch: /opt/conda/lib/python3.11/site-packages/torch/lib in this base image. The
# check below fails the build if the base image moves it.
ENV PYTORCH_LIBRARY_PATH=/opt/conda/lib/python3.11/site-packages/torch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128
RUN test -f "$PYTORCH_LIBRARY_PATH/libtorch_cuda.so" \
    || (echo "libtorch_cuda.so not found in $PYTORCH_LIBRARY_PATH" >&2 && exit 1)

WORKDIR /app
COPY jobs/target/dalle.jar /app/dalle.jar
# The collective helper of data-parallel training (a second JVM per rank, on the JavaCPP PyTorch
# presets: their libtorch cannot share a JVM with DJL's): its classes and the presets' jars.
COPY collective/target/dalle-collective.jar collective/target/helper-lib/ /app/collective/
ENV DALLE_COLLECTIVE_CLASSPATH=/app/collective/*
COPY configs /app/configs

ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -Djava.awt.headless=true" \
    LD_LIBRARY_PATH=/opt/conda/lib/python3.11/site-packages/torch/lib \
    DJL_CACHE_DIR=/tmp/djl
# libtorch's native memory stays in the heap between training steps: the values of
# etc/native-memory.sh, which ./dalle sources outside containers.
ENV MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=1073741824

USER 10001
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/app/dalle.jar"]
