#!/usr/bin/env bash
# Builds what tests/gpu/run.sh needs on a GPU host that has no .NET SDK and no network: a self-contained publish of
# GpuCheck (with the CUDA build of ONNX Runtime) and the UCI sentiment tarball, packed and cut into chunks small
# enough to send one per call. Output: tests/gpu/.out/chunks/part-* (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/.out"
rm -rf "$out/stage" "$out/chunks"
mkdir -p "$out/stage/npm" "$out/chunks"
dotnet publish "$here/GpuCheck/GpuCheck.csproj" -c Release -r linux-x64 --self-contained -o "$out/stage/GpuCheck" -warnaserror
cp "$root/.cache/npm/sentiment-5.0.2.tgz" "$out/stage/npm/"
tar -C "$out/stage" -cf - GpuCheck npm | gzip -6 | split -b 60m -d - "$out/chunks/part-"
ls -la "$out/chunks"
