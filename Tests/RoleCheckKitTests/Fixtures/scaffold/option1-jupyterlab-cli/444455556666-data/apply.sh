#!/usr/bin/env bash
# Creates the data account 444455556666 part of the runtime-role setup (option 1, Studio (JupyterLab)).
# Written by rolecheck scaffold; README.md (one folder up) explains each document.
# Run it with credentials of account 444455556666, after the Studio account's apply.sh.
set -euo pipefail
cd "$(dirname "$0")"

REGION=us-east-1
: "${SUBNET_ID:?set SUBNET_ID to the subnet the cluster runs in}"

actual=$(aws sts get-caller-identity --query Account --output text)
if [ "$actual" != "444455556666" ]; then
  echo "apply.sh: these credentials are for account $actual, not 444455556666" >&2
  exit 1
fi

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

# Role studio-runtime-roles-access-role, the EMR access role: Studio's execution role (and only it) assumes it to find the cluster and get session credentials for the runtime roles, on the account's clusters in us-east-1 (the cluster's ID is not known before it is created).
aws iam create-role \
    --role-name studio-runtime-roles-access-role \
    --description 'EMR access role that SageMaker Studio in 111122223333 assumes to reach the cluster studio-runtime-roles' \
    --assume-role-policy-document file://iam/studio-runtime-roles-access-role.trust.json
aws iam wait role-exists --role-name studio-runtime-roles-access-role
aws iam put-role-policy \
    --role-name studio-runtime-roles-access-role \
    --policy-name emr-cluster-access \
    --policy-document file://iam/studio-runtime-roles-access-role.emr-cluster-access.json

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
