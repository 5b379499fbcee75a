# The data account 444455556666 part of the runtime-role setup (option 2, Studio (JupyterLab)), written by rolecheck scaffold.
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
  allowed_account_ids = ["444455556666"]
}
