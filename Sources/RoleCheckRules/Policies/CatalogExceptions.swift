import RoleCheckIAM

/// Where AWS's real authorisation accepts resources that the Service Authorization Reference (the
/// embedded catalog) does not list for an action. Curated, each with its source; RC108 does not
/// report a statement these cover.
enum CatalogExceptions {
    /// Whether a statement's resources reach an action by one of the exceptions.
    static func accepts(_ action: String, typeless: Bool, _ resources: [PolicyValue]) -> Bool {
        let a = Wildcard.asciiLowered(action)
        // CloudWatch Logs: the reference gives PutLogEvents, CreateLogStream, GetLogEvents … the
        // log-stream resource type only, but CloudWatch Logs authorises them on the log group's
        // ARN (`…:log-group:NAME` or `…:log-group:NAME:*`), as its own IAM guide and the AWS
        // managed policies for EMR and SageMaker write them.
        // Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html
        if a.hasPrefix("logs:"), resources.contains(where: { Self.isLogGroupArn($0.text) }) { return true }
        // S3 account-level actions (s3:ListAllMyBuckets …) take no resource type ("Resource": "*"),
        // and AWS's own guides write them with `arn:aws:s3:::*`, which matches every S3 request.
        // Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-policies-s3.html
        if a.hasPrefix("s3:"), typeless, resources.contains(where: { Wildcard.matches($0.text, "arn:aws:s3:::*") && $0.text.hasSuffix(":::*") }) {
            return true
        }
        return false
    }

    static func isLogGroupArn(_ text: String) -> Bool {
        guard let arn = ARN(text), Wildcard.asciiLowered(arn.service) == "logs" else { return false }
        return arn.resource.hasPrefix("log-group:")
    }
}

/// Services AWS has retired: their prefixes are gone from the Service Authorization Reference, so
/// the catalog does not know them, but they are old, not newer than the catalog. AWS-managed
/// policies written before the retirement still name them. Curated, each with its source.
enum RetiredServices {
    struct Entry {
        let prefix: String
        let name: String
        /// When it ended, where the source gives a date.
        let ended: String?
        let source: String
    }

    static let all: [Entry] = [
        Entry(prefix: "elastic-inference", name: "Amazon Elastic Inference", ended: nil,
              source: "https://docs.aws.amazon.com/cli/latest/reference/elastic-inference/index.html"),
        Entry(prefix: "iot1click", name: "AWS IoT 1-Click", ended: "16 December 2024",
              source: "https://docs.aws.amazon.com/iot-1-click/latest/developerguide/doc-history.html"),
        Entry(prefix: "zocalo", name: "Amazon WorkDocs (its original IAM prefix)", ended: "25 April 2025",
              source: "https://docs.aws.amazon.com/workdocs/latest/APIReference/Welcome.html"),
    ]

    static func entry(_ prefix: String) -> Entry? {
        let p = Wildcard.asciiLowered(prefix)
        return all.first { $0.prefix == p }
    }
}
