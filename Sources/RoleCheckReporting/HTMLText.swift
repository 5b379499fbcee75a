import RoleCheckCore

/// Text into HTML (and inline SVG, which an HTML parser reads the same way). Every string that
/// comes from the inputs — paths, messages quoting keys and values, source lines, labels — goes
/// through `append`, which turns `& < > " '` into character references, so that no input can
/// end an element or an attribute, open a tag, or start a comment or CDATA section (`]]>` loses
/// its `>`). Characters that could move or reorder what is shown (C0 and C1 controls other than
/// tab and line feed, DEL, bidirectional overrides and isolates) are written as visible `\u{…}`
/// escapes, as in the text report. Ids, classes and `href`s are never made from input text.
enum HTMLText {
    /// Whether `s` needs the slow path: an escaped character, a control, or a lead byte of a
    /// two-byte C1 control (0xC2) or of the U+2000 block holding the bidi controls (0xE2).
    @inline(__always)
    static func needsEscaping(_ s: String) -> Bool {
        s.utf8.contains { b in
            b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2
        }
    }

    /// Appends `s` as HTML text (valid in element content and in a double- or single-quoted attribute).
    static func append(_ s: String, to out: inout String) {
        guard needsEscaping(s) else {
            out += s
            return
        }
        for u in s.unicodeScalars { appendScalar(u, to: &out, unsafe: .escape) }
    }

    /// `s` as HTML text.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        append(s, to: &out)
        return out
    }

    enum UnsafeCharacters {
        /// `\u{1B}`: visible, for messages and paths.
        case escape
        /// U+FFFD, one character for one: for source lines, whose columns must line up.
        case replace
    }

    @inline(__always)
    static func appendScalar(_ u: Unicode.Scalar, to out: inout String, unsafe: UnsafeCharacters) {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n": out.unicodeScalars.append(u)
        case _ where ReportSupport.isUnsafeForDisplay(u):
            switch unsafe {
            case .escape: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            case .replace: out += "\u{FFFD}"
            }
        default: out.unicodeScalars.append(u)
        }
    }

    /// A token for an `id` or a class made only of `[A-Za-z0-9_-]` (other characters become `_`).
    static func token(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u in
            (u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u))) || u == "-" || u == "_" ? u : "_"
        }))
    }

    /// Splits `s` into lines of at most `width` characters, at spaces where it can (longer words
    /// are cut), keeping at most `maxLines`; a cut last line ends with `…`.
    static func wrap(_ s: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current: [Character] = []
        func flush() {
            if !current.isEmpty { lines.append(String(current)) }
            current = []
        }
        for word in s.split(separator: " ", omittingEmptySubsequences: true) {
            var w = Array(word)
            if !current.isEmpty && current.count + 1 + w.count <= width {
                current.append(" ")
                current.append(contentsOf: w)
                continue
            }
            flush()
            while w.count > width {
                lines.append(String(w[..<width]))
                w.removeFirst(width)
            }
            current = w
        }
        flush()
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            var last = Array(lines[maxLines - 1])
            if last.count >= width { last.removeLast() }
            lines[maxLines - 1] = String(last) + "…"
        }
        return lines
    }

    /// The rules' Markdown-like prose (descriptions, remediations) as HTML: paragraphs, `- ` lists,
    /// blocks indented by four spaces or fenced with ``` as `<pre>`, `code` and **bold** spans.
    static func prose(_ text: String, into out: inout String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        func isIndented(_ l: String) -> Bool { l.hasPrefix("    ") || l.hasPrefix("\t") }
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { i += 1; continue }
            if trimmed.hasPrefix("```") {
                i += 1
                var block: [String] = []
                while i < lines.count && !lines[i].trimmingSpaces.hasPrefix("```") { block.append(lines[i]); i += 1 }
                i += 1
                out += "<pre>"
                append(block.joined(separator: "\n"), to: &out)
                out += "</pre>"
            } else if isIndented(line) {
                var block: [String] = []
                while i < lines.count && (isIndented(lines[i]) || lines[i].trimmingSpaces.isEmpty) {
                    block.append(lines[i].hasPrefix("    ") ? String(lines[i].dropFirst(4)) : lines[i].hasPrefix("\t") ? String(lines[i].dropFirst()) : "")
                    i += 1
                }
                while block.last?.isEmpty == true { block.removeLast() }
                out += "<pre>"
                append(block.joined(separator: "\n"), to: &out)
                out += "</pre>"
            } else if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                out += "<ul>"
                while i < lines.count, lines[i].trimmingSpaces.hasPrefix("- ") || lines[i].trimmingSpaces.hasPrefix("* ") {
                    var item = String(lines[i].trimmingSpaces.dropFirst(2))
                    i += 1
                    // Continuation lines of the item: indented less than a code block, not an item.
                    while i < lines.count, lines[i].hasPrefix("  "), !isIndented(lines[i]),
                          !lines[i].trimmingSpaces.hasPrefix("- "), !lines[i].trimmingSpaces.hasPrefix("* ") {
                        item += " " + lines[i].trimmingSpaces
                        i += 1
                    }
                    out += "<li>"
                    inline(item, into: &out)
                    out += "</li>"
                }
                out += "</ul>"
            } else {
                var paragraph: [String] = []
                while i < lines.count, !lines[i].trimmingSpaces.isEmpty, !isIndented(lines[i]),
                      !lines[i].trimmingSpaces.hasPrefix("```") {
                    let t = lines[i].trimmingSpaces
                    if !paragraph.isEmpty && (t.hasPrefix("- ") || t.hasPrefix("* ")) { break }
                    paragraph.append(t)
                    i += 1
                }
                out += "<p>"
                inline(paragraph.joined(separator: " "), into: &out)
                out += "</p>"
            }
        }
    }

    /// `code` and **bold** spans; everything else escaped.
    static func inline(_ s: String, into out: inout String) {
        var rest = Substring(s)
        while !rest.isEmpty {
            if rest.hasPrefix("`"), let end = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>"
                append(String(rest[rest.index(after: rest.startIndex)..<end]), to: &out)
                out += "</code>"
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = rest.dropFirst(2).firstRange(of: "**") {
                out += "<strong>"
                append(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound]), to: &out)
                out += "</strong>"
                rest = rest[end.upperBound...]
            } else {
                let next = rest.dropFirst().firstIndex(where: { $0 == "`" || $0 == "*" }) ?? rest.endIndex
                append(String(rest[..<next]), to: &out)
                rest = rest[next...]
            }
        }
    }
}
