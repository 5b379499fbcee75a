resource "aws_sagemaker_domain" "studio" {
  domain_name = "ml-studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0d2e5b6a7c8f9e012"
  subnet_ids  = ["subnet-02f177dc26a03616b"]

  default_user_settings {
    execution_role    = aws_iam_role.studio_execution.arn
    security_groups   = ["sg-05108ffc16a1d9a38"]
    studio_web_portal = "ENABLED"

    jupyter_lab_app_settings {
      emr_settings {
        execution_role_arns = [aws_iam_role.analyst.arn, aws_iam_role.engineer.arn]
      }
    }
  }
}

resource "aws_sagemaker_user_profile" "priya_raman" {
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = "priya-raman"

  user_settings {
    execution_role    = aws_iam_role.studio_execution.arn
    studio_web_portal = "ENABLED"

    jupyter_lab_app_settings {
      emr_settings {
        execution_role_arns = [aws_iam_role.analyst.arn, aws_iam_role.engineer.arn]
      }
    }
  }
}

resource "aws_sagemaker_space" "priya_emr_notebooks" {
  domain_id  = aws_sagemaker_domain.studio.id
  space_name = "priya-emr-notebooks"

  ownership_settings {
    owner_user_profile_name = aws_sagemaker_user_profile.priya_raman.user_profile_name
  }

  space_sharing_settings {
    sharing_type = "Private"
  }

  space_settings {
    app_type = "JupyterLab"

    jupyter_lab_app_settings {
      default_resource_spec {
        instance_type                 = "ml.t3.medium"
        sagemaker_image_arn           = "arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu"
        sagemaker_image_version_alias = "2.4.1"
      }
    }
  }
}
