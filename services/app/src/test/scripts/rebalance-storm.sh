#!/bin/sh
# The long rebalance storm: RebalanceStormIT with many join-and-leave cycles (default 25) instead of
# the 3 the CI runs. Usage, from the top of the repository after `mvn -q -DskipTests install`:
#   services/app/src/test/scripts/rebalance-storm.sh [CYCLES]
# Prints the storm's line (cycles, duplicates, late, replayed, difference to one node) and exits
# non-zero if the report differs from the single-node one or anything was counted twice.
set -eu
cycles=${1:-25}
cd "$(dirname "$0")/../../../../.."
FPK_STORM_CYCLES=$cycles mvn -q -o -pl services/app verify -Dit.test=RebalanceStormIT -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -a "rebalance storm\|FAIL\|Tests run" || true
test -z "$(grep -l '<failure\|<error' services/app/target/failsafe-reports/TEST-dev.fpk.app.RebalanceStormIT.xml 2>/dev/null)"
