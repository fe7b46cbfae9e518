# Native-memory settings for every JVM that runs this project's models: sourced by ./dalle and by the
# benchmarks that start java themselves; the container images (k8s/images/*.Dockerfile) set the
# same values with ENV. A value already in the environment wins.
#
# libtorch allocates every activation and gradient with malloc and frees it within the step. With
# glibc's defaults, blocks above a moving threshold (128 KiB at first) are mmap-ed and unmapped each
# time, freed heap tops are trimmed, and a thread's arena heap that empties is unmapped, so the next
# step touches fresh pages: about 7,000 page faults per training step of the tiny dVAE (batch 32),
# each one a kernel entry and a zeroed page. Keeping blocks up to 32 MiB in the heap and never
# trimming it brings that to about 1,000 (`perf stat -e page-faults`). The cost is that the process
# keeps its peak heap until it exits, which is what a batch job wants anyway.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
