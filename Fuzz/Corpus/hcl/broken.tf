a { b = 1, c = 2 }
a { b = 1
}
a { d {} }
x = (1
y = "unterminated
z = <<EOT
no end
