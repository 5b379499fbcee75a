import RoleCheckKit
import FuzzSupport

// The HCL parser (Terraform's .tf) on arbitrary bytes, plain and with recovery, under a lower
// nesting limit so that the limits are explored at their edges. Besides "no crash, no sanitizer
// report", every range of the tree must lie inside the file and inside the range of what holds it,
// every literal's map must land inside its range, and a parse must be repeatable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHCL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(path: "fuzz.tf", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    var limits = ParseLimits()
    limits.maxDepth = 48
    let first = HCLParser.parse(file, limits: limits)
    switch first {
    case .success(let parsed):
        let count = FuzzChecks.walk(parsed, in: file)
        guard case .success(let again) = HCLParser.parse(file, limits: limits), FuzzChecks.walk(again, in: file) == count else {
            fatalError("a second parse of the same bytes gave a different tree")
        }
    case .failure(let error):
        FuzzChecks.error(error, in: file)
    }
    let recovered = HCLParser.parseRecovering(file, limits: limits)
    _ = FuzzChecks.walk(recovered.file, in: file)
    for error in recovered.errors { FuzzChecks.error(error, in: file) }
    switch first {
    case .success: if !recovered.errors.isEmpty { fatalError("recovery found errors in a file that parses") }
    case .failure(let e): if recovered.errors.first != e { fatalError("recovery's first error is not the parse's") }
    }
    return 0
}
