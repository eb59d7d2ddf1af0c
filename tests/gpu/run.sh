#!/usr/bin/env bash
# The GPU check, on a CUDA host without .NET: unpacks the bundle made by tests/gpu/prepare.sh, puts the CUDA 13,
# cuBLAS and cuDNN libraries of the Python wheels on LD_LIBRARY_PATH, runs GpuCheck and prints its summary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/.out"
if [ ! -x "$out/GpuCheck/GpuCheck" ]; then
  ls "$out"/chunks/part-* >/dev/null
  cat "$out"/chunks/part-* | tar -xzf - -C "$out"
fi
libs="$(python3 - <<'PY'
import glob, os, site
roots = site.getsitepackages() + [site.getusersitepackages()]
dirs = sorted({d for r in roots for d in glob.glob(os.path.join(r, "nvidia", "**", "lib"), recursive=True) if os.path.isdir(d)})
print(":".join(dirs))
PY
)"
export LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export MLNET_GELU_NPM_CACHE="$out/npm"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
timeout 480 "$out/GpuCheck/GpuCheck" "${GPU_DEVICE_ID:-0}"
