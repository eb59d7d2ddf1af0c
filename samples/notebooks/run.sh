#!/usr/bin/env bash
# Re-runs the notebooks in samples/notebooks and stores their outputs in them, so that a reader on GitHub sees the results.
#
#   samples/notebooks/run.sh                                every notebook in the folder
#   samples/notebooks/run.sh activations bert-scoring.ipynb  the notebooks named (with or without .ipynb)
#
# 1. Packs every project under src/ into artifacts/feed as 0.1.0-local.1, the version the notebooks reference (they depend
#    on each other, so always all of them). Build outputs go to artifacts/pack, not to the projects' bin/obj.
# 2. Restores everything into a packages folder of its own, artifacts/nuget-packages (NUGET_PACKAGES), after deleting that
#    folder's copies of our packages: NuGet would otherwise serve an earlier pack of the same version unchanged. Other
#    packages stay there between runs (the first run downloads about 1.3 GB of them).
# 3. Runs each notebook with the repository's local tool dotnet-repl (.config/dotnet-tools.json) from this folder, so that
#    the notebooks' relative paths resolve here, on a copy in a temporary folder whose `#i "nuget: ..."` line names the
#    feed's absolute path (.NET Interactive does not resolve a relative package source).
# 4. Fails, leaving the notebook as it was, if the run has an error output in any cell; otherwise writes the run's outputs
#    (text and images) into the notebook in place with store-outputs.cs. Sources, cell and notebook metadata stay as they
#    were (no per-cell timings), the package restore's progress frames are dropped (its final display stays), and this
#    machine's path to the repository becomes ../.. in outputs: a re-run differs only where an output does.
#
# LC_ALL=C: invariant number formats in the outputs, whatever the machine's locale. Needs the .NET SDK only (bash, and
# store-outputs.cs runs as a file-based app). The three notebooks take 2-3 minutes on 2 cores, packing included;
# activation-experiments reads samples/ActivationExperiments/results/quick-*.json. Exit status: 0 when every notebook ran
# cleanly, 1 when one did not, 2 for a name that is not a notebook here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="0.1.0-local.1"
feed="$root/artifacts/feed"
export NUGET_PACKAGES="$root/artifacts/nuget-packages"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 LC_ALL=C

notebooks=()
if [ "$#" -eq 0 ]; then
  for path in "$here"/*.ipynb; do notebooks+=("$(basename "$path")"); done
else
  for name in "$@"; do
    name="$(basename "$name" .ipynb).ipynb"
    [ -f "$here/$name" ] || { echo "run.sh: no notebook $name in samples/notebooks" >&2; exit 2; }
    notebooks+=("$name")
  done
fi

# The package ids: one per project under src/ whose folder and project file share the name (as the tests find them).
ids=()
for project in "$root"/src/*/*.csproj; do
  id="$(basename "$project" .csproj)"
  [ "$id" = "$(basename "$(dirname "$project")")" ] && ids+=("$id")
done

echo "== packing ${ids[*]} as $version into artifacts/feed"
mkdir -p "$feed" "$NUGET_PACKAGES"
for id in "${ids[@]}"; do
  rm -f "$feed/$id.$version.nupkg" "$feed/$id.$version.snupkg"
  rm -rf "$NUGET_PACKAGES/$(tr '[:upper:]' '[:lower:]' <<<"$id")/$version"
done
for id in "${ids[@]}"; do
  dotnet pack "$root/src/$id/$id.csproj" -c Release -o "$feed" -p:Version="$version" \
    --artifacts-path "$root/artifacts/pack" --nologo -v quiet
done

(cd "$root" && dotnet tool restore >/dev/null)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=()
for name in "${notebooks[@]}"; do
  echo "== $name"
  stem="${name%.ipynb}"
  dotnet run --file "$here/store-outputs.cs" -- prepare "$here/$name" "$feed" "$work/$name"
  status=0
  # From the notebook's folder: relative paths in its code resolve there, as when it is opened from the repository.
  (cd "$here" && dotnet tool run dotnet-repl -- --run "$work/$name" --exit-after-run --output-path "$work/$stem.out.ipynb") \
    >"$work/$stem.log" 2>&1 || status=$?
  if [ ! -f "$work/$stem.out.ipynb" ]; then
    echo "dotnet-repl exited with $status and wrote no output notebook:" >&2
    cat "$work/$stem.log" >&2
    failed+=("$name")
  elif ! dotnet run --file "$here/store-outputs.cs" -- check "$work/$stem.out.ipynb"; then
    echo "$name: error outputs above; the notebook is left as it was." >&2
    failed+=("$name")
  elif [ "$status" -ne 0 ]; then
    echo "dotnet-repl exited with $status without an error cell; the notebook is left as it was:" >&2
    cat "$work/$stem.log" >&2
    failed+=("$name")
  else
    dotnet run --file "$here/store-outputs.cs" -- store "$here/$name" "$work/$stem.out.ipynb" "$root" || failed+=("$name")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "run.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "run.sh: stored the outputs of ${notebooks[*]}"
