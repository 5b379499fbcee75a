#!/usr/bin/env python3
"""Writes an organisation-scale audit input for benchmarking `rolecheck lint`.

Usage: python3 scripts/generate-org-audit.py OUT_DIR [--accounts 20] [--roles 1000]

Deterministic (same arguments, same bytes). Layout, one folder per account named after it:
  <account>-data/iam.json        get-account-authorization-details: --roles roles, each with a
                                 trust policy and an inline policy; an instance-profile role, an
                                 EMR access role and 5 runtime roles among them
  <account>-data/cluster.json    describe-cluster (emr-6.15.0, Spark + Livy)
  <account>-data/security.json   describe-security-configuration (runtime roles, Lake Formation)
  111111111111-studio/...        the Studio account: describe-domain, describe-user-profile, its
                                 execution role, and Studio Classic's configuration files
                                 preloading the runtime roles of every data account (option 1)
"""
import json
import zlib
import os
import sys

STUDIO = "111111111111"


def account_id(i):
    return f"{200000000000 + i * 1111:012d}"


def policy(statements):
    return {"Version": "2012-10-17", "Statement": statements}


def role(acct, name, trust, inline, profile=None):
    r = {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + format(zlib.crc32(f"{acct}:{name}".encode()), "016d"),
        "Arn": f"arn:aws:iam::{acct}:role/{name}",
        "CreateDate": "2024-01-15T10:00:00+00:00",
        "AssumeRolePolicyDocument": trust,
        "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": f"{name}-policy", "PolicyDocument": inline}],
        "AttachedManagedPolicies": [],
        "Tags": [{"Key": "team", "Value": "analytics"}],
        "RoleLastUsed": {},
    }
    if profile:
        r["InstanceProfileList"] = [{
            "Path": "/", "InstanceProfileName": profile, "InstanceProfileId": "AIPA" + acct,
            "Arn": f"arn:aws:iam::{acct}:instance-profile/{profile}", "CreateDate": "2024-01-15T10:00:00+00:00",
            "Roles": [{"Path": "/", "RoleName": name, "Arn": f"arn:aws:iam::{acct}:role/{name}"}],
        }]
    return r


def data_account(acct, roles):
    ip = f"arn:aws:iam::{acct}:role/EMR_EC2_RuntimeRolesRole"
    runtime = [f"arn:aws:iam::{acct}:role/emr-runtime-{k}" for k in range(5)]
    cluster = f"arn:aws:elasticmapreduce:us-east-1:{acct}:cluster/j-{acct}"
    out = [
        role(acct, "EMR_EC2_RuntimeRolesRole",
             policy([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
             policy([{"Sid": "AllowRuntimeRoleUsage", "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": runtime}]),
             profile="emr-cluster-profile"),
        role(acct, "emr-access-role",
             policy([{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{STUDIO}:root"}, "Action": "sts:AssumeRole"}]),
             policy([
                 {"Effect": "Allow", "Action": "elasticmapreduce:GetClusterSessionCredentials", "Resource": cluster,
                  "Condition": {"StringLike": {"elasticmapreduce:ExecutionRoleArn": f"arn:aws:iam::{acct}:role/emr-runtime-*"}}},
                 {"Effect": "Allow", "Action": ["elasticmapreduce:ListClusters", "elasticmapreduce:DescribeSecurityConfiguration"], "Resource": "*"},
                 {"Effect": "Allow", "Action": ["elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstanceGroups"], "Resource": cluster},
             ])),
    ]
    for k in range(5):
        out.append(role(acct, f"emr-runtime-{k}",
                        policy([{"Effect": "Allow", "Principal": {"AWS": ip}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]),
                        policy([{"Effect": "Allow", "Action": ["lakeformation:GetDataAccess", "glue:Get*"], "Resource": "*"},
                                {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::data-{acct}-{k}/*"}])))
    for n in range(len(out), roles):
        out.append(role(acct, f"service-role-{n:05d}",
                        policy([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
                        policy([{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                 "Resource": f"arn:aws:logs:us-east-1:{acct}:log-group:/aws/lambda/fn-{n}:*"},
                                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                 "Resource": f"arn:aws:s3:::bucket-{acct}-{n % 50}/prefix-{n}/*"}])))
    return {"RoleDetailList": out, "UserDetailList": [], "GroupDetailList": [], "Policies": [], "IsTruncated": False}


def write(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=4)
        f.write("\n")


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__)
        return 2
    out = args[0]
    accounts = int(args[args.index("--accounts") + 1]) if "--accounts" in args else 20
    roles = int(args[args.index("--roles") + 1]) if "--roles" in args else 1000
    ids = [account_id(i) for i in range(1, accounts + 1)]
    for acct in ids:
        folder = os.path.join(out, f"{acct}-data")
        write(os.path.join(folder, "iam.json"), data_account(acct, roles))
        write(os.path.join(folder, "cluster.json"), {"Cluster": {
            "Id": f"j-{acct}", "Name": f"analytics-{acct}", "ClusterArn": f"arn:aws:elasticmapreduce:us-east-1:{acct}:cluster/j-{acct}",
            "Status": {"State": "WAITING"}, "ReleaseLabel": "emr-6.15.0",
            "Applications": [{"Name": "Spark", "Version": "3.4.1"}, {"Name": "Livy", "Version": "0.7.1"}],
            "SecurityConfiguration": "runtime-roles", "ServiceRole": "EMR_DefaultRole",
            "Ec2InstanceAttributes": {"IamInstanceProfile": "emr-cluster-profile", "Ec2SubnetId": "subnet-0abc"},
            "InstanceGroups": [{"InstanceGroupType": "MASTER", "RequestedInstanceCount": 1, "InstanceType": "m5.xlarge"}]}})
        write(os.path.join(folder, "security.json"), {
            "Name": "runtime-roles",
            "SecurityConfiguration": json.dumps({"AuthorizationConfiguration": {
                "IAMConfiguration": {"EnableApplicationScopedIAMRole": True},
                "LakeFormationConfiguration": {"AuthorizedSessionTagValue": "Amazon EMR"}},
                "EncryptionConfiguration": {"EnableInTransitEncryption": True, "EnableAtRestEncryption": False}},
                separators=(",", ":")),
            "CreationDateTime": "2024-01-15T10:00:00+00:00"})
    studio = os.path.join(out, f"{STUDIO}-studio")
    exec_role = f"arn:aws:iam::{STUDIO}:role/studio-execution-role"
    write(os.path.join(studio, "iam.json"), {"RoleDetailList": [role(
        STUDIO, "studio-execution-role",
        policy([{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
        policy([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [f"arn:aws:iam::{a}:role/emr-access-role" for a in ids]}]))],
        "UserDetailList": [], "GroupDetailList": [], "Policies": [], "IsTruncated": False})
    write(os.path.join(studio, "domain.json"), {
        "DomainId": "d-org", "DomainArn": f"arn:aws:sagemaker:us-east-1:{STUDIO}:domain/d-org", "DomainName": "org",
        "DefaultUserSettings": {"ExecutionRole": exec_role, "JupyterServerAppSettings": {"DefaultResourceSpec": {
            "SageMakerImageArn": "arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server-3", "InstanceType": "system"}}},
        "Status": "InService", "AuthMode": "IAM"})
    write(os.path.join(studio, "emr-configurations-DO_NOT_DELETE.json"), {"emr-execution-role-arns": {
        a: [f"arn:aws:iam::{a}:role/emr-runtime-{k}" for k in range(5)] for a in ids}})
    write(os.path.join(studio, "emr-discovery-iam-role-arns-DO_NOT_DELETE.json"),
          {a: f"arn:aws:iam::{a}:role/emr-access-role" for a in ids})
    print(f"wrote {accounts} data accounts x {roles} roles and a Studio account to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
