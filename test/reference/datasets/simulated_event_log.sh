#!/usr/bin/env bash
# Regenerates test/fixtures/datasets/simulated_event_log.json: writes the default simulated event
# log, analyses it with the independent pandas/SciPy script and records the log's sha256, so the
# test notices when the simulator's output changes (then run this script again).
# Usage (from the repository root): bash test/reference/datasets/simulated_event_log.sh
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx tsx test/reference/datasets/write-default-simulation.ts "$tmp/simulated.csv"
out=test/fixtures/datasets/simulated_event_log.json
/usr/bin/python3 test/reference/datasets/event_log_reference.py "$tmp/simulated.csv" "$out" > /dev/null
sha=$(sha256sum "$tmp/simulated.csv" | cut -d' ' -f1)
/usr/bin/python3 - "$out" "$sha" <<'PY'
import json, sys
path, sha = sys.argv[1], sys.argv[2]
with open(path) as f:
    data = json.load(f)
data["generatedBy"] = "bash test/reference/datasets/simulated_event_log.sh"
data["case"] = "simulated_event_log"
data["inputSha256"] = sha
with open(path, "w") as f:
    json.dump(data, f, indent=1)
    f.write("\n")
PY
echo "wrote $out (input sha256 $sha)"
