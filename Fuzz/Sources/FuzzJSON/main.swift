import RoleCheckKit
import FuzzSupport

// The strict JSON parser on arbitrary bytes. Besides "no crash, no sanitizer report", it checks
// that every node and every error points inside the file, and that a parse is repeatable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(path: "fuzz.json", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let first = JSONParser.parse(file: file)
    switch first {
    case .success(let document):
        FuzzChecks.walk(document.root, in: file)
        guard case .success(let again) = JSONParser.parse(file: file), again.nodeCount == document.nodeCount else {
            fatalError("a second parse of the same bytes gave a different tree")
        }
    case .failure(let error):
        FuzzChecks.error(error, in: file)
    }
    return 0
}
