import RoleCheckKit
import FuzzSupport

// The YAML loader (libyaml events → positioned tree) on arbitrary bytes, under tighter limits so
// that alias expansion and nesting are explored at their edges rather than timing out.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(path: "fuzz.yaml", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    var limits = ParseLimits()
    limits.maxAliasExpansion = 20_000
    limits.maxDocumentsPerStream = 200
    let result = YAMLLoader.parse(file: file, limits: limits)
    for document in result.documents {
        FuzzChecks.walk(document.root, in: file)
    }
    if let error = result.error {
        FuzzChecks.error(error, in: file)
    }
    let again = YAMLLoader.parse(file: file, limits: limits)
    if again.documents.count != result.documents.count || (again.error == nil) != (result.error == nil) {
        fatalError("a second load of the same bytes gave a different result")
    }
    return 0
}
