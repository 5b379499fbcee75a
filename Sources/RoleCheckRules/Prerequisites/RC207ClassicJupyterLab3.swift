import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC207: Studio Classic reaches EMR with runtime roles only from a JupyterLab 3 Jupyter server
/// (`…:image/jupyter-server-3`). The user profile's setting wins over the domain's default.
public struct RC207ClassicJupyterLab3: SetupRule {
    public let id: RuleID = .RC207
    public init() {}

    /// The JupyterServer image a resource spec selects: from `SageMakerImageArn`
    /// (`…:image/jupyter-server-3`), else from `SageMakerImageVersionArn`
    /// (`…:image-version/jupyter-server-3/1`).
    /// Read from the typed settings, so CLI exports and Terraform's `sagemaker_image_arn` /
    /// `sagemaker_image_version_arn` are judged alike.
    static func image(in spec: ResourceSpecImage?) -> (name: String, node: Node)? {
        for field in [spec?.imageArn, spec?.imageVersionArn] {
            guard let n = field, let text = n.string, let arn = ARN(text) else { continue }
            let parts = arn.resource.split(separator: "/")
            guard parts.count >= 2, parts[0] == "image" || parts[0] == "image-version" else { continue }
            return (String(parts[1]), n)
        }
        return nil
    }

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        // One finding per offending setting, naming every user it applies to.
        var byNode: [String: (node: Node, image: String, users: [EffectiveStudioUser])] = [:]
        var order: [String] = []
        for user in EffectiveStudioUser.all(setup.resources) where user.app == .classic {
            // The profile's resource spec wins when it names an image; otherwise the domain's.
            let found = Self.image(in: user.profile?.settings.jupyterServerSpec) ?? Self.image(in: user.domain?.defaults.jupyterServerSpec)
            // No image: the domain default, JupyterLab 3 for every domain since 2023 (see notes).
            guard let (name, node) = found, name != "jupyter-server-3" else { continue }
            let key = "\(node.document.file.path)#\(node.fullPointer)"
            if byNode[key] == nil { byNode[key] = (node, name, []); order.append(key) }
            byNode[key]!.users.append(user)
        }
        for key in order {
            guard let (node, name, users) = byNode[key] else { continue }
            let who = users.map(\.label).joined(separator: ", ")
            let fixed = node.string.map { $0.replacing("/\(name)", with: "/jupyter-server-3") } ?? "arn:aws:sagemaker:<region>:<account>:image/jupyter-server-3"
            let related = users.compactMap { u -> RelatedLocation? in
                guard let n = u.node, n.document !== node.document else { return nil }
                return RelatedLocation(location: Location(node: n), message: "\(u.label) takes this setting")
            }
            if name == "jupyter-server" {
                context.report("Studio Classic's Jupyter server image is jupyter-server (JupyterLab 1) for \(who); Studio Classic connects to EMR with runtime roles only from JupyterLab 3. Set it to \(fixed) (the image account is the Region's, as in this ARN) and restart the JupyterServer app",
                               at: node, related: related, identity: name, about: users.map { .entity($0.entity) })
            } else {
                context.report("Studio Classic's Jupyter server image is \(name) for \(who), not jupyter-server-3, the JupyterLab 3 image that Studio Classic needs to connect to EMR with runtime roles; set it to \(fixed) (or leave it unset for the default)",
                               at: node, severity: .warning, related: related, identity: name, about: users.map { .entity($0.entity) })
            }
        }
    }
}
