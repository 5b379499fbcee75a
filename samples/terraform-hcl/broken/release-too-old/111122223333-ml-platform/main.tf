# A same-account setup as a team writes it: SageMaker Studio (JupyterLab) connects to one EMR
# cluster with runtime roles. The cluster, its instance-profile role and its security
# configuration come from the local module ./modules/emr.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.60" }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  runtime_roles = ["ml-analyst", "ml-engineer"]
  tags          = { team = "ml-platform" }
}

module "emr" {
  source = "./modules/emr"

  cluster_name      = "ml-shared-runtime-roles"
  release_label     = var.emr_release
  runtime_role_arns = [aws_iam_role.analyst.arn, aws_iam_role.engineer.arn]
  tags              = local.tags
}
