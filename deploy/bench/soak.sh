#!/usr/bin/env bash
# The memory soak of issue 7 (not part of the CI test command): fpk bench e2e finds the sustained
# rate, then runs the same runs at half of it for MINUTES minutes and reads the heap after a full
# GC every minute. Flat memory: the heap after GC at the end is within 10% of the one at minute 5.
#
#   deploy/bench/soak.sh [MINUTES] [more bench e2e options]     (default 30 minutes)
#
# Build first (mvn -q -DskipTests package). Prints the machine's load before and after, the
# progress lines (stderr of the bench), and at the end heap after GC at minute 5 and at the end;
# the whole JSON goes to soak-<time>.json in the current directory. Exit 1 if the heap grew > 10%.
set -euo pipefail
minutes="${1:-30}"
shift || true
here="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$here/services/app/target/fpk.jar"
[[ -f "$jar" ]] || { echo "soak: $jar not found: build first (mvn -q -DskipTests package)" >&2; exit 1; }
out="soak-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "soak: $minutes minutes at half the sustained rate; load before: $(uptime)"
java -jar "$jar" bench e2e --json --soak-minutes "$minutes" "$@" >"$out"
echo "soak: load after: $(uptime)"
python3 - "$out" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])  # the JSON is the last line
s = r["soak"]
mb = lambda b: "%.0f MB" % (b / 2**20)
print("soak: sustained %.3g values/s, soak at %.3g values/s for %s min, latency p50 %d ms p99 %d ms"
      % (r["valuesPerSecond"], s["valuesPerSecond"], s["minutes"], s["latencyP50Millis"], s["latencyP99Millis"]))
if "heapAfterGcBytesAtMinute5" not in s:
    print("soak: heap after GC at the end %s (shorter than 5 minutes: no minute-5 figure)" % mb(s["heapAfterGcBytesAtEnd"]))
    sys.exit(0)
growth = s["heapGrowthSinceMinute5"]
print("soak: heap after GC at minute 5 %s, at the end %s: %+.1f%% (flat: within 10%%) -> %s"
      % (mb(s["heapAfterGcBytesAtMinute5"]), mb(s["heapAfterGcBytesAtEnd"]), 100 * growth,
         "flat" if abs(growth) <= 0.10 else "NOT flat"))
print("soak: JSON in " + sys.argv[1])
sys.exit(0 if abs(growth) <= 0.10 else 1)
PY
