import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Our own entry point, so that usage errors exit with 2 (ArgumentParser's default is 64).
do {
    var command = try RoleCheckCommand.parseAsRoot()
    try command.run()
    exit(Exit.clean)
} catch let failure as UsageFailure {
    Terminal.writeError("rolecheck: error: \(failure.description)\n")
    exit(Exit.usage)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let code = RoleCheckCommand.exitCode(for: error)
    if code == .success {
        // --help and --version.
        Terminal.writeOutput(RoleCheckCommand.fullMessage(for: error) + "\n")
        exit(Exit.clean)
    }
    Terminal.writeError(RoleCheckCommand.fullMessage(for: error) + "\n")
    exit(Exit.usage)
}
