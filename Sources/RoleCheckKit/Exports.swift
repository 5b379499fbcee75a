// RoleCheckKit is the library as users of the package see it: every layer, re-exported.
// The layers are targets of their own (Core → Documents → IAM → Model → Rules → Engine →
// Reporting), so the compiler enforces that a layer only looks down.
@_exported import RoleCheckCore
@_exported import RoleCheckDocuments
@_exported import RoleCheckIAM
@_exported import RoleCheckModel
@_exported import RoleCheckRules
@_exported import RoleCheckEngine
@_exported import RoleCheckReporting
