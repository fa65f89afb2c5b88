#!/usr/bin/env bash
# Installs what fpk's test suite needs beyond Java 17 and Maven, on a Debian machine
# (idempotent; quiet when everything is there): protoc, the Python protobuf/Kafka clients and
# PyTorch, scikit-learn (the digits data), venv and wheel (to build the client package) for the
# external-trainer and client-package tests, Chromium (and a font) for the live-page browser test,
# Prometheus and its promtool for the alert-rule and scrape tests.
set -euo pipefail
packages=(protobuf-compiler python3-protobuf python3-confluent-kafka python3-torch python3-numpy python3-sklearn python3-venv
  python3-wheel chromium fonts-dejavu-core prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
