# Runtime roles: EMR assumes them with the cluster's instance-profile role, tagging the session.
data "aws_iam_policy_document" "runtime_trust" {
  statement {
    sid     = "AllowInstanceProfileRoleToAssume"
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [module.emr.instance_profile_role_arn]
    }
  }
}

data "aws_iam_policy_document" "curated_data" {
  statement {
    sid       = "ListCuratedData"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.curated_bucket}"]
  }
  statement {
    sid       = "ReadCuratedData"
    actions   = ["s3:GetObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.curated_bucket}/*"]
  }
}

resource "aws_iam_role" "analyst" {
  name               = "emr-runtime-ml-analyst"
  assume_role_policy = data.aws_iam_policy_document.runtime_trust.json
  tags               = local.tags

  inline_policy {
    name   = "curated-data-access"
    policy = data.aws_iam_policy_document.curated_data.json
  }
}

resource "aws_iam_role" "engineer" {
  name               = "emr-runtime-ml-engineer"
  assume_role_policy = data.aws_iam_policy_document.runtime_trust.json
  tags               = local.tags

  inline_policy {
    name   = "curated-data-access"
    policy = data.aws_iam_policy_document.curated_data.json
  }
}

# The Studio execution role: discovery, and session credentials for the two runtime roles only.
resource "aws_iam_role" "studio_execution" {
  name = "AmazonSageMaker-ExecutionRole-ml-platform"
  path = "/service-role/"
  tags = local.tags

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "studio_emr_access" {
  name = "StudioEmrRuntimeRoleAccess"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowClusterDiscovery"
        Effect   = "Allow"
        Action   = ["elasticmapreduce:ListClusters", "elasticmapreduce:DescribeSecurityConfiguration"]
        Resource = "*"
      },
      {
        Sid      = "AllowClusterDetailsDiscovery"
        Effect   = "Allow"
        Action   = ["elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstances", "elasticmapreduce:ListInstanceGroups"]
        Resource = "arn:aws:elasticmapreduce:${var.region}:${data.aws_caller_identity.current.account_id}:cluster/*"
      },
      {
        Sid      = "AllowRuntimeRoleSessionCredentials"
        Effect   = "Allow"
        Action   = "elasticmapreduce:GetClusterSessionCredentials"
        Resource = "arn:aws:elasticmapreduce:${var.region}:${data.aws_caller_identity.current.account_id}:cluster/*"
        Condition = {
          ArnEquals = {
            "elasticmapreduce:ExecutionRoleArn" = [aws_iam_role.analyst.arn, aws_iam_role.engineer.arn]
          }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "studio_emr_access" {
  role       = aws_iam_role.studio_execution.name
  policy_arn = aws_iam_policy.studio_emr_access.arn
}

resource "aws_iam_role_policy" "studio_baseline" {
  name = "studio-notebook-baseline"
  role = aws_iam_role.studio_execution.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "StudioApps",
          "Effect": "Allow",
          "Action": ["sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:DescribeApp"],
          "Resource": "arn:aws:sagemaker:us-east-1:111122223333:app/*"
        },
        {
          "Sid": "StudioList",
          "Effect": "Allow",
          "Action": ["sagemaker:ListApps", "sagemaker:ListSpaces"],
          "Resource": "*"
        }
      ]
    }
  EOT
}
