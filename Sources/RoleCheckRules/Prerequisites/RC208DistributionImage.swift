import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC208: the JupyterLab app connects to EMR only from a SageMaker Distribution image 1.10 or
/// later. A space's own image wins; otherwise the user profile's, then the domain's default.
public struct RC208DistributionImage: SetupRule {
    public let id: RuleID = .RC208
    public init() {}

    /// The image and version a JupyterLab `DefaultResourceSpec` selects, with the node to point at.
    /// Read from the typed settings, so CLI exports and Terraform's `default_resource_spec` are
    /// judged alike.
    static func selection(_ spec: ResourceSpecImage?) -> (version: DottedVersion, text: String, node: Node, image: String?)? {
        guard let spec else { return nil }
        let aliasNode = spec.versionAlias
        let imageNode = spec.imageArn
        let image = imageNode?.string
        guard SageMakerDistribution.isDistribution(imageArn: image) else { return nil } // a custom image
        if let alias = aliasNode?.string, let v = SageMakerDistribution.version(alias: alias, imageArn: nil) {
            return (v, "SageMakerImageVersionAlias \"\(alias)\"", aliasNode!, image)
        }
        if let image, let v = SageMakerDistribution.version(alias: nil, imageArn: image) {
            return (v, "image \(image)", imageNode!, image)
        }
        return nil
    }

    /// Whether a spec says anything about the image (then it, not the level above, takes effect).
    static func namesImage(_ spec: ResourceSpecImage?) -> Bool { spec?.namesImage ?? false }

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        var reported: Set<String> = []
        func report(_ sel: (version: DottedVersion, text: String, node: Node, image: String?), who: String, related: [RelatedLocation],
                    about subjects: [Subject]) {
            guard sel.version < SageMakerDistribution.studioMinimum else { return }
            guard reported.insert("\(sel.node.document.file.path)#\(sel.node.fullPointer)").inserted else {
                context.attach(subjects, toFindingAt: sel.node)
                return
            }
            context.report("\(who) selects SageMaker Distribution \(sel.version) (\(sel.text)); the JupyterLab app connects to EMR clusters only from SageMaker Distribution 1.10 or later. Set SageMakerImageVersionAlias to 1.10 or later (or remove it for the current default) and restart the JupyterLab app",
                           at: sel.node, related: related, identity: sel.version.description, about: subjects)
        }
        // Users of the JupyterLab app: the profile's spec when it names an image, else the domain's.
        for user in EffectiveStudioUser.all(r) where user.app == .jupyterLab {
            let profileSpec = user.profile?.settings.jupyterLabSpec
            let domainSpec = user.domain?.defaults.jupyterLabSpec
            let spec = Self.namesImage(profileSpec) ? profileSpec : domainSpec
            guard let sel = Self.selection(spec) else { continue }
            var related: [RelatedLocation] = []
            if let n = user.node, n.document !== sel.node.document {
                related.append(RelatedLocation(location: Location(node: n), message: "\(user.label) takes this default"))
            }
            report(sel, who: user.label, related: related, about: [.entity(user.entity)])
        }
        // JupyterLab spaces with an image of their own.
        for space in r.spaces where space.appType == nil || space.appType == "JupyterLab" {
            let spec = space.jupyterLabSpec
            guard Self.namesImage(spec), let sel = Self.selection(spec) else { continue }
            report(sel, who: "space \(space.name) of domain \(space.domainId)", related: [], about: setup.studioSubjects(ofDomain: space.domainId))
        }
    }
}
