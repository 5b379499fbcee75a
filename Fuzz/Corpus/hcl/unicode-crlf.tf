# hash
// slash
/* block
 comment */
résumé = "été"
日本-x = <<-EOT
  line
  EOT
block {
  k = v
}
