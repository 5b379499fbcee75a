import Foundation
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckModel

extension Collector {
    /// The service control policies and resource control policies on each account's path to
    /// the organisation's root, read with the first identity (the management account or a
    /// delegated administrator can). Written per account as `organization-policies.json`, root
    /// first, only when the whole path was read: a level left out would change the verdict.
    func collectOrganizationPolicies(_ accounts: [Account]) {
        let first = accounts[0]
        guard let org = call(["organizations", "describe-organization"], region: nil, account: nil, identity: first.identity)?["Organization"] else { return }
        let orgId = org["Id"]?.string
        let management = org["MasterAccountId"]?.string
        // The members, for aws:PrincipalOrgID (every page: the CLI follows NextToken).
        let members = call(["organizations", "list-accounts"], region: nil, account: nil, identity: first.identity)?["Accounts"]?
            .elements.compactMap { $0["Id"]?.string }.sorted()
        var described: [String: Node] = [:]
        // The policies of a level (the root, an OU) that several accounts share are listed once.
        var listed: [String: String] = [:]
        var parents: [String: (id: String, type: String)] = [:]
        for a in accounts {
            var targets: [(id: String, type: String)] = [(a.id, "ACCOUNT")]
            var child = a.id
            var complete = true
            for _ in 0..<8 {
                if let known = parents[child] {
                    targets.append(known)
                    if known.type == "ROOT" { break }
                    child = known.id
                    continue
                }
                guard let out = call(["organizations", "list-parents", "--child-id", child], region: nil, account: a, identity: first.identity),
                      let parent = out["Parents"]?.elements.first, let id = parent["Id"]?.string else { complete = false; break }
                let type = parent["Type"]?.string ?? "ORGANIZATIONAL_UNIT"
                parents[child] = (id, type)
                targets.append((id, type))
                if type == "ROOT" { break }
                child = id
            }
            guard complete, targets.last?.type == "ROOT" else { continue }
            var levels: [String] = []
            for target in targets.reversed() {
                var lists: [String] = []
                for filter in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] {
                    if let list = listed[target.id + "|" + filter] { lists.append(list); continue }
                    guard let out = call(["organizations", "list-policies-for-target", "--target-id", target.id, "--filter", filter],
                                         region: nil, account: a, identity: first.identity) else {
                        // RCPs are newer than SCPs: an organisation (or an emulator) without them has none.
                        if filter == "RESOURCE_CONTROL_POLICY" { lists.append("[]"); continue }
                        complete = false; break
                    }
                    var entries: [String] = []
                    for p in out["Policies"]?.elements ?? [] {
                        guard let id = p["Id"]?.string else { continue }
                        let policy: Node?
                        if let cached = described[id] { policy = cached } else {
                            policy = call(["organizations", "describe-policy", "--policy-id", id], region: nil, account: a, identity: first.identity)?["Policy"]
                            if let policy { described[id] = policy }
                        }
                        guard let policy, let content = policy["Content"]?.string else { complete = false; continue }
                        let name = policy["PolicySummary"]?["Name"]?.string ?? id
                        entries.append("{\"Id\": \(JSONText.quoted(id)), \"Name\": \(JSONText.quoted(name)), \"Content\": \(JSONText.quoted(content))}")
                    }
                    let list = "[" + entries.joined(separator: ", ") + "]"
                    if complete { listed[target.id + "|" + filter] = list }
                    lists.append(list)
                }
                guard complete, lists.count == 2 else { break }
                levels.append("    {\"Target\": \(JSONText.quoted(target.id)), \"Type\": \(JSONText.quoted(target.type)),\n"
                              + "     \"ServiceControlPolicies\": \(lists[0]),\n     \"ResourceControlPolicies\": \(lists[1])}")
            }
            guard complete else { continue }
            var header = "\"Account\": \(JSONText.quoted(a.id))"
            if let orgId { header += ", \"OrganizationId\": \(JSONText.quoted(orgId))" }
            if let management { header += ", \"ManagementAccount\": \(JSONText.quoted(management))" }
            if let members { header += ",\n  \"Accounts\": [" + members.map(JSONText.quoted).joined(separator: ", ") + "]" }
            let text = "{\"OrganizationPolicies\": {\(header),\n  \"Levels\": [\n" + levels.joined(separator: ",\n") + "\n]}}\n"
            FileManager.default.createFile(atPath: folder(a) + "/organization-policies.json", contents: Data(text.utf8))
        }
    }

    /// `DIR/manifest.json`: when, as whom, in which Regions, and every call with its outcome.
    func writeManifest(_ result: Result, regions: [String], started: Date) throws {
        let iso = ISO8601DateFormatter()
        var s = "{\"RolecheckCollect\": {\n"
        s += "  \"Version\": \(JSONText.quoted(Collector.toolVersion)),\n"
        s += "  \"Started\": \(JSONText.quoted(iso.string(from: started))),\n"
        s += "  \"Finished\": \(JSONText.quoted(iso.string(from: Date()))),\n"
        s += "  \"Regions\": [" + regions.map(JSONText.quoted).joined(separator: ", ") + "],\n"
        s += "  \"Accounts\": [\n" + result.accounts.map { a in
            "    {\"Account\": \(JSONText.quoted(a.id)), \"Folder\": \(JSONText.quoted(a.folder)), \"Alias\": \(a.alias.map(JSONText.quoted) ?? "null"), "
                + "\"Identity\": \(JSONText.quoted(a.identity.label)), \"Arn\": \(JSONText.quoted(a.arn))}"
        }.joined(separator: ",\n") + "\n  ],\n"
        let sorted = result.calls.enumerated().sorted { x, y in
            let a = x.element, b = y.element
            if (a.account ?? "") != (b.account ?? "") { return (a.account ?? "") < (b.account ?? "") }
            if (a.region ?? "") != (b.region ?? "") { return (a.region ?? "") < (b.region ?? "") }
            if a.command != b.command { return a.command < b.command }
            return x.offset < y.offset
        }.map(\.element)
        s += "  \"Calls\": [\n" + sorted.map { c in
            var fields = ["\"Account\": \(c.account.map(JSONText.quoted) ?? "null")", "\"Region\": \(c.region.map(JSONText.quoted) ?? "null")",
                          "\"Command\": \(JSONText.quoted(c.command))", "\"Status\": \(JSONText.quoted(c.status))"]
            if let m = c.message { fields.append("\"Message\": \(JSONText.quoted(m))") }
            if let f = c.file { fields.append("\"File\": \(JSONText.quoted(f))") }
            return "    {" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",\n") + "\n  ]\n}}\n"
        guard FileManager.default.createFile(atPath: options.output + "/manifest.json", contents: Data(s.utf8)) else {
            throw Failure.output("cannot write \(options.output)/manifest.json")
        }
    }

    /// Set by the CLI to its version.
    nonisolated(unsafe) public static var toolVersion = "rolecheck"
}

/// Progress on standard error: a bar on a terminal, plain lines otherwise.
public final class Progress: @unchecked Sendable {
    let lock = NSLock()
    let isTerminal: Bool
    let quiet: Bool
    var started = 0
    var done = 0
    let write: (String) -> Void

    public init(isTerminal: Bool, quiet: Bool = false, write: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.quiet = quiet
        self.write = write
    }

    func started(_ command: String, account: String?, region: String?) {
        lock.lock(); started += 1; lock.unlock()
    }

    func finished(_ command: String, status: String) {
        lock.lock()
        done += 1
        let (d, s) = (done, started)
        lock.unlock()
        guard !quiet else { return }
        if isTerminal {
            let width = 24
            let filled = s == 0 ? 0 : min(width, width * d / max(s, 1))
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            let text = String(command.prefix(70))
            write("\r\u{1B}[2K[\(bar)] \(d)/\(s) \(text)\(status == "ok" ? "" : " (\(status))")")
        } else {
            write("collect: [\(d)] \(command): \(status)\n")
        }
    }

    func finish(calls: Int, failed: Int) {
        guard !quiet else { return }
        if isTerminal { write("\r\u{1B}[2K") }
        write("collect: \(calls) calls, \(failed) not answered (see manifest.json)\n")
    }
}
