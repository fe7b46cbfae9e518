# The jobs image, CPU flavour: DJL's bundled PyTorch CPU natives (inside dalle.jar) on a plain JRE.
#
# Build from the repository root after `./mvnw -B -pl jobs,collective -am package -DskipTests`:
#   docker build -f k8s/images/cpu.Dockerfile -t REGISTRY/dalle-jobs:VERSION-cpu .
FROM eclipse-temurin:17-jre-jammy

# libgomp: the OpenMP runtime PyTorch's CPU kernels link against.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home dalle

WORKDIR /app
COPY jobs/target/dalle.jar /app/dalle.jar
# The collective helper of data-parallel training (a second JVM per rank, on the JavaCPP PyTorch
# presets: their libtorch cannot share a JVM with DJL's): its classes and the presets' jars.
COPY collective/target/dalle-collective.jar collective/target/helper-lib/ /app/collective/
ENV DALLE_COLLECTIVE_CLASSPATH=/app/collective/*
# The YAML configs, so Job args can say --config=configs/dvae/paper.yaml.
COPY configs /app/configs

# The JVM sizes its heap from the container's memory limit; the rest is left to native (DJL) memory.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -Djava.awt.headless=true" \
    DJL_CACHE_DIR=/tmp/djl
# libtorch's native memory stays in the heap between training steps: the values of
# etc/native-memory.sh, which ./dalle sources outside containers.
ENV MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=1073741824

USER 10001
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/app/dalle.jar"]
