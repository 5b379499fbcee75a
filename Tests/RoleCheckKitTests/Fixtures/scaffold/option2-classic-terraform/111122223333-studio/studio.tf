# Studio Classic: preloads the runtime roles into each user's home (studio/studio-runtime-roles-preload-roles.sh).
resource "aws_sagemaker_studio_lifecycle_config" "preload_lifecycle_config" {
  studio_lifecycle_config_name     = "studio-runtime-roles-preload-roles"
  studio_lifecycle_config_app_type = "JupyterServer"
  studio_lifecycle_config_content  = filebase64("${path.module}/studio/studio-runtime-roles-preload-roles.sh")
}

# The user profile: its execution role, Studio Classic on JupyterLab 3, the lifecycle configuration.
resource "aws_sagemaker_user_profile" "user_profile" {
  domain_id         = var.domain_id
  user_profile_name = "emr-analyst"

  user_settings {
    execution_role      = aws_iam_role.studio_execution_role.arn
    studio_web_portal   = "DISABLED"
    default_landing_uri = "app:JupyterServer:"

    jupyter_server_app_settings {
      lifecycle_config_arns = [aws_sagemaker_studio_lifecycle_config.preload_lifecycle_config.arn]

      default_resource_spec {
        sage_maker_image_arn = "arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server-3"
        instance_type        = "system"
        lifecycle_config_arn = aws_sagemaker_studio_lifecycle_config.preload_lifecycle_config.arn
      }
    }
  }
}
