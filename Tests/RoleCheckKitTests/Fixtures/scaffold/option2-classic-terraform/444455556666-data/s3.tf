# The Studio account's runtime roles may list and read the data bucket, over TLS only.
# It replaces the bucket's current policy.
resource "aws_s3_bucket_policy" "data_bucket_policy" {
  bucket = "studio-emr-data-444455556666"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "AllowStudioRuntimeRolesToList"
        Effect = "Allow"
        Principal = {
          AWS = ["arn:aws:iam::111122223333:role/emr-runtime-analyst"]
        }
        Action   = "s3:ListBucket"
        Resource = "arn:aws:s3:::studio-emr-data-444455556666"
      },
      {
        Sid    = "AllowStudioRuntimeRolesToRead"
        Effect = "Allow"
        Principal = {
          AWS = ["arn:aws:iam::111122223333:role/emr-runtime-analyst"]
        }
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::studio-emr-data-444455556666/*"
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::studio-emr-data-444455556666", "arn:aws:s3:::studio-emr-data-444455556666/*"]
        Condition = {
          Bool = {
            "aws:SecureTransport" = "false"
          }
        }
      },
    ]
  })
}
