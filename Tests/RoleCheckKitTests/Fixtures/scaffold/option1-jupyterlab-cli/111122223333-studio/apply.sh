#!/usr/bin/env bash
# Creates the Studio account 111122223333 part of the runtime-role setup (option 1, Studio (JupyterLab)).
# Written by rolecheck scaffold; README.md (one folder up) explains each document.
# Run it with credentials of account 111122223333.
set -euo pipefail
cd "$(dirname "$0")"

REGION=us-east-1
: "${DOMAIN_ID:?set DOMAIN_ID to the ID of the SageMaker domain (aws sagemaker list-domains)}"

actual=$(aws sts get-caller-identity --query Account --output text)
if [ "$actual" != "111122223333" ]; then
  echo "apply.sh: these credentials are for account $actual, not 111122223333" >&2
  exit 1
fi

# Role studio-runtime-roles-studio-role, the execution role of the user profile; SageMaker assumes it for the user's apps.
aws iam create-role \
    --role-name studio-runtime-roles-studio-role \
    --description 'SageMaker Studio execution role of the emr-analyst user profile' \
    --assume-role-policy-document file://iam/studio-runtime-roles-studio-role.trust.json
aws iam wait role-exists --role-name studio-runtime-roles-studio-role
aws iam put-role-policy \
    --role-name studio-runtime-roles-studio-role \
    --policy-name studio-baseline \
    --policy-document file://iam/studio-runtime-roles-studio-role.studio-baseline.json
aws iam put-role-policy \
    --role-name studio-runtime-roles-studio-role \
    --policy-name assume-emr-access-role \
    --policy-document file://iam/studio-runtime-roles-studio-role.assume-emr-access-role.json

# The user profile, in the domain.
aws sagemaker create-user-profile \
    --region "$REGION" \
    --cli-input-json file://studio/user-profile.json \
    --domain-id "$DOMAIN_ID"
