import ArgumentParser
import RoleCheckKit
import RoleCheckCollect

/// `rolecheck catalog update`: a newer IAM catalog, fetched from AWS, for `--catalog DIR`.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Fetch a current IAM catalog from AWS, for lint --catalog and simulate --catalog.",
        subcommands: [Update.self]
    )

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch AWS's service reference information and write it as an IAM catalog directory.",
            discussion: """
            Reads the service list (default \(CatalogUpdate.defaultSource)), then every service's \
            file, and writes DIR/\(CatalogUpdate.fileName), dated today (UTC; SOURCE_DATE_EPOCH if \
            set). --source may also be a file:// URL or path of a service list, or a directory that \
            holds service-list.json. Nothing is written unless every service was read. \
            Exit codes: 0 written; 2 usage error or output not writable; 3 the source could not be \
            read (unreachable, HTTP error, time-out); 4 the source's data is malformed or too large.
            """
        )

        @Option(help: ArgumentHelp("The service list: an http(s) or file:// URL, a file, or a directory holding service-list.json.", valueName: "url"))
        var source: String = CatalogUpdate.defaultSource

        @Option(help: ArgumentHelp("The directory to write \(CatalogUpdate.fileName) into (created if missing).", valueName: "dir"))
        var output: String

        @Option(help: "Requests made at once.")
        var jobs: Int = 8

        @Option(help: ArgumentHelp("Seconds to wait for a server to connect or send more.", valueName: "seconds"))
        var timeout: Double = 30

        @Option(name: .customLong("max-file-size"), help: ArgumentHelp("The largest file accepted, in bytes.", valueName: "bytes"))
        var maxFileSize: Int = 32 << 20

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        func validate() throws {
            if output.isEmpty { throw ValidationError("--output needs a directory") }
            if jobs < 1 || jobs > 64 { throw ValidationError("--jobs must be between 1 and 64") }
            if !(timeout >= 1 && timeout <= 600) { throw ValidationError("--timeout must be between 1 and 600 seconds") }
            if maxFileSize < 1024 || maxFileSize > 1 << 30 { throw ValidationError("--max-file-size must be between 1024 and \(1 << 30) bytes") }
        }

        func run() throws {
            let date: String
            switch CatalogUpdate.today() {
            case .success(let d): date = d
            case .failure(let f): throw UsageFailure(description: f.description)
            }
            var options = CatalogUpdate.Options(output: output, date: date)
            options.source = source
            options.jobs = jobs
            options.timeout = timeout
            options.maxFileSize = maxFileSize
            options.userAgent = "rolecheck/\(RoleCheck.version) (catalog update)"
            let showProgress = !quiet && Terminal.isTerminal(2)
            let outcome: CatalogUpdate.Outcome
            do {
                outcome = try CatalogUpdate(options: options).run { done, total in
                    if showProgress { Terminal.writeError("\r\u{1B}[2Kcatalog: \(done)/\(total) services") }
                }
            } catch let f as CatalogUpdate.Failure {
                if showProgress { Terminal.writeError("\r\u{1B}[2K") }
                Terminal.writeError("rolecheck: error: \(f.description)\n")
                switch f.kind {
                case .usage, .output: throw ExitCode(Exit.usage)
                case .network: throw ExitCode(3)
                case .data: throw ExitCode(4)
                }
            }
            if showProgress { Terminal.writeError("\r\u{1B}[2K") }
            for t in outcome.unknownTypes {
                Terminal.writeError("rolecheck: warning: condition key \(t), which this rolecheck does not know; the key is kept without a type\n")
            }
            if !quiet {
                let c = outcome.counts
                Terminal.writeOutput("wrote \(outcome.path): \(c.services) services, \(c.actions) actions, \(c.resources) resource types, "
                    + "\(c.keys) condition keys (AWS service reference, \(source), data of \(date)); use it with --catalog \(output)\n")
            }
        }
    }
}
