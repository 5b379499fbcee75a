import Foundation
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckModel
import Synchronization

extension Collector {
    /// The service control policies and resource control policies on each account's path to
    /// the organisation's root, read with the first identity (the management account or a
    /// delegated administrator can). Written per account as `organization-policies.json`, root
    /// first, only when the whole path was read: a level left out would change the verdict.
    /// Each step's calls run at once: the members and the accounts' parents, then the OUs'
    /// parents, then each level's policies (a level several accounts share is listed once), then
    /// each policy's content.
    func collectOrganizationPolicies(_ accounts: [Account]) {
        let first = accounts[0], identity = first.identity
        guard let org = call(["organizations", "describe-organization"], region: nil, account: nil, identity: identity)?["Organization"] else { return }
        let orgId = org["Id"]?.string
        let management = org["MasterAccountId"]?.string

        // Each account's path to the root: child → parent. A call is recorded under the first
        // account whose path needs it.
        let members = Mutex<[String]?>(nil)
        var parents: [String: (id: String, type: String)] = [:]
        var owner = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var children = accounts.map(\.id)
        for depth in 0..<8 where !children.isEmpty {
            let ask = children, whose = owner
            let found = map(depth == 0 ? [""] + ask : ask) { child -> (id: String, type: String)? in
                if child.isEmpty {
                    // The members, for aws:PrincipalOrgID (every page: the CLI follows NextToken).
                    let ids = self.call(["organizations", "list-accounts"], region: nil, account: nil, identity: identity)?["Accounts"]?
                        .elements.compactMap { $0["Id"]?.string }.sorted()
                    members.withLock { $0 = ids }
                    return nil
                }
                guard let out = self.call(["organizations", "list-parents", "--child-id", child], region: nil, account: whose[child],
                                          identity: identity),
                      let parent = out["Parents"]?.elements.first, let id = parent["Id"]?.string else { return nil }
                return (id, parent["Type"]?.string ?? "ORGANIZATIONAL_UNIT")
            }
            children = []
            for (child, parent) in zip(ask, depth == 0 ? Array(found.dropFirst()) : found) {
                guard let parent else { continue }
                parents[child] = parent
                if parent.type != "ROOT" && parents[parent.id] == nil && !children.contains(parent.id) {
                    children.append(parent.id)
                    owner[parent.id] = owner[child]
                }
            }
        }
        // The paths that reach the root, root first.
        var paths: [(account: Account, levels: [(id: String, type: String)])] = []
        for a in accounts {
            var levels: [(id: String, type: String)] = [(a.id, "ACCOUNT")]
            while let last = levels.last, last.type != "ROOT", let parent = parents[last.id], levels.count <= 8 { levels.append(parent) }
            if levels.last?.type == "ROOT" { paths.append((a, levels.reversed())) }
        }

        // Each level's SCPs and RCPs, listed once.
        var lists: [(target: String, filter: String, account: Account)] = []
        for (a, levels) in paths {
            for level in levels {
                for filter in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] where !lists.contains(where: { $0.target == level.id && $0.filter == filter }) {
                    lists.append((level.id, filter, a))
                }
            }
        }
        let listed = map(lists) { target, filter, a -> [String]? in
            self.call(["organizations", "list-policies-for-target", "--target-id", target, "--filter", filter], region: nil, account: a,
                      identity: identity)?["Policies"]?.elements.compactMap { $0["Id"]?.string }
        }
        var policyIds: [String: [String]] = [:]
        for (list, ids) in zip(lists, listed) {
            // RCPs are newer than SCPs: an organisation (or an emulator) without them has none.
            if let ids { policyIds[list.target + "|" + list.filter] = ids } else if list.filter == "RESOURCE_CONTROL_POLICY" {
                policyIds[list.target + "|" + list.filter] = []
            }
        }

        // Each policy's name and content, read once.
        var wanted: [(id: String, account: Account)] = []
        for (list, ids) in zip(lists, listed) {
            for id in ids ?? [] where !wanted.contains(where: { $0.id == id }) { wanted.append((id, list.account)) }
        }
        let described = map(wanted) { id, a -> (name: String, content: String)? in
            guard let policy = self.call(["organizations", "describe-policy", "--policy-id", id], region: nil, account: a,
                                         identity: identity)?["Policy"],
                  let content = policy["Content"]?.string else { return nil }
            return (policy["PolicySummary"]?["Name"]?.string ?? id, content)
        }
        var contents: [String: (name: String, content: String)] = [:]
        for (w, d) in zip(wanted, described) { if let d { contents[w.id] = d } }

        for (a, levels) in paths {
            var written: [String] = []
            for level in levels {
                var both: [String] = []
                for filter in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] {
                    guard let ids = policyIds[level.id + "|" + filter] else { break }
                    let entries = ids.compactMap { id in
                        contents[id].map { "{\"Id\": \(JSONText.quoted(id)), \"Name\": \(JSONText.quoted($0.name)), \"Content\": \(JSONText.quoted($0.content))}" }
                    }
                    guard entries.count == ids.count else { break }
                    both.append("[" + entries.joined(separator: ", ") + "]")
                }
                guard both.count == 2 else { break }
                written.append("    {\"Target\": \(JSONText.quoted(level.id)), \"Type\": \(JSONText.quoted(level.type)),\n"
                               + "     \"ServiceControlPolicies\": \(both[0]),\n     \"ResourceControlPolicies\": \(both[1])}")
            }
            guard written.count == levels.count else { continue }
            var header = "\"Account\": \(JSONText.quoted(a.id))"
            if let orgId { header += ", \"OrganizationId\": \(JSONText.quoted(orgId))" }
            if let management { header += ", \"ManagementAccount\": \(JSONText.quoted(management))" }
            if let members = members.withLock({ $0 }) { header += ",\n  \"Accounts\": [" + members.map(JSONText.quoted).joined(separator: ", ") + "]" }
            let text = "{\"OrganizationPolicies\": {\(header),\n  \"Levels\": [\n" + written.joined(separator: ",\n") + "\n]}}\n"
            _ = FileManager.default.createFile(atPath: folder(a) + "/organization-policies.json", contents: Data(text.utf8))
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
