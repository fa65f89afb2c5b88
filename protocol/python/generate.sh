#!/bin/sh
# Generates the protobuf Python code of fpk's wire schema into fpk_client/_generated/ (git-ignored,
# never committed) with Debian's protoc, which matches Debian's python3-protobuf runtime.
#   apt-get install -y protobuf-compiler python3-protobuf python3-confluent-kafka
# PROTOC=/path/to/protoc overrides the compiler (its version must match the Python runtime's).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto_root="$here/../src/main/proto"
out="$here/fpk_client/_generated"
if [ -z "${PROTOC:-}" ]; then
  if [ -x /usr/bin/protoc ]; then PROTOC=/usr/bin/protoc; else PROTOC=protoc; fi
fi
if ! command -v "$PROTOC" >/dev/null 2>&1; then
  echo "generate.sh: protoc not found; install it with: apt-get install -y protobuf-compiler" >&2
  exit 2
fi
tmp=$(mktemp -d "$here/fpk_client/.generating.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$PROTOC" -I "$proto_root" --python_out="$tmp" "$proto_root/fpk/v1/fpk.proto"
touch "$tmp/__init__.py" "$tmp/fpk/__init__.py" "$tmp/fpk/v1/__init__.py"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "generated $out/fpk/v1/fpk_pb2.py with $("$PROTOC" --version)"
