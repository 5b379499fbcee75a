#!/usr/bin/env python3
"""Seeds a running moto server (https://github.com/getmoto/moto) with a sample setup, so that
`rolecheck collect` can read it back through the AWS CLI. Used by
Tests/RoleCheckKitTests/CollectMotoTests.swift; needs boto3 only.

    scripts/moto-seed.py ENDPOINT SETUP [--organization none|full-access|deny-tag-session]
                         [--management ACCOUNT] [--emr-settings-to-domain] [--enforce-iam]
                         [--expected DIR] [--region us-east-1]

SETUP is a folder laid out as samples/setups/ (one `<account-id>-<label>/` folder per account,
files named after the command that exported them). For each account folder it creates, in that
account (moto's `x-moto-account-id` header):

- the account alias `<label>` (collect names the account's folder after it);
- from `iam.json` (get-account-authorization-details) and `get-role-*.json`,
  `get-role-policy-*.json`, `get-instance-profile-*.json`: the roles (path, trust, tags,
  description, inline policies), the customer managed policies (every version, the same one
  default), the attachments and the instance profiles. moto loads no AWS managed policy unless
  told to, so attaching one fails and is listed under "Unsupported" (in the samples only roles
  outside the chain have one);
- the buckets that the roles' policies name (without a policy);
- from `describe-security-configuration*.json`: the security configuration, without the
  `ExternalId` that EMR generates (moto does not generate one);
- from `describe-cluster*.json`: a cluster (run_job_flow) with the same name, release,
  applications, configurations, security configuration, instance profile, service role,
  instance groups and tags. moto picks the cluster's ID; the documents that name the sample's
  cluster ID (the Studio role's policies) are seeded with moto's;
- from `describe-domain*.json`: the SageMaker domain (moto keeps DefaultUserSettings,
  DomainSettings and DefaultSpaceSettings as given, and names the domain `d-<name>`);
- from `get-data-lake-settings*.json`: the Lake Formation settings;
- from `get-bucket-policy*.json`: the bucket its statements name, with that policy.

What moto cannot hold is left out and listed under "Skipped": SageMaker user profiles and spaces
(moto 5.2 has no CreateUserProfile or CreateSpace), and Studio Classic's files, which live on the
Studio user's EFS volume rather than behind an API.

It also makes the identity `rolecheck collect` reads with: an IAM user with an access key in the
collecting account (the organisation's management account, else the account with the SageMaker
domain), and in every other account a role `rolecheck-collect` that the collecting account may
assume (`--role-arn`). Both have docs/collect-policy.json as their policy, and the user may
assume the roles. --enforce-iam then has moto check every later request against the caller's
IAM policies (moto's /moto-api/reset-auth): collect runs with exactly that least privilege.

--organization creates an AWS Organization, managed from --management (an account of the setup)
or else from moto's default account 123456789012. moto's CreateAccount picks a member's ID, so
each other account of the setup is created as a member and seeded under its new ID: every
occurrence of the setup's account ID in its documents is replaced. The members sit in an OU
`ml-platform`; `full-access` leaves AWS's default FullAWSAccess SCP and RCPFullAWSAccess RCP
(at the root, the OU and each account), `deny-tag-session` also attaches to the OU an SCP that
denies `sts:TagSession`.

--emr-settings-to-domain copies a user profile's `JupyterLabAppSettings.EmrSettings` onto the
domain's default user settings, where collect can read them while moto has no user profiles.

--expected DIR writes the setup as the hand-written exports that hold what moto could take: the
sample's files, less those skipped, with --emr-settings-to-domain applied, and with
--organization an `organization-policies.json` per account as docs/collect.md describes it,
written from what was seeded (all under the sample's own account IDs). Linting DIR gives the
findings that linting what collect reads back should give.

Prints one JSON object on standard output: the collecting identity (`AccessKeyId`,
`SecretAccessKey`, `RoleArns`), `Accounts` (the setup's account ID → the ID it has in moto),
`Ids` (sample cluster and domain IDs → moto's), `Buckets`, `Skipped`, `Unsupported` (what moto
refused) and `Organization`.
"""
import argparse
import copy
import json
import os
import re
import shutil
import sys
import urllib.parse
import urllib.request

import boto3
import botocore.exceptions

MANAGEMENT_ACCOUNT = "123456789012"
COLLECT_ROLE = "rolecheck-collect"
COLLECT_USER = "rolecheck-collector"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
S3_ARN = re.compile(r"arn:aws:s3:::([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])(?=[/\"*]|$)")


class Seeder:
    def __init__(self, endpoint, region):
        self.endpoint = endpoint
        self.region = region
        self.clients = {}
        self.skipped = []
        self.unsupported = []

    def client(self, service, account):
        key = (service, account)
        if key not in self.clients:
            c = boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                             aws_access_key_id="moto-seed", aws_secret_access_key="moto-seed")

            def as_account(request, **_):
                request.headers["x-moto-account-id"] = account
            c.meta.events.register("before-sign", as_account)
            self.clients[key] = c
        return self.clients[key]

    def call(self, service, account, operation, what, **params):
        """Calls `operation` with `params` cut to its input shape; records what moto refuses."""
        c = self.client(service, account)
        model = c.meta.service_model.operation_model(pascal(operation))
        params = fit(params, model.input_shape)
        try:
            return getattr(c, operation)(**params)
        except (botocore.exceptions.ClientError, NotImplementedError) as e:
            self.unsupported.append({"Account": account, "Call": f"{service} {operation}", "What": what, "Error": str(e)[:300]})
            return None


def pascal(snake):
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def fit(value, shape):
    """`value` without the members `shape` does not have (an export's output-only fields)."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: fit(v, shape.members[k]) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list" and isinstance(value, list):
        return [fit(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: fit(v, shape.value) for k, v in value.items()}
    return value


def policy_json(doc):
    """A policy as IAM takes it: a JSON string (exports hold objects, or URL-encoded strings)."""
    if isinstance(doc, str):
        return doc if doc.lstrip().startswith("{") else urllib.parse.unquote(doc)
    return json.dumps(doc)


class Folder:
    """One account folder of the setup, its documents held as text so IDs can be replaced."""

    def __init__(self, setup, name):
        self.name = name
        self.account = name[:12]
        self.path = os.path.join(setup, name)
        self.texts = {}
        for f in sorted(os.listdir(self.path)):
            if f.endswith(".json"):
                with open(os.path.join(self.path, f), encoding="utf-8") as h:
                    self.texts[f] = h.read()

    def docs(self, prefix, mapping=None):
        """(file name, parsed document) of the files whose names start with `prefix`, with each
        key of `mapping` replaced by its value."""
        out = []
        for f, text in self.texts.items():
            if f.startswith(prefix) and not (prefix == "get-role-" and f.startswith("get-role-policy")):
                for old, new in (mapping or {}).items():
                    text = text.replace(old, new)
                out.append((f, json.loads(text)))
        return out


def account_folders(setup):
    return [Folder(setup, n) for n in sorted(os.listdir(setup))
            if re.match(r"^\d{12}(-.*)?$", n) and os.path.isdir(os.path.join(setup, n))]


def seed_iam(s, account, folder, mapping):
    roles, policies = {}, {}
    for _, details in folder.docs("iam", mapping):
        for role in details.get("RoleDetailList", []):
            roles[role["RoleName"]] = role
        for p in details.get("Policies", []):
            policies[p["Arn"]] = p
    # Exports of single roles: get-instance-profile, get-role-policy, get-role.
    for _, doc in folder.docs("get-instance-profile", mapping):
        profile = doc["InstanceProfile"]
        for role in profile.get("Roles", []):
            r = roles.setdefault(role["RoleName"], dict(role))
            r.setdefault("InstanceProfileList", []).append({k: v for k, v in profile.items() if k != "Roles"})
    for _, doc in folder.docs("get-role-policy", mapping):
        r = roles.setdefault(doc["RoleName"], {"RoleName": doc["RoleName"]})
        r.setdefault("RolePolicyList", []).append({"PolicyName": doc["PolicyName"], "PolicyDocument": doc["PolicyDocument"]})
    for _, doc in folder.docs("get-role-", mapping):
        role = doc["Role"]
        r = roles.setdefault(role["RoleName"], {})
        for k, v in role.items():
            r.setdefault(k, v)

    for arn, p in sorted(policies.items()):
        versions = sorted(p.get("PolicyVersionList", []), key=lambda v: int(re.sub(r"\D", "", v["VersionId"]) or 0))
        if not versions:
            continue
        s.call("iam", account, "create_policy", f"policy {p['PolicyName']}", PolicyName=p["PolicyName"], Path=p.get("Path", "/"),
               PolicyDocument=policy_json(versions[0]["Document"]), Description=p.get("Description", ""))
        for v in versions[1:]:
            s.call("iam", account, "create_policy_version", f"policy {p['PolicyName']} {v['VersionId']}", PolicyArn=arn,
                   PolicyDocument=policy_json(v["Document"]), SetAsDefault=v["VersionId"] == p.get("DefaultVersionId"))

    for name, role in sorted(roles.items()):
        params = {"RoleName": name, "Path": role.get("Path", "/"),
                  "AssumeRolePolicyDocument": policy_json(role.get("AssumeRolePolicyDocument", {"Version": "2012-10-17", "Statement": []})),
                  "Description": role.get("Description"), "MaxSessionDuration": role.get("MaxSessionDuration"),
                  "Tags": role.get("Tags") or None,
                  "PermissionsBoundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")}
        if s.call("iam", account, "create_role", f"role {name}", **{k: v for k, v in params.items() if v}) is None:
            continue
        for p in role.get("RolePolicyList", []):
            s.call("iam", account, "put_role_policy", f"inline policy {p['PolicyName']} of {name}", RoleName=name,
                   PolicyName=p["PolicyName"], PolicyDocument=policy_json(p["PolicyDocument"]))
        for p in role.get("AttachedManagedPolicies", []):
            s.call("iam", account, "attach_role_policy", f"{p['PolicyArn']} on {name}", RoleName=name, PolicyArn=p["PolicyArn"])
        for ip in role.get("InstanceProfileList", []):
            s.call("iam", account, "create_instance_profile", f"instance profile {ip['InstanceProfileName']}",
                   InstanceProfileName=ip["InstanceProfileName"], Path=ip.get("Path", "/"))
            s.call("iam", account, "add_role_to_instance_profile", f"instance profile {ip['InstanceProfileName']}",
                   InstanceProfileName=ip["InstanceProfileName"], RoleName=name)
    # The buckets the roles' policies name, so that reading their policies finds them (without a
    # policy unless a get-bucket-policy export gives one).
    text = json.dumps([[r.get("RolePolicyList"), r.get("AssumeRolePolicyDocument")] for r in roles.values()]
                      + [p.get("PolicyVersionList") for p in policies.values()])
    return sorted(set(S3_ARN.findall(text)))


def seed_collect_user(s, account, policy):
    """The identity collect starts from: a user with an access key in the collecting account."""
    s.call("iam", account, "create_user", "collector user", UserName=COLLECT_USER)
    s.call("iam", account, "put_user_policy", "collector policy", UserName=COLLECT_USER, PolicyName="rolecheck-collect",
           PolicyDocument=policy)
    return s.call("iam", account, "create_access_key", "collector key", UserName=COLLECT_USER)["AccessKey"]


def seed_collect_role(s, account, trusted_account, policy):
    """A role in a member account that the collecting account may assume (`--role-arn`)."""
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{trusted_account}:root"},
                                                      "Action": "sts:AssumeRole"}]}
    s.call("iam", account, "create_role", "collect role", RoleName=COLLECT_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    s.call("iam", account, "put_role_policy", "collect role policy", RoleName=COLLECT_ROLE, PolicyName="rolecheck-collect",
           PolicyDocument=policy)
    return f"arn:aws:iam::{account}:role/{COLLECT_ROLE}"


def seed_clusters(s, account, folder, mapping, ids):
    for _, doc in folder.docs("describe-cluster", mapping):
        c = doc["Cluster"]
        ec2 = c.get("Ec2InstanceAttributes", {})
        instances = {"KeepJobFlowAliveWhenNoSteps": not c.get("AutoTerminate", False),
                     "TerminationProtected": c.get("TerminationProtected", False)}
        for key in ["Ec2SubnetId", "Ec2KeyName", "EmrManagedMasterSecurityGroup", "EmrManagedSlaveSecurityGroup",
                    "ServiceAccessSecurityGroup", "AdditionalMasterSecurityGroups", "AdditionalSlaveSecurityGroups"]:
            if ec2.get(key):
                instances[key] = ec2[key]
        groups = [{"Name": g.get("Name", g["InstanceGroupType"]), "Market": g.get("Market", "ON_DEMAND"),
                   "InstanceRole": g["InstanceGroupType"], "InstanceType": g["InstanceType"],
                   "InstanceCount": g.get("RequestedInstanceCount", 1)} for g in c.get("InstanceGroups", [])]
        if groups:
            instances["InstanceGroups"] = groups
        else:
            instances.update({"MasterInstanceType": "m5.xlarge", "InstanceCount": 1})
        params = {"Name": c["Name"], "ReleaseLabel": c.get("ReleaseLabel"), "LogUri": c.get("LogUri"),
                  "Applications": [{"Name": a["Name"]} for a in c.get("Applications", [])],
                  "Configurations": c.get("Configurations") or None, "Instances": instances,
                  "SecurityConfiguration": c.get("SecurityConfiguration"), "JobFlowRole": ec2.get("IamInstanceProfile"),
                  "ServiceRole": c.get("ServiceRole"), "Tags": c.get("Tags") or None,
                  "VisibleToAllUsers": c.get("VisibleToAllUsers", True), "StepConcurrencyLevel": c.get("StepConcurrencyLevel"),
                  "ScaleDownBehavior": c.get("ScaleDownBehavior"), "EbsRootVolumeSize": c.get("EbsRootVolumeSize")}
        out = s.call("emr", account, "run_job_flow", f"cluster {c['Id']}", **{k: v for k, v in params.items() if v is not None})
        if out:
            ids[c["Id"]] = out["JobFlowId"]


def seed_security_configurations(s, account, folder, mapping):
    for _, doc in folder.docs("describe-security-configuration", mapping):
        config = json.loads(doc["SecurityConfiguration"])
        scoped = config.get("AuthorizationConfiguration", {}).get("IAMConfiguration", {}).get("ApplicationScopedIAMRoleConfiguration")
        if isinstance(scoped, dict):
            scoped.pop("ExternalId", None)  # EMR generates it; moto does not
        s.call("emr", account, "create_security_configuration", f"security configuration {doc['Name']}", Name=doc["Name"],
               SecurityConfiguration=json.dumps(config, separators=(",", ":")))


def with_profile_emr_settings(domain, profiles):
    """The domain with its first user profile's JupyterLab EmrSettings as the default."""
    d = copy.deepcopy(domain)
    for p in profiles:
        emr = p.get("UserSettings", {}).get("JupyterLabAppSettings", {}).get("EmrSettings")
        if emr and p.get("DomainId") == d.get("DomainId"):
            d.setdefault("DefaultUserSettings", {}).setdefault("JupyterLabAppSettings", {}).setdefault("EmrSettings", emr)
            break
    return d


def seed_domains(s, account, folder, mapping, ids, emr_settings_to_domain):
    profiles = [d for _, d in folder.docs("describe-user-profile", mapping)]
    for _, d in folder.docs("describe-domain", mapping):
        if emr_settings_to_domain:
            d = with_profile_emr_settings(d, profiles)
        params = {k: d[k] for k in ["DomainName", "AuthMode", "DefaultUserSettings", "DomainSettings", "SubnetIds", "VpcId",
                                    "AppNetworkAccessType", "AppSecurityGroupManagement", "DefaultSpaceSettings",
                                    "TagPropagation", "KmsKeyId"] if d.get(k) is not None}
        out = s.call("sagemaker", account, "create_domain", f"domain {d['DomainId']}", **params)
        if out:
            ids[d["DomainId"]] = out["DomainArn"].rsplit("/", 1)[-1]
    for kind, api in [("describe-user-profile", "CreateUserProfile"), ("describe-space", "CreateSpace")]:
        for f, _ in folder.docs(kind):
            s.skipped.append({"File": f"{folder.name}/{f}", "Reason": f"moto has no SageMaker {api}"})


def seed_lake_formation(s, account, folder, mapping):
    for _, doc in folder.docs("get-data-lake-settings", mapping):
        s.call("lakeformation", account, "put_data_lake_settings", "Lake Formation settings", DataLakeSettings=doc["DataLakeSettings"])


def seed_bucket_policies(s, account, folder, mapping, created):
    for _, doc in folder.docs("get-bucket-policy", mapping):
        policy = doc["Policy"]
        for bucket in sorted(set(S3_ARN.findall(policy))):
            if bucket not in created and s.call("s3", account, "create_bucket", f"bucket {bucket}", Bucket=bucket) is not None:
                created.add(bucket)
                s.call("s3", account, "put_bucket_policy", f"policy of bucket {bucket}", Bucket=bucket, Policy=policy)


def seed_organization(s, kind, folders, management):
    """The organisation, managed from `management`; each other account of the setup becomes a
    member (with the ID moto gives it) in the OU ml-platform. Returns the organisation and the
    setup's account IDs → their IDs in moto."""
    org = s.call("organizations", management, "create_organization", "organization", FeatureSet="ALL")["Organization"]
    root = s.call("organizations", management, "list_roots", "roots")["Roots"][0]
    for policy_type in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]:
        if not any(t["Type"] == policy_type and t["Status"] == "ENABLED" for t in root.get("PolicyTypes", [])):
            s.call("organizations", management, "enable_policy_type", f"policy type {policy_type}", RootId=root["Id"], PolicyType=policy_type)
    ou = s.call("organizations", management, "create_organizational_unit", "OU ml-platform",
                ParentId=root["Id"], Name="ml-platform")["OrganizationalUnit"]
    mapping = {}
    for f in folders:
        if f.account == management:
            mapping[f.account] = f.account
            continue
        label = f.name[13:] or f.account
        status = s.call("organizations", management, "create_account", f"member for {f.account}",
                        Email=f"{label}@example.com", AccountName=label)["CreateAccountStatus"]
        mapping[f.account] = status["AccountId"]
        s.call("organizations", management, "move_account", f"member {status['AccountId']} into ml-platform",
               AccountId=status["AccountId"], SourceParentId=root["Id"], DestinationParentId=ou["Id"])
    out = {"Id": org["Id"], "ManagementAccount": management, "Root": root["Id"], "OrganizationalUnit": ou["Id"], "Policies": []}
    if kind == "deny-tag-session":
        content = {"Version": "2012-10-17", "Statement": [{"Sid": "NoSessionTags", "Effect": "Deny", "Action": "sts:TagSession", "Resource": "*"}]}
        p = s.call("organizations", management, "create_policy", "SCP deny-session-tags", Name="deny-session-tags",
                   Description="No session tags in ml-platform", Type="SERVICE_CONTROL_POLICY",
                   Content=json.dumps(content))["Policy"]["PolicySummary"]
        s.call("organizations", management, "attach_policy", "SCP deny-session-tags on ml-platform", PolicyId=p["Id"], TargetId=ou["Id"])
        out["Policies"].append({"Id": p["Id"], "Name": p["Name"], "Target": ou["Id"], "Content": content})
    return out, mapping


FULL_AWS_ACCESS = {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess",
                   "Content": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
RCP_FULL_AWS_ACCESS = {"Id": "p-RCPFullAWSAccess", "Name": "RCPFullAWSAccess",
                       "Content": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}}


def organization_policies(account, organization, members):
    """organization-policies.json for a member, as rolecheck collect's format has it, written from
    what the seeding created: AWS attaches FullAWSAccess (and, with RCPs enabled,
    RCPFullAWSAccess) to the root, every OU and every account; the OU has the seeded SCPs too."""
    def entry(p):
        return {"Id": p["Id"], "Name": p["Name"], "Content": json.dumps(p["Content"])}
    seeded = [entry(p) for p in organization["Policies"]]
    levels = [{"Target": organization["Root"], "Type": "ROOT"},
              {"Target": organization["OrganizationalUnit"], "Type": "ORGANIZATIONAL_UNIT"},
              {"Target": account, "Type": "ACCOUNT"}]
    if account == organization["ManagementAccount"]:
        del levels[1]  # the management account stays at the root
    for level in levels:
        level["ServiceControlPolicies"] = [entry(FULL_AWS_ACCESS)] + (seeded if level["Type"] == "ORGANIZATIONAL_UNIT" else [])
        level["ResourceControlPolicies"] = [entry(RCP_FULL_AWS_ACCESS)]
    return {"OrganizationPolicies": {"Account": account, "OrganizationId": organization["Id"],
                                     "ManagementAccount": organization["ManagementAccount"],
                                     "Accounts": sorted(set([organization["ManagementAccount"]] + members)), "Levels": levels}}


def write_expected(folders, expected, skipped, emr_settings_to_domain, organization):
    """The sample as the exports that hold what moto took (see the module's docstring)."""
    if os.path.exists(expected):
        shutil.rmtree(expected)
    skip = {x["File"] for x in skipped}
    for f in folders:
        os.makedirs(os.path.join(expected, f.name))
        profiles = [d for _, d in f.docs("describe-user-profile")]
        for name, text in f.texts.items():
            if f"{f.name}/{name}" in skip:
                continue
            if name.startswith("describe-domain") and emr_settings_to_domain:
                text = json.dumps(with_profile_emr_settings(json.loads(text), profiles), indent=4) + "\n"
            with open(os.path.join(expected, f.name, name), "w", encoding="utf-8") as h:
                h.write(text)
        if organization:
            with open(os.path.join(expected, f.name, "organization-policies.json"), "w", encoding="utf-8") as h:
                json.dump(organization_policies(f.account, organization, [g.account for g in folders]), h, indent=4)
                h.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("endpoint")
    ap.add_argument("setup")
    ap.add_argument("--organization", choices=["none", "full-access", "deny-tag-session"], default="none")
    ap.add_argument("--management", help="an account of the setup that manages the organisation (default: a new one)")
    ap.add_argument("--emr-settings-to-domain", action="store_true")
    ap.add_argument("--enforce-iam", action="store_true")
    ap.add_argument("--expected")
    ap.add_argument("--region", default="us-east-1")
    args = ap.parse_args()

    s = Seeder(args.endpoint, args.region)
    folders = account_folders(args.setup)
    if not folders:
        sys.exit(f"{args.setup}: no <account-id>-<label> folder")
    with open(os.path.join(ROOT, "docs", "collect-policy.json"), encoding="utf-8") as h:
        collect_policy = h.read()
    for f in folders:
        for name in f.texts:
            if name.endswith("DO_NOT_DELETE.json"):
                s.skipped.append({"File": f"{f.name}/{name}", "Reason": "a Studio Classic file on the user's EFS volume, behind no API"})

    # The collecting account: the organisation's management account, else the Studio account.
    studio = next((f.account for f in folders if f.docs("describe-domain")), folders[0].account)
    organization, accounts = None, {f.account: f.account for f in folders}
    if args.organization != "none":
        organization, accounts = seed_organization(s, args.organization, folders, args.management or MANAGEMENT_ACCOUNT)
    collecting = organization["ManagementAccount"] if organization else studio
    key = seed_collect_user(s, collecting, collect_policy)
    role_arns = []
    for f in folders:
        # The account alias names collect's folder for the account, as the sample's label does.
        if len(f.name) > 13:
            s.call("iam", accounts[f.account], "create_account_alias", "account alias", AccountAlias=f.name[13:])
        if accounts[f.account] != collecting:
            role_arns.append(seed_collect_role(s, accounts[f.account], collecting, collect_policy))
    if role_arns:
        s.call("iam", collecting, "put_user_policy", "collector's AssumeRole", UserName=COLLECT_USER, PolicyName="assume-collect-roles",
               PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                   {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arns}]}))

    # Clusters and domains first: moto picks their IDs, which the policies then name.
    ids = {}
    for f in folders:
        seed_clusters(s, accounts[f.account], f, accounts, ids)
        seed_domains(s, accounts[f.account], f, accounts, ids, args.emr_settings_to_domain)
    mapping = {**accounts, **ids}
    buckets = {}
    for f in folders:
        account = accounts[f.account]
        seed_security_configurations(s, account, f, mapping)
        seed_lake_formation(s, account, f, mapping)
        for b in seed_iam(s, account, f, mapping):
            buckets.setdefault(b, account)
    created = set()
    for f in folders:
        seed_bucket_policies(s, accounts[f.account], f, mapping, created)
    # The other buckets the roles name: in the account whose ID the name holds, else the role's.
    for bucket, account in sorted(buckets.items()):
        owner = next((a for a in accounts.values() if a in bucket), account)
        if bucket not in created and s.call("s3", owner, "create_bucket", f"bucket {bucket}", Bucket=bucket) is not None:
            created.add(bucket)

    if args.enforce_iam:
        # From now on moto checks every request against the caller's IAM policies.
        req = urllib.request.Request(args.endpoint.rstrip("/") + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req).read()
    if args.expected:
        write_expected(folders, args.expected, s.skipped, args.emr_settings_to_domain, organization)
    json.dump({"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"],
               "CollectingAccount": collecting, "RoleArns": role_arns, "Accounts": accounts, "Ids": ids,
               "Buckets": sorted(created), "Skipped": s.skipped, "Unsupported": s.unsupported, "Organization": organization},
              sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
