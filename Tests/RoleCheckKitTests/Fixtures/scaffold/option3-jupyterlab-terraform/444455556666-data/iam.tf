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
          AWS = "arn:aws:iam::111122223333:role/studio-runtime-roles-ec2-role"
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
