#!/usr/bin/env python3
"""Writes a repository of configuration files to measure changed-files latency.

Usage: python3 scripts/generate-precommit-repo.py OUT_DIR [--files 1000]

Deterministic. OUT_DIR/111122223333-platform/ holds one `aws iam get-role` export per role (runtime
roles trusting the cluster's instance-profile role, plus ordinary service roles), the cluster, its
security configuration, a Studio domain and Studio Classic's configuration file, and a
rolecheck.yaml whose setup context is the whole repository. Time `rolecheck lint ONE_FILE` from
OUT_DIR: rolecheck loads the context and reports only that file's findings.
"""
import importlib.util
import json
import os
import sys

ACCT = "111122223333"


def _org_audit():
    """scripts/generate-org-audit.py, whose write() lays out JSON files the same way."""
    spec = importlib.util.spec_from_file_location(
        "generate_org_audit", os.path.join(os.path.dirname(os.path.abspath(__file__)), "generate-org-audit.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


write = _org_audit().write


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__)
        return 2
    out = args[0]
    files = int(args[args.index("--files") + 1]) if "--files" in args else 1000
    folder = os.path.join(out, f"{ACCT}-platform")
    ip = f"arn:aws:iam::{ACCT}:role/EMR_EC2_RuntimeRolesRole"
    write(os.path.join(folder, "cluster.json"), {"Cluster": {
        "Id": "j-2AXXXXXXGAPLF", "Name": "shared", "ClusterArn": f"arn:aws:elasticmapreduce:us-east-1:{ACCT}:cluster/j-2AXXXXXXGAPLF",
        "ReleaseLabel": "emr-7.1.0", "Applications": [{"Name": "Spark"}, {"Name": "Livy"}], "SecurityConfiguration": "runtime-roles",
        "Ec2InstanceAttributes": {"IamInstanceProfile": "EMR_EC2_RuntimeRolesRole"},
        "InstanceGroups": [{"InstanceGroupType": "MASTER", "RequestedInstanceCount": 1}]}})
    write(os.path.join(folder, "security-configuration.json"), {"Name": "runtime-roles", "SecurityConfiguration": json.dumps(
        {"AuthorizationConfiguration": {"IAMConfiguration": {"EnableApplicationScopedIAMRole": True}},
         "EncryptionConfiguration": {"EnableInTransitEncryption": True, "EnableAtRestEncryption": False}}, separators=(",", ":"))})
    write(os.path.join(folder, "domain.json"), {"DomainId": "d-1", "DomainArn": f"arn:aws:sagemaker:us-east-1:{ACCT}:domain/d-1",
        "DefaultUserSettings": {"ExecutionRole": f"arn:aws:iam::{ACCT}:role/studio-execution-role"}})
    write(os.path.join(folder, "emr-configurations-DO_NOT_DELETE.json"),
          {"emr-execution-role-arns": {ACCT: [f"arn:aws:iam::{ACCT}:role/emr-runtime-{k}" for k in range(5)]}})
    roles = [("EMR_EC2_RuntimeRolesRole", {"Service": "ec2.amazonaws.com"})] + \
            [(f"emr-runtime-{k}", {"AWS": ip}) for k in range(5)]
    n = 0
    while len(roles) + 4 < files:
        roles.append((f"service-role-{n:04d}", {"Service": "lambda.amazonaws.com"}))
        n += 1
    for name, principal in roles:
        write(os.path.join(folder, "roles", f"{name}.json"), {"Role": {
            "Path": "/", "RoleName": name, "Arn": f"arn:aws:iam::{ACCT}:role/{name}",
            "CreateDate": "2024-01-15T10:00:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": principal, "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
            "MaxSessionDuration": 3600}})
    with open(os.path.join(out, "rolecheck.yaml"), "w", encoding="utf-8") as f:
        f.write("setup:\n  context:\n    - .\n")
    print(f"wrote {len(roles) + 4} configuration files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
