ops      = 1 + 2 * 3 - -4 / 5 % 6 >= 7 && !false || null == null
cond     = var.a ? var.b : var.c ? 1 : 2
tuple    = [for i, v in var.xs : upper(v) if i > 0]
object   = { for k, v in var.m : k => v... if v != null }
splat    = aws_instance.web[*].id
attrs    = var.list.*.name
legacy   = var.list.0.name
index    = var.map["key"][count.index]
call     = provider::aws::arn_parse(var.arn).account_id
expand   = max(var.numbers...)
paren    = (1 + 2) * 3
numbers  = [0, 1.5, 2e10, 3.25E-3]
multi = [
  1,
  2,
]
block "one" "two" { inline = true }
