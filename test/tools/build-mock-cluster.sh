#!/usr/bin/env bash
# Builds test/tools/mock-cluster.c (librdkafka's mock cluster behind a stdin command loop) into
# test-artifacts/tools/mock-cluster. Used by .ci/run and, when the binary is missing or older
# than its source, by the tests (test/tools/mock-cluster.ts). Needs gcc and librdkafka-dev.
# Compiles to a temporary name and renames, so parallel test processes never run half a file.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p test-artifacts/tools
tmp="test-artifacts/tools/mock-cluster.$$.tmp"
gcc -O2 -Wall -Wextra -Werror -o "$tmp" test/tools/mock-cluster.c -lrdkafka
mv -f "$tmp" test-artifacts/tools/mock-cluster
