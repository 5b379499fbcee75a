a = "plain"
b = "esc \n \t \" \\ \u00e9 \U0001F600 $${literal} %%{literal}"
c = "x ${~ var.y ~} z"
d = "%{ if var.on ~} yes %{~ else } no %{ endif }"
e = "%{ for i, v in var.list }${i}=${v},%{ endfor }"
f = <<EOT
  keep ${var.x}
EOT
g = <<-EOT
    one
      two
    ${var.three}
    EOT
h = "${"${"nested"}"}"
