# The Dataflow Flex Template launcher image of one Beam pipeline: prepare, encode or eval-features.
# Built on Google's Java 17 launcher base, whose launcher runs FLEX_TEMPLATE_JAVA_MAIN_CLASS (from
# FLEX_TEMPLATE_JAVA_CLASSPATH) with the template's parameters and Beam's options when a job is
# launched from the template. That main class, FlexTemplateMain, runs `dalle <pipeline>` with the
# flags they stand for: it checks the config and inputs and writes the job's template; the job then
# runs on Dataflow and commits its own output when it finishes (CommitStagedOutput). The template
# spec (this image by digest, sdkInfo, k8s/flex-templates/<pipeline>/metadata.json) is written by
# FlexTemplateSpec; .github/workflows/retrain.yml builds both for every pipeline.
#
# Build from the repository root after `./mvnw -B -pl jobs -am package -DskipTests`, once per pipeline:
#   docker build -f k8s/images/flex-template.Dockerfile --build-arg PIPELINE=prepare \
#     -t REGISTRY/dalle-flex-prepare:VERSION .
FROM gcr.io/dataflow-templates-base/java17-template-launcher-base:latest

ARG PIPELINE
RUN case "$PIPELINE" in \
      prepare|encode|eval-features) ;; \
      *) echo "build with --build-arg PIPELINE=prepare, encode or eval-features (got '$PIPELINE')" >&2; \
         exit 1 ;; \
    esac

# libgomp: the OpenMP runtime PyTorch's CPU kernels link against; eval-features loads its feature
# network in the launcher, so a bad network fails the launch instead of every worker.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /template
COPY jobs/target/dalle.jar /template/dalle.jar
# The YAML configs, so the prepare template's config parameter can say configs/prepare/default.yaml.
COPY configs /template/configs

ENV FLEX_TEMPLATE_JAVA_MAIN_CLASS=org.dalle.jobs.cli.FlexTemplateMain \
    FLEX_TEMPLATE_JAVA_CLASSPATH=/template/dalle.jar \
    DALLE_FLEX_TEMPLATE=${PIPELINE} \
    DJL_CACHE_DIR=/tmp/djl \
    JAVA_TOOL_OPTIONS="-Djava.awt.headless=true"

ENTRYPOINT ["/opt/google/dataflow/java_template_launcher"]
