import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// Helpers shared by the reporters.
enum ReportSupport {
    /// `1 error`, `2 errors`, `0 notes`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// `3 errors, 1 warning, 0 notes in 4 files (5 documents)`, or
    /// `no findings in 4 files (5 documents)`.
    static func summaryLine(_ report: LintReport) -> String {
        let scope = "in \(count(report.files.count, "file")) (\(count(report.documentCount, "document")))"
        if report.findings.isEmpty { return "no findings \(scope)" }
        return "\(count(report.count(.error), "error")), \(count(report.count(.warning), "warning")), "
            + "\(count(report.count(.note), "note")) \(scope)"
    }

    /// The line that names a `--catalog` overlay (`IAM catalog: DIR (…), over the embedded one of
    /// DATE`), printed after the summary; nil for the embedded catalog, which `--version` states.
    static func catalogLine(_ report: LintReport) -> String? {
        report.catalog.info.directory == nil ? nil : CatalogDirectory.describe(report.catalog)
    }

    /// The catalog as reports write it (`CatalogDirectory.jsonValue`).
    static func catalogValue(_ catalog: IAMCatalog) -> JSONValue { CatalogDirectory.jsonValue(catalog) }

    /// `path:line:col`.
    static func position(_ location: Location) -> String {
        "\(location.file):\(location.range.start.line):\(location.range.start.column)"
    }

    /// `path:line:col: severity[RCnnn]: message`, made safe for a terminal or a CI log.
    static func plainLine(_ finding: Finding) -> String {
        "\(escapeForLog(position(finding.location))): \(finding.severity.rawValue)[\(finding.ruleId)]: \(escapeForLog(finding.message))"
    }

    /// Whether showing `u` raw could move the cursor, recolour the terminal or reorder text:
    /// C0 and C1 controls, DEL, and the bidirectional embedding/override/isolate controls.
    static func isUnsafeForDisplay(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Text from the input (paths, messages quoting keys) made safe for one log line:
    /// line breaks become `\n` / `\r`, tabs are kept, other unsafe characters become `\u{XX}`.
    static func escapeForLog(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 != "\t" && isUnsafeForDisplay($0) }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\t": out += "\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where isUnsafeForDisplay(u): out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A finding's path as CI systems want it, relative to the repository: without leading `./`,
    /// and, when it is absolute and below `root` (the working directory), relative to `root`.
    /// Other absolute paths are kept as they are. Compared byte by byte, so no Unicode
    /// normalisation changes a path.
    static func repositoryPath(_ path: String, root: String?) -> String {
        let p = strippingDotSlash(path)
        guard p.hasPrefix("/"), var r = root, r.hasPrefix("/") else { return p }
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        let prefix = Array((r == "/" ? "/" : r + "/").utf8)
        let bytes = Array(p.utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return p }
        return String(decoding: bytes[prefix.count...], as: UTF8.self)
    }

    /// A path as a repository-relative path: without leading `./` (any number of them).
    static func strippingDotSlash(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("./") {
            p = p.dropFirst(2)
            while p.hasPrefix("/") { p = p.dropFirst() }
        }
        return p.isEmpty ? path : String(p)
    }
}
