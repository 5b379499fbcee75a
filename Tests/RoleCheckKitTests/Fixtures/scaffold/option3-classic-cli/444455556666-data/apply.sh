#!/usr/bin/env bash
# Creates the data account 444455556666 part of the runtime-role setup (option 3, Studio Classic).
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

# Role emr-runtime-analyst, a runtime role: Studio users pick it when they connect, and their Spark, Hive and Presto work runs with its permissions.
aws iam create-role \
    --role-name emr-runtime-analyst \
    --description 'EMR runtime role for SageMaker Studio users of the cluster studio-runtime-roles' \
    --assume-role-policy-document file://iam/emr-runtime-analyst.trust.json
aws iam wait role-exists --role-name emr-runtime-analyst
aws iam put-role-policy \
    --role-name emr-runtime-analyst \
    --policy-name data-access \
    --policy-document file://iam/emr-runtime-analyst.data-access.json
