#!/usr/bin/env python3
"""Writes a Terraform root module of many .tf files for the pre-commit benchmark.

    python3 scripts/generate-terraform-root.py DIR [--files 50]

Each file holds one team's runtime roles (trust through data "aws_iam_policy_document",
inline policies in jsonencode and a heredoc), a Studio user profile offering them, and every
tenth file a cluster with its security configuration, instance profile and role. Deterministic.
"""
import argparse
import os


def team_file(i, clusters):
    cluster = f"c{i // 10:02d}"
    # Every cluster's instance-profile role may assume every team's roles (Studio reaches them all).
    profiles = ", ".join(f"aws_iam_role.profile_c{c:02d}.arn" for c in range(clusters))
    return f'''
data "aws_iam_policy_document" "trust_{i:02d}" {{
  statement {{
    sid     = "AllowInstanceProfileRoleToAssume"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {{
      type        = "AWS"
      identifiers = [{profiles}]
    }}
  }}
}}

resource "aws_iam_role" "runtime_{i:02d}_analyst" {{
  name               = "emr-runtime-team{i:02d}-analyst"
  assume_role_policy = data.aws_iam_policy_document.trust_{i:02d}.json
  tags               = local.tags
  inline_policy {{
    name = "data"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = ["arn:aws:s3:::team{i:02d}-data", "arn:aws:s3:::team{i:02d}-data/*"] }}]
    }})
  }}
}}

resource "aws_iam_role" "runtime_{i:02d}_engineer" {{
  name               = "emr-runtime-team{i:02d}-engineer"
  assume_role_policy = data.aws_iam_policy_document.trust_{i:02d}.json
  inline_policy {{
    name   = "data"
    policy = <<-EOT
      {{
        "Version": "2012-10-17",
        "Statement": [{{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::team{i:02d}-data/*"}}]
      }}
    EOT
  }}
}}

resource "aws_sagemaker_user_profile" "team_{i:02d}" {{
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = "team{i:02d}"
  user_settings {{
    execution_role    = aws_iam_role.studio.arn
    studio_web_portal = "ENABLED"
    jupyter_lab_app_settings {{
      emr_settings {{
        execution_role_arns = [aws_iam_role.runtime_{i:02d}_analyst.arn, aws_iam_role.runtime_{i:02d}_engineer.arn]
      }}
    }}
  }}
}}
''' + (cluster_block(cluster) if i % 10 == 0 else "")


def cluster_block(c):
    return f'''
resource "aws_iam_role" "profile_{c}" {{
  name               = "emr-profile-{c}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
  inline_policy {{
    name   = "AllowRuntimeRoleUsage"
    policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = ["sts:AssumeRole", "sts:TagSession"], Resource = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:role/emr-runtime-*" }}] }})
  }}
}}

resource "aws_iam_instance_profile" "profile_{c}" {{
  name = "emr-profile-{c}"
  role = aws_iam_role.profile_{c}.name
}}

resource "aws_emr_security_configuration" "rr_{c}" {{
  name          = "runtime-roles-{c}"
  configuration = jsonencode({{ AuthorizationConfiguration = {{ IAMConfiguration = {{ EnableApplicationScopedIAMRole = true }} }} }})
}}

resource "aws_emr_cluster" "{c}" {{
  name                   = "shared-{c}"
  release_label          = var.release
  applications           = ["Spark", "Livy"]
  security_configuration = aws_emr_security_configuration.rr_{c}.name
  service_role           = "EMR_DefaultRole_V2"
  ec2_attributes {{
    instance_profile = aws_iam_instance_profile.profile_{c}.arn
  }}
  master_instance_group {{
    instance_type  = "m5.xlarge"
    instance_count = 1
  }}
}}
'''


COMMON = '''
data "aws_caller_identity" "current" {}

variable "release" {
  default = "emr-7.1.0"
}

locals {
  tags = { team = "ml-platform" }
}

resource "aws_iam_role" "studio" {
  name = "studio-execution"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  inline_policy {
    name = "emr"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Effect = "Allow", Action = ["elasticmapreduce:ListClusters", "elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:DescribeSecurityConfiguration"], Resource = "*" },
        { Effect = "Allow", Action = "elasticmapreduce:GetClusterSessionCredentials", Resource = "*", Condition = { StringLike = { "elasticmapreduce:ExecutionRoleArn" = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/emr-runtime-*" } } },
      ]
    })
  }
}

resource "aws_sagemaker_domain" "studio" {
  domain_name = "studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-1"
  subnet_ids  = ["subnet-1"]
  default_user_settings {
    execution_role = aws_iam_role.studio.arn
  }
}
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=50)
    a = ap.parse_args()
    root = os.path.join(a.dir, "111122223333-platform")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "main.tf"), "w") as f:
        f.write(COMMON)
    for i in range(a.files - 1):
        with open(os.path.join(root, f"team{i:02d}.tf"), "w") as f:
            f.write(team_file(i, (a.files - 1 + 9) // 10))
    print(f"wrote {a.files} files to {root}")


if __name__ == "__main__":
    main()
