import RoleCheckCore

/// Maps offsets in a document embedded in a string (a security configuration or a policy stored
/// as a JSON string) back to offsets in the outer file, so findings inside it point at the exact
/// characters of the string literal.
public struct OffsetMap: Sendable {
    /// Sorted starts of segments in the inner text.
    private let innerStarts: [Int]
    /// Outer offset of each segment's start.
    private let outerStarts: [Int]
    /// Whether offsets inside a segment advance with the inner offset (plain text) or stay on the
    /// segment's start (an escape sequence that decodes to several bytes, or fewer).
    private let linear: [Bool]
    private let innerEnd: Int
    private let outerEnd: Int
    /// Whether every inner offset maps to its own place (false for `constant`): only then can an
    /// edit of the inner text be written back into the outer one.
    public let isExact: Bool

    init(innerStarts: [Int], outerStarts: [Int], linear: [Bool], innerEnd: Int, outerEnd: Int, isExact: Bool = true) {
        self.isExact = isExact
        self.innerStarts = innerStarts
        self.outerStarts = outerStarts
        self.linear = linear
        self.innerEnd = innerEnd
        self.outerEnd = outerEnd
    }

    /// Every inner offset maps to one outer offset (used when the scalar's layout is not simple).
    public static func constant(_ outer: Int, innerLength: Int) -> OffsetMap {
        OffsetMap(innerStarts: [0], outerStarts: [outer], linear: [false], innerEnd: innerLength, outerEnd: outer, isExact: false)
    }

    /// Inner offset `k` is outer offset `outerStart + k`.
    public static func shifted(by outerStart: Int, innerLength: Int) -> OffsetMap {
        OffsetMap(innerStarts: [0], outerStarts: [outerStart], linear: [true], innerEnd: innerLength,
                  outerEnd: outerStart + innerLength)
    }

    /// Builds the map of a JSON string literal whose content (between the quotes) is
    /// `raw[contentStart..<contentEnd]`, at outer offset `outerBase + contentStart`.
    static func forJSONString(raw: [UInt8], contentStart: Int, contentEnd: Int, outerBase: Int) -> OffsetMap {
        var inner: [Int] = [], outer: [Int] = [], lin: [Bool] = []
        var i = contentStart
        var k = 0
        var inPlain = false
        while i < contentEnd {
            if raw[i] == UInt8(ascii: "\\") && i + 1 < contentEnd {
                inPlain = false
                inner.append(k); outer.append(outerBase + i); lin.append(false)
                let e = raw[i + 1]
                if e == UInt8(ascii: "u") {
                    var cp = hex4(raw, i + 2, contentEnd)
                    var len = 6
                    if (0xD800..<0xDC00).contains(cp), i + 11 < contentEnd, raw[i + 6] == UInt8(ascii: "\\"),
                       raw[i + 7] == UInt8(ascii: "u") {
                        let lo = hex4(raw, i + 8, contentEnd)
                        if (0xDC00..<0xE000).contains(lo) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                            len = 12
                        }
                    }
                    k += cp < 0x80 ? 1 : cp < 0x800 ? 2 : (cp < 0x10000 || cp > 0x10FFFF) ? 3 : 4
                    i += len
                } else {
                    k += 1
                    i += 2
                }
            } else {
                if !inPlain {
                    inner.append(k); outer.append(outerBase + i); lin.append(true)
                    inPlain = true
                }
                k += 1
                i += 1
            }
        }
        if inner.isEmpty { inner = [0]; outer = [outerBase + contentStart]; lin = [true] }
        return OffsetMap(innerStarts: inner, outerStarts: outer, linear: lin, innerEnd: k, outerEnd: outerBase + contentEnd)
    }

    private static func hex4(_ raw: [UInt8], _ at: Int, _ end: Int) -> Int {
        guard at + 4 <= end else { return 0xFFFD }
        var v = 0
        for j in at..<at + 4 {
            let c = raw[j]
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v * 16 + Int(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v * 16 + Int(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v * 16 + Int(c - UInt8(ascii: "A") + 10)
            default: return 0xFFFD
            }
        }
        return v
    }

    public func outerOffset(_ innerOffset: Int) -> Int {
        if innerOffset >= innerEnd { return outerEnd }
        var lo = 0, hi = innerStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if innerStarts[mid] <= innerOffset { lo = mid } else { hi = mid - 1 }
        }
        return linear[lo] ? outerStarts[lo] + (innerOffset - innerStarts[lo]) : outerStarts[lo]
    }
}
