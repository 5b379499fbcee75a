#!/usr/bin/env bash
# Creates the data account 444455556666 part of the runtime-role setup (option 2, Studio Classic).
# Written by rolecheck scaffold; README.md (one folder up) explains each document.
# Run it with credentials of account 444455556666, after the Studio account's apply.sh.
set -euo pipefail
cd "$(dirname "$0")"

REGION=us-east-1

actual=$(aws sts get-caller-identity --query Account --output text)
if [ "$actual" != "444455556666" ]; then
  echo "apply.sh: these credentials are for account $actual, not 444455556666" >&2
  exit 1
fi

# The data bucket's policy (it replaces the bucket's current policy: merge first if it has one).
aws s3api put-bucket-policy \
    --bucket studio-emr-data-444455556666 \
    --policy file://s3/studio-emr-data-444455556666.bucket-policy.json
