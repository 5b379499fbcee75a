resource "aws_iam_role" "instance_profile" {
  name = "EMR_EC2_RuntimeRolesRole"
  tags = var.tags

  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "runtime_role_usage" {
  name = "AllowRuntimeRoleUsage"
  role = aws_iam_role.instance_profile.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "AllowRuntimeRoleUsage"
      Effect   = "Allow"
      Action   = ["sts:AssumeRole", "sts:TagSession"]
      Resource = var.runtime_role_arns
    }]
  })
}

resource "aws_iam_instance_profile" "cluster" {
  name = "emr-cluster-profile"
  role = aws_iam_role.instance_profile.name
}

resource "aws_emr_security_configuration" "runtime_roles" {
  name = "studio-runtime-roles"
  configuration = jsonencode({
    AuthorizationConfiguration = {
      IAMConfiguration = { EnableApplicationScopedIAMRole = true }
    }
    EncryptionConfiguration = {
      EnableAtRestEncryption    = false
      EnableInTransitEncryption = true
      InTransitEncryptionConfiguration = {
        TLSCertificateConfiguration = {
          CertificateProviderType = "PEM"
          S3Object                = "s3://emr-certs-111122223333-us-east-1/runtime-roles/certs.zip"
        }
      }
    }
  })
}

resource "aws_emr_cluster" "shared" {
  name                   = var.cluster_name
  release_label          = var.release_label
  applications           = ["Hadoop", "Hive", "Livy", "Spark"]
  security_configuration = aws_emr_security_configuration.runtime_roles.name
  service_role           = "EMR_DefaultRole_V2"
  tags                   = var.tags

  ec2_attributes {
    instance_profile                  = aws_iam_instance_profile.cluster.arn
    subnet_id                         = "subnet-02f177dc26a03616b"
    emr_managed_master_security_group = "sg-0ab884cea38ecf559"
    emr_managed_slave_security_group  = "sg-0c1951d3aa2f164ba"
    service_access_security_group     = "sg-043e060cfd995dcc8"
  }

  master_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 1
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }
}
