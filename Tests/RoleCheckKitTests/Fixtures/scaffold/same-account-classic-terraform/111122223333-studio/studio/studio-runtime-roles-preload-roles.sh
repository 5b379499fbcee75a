#!/bin/bash
# Studio Classic lifecycle configuration (JupyterServer app), written by rolecheck scaffold.
# It preloads the EMR runtime roles of the cluster studio-runtime-roles into the user's home, where
# Studio Classic reads them when the Jupyter server starts.
set -eu

mkdir -p /home/sagemaker-user/.sagemaker-analytics-configuration-DO_NOT_DELETE
cat > /home/sagemaker-user/.sagemaker-analytics-configuration-DO_NOT_DELETE/emr-configurations-DO_NOT_DELETE.json <<'EOF'
{
  "emr-execution-role-arns": {
    "111122223333": [
      "arn:aws:iam::111122223333:role/emr-runtime-analyst"
    ]
  }
}
EOF
