/// The README.md every scaffold writes: what the setup is, what each document is for, the
/// commands that apply it (in order, per account), how to connect, and how to check it.
struct ScaffoldReadme {
    struct DocumentRow {
        let path: String
        let purpose: String
    }

    struct AccountSection {
        let account: ScaffoldPlan.AccountPlan
        let documents: [DocumentRow]
        /// Markdown: how to apply this account's part (text and command blocks).
        let apply: String
    }

    let plan: ScaffoldPlan
    /// "AWS CLI", "CloudFormation", "Terraform".
    let formatName: String
    /// A paragraph about the format (how the documents are laid out).
    let layout: String
    let sections: [AccountSection]
    /// Extra prerequisites the format adds.
    var prerequisites: [String] = []
    /// A paragraph after the ordering rule (how the format's apply step behaves).
    var applyNote: String?

    var r: ResolvedRequest { plan.request }

    func render() -> String {
        var s = "# \(r.option.title.prefix(1).uppercased() + r.option.title.dropFirst()), \(r.app.title): a runtime-role setup\n\n"
        s += "Written by `rolecheck scaffold` as \(formatName):\n\n```console\n$ \(r.commandLine) --output DIR\n```\n\n"
        s += "\(r.option.summary.prefix(1).uppercased() + r.option.summary.dropFirst()). Studio users of the profile "
        s += "`\(r.userProfile)` connect to the EMR cluster `\(r.clusterName)` with a runtime role "
        s += "(\(r.runtimeRoles.map { "`\($0)`" }.joined(separator: ", "))), and their Spark, Hive and Presto work runs with "
        s += "that role's permissions only. Everything is least privilege: each role trusts one principal and may do what its "
        s += "part of the chain needs, no more.\n\n"
        s += layout + "\n\n"

        s += "## Accounts\n\n| account | folder | what it holds |\n| --- | --- | --- |\n"
        for a in plan.accounts {
            s += "| \(a.account) | `\(a.folder)/` | \(holdings(a)) |\n"
        }
        s += "\n" + accountsNote + "\n\n"

        s += "## Before you apply\n\n"
        for p in basePrerequisites + prerequisites { s += "- " + p + "\n" }
        s += "\n## Documents\n"
        for section in sections {
            s += "\n### `\(section.account.folder)/` (\(section.account.title))\n\n| file | what it is for |\n| --- | --- |\n"
            for d in section.documents { s += "| `\(d.path)` | \(d.purpose) |\n" }
        }
        s += "\n## Apply, in this order\n\n"
        s += "Each account's part is applied with that account's credentials. The Studio account comes first: "
        s += "IAM accepts a trust or bucket policy only when the roles it names exist"
        s += r.dataAccount == nil ? ".\n" : ", and the data account's policies name roles of the Studio account.\n"
        if let applyNote { s += "\n" + applyNote + "\n" }
        for (i, section) in sections.enumerated() {
            s += "\n### \(i + 1). \(section.account.title.prefix(1).uppercased() + section.account.title.dropFirst())\n\n"
            s += section.apply
            if !section.apply.hasSuffix("\n") { s += "\n" }
        }
        s += "\n## Connect\n\n" + connect + "\n"
        s += "\n## Check\n\n"
        s += "```console\n$ rolecheck lint DIR\n```\n\n"
        s += "reports no error and no warning, and one RC400 note per runtime role that names the arrangement (\(r.option.title))"
        s += r.option == .option3 && r.app == .jupyterlab
            ? "; `rolecheck.yaml` accepts RC406 and RC309 for this setup, with the reason given under Connect.\n"
            : ".\n"
        s += "Lint again after you change a document: rolecheck reads these files as they are.\n"
        return s
    }

    func holdings(_ a: ScaffoldPlan.AccountPlan) -> String {
        var parts: [String] = []
        if a.userProfile != nil { parts.append("the Studio user profile `\(r.userProfile)` and its execution role") }
        if let c = a.cluster { parts.append("the EMR cluster `\(c.name)`, its roles and its security configuration") }
        if a.roles.contains(where: { $0.key == .accessRole }) { parts.append("the EMR access role") }
        if a.account == r.runtimeRoleAccount { parts.append(r.runtimeRoles.count == 1 ? "the runtime role" : "the runtime roles") }
        if a.account == r.bucketAccount { parts.append("the data bucket `\(r.dataBucket)`\(a.bucketPolicy != nil ? " and its bucket policy" : "")") }
        return parts.joined(separator: "; ")
    }

    var accountsNote: String {
        switch r.option {
        case .sameAccount:
            return "Same account: one account holds everything (`--data-account` and `--cluster-account`, if given, must be the Studio account)."
        case .option1:
            return "Option 1 needs two accounts: Studio's, and the data account that runs the cluster with its runtime roles (`--data-account`, or `--cluster-account`: in option 1 they are the same account)."
        case .option2:
            return "Option 2 needs two accounts: Studio's, which also runs the cluster and holds the runtime roles, and the data account, whose bucket the runtime roles read (`--data-account`)."
        case .option3:
            return "Option 3 needs two accounts: Studio's, which also runs the cluster, and the data account, which holds the runtime roles and the data (`--data-account`)."
        }
    }

    var basePrerequisites: [String] {
        var p: [String] = []
        p.append("A SageMaker domain in \(r.region) of the Studio account, with IAM authentication\(r.domainId.map { ": `\($0)`" } ?? " (its ID is asked for when you apply)"). The scaffold adds the user profile `\(r.userProfile)` to it. \(r.app == .classic ? "Studio Classic needs the JupyterLab 3 image (`jupyter-server-3`), which the profile sets." : "Connecting needs a private JupyterLab space on SageMaker Distribution 1.10 or later.")")
        p.append("A subnet of the cluster's account for the cluster\(r.subnetId.map { " (`\($0)`)" } ?? " (asked for when you apply)"), in a VPC that Studio can reach: the cluster's primary node must accept Livy (TCP 8998) from Studio's security group, as EMR's and SageMaker's networking guides describe. The service role's managed policy `AmazonEMRServicePolicy_v2` acts only on VPC resources tagged `for-use-with-amazon-emr-managed-policies=true`.")
        p.append("The TLS certificates for in-transit encryption at `\(r.certificates)`: a zip of PEM files, as EMR's in-transit encryption expects (the security configuration requires it; Studio connections should be encrypted). The cluster's instance-profile role may read that object only.")
        p.append("The data bucket `\(r.dataBucket)` in account \(r.bucketAccount). The scaffold does not create it; the runtime roles may list it and read its objects.")
        if r.option == .option2 {
            p.append("`put-bucket-policy` replaces the bucket's whole policy: if `\(r.dataBucket)` already has one, merge its statements into the bucket policy document first.")
        }
        return p
    }

    var connect: String {
        let role = "arn:aws:iam::\(r.runtimeRoleAccount):role/\(r.runtimeRoles[0])"
        switch r.app {
        case .classic:
            var s = "Open Studio Classic as `\(r.userProfile)`. When its Jupyter server starts, the lifecycle configuration "
            s += "writes the runtime-role list\(r.option == .option1 ? " and the cross-account discovery file (the access role of account \(r.clusterAccount))" : "") "
            s += "into the user's home, where Studio Classic reads them. In a notebook on a SparkAnalytics or SparkMagic image, "
            s += "choose the cluster `\(r.clusterName)` and one of the runtime roles. If you write or change the files by hand instead, "
            s += "run `restart-jupyter-server` in the system terminal."
            if r.option == .option3 {
                s += " The list is keyed by the cluster's account (\(r.clusterAccount)) and names the runtime roles of the data account, as the SageMaker guide's option 3 example does."
            }
            return s
        case .jupyterlab:
            if r.option == .option3 {
                return """
                The JupyterLab app's EMR panel offers only runtime roles of the cluster's account, so it offers none \
                for `\(r.clusterName)`: the runtime roles are in the data account (rolecheck reports this as RC406 \
                and RC309; `rolecheck.yaml` accepts both for this setup with that reason). Connect from a notebook of a \
                private space instead:

                ```
                %load_ext sagemaker_studio_analytics_extension.magics
                %sm_analytics emr connect --cluster-id CLUSTER_ID --auth-type Basic_Access --emr-execution-role-arn \(role)
                ```

                where CLUSTER_ID is the cluster's ID (`j-…`; `aws emr list-clusters --active` shows it). If your users \
                need the EMR panel, choose option 1 (cluster and runtime roles in one account) instead.
                """
            }
            var s = "Open Studio as `\(r.userProfile)`, start a private JupyterLab space, and connect to the cluster `\(r.clusterName)` "
            s += "from the EMR clusters panel: the profile's `EmrSettings` list the runtime roles"
            s += r.option == .option1 ? " and the access role that Studio assumes to reach the data account's clusters." : "."
            s += " A profile's non-empty `EmrSettings` replace the domain's, so users of other profiles need the same lists on theirs."
            return s
        }
    }
}
