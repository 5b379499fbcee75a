#!/usr/bin/env bash
# Creates the Studio account 111122223333 part of the runtime-role setup (option 3, Studio Classic).
# Written by rolecheck scaffold; README.md (one folder up) explains each document.
# Run it with credentials of account 111122223333.
set -euo pipefail
cd "$(dirname "$0")"

REGION=us-east-1
: "${DOMAIN_ID:?set DOMAIN_ID to the ID of the SageMaker domain (aws sagemaker list-domains)}"
: "${SUBNET_ID:?set SUBNET_ID to the subnet the cluster runs in}"

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
    --policy-name emr-runtime-role-access \
    --policy-document file://iam/studio-runtime-roles-studio-role.emr-runtime-role-access.json

# Role studio-runtime-roles-ec2-role, the role behind the cluster's instance profile: EMR assumes the runtime roles with it.
aws iam create-role \
    --role-name studio-runtime-roles-ec2-role \
    --description 'EC2 instance-profile role of the EMR cluster studio-runtime-roles' \
    --assume-role-policy-document file://iam/studio-runtime-roles-ec2-role.trust.json
aws iam wait role-exists --role-name studio-runtime-roles-ec2-role
aws iam put-role-policy \
    --role-name studio-runtime-roles-ec2-role \
    --policy-name cluster-node-access \
    --policy-document file://iam/studio-runtime-roles-ec2-role.cluster-node-access.json
aws iam put-role-policy \
    --role-name studio-runtime-roles-ec2-role \
    --policy-name runtime-role-usage \
    --policy-document file://iam/studio-runtime-roles-ec2-role.runtime-role-usage.json

# Its instance profile, named like the role (the cluster names the profile).
aws iam create-instance-profile --instance-profile-name studio-runtime-roles-ec2-role
aws iam add-role-to-instance-profile \
    --instance-profile-name studio-runtime-roles-ec2-role \
    --role-name studio-runtime-roles-ec2-role
aws iam wait instance-profile-exists --instance-profile-name studio-runtime-roles-ec2-role

# Role studio-runtime-roles-service-role, the cluster's service role: EMR manages the cluster's EC2 resources with it (AWS managed policy `AmazonEMRServicePolicy_v2`).
aws iam create-role \
    --role-name studio-runtime-roles-service-role \
    --description 'EMR service role of the cluster studio-runtime-roles' \
    --assume-role-policy-document file://iam/studio-runtime-roles-service-role.trust.json
aws iam wait role-exists --role-name studio-runtime-roles-service-role
aws iam put-role-policy \
    --role-name studio-runtime-roles-service-role \
    --policy-name pass-instance-profile-role \
    --policy-document file://iam/studio-runtime-roles-service-role.pass-instance-profile-role.json
aws iam attach-role-policy \
    --role-name studio-runtime-roles-service-role \
    --policy-arn arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2

# The security configuration: runtime roles, source identity, in-transit encryption.
aws emr create-security-configuration \
    --region "$REGION" \
    --cli-input-json file://emr/security-configuration.json

# The cluster. Its ID is printed; the policies name the account's clusters and the runtime roles, not the ID.
CLUSTER_ID=$(aws emr create-cluster \
    --region "$REGION" \
    --name studio-runtime-roles \
    --release-label emr-7.5.0 \
    --applications Name=Hadoop Name=Hive Name=Livy Name=Spark \
    --service-role studio-runtime-roles-service-role \
    --ec2-attributes "InstanceProfile=studio-runtime-roles-ec2-role,SubnetId=$SUBNET_ID" \
    --security-configuration studio-runtime-roles-security-config \
    --instance-groups InstanceGroupType=MASTER,InstanceCount=1,InstanceType=m5.xlarge InstanceGroupType=CORE,InstanceCount=2,InstanceType=m5.xlarge \
    --no-auto-terminate \
    --query ClusterId --output text)
echo "cluster studio-runtime-roles: $CLUSTER_ID"

# The lifecycle configuration that preloads the runtime roles (its content is base64).
aws sagemaker create-studio-lifecycle-config \
    --region "$REGION" \
    --studio-lifecycle-config-name studio-runtime-roles-preload-roles \
    --studio-lifecycle-config-app-type JupyterServer \
    --studio-lifecycle-config-content "$(openssl base64 -A -in studio/studio-runtime-roles-preload-roles.sh)"

# The user profile, in the domain.
aws sagemaker create-user-profile \
    --region "$REGION" \
    --cli-input-json file://studio/user-profile.json \
    --domain-id "$DOMAIN_ID"
