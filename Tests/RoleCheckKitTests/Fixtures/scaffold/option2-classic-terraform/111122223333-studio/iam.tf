# The execution role of the user profile; SageMaker assumes it for the user's apps.
resource "aws_iam_role" "studio_execution_role" {
  name        = "studio-runtime-roles-studio-role"
  description = "SageMaker Studio execution role of the emr-analyst user profile"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "AllowSageMakerToAssume"
        Effect = "Allow"
        Principal = {
          Service = "sagemaker.amazonaws.com"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "studio_execution_role_studio_baseline" {
  name = "studio-baseline"
  role = aws_iam_role.studio_execution_role.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "StudioApps"
        Effect   = "Allow"
        Action   = ["sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:DescribeApp"]
        Resource = "arn:aws:sagemaker:us-east-1:111122223333:app/*"
      },
      {
        Sid    = "StudioDescribe"
        Effect = "Allow"
        Action = ["sagemaker:DescribeDomain", "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace"]
        Resource = [
          "arn:aws:sagemaker:us-east-1:111122223333:domain/*",
          "arn:aws:sagemaker:us-east-1:111122223333:user-profile/*",
          "arn:aws:sagemaker:us-east-1:111122223333:space/*",
        ]
      },
      {
        Sid      = "StudioList"
        Effect   = "Allow"
        Action   = ["sagemaker:ListApps", "sagemaker:ListSpaces"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "studio_execution_role_emr_runtime_role_access" {
  name = "emr-runtime-role-access"
  role = aws_iam_role.studio_execution_role.name
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
        Sid    = "AllowClusterDetailsDiscovery"
        Effect = "Allow"
        Action = [
          "elasticmapreduce:DescribeCluster",
          "elasticmapreduce:ListInstances",
          "elasticmapreduce:ListInstanceGroups",
        ]
        Resource = "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/*"
      },
      {
        Sid      = "AllowRuntimeRoleSessionCredentials"
        Effect   = "Allow"
        Action   = "elasticmapreduce:GetClusterSessionCredentials"
        Resource = "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/${aws_emr_cluster.cluster.id}"
        Condition = {
          ArnEquals = {
            "elasticmapreduce:ExecutionRoleArn" = [aws_iam_role.runtime_role_emr_runtime_analyst.arn]
          }
        }
      },
    ]
  })
}

# The role behind the cluster's instance profile: EMR assumes the runtime roles with it.
resource "aws_iam_role" "cluster_instance_role" {
  name        = "studio-runtime-roles-ec2-role"
  description = "EC2 instance-profile role of the EMR cluster studio-runtime-roles"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "AllowEC2ToAssume"
        Effect = "Allow"
        Principal = {
          Service = "ec2.amazonaws.com"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "cluster_instance_role_cluster_node_access" {
  name = "cluster-node-access"
  role = aws_iam_role.cluster_instance_role.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadInTransitCertificates"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::emr-certificates-111122223333-us-east-1/studio-runtime-roles/certs.zip"
      },
    ]
  })
}

resource "aws_iam_role_policy" "cluster_instance_role_runtime_role_usage" {
  name = "runtime-role-usage"
  role = aws_iam_role.cluster_instance_role.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowRuntimeRoleUsage"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
        Resource = [aws_iam_role.runtime_role_emr_runtime_analyst.arn]
      },
    ]
  })
}

# The cluster's instance profile, named like its role.
resource "aws_iam_instance_profile" "cluster_instance_profile" {
  name = "studio-runtime-roles-ec2-role"
  role = aws_iam_role.cluster_instance_role.name
}

# The cluster's service role: EMR manages the cluster's EC2 resources with it (AWS managed policy `AmazonEMRServicePolicy_v2`).
resource "aws_iam_role" "cluster_service_role" {
  name        = "studio-runtime-roles-service-role"
  description = "EMR service role of the cluster studio-runtime-roles"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "AllowEMRToAssume"
        Effect = "Allow"
        Principal = {
          Service = "elasticmapreduce.amazonaws.com"
        }
        Action = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = "111122223333"
          }
          ArnLike = {
            "aws:SourceArn" = "arn:aws:elasticmapreduce:us-east-1:111122223333:*"
          }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy" "cluster_service_role_pass_instance_profile_role" {
  name = "pass-instance-profile-role"
  role = aws_iam_role.cluster_service_role.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PassInstanceProfileRole"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.cluster_instance_role.arn
        Condition = {
          StringEquals = {
            "iam:PassedToService" = "ec2.amazonaws.com"
          }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "cluster_service_role_amazonemrservicepolicy_v2" {
  role       = aws_iam_role.cluster_service_role.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"
}

# A runtime role: Studio users pick it when they connect, and their Spark, Hive and Presto work runs with its permissions.
resource "aws_iam_role" "runtime_role_emr_runtime_analyst" {
  name        = "emr-runtime-analyst"
  description = "EMR runtime role for SageMaker Studio users of the cluster studio-runtime-roles"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "AllowClusterInstanceProfileRole"
        Effect = "Allow"
        Principal = {
          AWS = aws_iam_role.cluster_instance_role.arn
        }
        Action = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
      },
    ]
  })
}

resource "aws_iam_role_policy" "runtime_role_emr_runtime_analyst_data_access" {
  name = "data-access"
  role = aws_iam_role.runtime_role_emr_runtime_analyst.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListDataBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = "arn:aws:s3:::studio-emr-data-444455556666"
      },
      {
        Sid      = "ReadData"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::studio-emr-data-444455556666/*"
      },
    ]
  })
}
