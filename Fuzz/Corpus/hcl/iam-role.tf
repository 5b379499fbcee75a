variable "name" {
  type    = string
  default = "emr-runtime"
}

locals {
  tags = { Team = "data", "cost-center" = 42 }
}

resource "aws_iam_role" "runtime" {
  name               = "${var.name}-role"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = merge(local.tags, { Name = var.name })
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.instance.arn]
    }
  }
}

resource "aws_iam_role_policy" "inline" {
  role = aws_iam_role.runtime.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["arn:aws:s3:::bucket/*"]
    }]
  })
}

resource "aws_iam_role_policy" "heredoc" {
  for_each = toset(["a", "b"])
  role     = aws_iam_role.runtime.id
  policy   = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${each.value}"}]
    }
  EOT
}
