// Parser throughput benchmark: `swift run -c release rolecheck-bench [--runs N]`.
//
// Generates, in memory and deterministically (the same bytes on every machine):
//   - an `aws iam get-account-authorization-details`-like export of ~50 MB, pretty-printed with
//     4-space indentation the way the AWS CLI prints it,
//   - the same export minified,
//   - a CloudFormation template of ~20 MB in block-style YAML, as a person writes one
//     (the same kind of roles: trust policies, inline policies, managed policy ARNs, tags, !Sub/!GetAtt),
//   - a Terraform configuration of ~22 MB (`.tf`, HCL): the same roles as `aws_iam_role` resources
//     with `jsonencode(...)` trust policies, inline policies as indented `<<-EOT` heredocs (with
//     interpolations) or `aws_iam_policy_document` data sources, attachments, variables and tags,
// then times `JSONParser.parse(file:)`, `YAMLLoader.parse(file:)` and `HCLParser.parse(_:)` and prints MB/s
// (MB = 10^6 bytes): the median, min and max of several runs, after one warm-up run.

import RoleCheckKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: A tiny value model and its three printers

indirect enum Value {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([Value])
    case object([(String, Value)])
    /// A YAML tag (`!Sub`, `!GetAtt` …); JSON has no tags and prints the CloudFormation long form.
    case tagged(String, Value)
}

struct Output {
    var bytes: [UInt8] = []
    mutating func put(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func put(_ b: UInt8) { bytes.append(b) }
    mutating func spaces(_ n: Int) { for _ in 0..<n { bytes.append(0x20) } }
}

enum JSONPrinter {
    static func string(_ s: String, _ out: inout Output) {
        out.put(UInt8(ascii: "\""))
        for u in s.utf8 {
            switch u {
            case UInt8(ascii: "\""): out.put("\\\"")
            case UInt8(ascii: "\\"): out.put("\\\\")
            case 0x0A: out.put("\\n")
            case 0x09: out.put("\\t")
            case 0..<0x20: out.put("\\u00" + (u < 0x10 ? "0" : "") + String(u, radix: 16))
            default: out.put(u)
            }
        }
        out.put(UInt8(ascii: "\""))
    }

    /// `indent` spaces per level (the AWS CLI uses 4); nil prints minified.
    static func print(_ v: Value, indent: Int?, level: Int = 0, _ out: inout Output) {
        switch v {
        case .string(let s): string(s, &out)
        case .int(let i): out.put(String(i))
        case .bool(let b): out.put(b ? "true" : "false")
        case .tagged(let tag, let inner):
            print(.object([("Fn::" + tag.dropFirst(), inner)]), indent: indent, level: level, &out)
        case .array(let items):
            if items.isEmpty { out.put("[]"); return }
            out.put(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.put(UInt8(ascii: ",")) }
                if let indent { out.put(0x0A); out.spaces(indent * (level + 1)) }
                print(item, indent: indent, level: level + 1, &out)
            }
            if let indent { out.put(0x0A); out.spaces(indent * level) }
            out.put(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.put("{}"); return }
            out.put(UInt8(ascii: "{"))
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out.put(UInt8(ascii: ",")) }
                if let indent { out.put(0x0A); out.spaces(indent * (level + 1)) }
                string(key, &out)
                out.put(indent == nil ? ":" : ": ")
                print(value, indent: indent, level: level + 1, &out)
            }
            if let indent { out.put(0x0A); out.spaces(indent * level) }
            out.put(UInt8(ascii: "}"))
        }
    }
}

enum YAMLPrinter {
    /// Plain when that reads back as the same string, single-quoted otherwise (double-quoted
    /// only for text that needs escapes).
    static func scalar(_ s: String) -> String {
        if s.utf8.contains(where: { $0 < 0x20 }) || s.contains("'") {
            var out = Output()
            JSONPrinter.string(s, &out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        return needsQuotes(s) ? "'" + s + "'" : s
    }

    static func needsQuotes(_ s: String) -> Bool {
        guard let first = s.utf8.first, let last = s.utf8.last else { return true }
        if "-?:,[]{}#&*!|>'\"%@` ".utf8.contains(first) || last == UInt8(ascii: " ") || last == UInt8(ascii: ":") { return true }
        if s.contains(": ") || s.contains(" #") { return true }
        switch s.lowercased() {
        case "true", "false", "null", "~", "yes", "no", "on", "off": return true
        default: break
        }
        // Anything that starts like a number, a date or a version is quoted, as people do.
        return s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    static func inline(_ v: Value) -> String? {
        switch v {
        case .string(let s): return scalar(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items) where items.isEmpty: return "[]"
        case .object(let members) where members.isEmpty: return "{}"
        case .tagged(let tag, let inner):
            if let s = inline(inner) { return tag + " " + s }
            return nil
        default: return nil
        }
    }

    /// Writes the members of a mapping at `indent`; the first line's indentation may already be
    /// written (a mapping that is a sequence item starts after `- `).
    static func mapping(_ members: [(String, Value)], indent: Int, firstIndented: Bool, _ out: inout Output) {
        for (k, (key, value)) in members.enumerated() {
            if k > 0 || !firstIndented { out.spaces(indent) }
            out.put(scalar(key))
            out.put(":")
            block(value, indent: indent, &out)
        }
    }

    /// Writes what follows `key:` or `- `.
    static func block(_ value: Value, indent: Int, _ out: inout Output) {
        if let s = inline(value) {
            out.put(" " + s + "\n")
            return
        }
        switch value {
        case .object(let members):
            out.put("\n")
            mapping(members, indent: indent + 2, firstIndented: false, &out)
        case .array(let items):
            out.put("\n")
            sequence(items, indent: indent + 2, &out)
        case .tagged(let tag, let inner):
            out.put(" " + tag)
            block(inner, indent: indent, &out)
        default:
            break
        }
    }

    static func sequence(_ items: [Value], indent: Int, _ out: inout Output) {
        for item in items {
            out.spaces(indent)
            out.put("-")
            if case .object(let members) = item, !members.isEmpty {
                out.put(" ")
                mapping(members, indent: indent + 2, firstIndented: true, &out)
            } else {
                block(item, indent: indent, &out)
            }
        }
    }

    static func document(_ v: Value) -> [UInt8] {
        var out = Output()
        if case .object(let members) = v { mapping(members, indent: 0, firstIndented: false, &out) }
        return out.bytes
    }
}

// MARK: Deterministic data

/// A 64-bit linear congruential generator: the same sequence everywhere.
struct Random {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E3779B97F4A7C15 &+ 1 }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func characters(_ n: Int, from alphabet: String) -> String {
        let a = Array(alphabet)
        var s = ""
        for _ in 0..<n { s.append(pick(a)) }
        return s
    }
    mutating func hex(_ n: Int) -> String { characters(n, from: "0123456789abcdef") }
    mutating func upper(_ n: Int) -> String { characters(n, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") }
}

enum Corpus {
    static let account = "123456789012"
    static let services = ["elasticmapreduce.amazonaws.com", "ec2.amazonaws.com", "sagemaker.amazonaws.com",
                           "lambda.amazonaws.com", "glue.amazonaws.com", "emr-serverless.amazonaws.com",
                           "ecs-tasks.amazonaws.com", "states.amazonaws.com"]
    static let teams = ["analytics", "ml-platform", "data-eng", "fraud", "recsys", "reporting", "etl", "forecast"]
    static let kinds = ["emr-service", "emr-ec2-instance", "emr-runtime", "sagemaker-execution", "glue-job",
                        "lambda-exec", "step-functions", "notebook"]
    static let actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketLocation",
                          "kms:Decrypt", "kms:GenerateDataKey", "glue:GetTable", "glue:GetDatabase", "glue:GetPartitions",
                          "logs:CreateLogStream", "logs:PutLogEvents", "ec2:DescribeInstances", "ec2:CreateTags",
                          "elasticmapreduce:DescribeCluster", "elasticmapreduce:AddJobFlowSteps",
                          "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "iam:PassRole",
                          "dynamodb:GetItem", "dynamodb:Query", "sts:AssumeRole", "cloudwatch:PutMetricData",
                          "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "secretsmanager:GetSecretValue"]
    static let managed = ["service-role/AmazonEMRServicePolicy_v2", "service-role/AmazonElasticMapReduceforEC2Role",
                          "AmazonSageMakerFullAccess", "AmazonS3ReadOnlyAccess", "CloudWatchAgentServerPolicy",
                          "service-role/AWSGlueServiceRole", "AmazonSSMManagedInstanceCore",
                          "service-role/AWSLambdaBasicExecutionRole"]
    static let descriptions = ["Allows EMR to call AWS services on your behalf.",
                               "Execution role for SageMaker training jobs (team \"{team}\").",
                               "Rôle d'exécution pour les tâches Glue — équipe {team}.",
                               "Instance profile role for EMR cluster nodes.",
                               ""]
}

struct Role {
    var name: String
    var id: String
    var path: String
    var team: String
    var created: String
    var description: String
    var trust: Value
    var inline: [(name: String, document: Value)]
    var managed: [String]
    var tags: [(String, String)]
}

func statement(_ r: inout Random, team: String) -> Value {
    var actions: [Value] = []
    for _ in 0..<r.int(1...8) { actions.append(.string(r.pick(Corpus.actions))) }
    var resources: [Value] = []
    for k in 0..<r.int(1...4) {
        resources.append(.string(r.chance(15) ? "*" : "arn:aws:s3:::\(team)-data-\(r.hex(6))/prefix-\(k)/*"))
    }
    var members: [(String, Value)] = []
    if r.chance(60) { members.append(("Sid", .string("Allow\(team.replacing("-", with: ""))\(r.int(1...999))"))) }
    members.append(("Effect", .string(r.chance(90) ? "Allow" : "Deny")))
    members.append(("Action", actions.count == 1 ? actions[0] : .array(actions)))
    members.append(("Resource", resources.count == 1 ? resources[0] : .array(resources)))
    if r.chance(30) {
        members.append(("Condition", .object([("StringEquals", .object([
            ("aws:ResourceTag/team", .string(team)),
            ("aws:RequestedRegion", .array([.string("eu-west-1"), .string("us-east-1")])),
        ]))])))
    }
    return .object(members)
}

func policy(_ r: inout Random, team: String) -> Value {
    .object([("Version", .string("2012-10-17")),
             ("Statement", .array((0..<r.int(2...6)).map { _ in statement(&r, team: team) }))])
}

func role(_ index: Int) -> Role {
    var r = Random(seed: UInt64(index))
    let team = r.pick(Corpus.teams)
    let kind = r.pick(Corpus.kinds)
    let name = "\(team)-\(kind)-\(String(index))"
    var principal: [(String, Value)] = [("Service", .string(r.pick(Corpus.services)))]
    if r.chance(20) { principal.append(("AWS", .string("arn:aws:iam::\(Corpus.account):root"))) }
    var trustStatement: [(String, Value)] = [("Effect", .string("Allow")), ("Principal", .object(principal)),
                                             ("Action", .string("sts:AssumeRole"))]
    if r.chance(25) {
        trustStatement.append(("Condition", .object([("StringEquals", .object([("aws:SourceAccount", .string(Corpus.account))]))])))
    }
    let trust = Value.object([("Version", .string("2012-10-17")), ("Statement", .array([.object(trustStatement)]))])
    let inline = (0..<r.int(1...3)).map { k in (name: "\(name)-inline-\(k)", document: policy(&r, team: team)) }
    let managed = (0..<r.int(0...3)).map { _ in "arn:aws:iam::aws:policy/" + r.pick(Corpus.managed) }
    var tags: [(String, String)] = [("team", team)]
    if r.chance(50) { tags.append(("cost-center", "CC-\(r.int(1000...9999))")) }
    let description = r.pick(Corpus.descriptions).replacing("{team}", with: team)
    let created = "20\(r.int(18...25))-\(String(format2: r.int(1...12)))-\(String(format2: r.int(1...28)))T\(String(format2: r.int(0...23))):\(String(format2: r.int(0...59))):\(String(format2: r.int(0...59)))+00:00"
    return Role(name: name, id: "AROA" + r.upper(17), path: kind.hasPrefix("emr") ? "/service-role/" : "/",
                team: team, created: created, description: description, trust: trust, inline: inline,
                managed: managed, tags: tags)
}

extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}

/// One entry of `RoleDetailList`, as `get-account-authorization-details` returns it.
func authorizationDetails(_ role: Role) -> Value {
    var members: [(String, Value)] = [
        ("Path", .string(role.path)),
        ("RoleName", .string(role.name)),
        ("RoleId", .string(role.id)),
        ("Arn", .string("arn:aws:iam::\(Corpus.account):role\(role.path)\(role.name)")),
        ("CreateDate", .string(role.created)),
        ("AssumeRolePolicyDocument", role.trust),
        ("InstanceProfileList", .array([])),
        ("RolePolicyList", .array(role.inline.map { .object([("PolicyName", .string($0.name)), ("PolicyDocument", $0.document)]) })),
        ("AttachedManagedPolicies", .array(role.managed.map {
            .object([("PolicyName", .string(String($0.split(separator: "/").last!))), ("PolicyArn", .string($0))])
        })),
        ("Tags", .array(role.tags.map { .object([("Key", .string($0.0)), ("Value", .string($0.1))]) })),
        ("RoleLastUsed", .object([("LastUsedDate", .string(role.created)), ("Region", .string("eu-west-1"))])),
    ]
    if !role.description.isEmpty { members.insert(("Description", .string(role.description)), at: 5) }
    return .object(members)
}

/// The same role as a CloudFormation resource.
func cloudFormation(_ role: Role) -> Value {
    var properties: [(String, Value)] = [
        ("RoleName", .tagged("!Sub", .string("${AWS::StackName}-\(role.name)"))),
        ("Path", .string(role.path)),
        ("AssumeRolePolicyDocument", role.trust),
        ("Policies", .array(role.inline.map { .object([("PolicyName", .string($0.name)), ("PolicyDocument", $0.document)]) })),
    ]
    if !role.description.isEmpty { properties.insert(("Description", .string(role.description)), at: 1) }
    if !role.managed.isEmpty { properties.append(("ManagedPolicyArns", .array(role.managed.map { .string($0) }))) }
    properties.append(("Tags", .array(role.tags.map { .object([("Key", .string($0.0)), ("Value", .string($0.1))]) })))
    return .object([("Type", .string("AWS::IAM::Role")), ("Properties", .object(properties))])
}

func logicalId(_ role: Role) -> String {
    role.name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
}

/// Roles until the printed size reaches `target` bytes.
func roles(until target: Int, size: (Role) -> Int) -> [Role] {
    var out: [Role] = []
    var total = 0
    while total < target {
        let r = role(out.count)
        total += size(r)
        out.append(r)
    }
    return out
}

func prettySize(_ role: Role) -> Int {
    var o = Output()
    JSONPrinter.print(authorizationDetails(role), indent: 4, level: 2, &o)
    return o.bytes.count + 10
}

func yamlSize(_ role: Role) -> Int {
    YAMLPrinter.document(.object([(logicalId(role), cloudFormation(role))])).count + 2
}

// MARK: Terraform (HCL)

enum HCLPrinter {
    /// A quoted HCL string: `"`, `\` and line breaks escaped, `${` and `%{` doubled.
    static func string(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out.replacing("${", with: "$${").replacing("%{", with: "%%{") + "\""
    }

    static func key(_ k: String) -> String {
        let ok = k.first.map { $0.isLetter || $0 == "_" } == true && k.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return ok ? k : string(k)
    }

    /// The value as an HCL expression (objects over several lines, as `terraform fmt` writes them).
    static func print(_ v: Value, level: Int, _ out: inout Output) {
        switch v {
        case .string(let s): out.put(string(s))
        case .int(let i): out.put(String(i))
        case .bool(let b): out.put(b ? "true" : "false")
        case .tagged(_, let inner): print(inner, level: level, &out)
        case .array(let items):
            if items.allSatisfy({ if case .string = $0 { return true }; return false }) {
                out.put("[")
                for (k, item) in items.enumerated() {
                    if k > 0 { out.put(", ") }
                    print(item, level: level, &out)
                }
                out.put("]")
                return
            }
            out.put("[\n")
            for item in items {
                out.spaces(2 * (level + 1))
                print(item, level: level + 1, &out)
                out.put(",\n")
            }
            out.spaces(2 * level)
            out.put("]")
        case .object(let members):
            if members.isEmpty { out.put("{}"); return }
            out.put("{\n")
            let width = members.map { key($0.0).count }.max() ?? 0
            for (k, value) in members {
                out.spaces(2 * (level + 1))
                let name = key(k)
                out.put(name)
                out.spaces(width - name.count)
                out.put(" = ")
                print(value, level: level + 1, &out)
                out.put("\n")
            }
            out.spaces(2 * level)
            out.put("}")
        }
    }
}

/// One role as Terraform: the role, its inline policies (heredocs or policy documents) and
/// attachments.
func terraform(_ role: Role, _ index: Int, _ out: inout Output) {
    let id = role.name.replacing("-", with: "_")
    out.put("resource \"aws_iam_role\" \"\(id)\" {\n")
    out.put("  name               = \"${var.prefix}\(role.name)\"\n")
    out.put("  path               = \(HCLPrinter.string(role.path))\n")
    if !role.description.isEmpty { out.put("  description        = \(HCLPrinter.string(role.description))\n") }
    out.put("  assume_role_policy = jsonencode(")
    HCLPrinter.print(role.trust, level: 1, &out)
    out.put(")\n\n  tags = merge(local.common_tags, {\n")
    for (k, v) in role.tags { out.put("    \(HCLPrinter.key(k)) = \(HCLPrinter.string(v))\n") }
    out.put("  })\n}\n\n")
    for (k, inline) in role.inline.enumerated() {
        if (index + k) % 3 == 2, case .object(let members) = inline.document,
           let statements = members.first(where: { $0.0 == "Statement" })?.1, case .array(let list) = statements {
            // As a policy document data source, one `statement` block each.
            out.put("data \"aws_iam_policy_document\" \"\(id)_\(k)\" {\n")
            for st in list {
                guard case .object(let fields) = st else { continue }
                out.put("  statement {\n")
                for (name, value) in fields {
                    switch name {
                    case "Sid": out.put("    sid       = "); HCLPrinter.print(value, level: 2, &out); out.put("\n")
                    case "Effect": out.put("    effect    = "); HCLPrinter.print(value, level: 2, &out); out.put("\n")
                    case "Action", "Resource":
                        out.put(name == "Action" ? "    actions   = " : "    resources = ")
                        if case .array = value { HCLPrinter.print(value, level: 2, &out) } else { out.put("["); HCLPrinter.print(value, level: 2, &out); out.put("]") }
                        out.put("\n")
                    case "Condition":
                        guard case .object(let tests) = value else { continue }
                        for (test, vars) in tests {
                            guard case .object(let pairs) = vars else { continue }
                            for (variable, values) in pairs {
                                out.put("\n    condition {\n      test     = \(HCLPrinter.string(test))\n      variable = \(HCLPrinter.string(variable))\n      values   = ")
                                if case .array = values { HCLPrinter.print(values, level: 3, &out) } else { out.put("["); HCLPrinter.print(values, level: 3, &out); out.put("]") }
                                out.put("\n    }\n")
                            }
                        }
                    default: break
                    }
                }
                out.put("  }\n")
            }
            out.put("}\n\nresource \"aws_iam_role_policy\" \"\(id)_\(k)\" {\n  name   = \(HCLPrinter.string(inline.name))\n")
            out.put("  role   = aws_iam_role.\(id).id\n  policy = data.aws_iam_policy_document.\(id)_\(k).json\n}\n\n")
        } else {
            // As a heredoc of JSON, indented, with the bucket from a variable.
            var json = Output()
            JSONPrinter.print(inline.document, indent: 2, &json)
            let text = String(decoding: json.bytes, as: UTF8.self).replacing("${", with: "$${")
                .replacing("arn:aws:s3:::\(role.team)-data-", with: "arn:aws:s3:::${var.bucket_prefix}\(role.team)-")
            out.put("resource \"aws_iam_role_policy\" \"\(id)_\(k)\" {\n  name   = \(HCLPrinter.string(inline.name))\n")
            out.put("  role   = aws_iam_role.\(id).id\n  policy = <<-EOT\n")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                out.put("    ")
                out.put(String(line))
                out.put("\n")
            }
            out.put("  EOT\n}\n\n")
        }
    }
    if !role.managed.isEmpty {
        out.put("resource \"aws_iam_role_policy_attachment\" \"\(id)\" {\n")
        out.put("  for_each   = toset([\n")
        for arn in role.managed { out.put("    \(HCLPrinter.string(arn)),\n") }
        out.put("  ])\n  role       = aws_iam_role.\(id).name\n  policy_arn = each.value\n}\n\n")
    }
}

func terraformConfiguration(until target: Int) -> (bytes: [UInt8], roles: Int) {
    var out = Output()
    out.put("""
    # Generated by rolecheck-bench: IAM roles for the EMR and SageMaker platform.
    variable "prefix" {
      type    = string
      default = "platform-"
    }

    variable "bucket_prefix" {
      type        = string
      description = "Prefix of the teams' data buckets"
      default     = "acme-"
    }

    locals {
      common_tags = {
        managed-by = "terraform"
        repository = "platform/iam"
      }
    }


    """)
    var index = 0
    while out.bytes.count < target {
        terraform(role(index), index, &out)
        index += 1
    }
    return (out.bytes, index)
}

// MARK: Measuring

struct Measurement {
    var name: String
    var bytes: Int
    var nodes: Int
    var documents: Int
    var seconds: [Double]
    var target: Double

    var mbPerSecond: [Double] { seconds.map { Double(bytes) / 1e6 / $0 }.sorted() }
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) / 1e18
}

/// Runs `parse` once to warm up, then `runs` times, timing each.
func measure(_ name: String, bytes: [UInt8], path: String, runs: Int, target: Double,
             parse: (SourceFile) -> (nodes: Int, documents: Int, error: String?)) -> Measurement {
    let file = SourceFile(path: path, bytes: bytes)
    let warm = parse(file)
    if let error = warm.error {
        print("error: \(name) did not parse: \(error)")
        exit(1)
    }
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs {
        let d = clock.measure { _ = parse(file) }
        times.append(seconds(d))
    }
    return Measurement(name: name, bytes: bytes.count, nodes: warm.nodes, documents: warm.documents, seconds: times, target: target)
}

func parseJSON(_ file: SourceFile) -> (nodes: Int, documents: Int, error: String?) {
    switch JSONParser.parse(file: file) {
    case .success(let doc): return (doc.nodeCount, 1, nil)
    case .failure(let e): return (0, 0, "\(e.message) at byte \(e.offset)")
    }
}

func parseYAML(_ file: SourceFile) -> (nodes: Int, documents: Int, error: String?) {
    let r = YAMLLoader.parse(file: file)
    if let e = r.error { return (0, 0, "\(e.message) at byte \(e.offset)") }
    return (r.documents.reduce(0) { $0 + $1.nodeCount }, r.documents.count, nil)
}

func parseHCL(_ file: SourceFile) -> (nodes: Int, documents: Int, error: String?) {
    switch HCLParser.parse(file) {
    case .success(let h):
        // Blocks and attributes (expressions are not counted, to keep the count out of the timing).
        var count = 0
        var bodies = [h.body]
        while let b = bodies.popLast() {
            count += b.attributes.count + b.blocks.count
            bodies.append(contentsOf: b.blocks.map(\.body))
        }
        return (count, 1, nil)
    case .failure(let e): return (0, 0, "\(e.message) at byte \(e.offset)")
    }
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return right ? fill + s : s + fill
}

func fixed(_ x: Double, _ digits: Int = 1) -> String {
    let scale = Double((0..<digits).reduce(1) { r, _ in r * 10 })
    let v = (x * scale).rounded() / scale
    var s = String(v)
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
    }
    return s
}

func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (k, ch) in s.enumerated() {
        if k > 0 && (s.count - k) % 3 == 0 { out += "," }
        out.append(ch)
    }
    return out
}

// MARK: Main

var runs = 7
var writeFolder: String?
var only: String?
var evaluationsPerRun = 250_000
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    if arg == "--runs", let n = args.popFirst().flatMap({ Int($0) }), n > 0 {
        runs = n
    } else if arg == "--write", let folder = args.popFirst() {
        writeFolder = folder
    } else if arg == "--evaluations", let n = args.popFirst().flatMap({ Int($0) }), n > 0 {
        evaluationsPerRun = n
    } else if arg == "--only", let part = args.popFirst(), ["parsers", "evaluator", "hcl"].contains(part) {
        only = part
    } else {
        print("usage: rolecheck-bench [--runs N] [--write FOLDER]")
        print("  --runs N         timed runs per input (default \(runs))")
        print("  --write FOLDER   also save the generated inputs there (to profile the CLI on them)")
        print("  --only PART      parsers, hcl (the Terraform case alone) or evaluator")
        print("  --evaluations N  evaluator requests per timed run (default 250000)")
        exit(arg == "--help" || arg == "-h" ? 0 : 2)
    }
}

func write(_ bytes: [UInt8], to path: String) {
    guard let f = fopen(path, "wb") else {
        print("error: cannot write \(path)")
        exit(1)
    }
    _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
    print("wrote \(path)")
}

if only == "evaluator" {
    evaluatorBenchmark(runs: runs, perRun: evaluationsPerRun)
    exit(0)
}

let clock = ContinuousClock()
let generationStart = clock.now

if only == "hcl" {
    let tf = terraformConfiguration(until: 22_000_000)
    if let folder = writeFolder { write(tf.bytes, to: folder + "/main.tf") }
    print("rolecheck-bench: generated \(tf.roles) roles (Terraform) in \(fixed(seconds(clock.now - generationStart), 2)) s")
    let m = measure("HCL, Terraform (.tf)", bytes: tf.bytes, path: "main.tf", runs: runs, target: 100, parse: parseHCL)
    let mbs = m.mbPerSecond
    print("HCL, Terraform (.tf): \(grouped(m.bytes)) bytes, \(grouped(m.nodes)) blocks and attributes, \(fixed(mbs[mbs.count / 2])) MB/s median [\(fixed(mbs.first!)) – \(fixed(mbs.last!))] over \(runs) runs, target ≥ 100  \(mbs[mbs.count / 2] >= 100 ? "ok" : "BELOW")")
    exit(0)
}

let jsonRoles = roles(until: 50_000_000, size: prettySize)
let export = Value.object([
    ("UserDetailList", .array([])),
    ("GroupDetailList", .array([])),
    ("RoleDetailList", .array(jsonRoles.map(authorizationDetails))),
    ("Policies", .array([])),
])
var prettyOut = Output()
JSONPrinter.print(export, indent: 4, &prettyOut)
prettyOut.put(0x0A)
let pretty = prettyOut.bytes
var minifiedOut = Output()
JSONPrinter.print(export, indent: nil, &minifiedOut)
let minified = minifiedOut.bytes

let yamlRoles = roles(until: 20_000_000, size: yamlSize)
let template = Value.object([
    ("AWSTemplateFormatVersion", .string("2010-09-09")),
    ("Description", .string("IAM roles for the EMR and SageMaker platform")),
    ("Resources", .object(yamlRoles.map { (logicalId($0), cloudFormation($0)) })),
])
let yaml = YAMLPrinter.document(template)
let tf = terraformConfiguration(until: 22_000_000)

if let folder = writeFolder {
    write(pretty, to: folder + "/authorization-details.json")
    write(minified, to: folder + "/authorization-details.min.json")
    write(yaml, to: folder + "/template.yaml")
    write(tf.bytes, to: folder + "/main.tf")
}

print("rolecheck-bench: generated \(jsonRoles.count) roles (JSON), \(yamlRoles.count) roles (YAML) and \(tf.roles) roles (Terraform) in \(fixed(seconds(clock.now - generationStart), 2)) s")
print("MB = 10^6 bytes; \(runs) timed runs after one warm-up; MB/s as median [min – max]")
print("")

let results = [
    measure("JSON, pretty (AWS CLI)", bytes: pretty, path: "authorization-details.json", runs: runs, target: 200, parse: parseJSON),
    measure("JSON, minified", bytes: minified, path: "authorization-details.min.json", runs: runs, target: 200, parse: parseJSON),
    measure("YAML, block (CloudFormation)", bytes: yaml, path: "template.yaml", runs: runs, target: 30, parse: parseYAML),
    measure("HCL, Terraform (.tf)", bytes: tf.bytes, path: "main.tf", runs: runs, target: 100, parse: parseHCL),
]

print(pad("input", 30) + pad("bytes", 13, right: true) + pad("nodes", 12, right: true) + pad("MB/s", 9, right: true)
      + "  " + pad("[min – max]", 18) + pad("target", 8, right: true))
for m in results {
    let mbs = m.mbPerSecond
    let median = mbs[mbs.count / 2]
    let status = median >= m.target ? "ok" : "BELOW"
    print(pad(m.name, 30) + pad(grouped(m.bytes), 13, right: true) + pad(grouped(m.nodes), 12, right: true)
          + pad(fixed(median), 9, right: true) + "  " + pad("[\(fixed(mbs.first!)) – \(fixed(mbs.last!))]", 18)
          + pad("≥ \(Int(m.target))", 8, right: true) + "  " + status)
}

// MARK: Evaluator throughput

/// Typical runtime-role questions: the instance-profile role assuming and tagging runtime roles
/// under a three-statement trust policy (source identity and a Lake Formation session tag), and a
/// Studio role asking for cluster credentials under an ExecutionRoleArn condition. Evaluated on
/// one thread; reports request evaluations per second.
func evaluatorBenchmark(runs: Int, perRun: Int) {
    let trustJSON = """
    {"Version": "2012-10-17", "Statement": [
      {"Sid": "AllowAssumeRole", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole"}, "Action": "sts:AssumeRole"},
      {"Sid": "AllowSetSourceIdentity", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole"}, "Action": "sts:SetSourceIdentity"},
      {"Sid": "AllowTagSession", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole"}, "Action": "sts:TagSession",
       "Condition": {"StringEquals": {"aws:RequestTag/LakeFormationAuthorizedCaller": "Amazon EMR"}}}
    ]}
    """
    let identityJSON = """
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "elasticmapreduce:GetClusterSessionCredentials", "Resource": "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/*",
       "Condition": {"ArnLike": {"elasticmapreduce:ExecutionRoleArn": ["arn:aws:iam::111122223333:role/emr-runtime-ml-*", "arn:aws:iam::111122223333:role/emr-runtime-bi-*"]}}},
      {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}}
    ]}
    """
    func policy(_ text: String, _ kind: PolicyKind) -> PolicyDocument {
        guard case .success(let doc) = JSONParser.parse(file: SourceFile(path: "bench.json", text: text)) else {
            print("error: benchmark policy does not parse")
            exit(1)
        }
        return PolicyDocument.parse(doc.root, kind: kind, label: "bench")
    }
    let trust = PolicySet(resource: policy(trustJSON, .trust))
    let identity = PolicySet(identity: [policy(identityJSON, .identity)])
    let runtimeRole = "arn:aws:iam::111122223333:role/emr-runtime-ml-analyst"
    let instanceRole = "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole"
    let tag = RequestContext([("aws:RequestTag/LakeFormationAuthorizedCaller", "Amazon EMR")])
    let credentials = RequestContext([("elasticmapreduce:ExecutionRoleArn", runtimeRole), ("aws:SourceIp", "10.1.2.3")])
    let questions: [(AccessRequest, PolicySet)] = [
        (AccessRequest(principal: instanceRole, action: "sts:AssumeRole", resource: runtimeRole), trust),
        (AccessRequest(principal: instanceRole, action: "sts:TagSession", resource: runtimeRole, context: tag), trust),
        (AccessRequest(principal: "arn:aws:iam::111122223333:role/other", action: "sts:AssumeRole", resource: runtimeRole), trust),
        (AccessRequest(principal: "arn:aws:sts::111122223333:assumed-role/studio-execution-role/alice",
                       action: "elasticmapreduce:GetClusterSessionCredentials",
                       resource: "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-2AXXXXXXGAPLF", context: credentials), identity),
    ]
    var allowed = 0
    var rates: [Double] = []
    let clock = ContinuousClock()
    for run in 0...runs {
        let d = clock.measure {
            for i in 0..<perRun {
                let (request, policies) = questions[i & 3]
                if Evaluator.evaluate(request, policies).allowed { allowed += 1 }
            }
        }
        if run > 0 { rates.append(Double(perRun) / seconds(d)) } // run 0 warms up
    }
    rates.sort()
    print("")
    print("evaluator: \(grouped(perRun)) evaluations per run (4 questions: trust AssumeRole/TagSession with a condition, a denied principal, GetClusterSessionCredentials with ArnLike and NotIpAddress); \(allowed / (runs + 1)) allowed per run")
    print("evaluations/s median \(grouped(Int(rates[rates.count / 2]))) [\(grouped(Int(rates.first!))) – \(grouped(Int(rates.last!)))], target ≥ 1,000,000  \(rates[rates.count / 2] >= 1_000_000 ? "ok" : "BELOW")")
}

if only == nil { evaluatorBenchmark(runs: runs, perRun: evaluationsPerRun) }
