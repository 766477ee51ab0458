#!/usr/bin/env bash
# Contracts first: lint the .proto files, regenerate, and fail if the committed generated code differs.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx buf lint
npx buf generate
if ! git diff --exit-code --stat -- libs/shared/contracts/src/gen || [ -n "$(git status --porcelain -- libs/shared/contracts/src/gen)" ]; then
  echo "generated contracts are stale: run 'npm run proto:generate' and commit libs/shared/contracts/src/gen" >&2
  git status --porcelain -- libs/shared/contracts/src/gen >&2
  exit 1
fi
echo "contracts: buf lint clean, generated code up to date"
