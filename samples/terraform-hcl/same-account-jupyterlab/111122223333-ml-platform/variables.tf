variable "region" {
  type    = string
  default = "us-east-1"
}

variable "emr_release" {
  description = "EMR release of the shared cluster; SageMaker Studio needs emr-6.9.0 or later for runtime roles."
  type        = string
  default     = "emr-7.1.0"
}

variable "curated_bucket" {
  type    = string
  default = "ml-curated-data-111122223333"
}
