#!/usr/bin/env bash
# Builds the librdkafka that test/tools/mock-cluster.c links: librdkafka 2.12.0 (its mock
# cluster speaks Metadata v12, Fetch v16, Produce v10, which @platformatic/kafka needs; Debian
# 12's 2.0.2 does not), from the source that node-rdkafka's npm package carries, with
# test/tools/librdkafka-mock.patch applied so its mock answers as Kafka does where
# @platformatic/kafka relies on it (ApiVersions v3, InitProducerId without a transactional id;
# see docs/clusters.md, Test peers). Only the static C library is built, without TLS, SASL or
# compression libraries (about a minute on two cores).
#
# The result is cached in node_modules/.cache/logdock-librdkafka-<version>-<patch hash>/
# (include/librdkafka/*.h, lib/librdkafka.a); its path is the one line printed on stdout.
# Parallel runs wait for each other (flock); a half-built cache is never used (built in a
# temporary directory, then renamed).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
PACKAGE=node-rdkafka@3.6.1 # carries librdkafka 2.12.0 in deps/librdkafka
INTEGRITY=sha512-sfpTbrT35429cs0RE8Yb9avGX9BiRRvpV7aweQsghKTjtrVZP3jBrKOPItWXAqHb8doyh3SkuGuUVBLgig1SRg==
patch_file=test/tools/librdkafka-mock.patch
out="$root/node_modules/.cache/logdock-librdkafka-2.12.0-$(sha1sum "$patch_file" | cut -c1-10)"
mkdir -p "$root/node_modules/.cache"
exec 8>"$root/node_modules/.cache/logdock-librdkafka.lock"
flock 8
if [ ! -f "$out/lib/librdkafka.a" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "$PACKAGE" --json --silent >pack.json 2>pack.log) || {
    cat "$work/pack.log" >&2
    echo "build-librdkafka: npm pack $PACKAGE failed" >&2
    exit 1
  }
  got=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1]))[0].integrity)' "$work/pack.json")
  if [ "$got" != "$INTEGRITY" ]; then
    echo "build-librdkafka: $PACKAGE has integrity $got, expected $INTEGRITY" >&2
    exit 1
  fi
  tar xzf "$work"/node-rdkafka-*.tgz -C "$work" package/deps/librdkafka
  src="$work/package/deps/librdkafka"
  patch -s -d "$src" -p1 <"$patch_file"
  (cd "$src" && ./configure --no-download --disable-ssl --disable-gssapi --disable-zstd \
    --disable-curl --disable-lz4-ext --disable-zlib >"$work/configure.log" 2>&1) || {
    tail -30 "$work/configure.log" >&2
    exit 1
  }
  make -s -C "$src/src" -j2 librdkafka.a >"$work/make.log" 2>&1 || {
    tail -30 "$work/make.log" >&2
    exit 1
  }
  mkdir -p "$work/out/lib" "$work/out/include/librdkafka"
  cp "$src/src/librdkafka.a" "$work/out/lib/"
  cp "$src/src/rdkafka.h" "$src/src/rdkafka_mock.h" "$work/out/include/librdkafka/"
  rm -rf "$out"
  mv "$work/out" "$out"
fi
echo "$out"
