/// Unified diffs (`diff -u` / `git diff` layout) of a file before and after `rolecheck fix`,
/// with three lines of context. Lines are compared as bytes; the shortest edit script is found
/// with Myers' O(ND) algorithm, so a few edits of a large file cost little.
public enum UnifiedDiff {
    public static func render(path: String, before: [UInt8], after: [UInt8], context: Int = 3) -> String {
        let a = lines(before), b = lines(after)
        let ops = script(a, b)
        guard ops.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        // Group the script into hunks: changes with up to `context` equal lines around them,
        // hunks closer than 2 × context merged.
        var i = 0
        while i < ops.count {
            guard let firstChange = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            var start = max(i, firstChange - context)
            if start < i { start = i }
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if ops[end].kind != .same { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            let stop = min(ops.count, lastChange + context + 1)
            let hunk = ops[start..<stop]
            let aStart = hunk.first!.aIndex, bStart = hunk.first!.bIndex
            let aCount = hunk.filter { $0.kind != .insert }.count
            let bCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@\n"
            for op in hunk {
                switch op.kind {
                case .same: out += " " + text(a[op.aIndex])
                case .delete: out += "-" + text(a[op.aIndex])
                case .insert: out += "+" + text(b[op.bIndex])
                }
            }
            i = stop
        }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }

    /// A line with its line break; a last line without one is marked as `diff` does.
    static func text(_ line: ArraySlice<UInt8>) -> String {
        let s = String(decoding: line, as: UTF8.self)
        return s.hasSuffix("\n") ? s : s + "\n\\ No newline at end of file\n"
    }

    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            out.append(bytes[start...i])
            start = i + 1
        }
        if start < bytes.count { out.append(bytes[start...]) }
        return out
    }

    struct Op {
        enum Kind { case same, delete, insert }
        var kind: Kind
        /// The line's index in `a` (for insertions: where it goes), and in `b`.
        var aIndex: Int
        var bIndex: Int
    }

    /// The edit script from `a` to `b`: the common first and last lines kept, Myers' shortest
    /// script between them (a fix changes a few lines of a file: the middle stays small).
    static func script(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Op] {
        var p = 0
        while p < a.count, p < b.count, a[p] == b[p] { p += 1 }
        var q = 0
        while q < a.count - p, q < b.count - p, a[a.count - 1 - q] == b[b.count - 1 - q] { q += 1 }
        var ops = (0..<p).map { Op(kind: .same, aIndex: $0, bIndex: $0) }
        ops += myers(Array(a[p..<(a.count - q)]), Array(b[p..<(b.count - q)])).map {
            Op(kind: $0.kind, aIndex: $0.aIndex + p, bIndex: $0.bIndex + p)
        }
        ops += (0..<q).map { Op(kind: .same, aIndex: a.count - q + $0, bIndex: b.count - q + $0) }
        return ops
    }

    /// The shortest edit script from `a` to `b` (Myers 1986), as equal, deleted and inserted lines.
    static func myers(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Op] {
        let n = a.count, m = b.count
        let max = n + m
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
                    x = v[max + k + 1]
                } else {
                    x = v[max + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[max + k] = x
                if x >= n && y >= m { trace.append(v); break outer }
            }
        }
        // Walk the trace back from the end.
        var ops: [Op] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let vd = trace[d]
            let k = x - y
            let prevK: Int
            if k == -d || (k != d && vd[max + k - 1] < vd[max + k + 1]) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = vd[max + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                x -= 1
                y -= 1
                ops.append(Op(kind: .same, aIndex: x, bIndex: y))
            }
            if d > 0 {
                if x == prevX {
                    y -= 1
                    ops.append(Op(kind: .insert, aIndex: x, bIndex: y))
                } else {
                    x -= 1
                    ops.append(Op(kind: .delete, aIndex: x, bIndex: y))
                }
            }
        }
        while x > 0 && y > 0 {
            x -= 1
            y -= 1
            ops.append(Op(kind: .same, aIndex: x, bIndex: y))
        }
        return ops.reversed()
    }
}
