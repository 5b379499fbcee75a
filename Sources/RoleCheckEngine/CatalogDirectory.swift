import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// A catalog directory (`rolecheck catalog update --output DIR` writes one): `DIR/iam-catalog.txt`,
/// laid over the embedded catalog by `lint --catalog DIR`, `simulate --catalog DIR` and the
/// configuration's `catalog`. Never read unless named, so a run's result depends only on what it
/// is given.
public enum CatalogDirectory {
    /// The catalog file inside the directory.
    public static let fileName = "iam-catalog.txt"
    /// The largest catalog file read (today's AWS data makes about 1 MB).
    public static let maxFileSize = 64 << 20

    /// Why a catalog directory cannot be used (exit code 2).
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The catalog of `directory` laid over `base`. `option` names where the directory was given
    /// (`--catalog`, or the configuration file's position), for messages.
    public static func load(_ directory: String, option: String = "--catalog",
                            over base: IAMCatalog = .shared) -> Result<IAMCatalog, LoadError> {
        guard Inputs.isDirectory(directory) else {
            let what = Inputs.isFile(directory) ? "is a file, not a catalog directory" : "no such directory"
            return .failure(LoadError(message: "\(option) \(directory): \(what) (rolecheck catalog update --output DIR writes one)"))
        }
        let path = (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + "/" + fileName
        guard Inputs.isFile(path) else {
            return .failure(LoadError(message: "\(option) \(directory): it holds no \(fileName) (rolecheck catalog update --output \(directory) writes it)"))
        }
        switch Inputs.read(path, limit: maxFileSize) {
        case .failure(let e):
            return .failure(LoadError(message: "\(option) \(directory): \(e.description)"))
        case .success(.tooLarge(let size)):
            return .failure(LoadError(message: "\(option) \(directory): \(path) is \(size) bytes, over the \(maxFileSize)-byte limit for a catalog"))
        case .success(.bytes(let bytes)):
            switch IAMCatalog.overlay(bytes, path: path, directory: directory, over: base) {
            case .success(let c): return .success(c)
            case .failure(let e): return .failure(LoadError(message: "\(option) \(directory): \(e.message)"))
            }
        }
    }

    /// The catalog as reports write it (`tool.iamCatalog` in JSON, `iamCatalog` in SARIF's run
    /// properties and in simulate's JSON): `source` and `date`; for an overlay also its
    /// `directory`, its number of `services` and the `embedded` catalog under it.
    package static func jsonValue(_ catalog: IAMCatalog) -> JSONValue {
        let info = catalog.info
        var members: [(String, JSONValue)] = [("source", .string(info.source)), ("date", .string(info.date))]
        if let directory = info.directory {
            members.append(("directory", .string(directory)))
            members.append(("services", .int(info.serviceCount)))
            if let under = catalog.underlying {
                members.append(("embedded", .object([("source", .string(under.source)), ("date", .string(under.date))])))
            }
        }
        return .object(members)
    }

    /// One line about the catalog in effect: `IAM catalog: DIR (SOURCE, data of DATE), over the
    /// embedded one of DATE` or `IAM catalog: SOURCE, data of DATE` (the embedded one).
    public static func describe(_ catalog: IAMCatalog) -> String {
        let info = catalog.info
        guard let directory = info.directory else { return "IAM catalog: \(info.source), data of \(info.date)" }
        var out = "IAM catalog: \(directory) (\(info.source), data of \(info.date); \(info.serviceCount) services)"
        if let under = catalog.underlying { out += ", over the embedded one of \(under.date)" }
        return out
    }
}
