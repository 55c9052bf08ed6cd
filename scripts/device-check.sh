#!/usr/bin/env bash
# GPU machine check (issue 15), for a copy of the working tree with node_modules (and dist/) carried
# and no network: what the Node-side GPU routes do on a real GPU, against wasm on the same machine.
#   1. the machine: nvidia-smi, the Vulkan loader, CUDA/cuDNN libraries in the linker cache;
#   2. Dawn for Node (npm `webgpu`): does it find a Vulkan adapter? then the whole check on it;
#   3. tfjs-node-gpu: ConvLens's diagnosis (installed or not, CUDA libraries it would need);
#   4. the check on wasm, and on auto, for images/s on the same model and batch.
# Each step has a time limit and says why when it cannot run; nothing needs a GPU to finish.
# `webgpu` is not a dependency (130 MB): install it before copying, `npm install --no-save webgpu@0.6.2`.
# Writes a summary to $OUT/device-check.txt (the device tool's folder) or ./device-check.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-.}/device-check.txt"
: > "$out"
say() { echo "$*" | tee -a "$out"; }
run() { local t=$1; shift; timeout "$t" "$@" 2>&1 | tee -a "$out"; return "${PIPESTATUS[0]}"; }
FILE=test/fixtures/runtime/tiny_cnn.ts
STEPS=${STEPS:-30}
BATCH=${BATCH:-32}

say "== device check $(date -u +%FT%TZ) on $(uname -srm), node $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -f dist/cli.js ] && [ -f dist/worker.js ] || { say "dist/ missing: running the build (esbuild is in node_modules)"; run 300 node scripts/build.mjs || { say "build failed"; exit 1; }; }

say "== 1. the machine"
if command -v nvidia-smi >/dev/null; then run 30 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; else say "nvidia-smi: not found"; fi
ls /dev/nvidia* 2>/dev/null | head -3 | tee -a "$out" || true
ldconfig -p 2>/dev/null | grep -E 'libvulkan\.so|libcudart\.so|libcudnn\.so|libnvidia-glcore|libGLX_nvidia' | sed 's/ =>.*//' | sort -u | tee -a "$out"
ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null | tee -a "$out"

say "== 2. Dawn for Node (npm webgpu)"
if [ -f node_modules/webgpu/package.json ]; then
  run 60 node --input-type=module -e "
    const { create } = await import('webgpu');
    const gpu = create([]);
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) { console.log('Dawn adapter: none'); process.exit(0); }
    const i = a.info ?? {};
    console.log('Dawn adapter:', JSON.stringify({ vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, fallback: a.isFallbackAdapter ?? i.isFallbackAdapter }));
    process.exit(0);
  " || say "Dawn probe failed or timed out (exit $?)"
  say "-- the check on webgpu-node (experimental backend)"
  run 600 node dist/cli.js check "$FILE" --backend webgpu-node --steps "$STEPS" --batch "$BATCH" --json > /tmp/dc-webgpu-node.json
  node -e "const j=require('/tmp/dc-webgpu-node.json'); console.log('webgpu-node:', j.backend, j.imagesPerSecond?.toFixed(1), 'img/s', j.passed ? 'passed' : 'failed', '|', (j.backendDiagnosis||[]).filter(l=>/^webgpu-node|used/.test(l)).join(' | '))" 2>&1 | tee -a "$out"
else
  say "node_modules/webgpu missing: not measured (install it before copying: npm install --no-save webgpu@0.6.2)"
fi

say "== 3. tfjs-node-gpu diagnosis"
run 300 node dist/cli.js check "$FILE" --backend tfjs-node-gpu --steps 3 --batch 8 --json > /tmp/dc-node-gpu.json
node -e "const j=require('/tmp/dc-node-gpu.json'); for (const l of j.backendDiagnosis||[]) console.log('  '+l); console.log('ran on', j.backend, j.device)" 2>&1 | tee -a "$out"

say "== 4. images/s on the same model and batch ($STEPS steps of $BATCH)"
for b in wasm auto; do
  run 600 node dist/cli.js check "$FILE" --backend "$b" --steps "$STEPS" --batch "$BATCH" --json > "/tmp/dc-$b.json"
  node -e "const j=require('/tmp/dc-$b.json'); console.log('$b:', j.backend, j.device, (j.imagesPerSecond??NaN).toFixed(1), 'img/s', j.passed ? 'passed' : 'failed')" 2>&1 | tee -a "$out"
done
say "== done, load $(cut -d' ' -f1-3 /proc/loadavg); summary in $out"
