# Runtime roles on, the caller's source identity propagated, in-transit encryption.
resource "aws_emr_security_configuration" "runtime_roles_security_configuration" {
  name = "studio-runtime-roles-security-config"
  configuration = jsonencode({
    AuthorizationConfiguration = {
      IAMConfiguration = {
        EnableApplicationScopedIAMRole = true
        ApplicationScopedIAMRoleConfiguration = {
          PropagateSourceIdentity = true
        }
      }
    }
    EncryptionConfiguration = {
      EnableInTransitEncryption = true
      EnableAtRestEncryption    = false
      InTransitEncryptionConfiguration = {
        TLSCertificateConfiguration = {
          CertificateProviderType = "PEM"
          S3Object                = "s3://emr-certificates-111122223333-us-east-1/studio-runtime-roles/certs.zip"
        }
      }
    }
  })
}

# One primary node (runtime roles do not support several); Studio connects through Livy.
resource "aws_emr_cluster" "cluster" {
  name                   = "studio-runtime-roles"
  release_label          = "emr-7.5.0"
  applications           = ["Hadoop", "Hive", "Livy", "Spark"]
  service_role           = aws_iam_role.cluster_service_role.arn
  security_configuration = aws_emr_security_configuration.runtime_roles_security_configuration.name

  ec2_attributes {
    instance_profile = aws_iam_instance_profile.cluster_instance_profile.arn
    subnet_id        = var.subnet_id
  }

  master_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 1
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }

  # The roles' policies must be in place before EMR uses the roles.
  depends_on = [
    aws_iam_role_policy.cluster_instance_role_cluster_node_access,
    aws_iam_role_policy.cluster_service_role_pass_instance_profile_role,
    aws_iam_role_policy_attachment.cluster_service_role_amazonemrservicepolicy_v2,
  ]
}

output "cluster_id" {
  description = "The ID of the cluster studio-runtime-roles"
  value       = aws_emr_cluster.cluster.id
}
