import Foundation

/// Runs the user's own AWS CLI (`aws`), which knows their profiles, SSO sessions and role
/// chaining. rolecheck never sees a secret except the temporary credentials of a role it assumes
/// for `--role-arn`, which it passes to the CLI in the environment and never writes anywhere.
public struct AWSCLI: Sendable {
    /// How a call went.
    public enum Outcome: Sendable {
        case ok([UInt8])
        /// The identity may not make the call.
        case denied(String)
        /// The API does not exist here (an old CLI, a Region without the service, an emulator
        /// that lacks it).
        case unsupported(String)
        case failed(String)

        public var status: String {
            switch self {
            case .ok: "ok"
            case .denied: "access-denied"
            case .unsupported: "not-supported"
            case .failed: "failed"
            }
        }

        public var message: String? {
            switch self {
            case .ok: nil
            case .denied(let m), .unsupported(let m), .failed(let m): m
            }
        }
    }

    /// Whose credentials a call uses.
    public enum Identity: Sendable, Equatable {
        /// The CLI's default credential chain.
        case defaultChain
        /// A named profile (`--profile`).
        case profile(String)
        /// Temporary credentials of an assumed role (kept in memory only).
        case session(accessKeyId: String, secretAccessKey: String, sessionToken: String, label: String)

        public var label: String {
            switch self {
            case .defaultChain: "default credentials"
            case .profile(let p): "profile \(p)"
            case .session(_, _, _, let label): label
            }
        }
    }

    public let executable: String
    /// Seconds before a call is abandoned.
    public var timeout: Double = 300

    public init(executable: String) {
        self.executable = executable
    }

    /// `aws ARGS --output json [--region R]`, as `identity`.
    public func run(_ args: [String], region: String?, as identity: Identity) -> Outcome {
        var arguments = args + ["--output", "json"]
        if let region { arguments += ["--region", region] }
        var environment = ProcessInfo.processInfo.environment
        // The CLI must not page or prompt.
        environment["AWS_PAGER"] = ""
        environment["AWS_CLI_AUTO_PROMPT"] = "off"
        switch identity {
        case .defaultChain:
            break
        case .profile(let p):
            arguments += ["--profile", p]
            // A profile given on the command line wins over credentials in the environment.
            for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] { environment[key] = nil }
        case .session(let id, let secret, let token, _):
            environment["AWS_ACCESS_KEY_ID"] = id
            environment["AWS_SECRET_ACCESS_KEY"] = secret
            environment["AWS_SESSION_TOKEN"] = token
            environment["AWS_PROFILE"] = nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failed("cannot run \(executable): \(error.localizedDescription)")
        }
        // Read both pipes while the process runs (a full pipe would block it).
        let group = DispatchGroup()
        nonisolated(unsafe) var stdout = Data(), stderr = Data()
        group.enter()
        DispatchQueue.global().async { stdout = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { stderr = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = group.wait(timeout: .now() + 5)
            return .failed("timed out after \(Int(timeout)) s")
        }
        process.waitUntilExit()
        if process.terminationStatus == 0 { return .ok([UInt8](stdout)) }
        return Self.classify(String(decoding: stderr, as: UTF8.self), status: process.terminationStatus)
    }

    /// Sorts a failed call by what its error says.
    static func classify(_ stderr: String, status: Int32) -> Outcome {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let message = String(summary(text, status: status).prefix(500))
        let denied = ["AccessDenied", "UnauthorizedOperation", "is not authorized to perform", "AuthorizationError",
                      "UnrecognizedClientException", "AccessDeniedException", "not authorized"]
        if denied.contains(where: { text.contains($0) }) { return .denied(message) }
        let unsupported = ["Invalid choice", "invalid choice", "UnknownOperation", "NotImplemented", "not yet implemented",
                           "internal error", "InternalFailure", "Could not connect to the endpoint URL", "UnsupportedOperation",
                           "AWSOrganizationsNotInUseException"]
        if unsupported.contains(where: { text.contains($0) }) { return .unsupported(message) }
        return .failed(message)
    }

    /// The line of the CLI's error that says what happened: its own "An error occurred (…) when
    /// calling …" line, else the line that names an operation it does not know ("Invalid choice:
    /// 'x', maybe you meant:"), else its first "error:" line, else the last non-empty line. A body that a server (or an emulator) sent in
    /// XML or HTML instead of an AWS JSON error is replaced by what it says: its Code and Message,
    /// or the page's title.
    static func summary(_ text: String, status: Int32) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard var line = lines.last(where: { $0.contains("An error occurred") }) ?? lines.first(where: { $0.hasPrefix("Invalid choice:") })
                ?? lines.first(where: { $0.contains("error:") }) ?? lines.last else { return "exit status \(status)" }
        func element(_ name: String) -> String? {
            guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
            return text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let markup = ["<?xml", "<!doctype", "<html"].compactMap({ line.range(of: $0, options: .caseInsensitive) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            line = String(line[..<markup.lowerBound]).trimmingCharacters(in: .whitespaces)
            let said = [element("Code"), element("Message")].compactMap { $0 }.filter { !$0.isEmpty }
            if !said.isEmpty {
                line += " " + said.joined(separator: ": ")
            } else if let title = element("title") {
                line += " " + title
            }
        }
        return line
    }
}
