# The Studio account 111122223333 part of the runtime-role setup (same account, Studio (JupyterLab)), written by rolecheck scaffold.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60"
    }
  }
}

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variable "domain_id" {
  description = "The ID of the SageMaker domain the user profile joins"
  type        = string
}

variable "subnet_id" {
  description = "The subnet the EMR cluster runs in"
  type        = string
}
