output "instance_profile_role_arn" {
  value = aws_iam_role.instance_profile.arn
}

output "cluster_id" {
  value = aws_emr_cluster.shared.id
}
