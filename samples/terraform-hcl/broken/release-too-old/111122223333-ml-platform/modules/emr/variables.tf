variable "cluster_name" {
  type = string
}

variable "release_label" {
  type = string
}

variable "runtime_role_arns" {
  description = "The runtime roles the cluster's instance-profile role may assume."
  type        = list(string)
}

variable "tags" {
  type    = map(string)
  default = {}
}
