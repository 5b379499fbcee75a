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
        Sid      = "StudioSpaces"
        Effect   = "Allow"
        Action   = ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"]
        Resource = "arn:aws:sagemaker:us-east-1:111122223333:space/*"
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

resource "aws_iam_role_policy" "studio_execution_role_assume_emr_access_role" {
  name = "assume-emr-access-role"
  role = aws_iam_role.studio_execution_role.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowAssumeEmrAccessRole"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole", "sts:SetSourceIdentity"]
        Resource = "arn:aws:iam::444455556666:role/studio-runtime-roles-access-role"
      },
    ]
  })
}
