# The user profile: its execution role, and the runtime roles Studio offers (EmrSettings).
resource "aws_sagemaker_user_profile" "user_profile" {
  domain_id         = var.domain_id
  user_profile_name = "emr-analyst"

  user_settings {
    execution_role      = aws_iam_role.studio_execution_role.arn
    studio_web_portal   = "ENABLED"
    default_landing_uri = "studio::"

    jupyter_lab_app_settings {
      emr_settings {
        execution_role_arns = [aws_iam_role.runtime_role_emr_runtime_analyst.arn]
      }
    }
  }
}
