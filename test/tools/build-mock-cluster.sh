#!/usr/bin/env bash
# Builds test/tools/mock-cluster.c (librdkafka's mock cluster behind a stdin command loop) into
# test-artifacts/tools/mock-cluster, statically linked with the librdkafka that
# build-librdkafka.sh builds (2.12.0, patched; Debian's 2.0.2 mock is too old for Logdock's
# client). Used by .ci/run and, when the binary is missing or older than its sources, by the
# tests (test/tools/mock-cluster.ts). Needs gcc, make, patch and npm (to fetch the source).
# Compiles to a temporary name and renames, so parallel test processes never run half a file.
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=$(bash test/tools/build-librdkafka.sh)
mkdir -p test-artifacts/tools
tmp="test-artifacts/tools/mock-cluster.$$.tmp"
gcc -O2 -Wall -Wextra -Werror -isystem "$lib/include" -o "$tmp" test/tools/mock-cluster.c \
  "$lib/lib/librdkafka.a" -lpthread -lm -ldl -lrt
mv -f "$tmp" test-artifacts/tools/mock-cluster
