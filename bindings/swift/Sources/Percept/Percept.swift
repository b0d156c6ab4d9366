// A thin Swift API over the C ABI, mirroring the Kotlin one: values,
// throwing functions, and a Matcher class that frees its handle in deinit.
//
// Never crashes the app: bad input (a wrong-length hash or key, a negative
// size) and unexpected answers from the library are thrown as PerceptError,
// and the first call checks that the linked library has the ABI these
// bindings were written for (PerceptError.abiMismatch otherwise).
import CPercept
import Foundation

public enum PixelFormat: Sendable {
    /// R, G, B, A bytes.
    case rgba8
    /// B, G, R, A bytes (kCVPixelFormatType_32BGRA, CGImage 32Little +
    /// premultipliedFirst).
    case bgra8
    case argb8
    case rgb8
    case gray8
    case gray16
    case rgb16
    case rgba16

    var cValue: percept_pixel_format {
        switch self {
        case .rgba8: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_RGBA8)
        case .bgra8: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_BGRA8)
        case .argb8: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_ARGB8)
        case .rgb8: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_RGB8)
        case .gray8: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_GRAY8)
        case .gray16: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_GRAY16)
        case .rgb16: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_RGB16)
        case .rgba16: return percept_pixel_format(PERCEPT_PIXEL_FORMAT_RGBA16)
        }
    }
}

public enum Profile: Sendable {
    case fullResolution
    case cli512

    var cValue: percept_profile {
        switch self {
        case .fullResolution: return percept_profile(PERCEPT_PROFILE_FULL_RESOLUTION)
        case .cli512: return percept_profile(PERCEPT_PROFILE_CLI512)
        }
    }
}

/// The answer for one image (PERCEPT_VERDICT_*). A value the library
/// returns that is not one of these is thrown as
/// PerceptError.unexpectedResult.
public enum Verdict: UInt32, Sendable {
    case noMatch = 0, match = 1, unreliable = 2
}

/// Throws PerceptError.invalidArgument unless `value` fits a C uint32_t.
func uint32(_ value: Int, _ what: String) throws -> UInt32 {
    guard let v = UInt32(exactly: value) else {
        throw PerceptError.invalidArgument("\(what) \(value) is out of range")
    }
    return v
}

/// A 256-bit PDQ hash (32 bytes, most significant first).
public struct Hash256: Hashable, CustomStringConvertible, Sendable {
    public let bytes: [UInt8]

    /// Throws PerceptError.invalidArgument unless `bytes` has 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw PerceptError.invalidArgument("a hash is 32 bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// For bytes that are 32 long by construction.
    private init(checked bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(_ c: percept_hash) {
        var c = c
        self.init(checked: withUnsafeBytes(of: &c.bytes) { Array($0) })
    }

    /// Hash `index` (0..<8) of a C percept_pdq_dihedral.
    init(dihedral c: percept_pdq_dihedral, index: Int) {
        var c = c
        let all = withUnsafeBytes(of: &c.hashes) { Array($0) }
        self.init(checked: Array(all[(32 * index)..<(32 * index + 32)]))
    }

    var cValue: percept_hash {
        var c = percept_hash()
        withUnsafeMutableBytes(of: &c.bytes) { $0.copyBytes(from: bytes) }
        return c
    }

    /// Parses Meta's 64-digit hex form (either case); throws
    /// PerceptError.invalidArgument for anything else.
    public init(hex: String) throws {
        try ensureABI()
        var c = percept_hash()
        try check(percept_hash_from_hex(hex, &c))
        self.init(c)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// The 64-digit lowercase hex form (as percept_hash_to_hex writes it;
    /// computed here, so it needs no call into the library).
    public var hex: String {
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(Hash256.digits[Int(byte >> 4)])
            text.append(Hash256.digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    /// Hamming distance, 0...256 (as percept_hash_distance computes it).
    public func distance(to other: Hash256) -> Int {
        var bits = 0
        for (a, b) in zip(bytes, other.bytes) {
            bits += (a ^ b).nonzeroBitCount
        }
        return bits
    }
}

/// PERCEPT_WEAK_BITS_UNKNOWN (UINT32_MAX): the C ABI's "stability unknown".
let weakBitsUnknown = UInt32.max

/// The weak-bit count the library wrote, or nil when it says unknown.
func decodeWeakBits(_ raw: UInt32) -> Int? {
    raw == weakBitsUnknown ? nil : Int(raw)
}

/// A weak-bit count for the library: unknown for nil or a value that does
/// not fit (the library treats anything above 256 as unknown).
func cWeakBits(_ weakBits: Int?) -> UInt32 {
    weakBits.flatMap { UInt32(exactly: $0) } ?? weakBitsUnknown
}

/// Whether `weakBits` makes a stable hash (nil when unknown).
func isStable(_ weakBits: Int?) -> Bool? {
    weakBits.map { $0 < Int(PERCEPT_UNSTABLE_WEAK_BITS) }
}

/// A PDQ hash, its quality and its stability.
public struct PdqHash: Equatable, Sendable {
    public let hash: Hash256
    /// 0...100; below about 50 the hash is unreliable.
    public let quality: Int
    /// How many of the 256 DCT values the bits come from lie within 0.3 of
    /// their median (0...256): rounding noise sets those bits. nil when
    /// unknown (a hash computed elsewhere). Reported only: it never changes
    /// a verdict.
    public let weakBits: Int?
    /// Fewer than PERCEPT_UNSTABLE_WEAK_BITS (32) weak bits; nil when
    /// unknown. An unstable hash's re-encoded copies often fail to match.
    public var stable: Bool? { isStable(weakBits) }

    public init(hash: Hash256, quality: Int, weakBits: Int? = nil) {
        self.hash = hash
        self.quality = quality
        self.weakBits = weakBits
    }

    init(_ c: percept_pdq_hash) {
        self.init(hash: Hash256(c.hash), quality: Int(c.quality), weakBits: decodeWeakBits(c.weak_bits))
    }
}

public struct DihedralHashes: Equatable, Sendable {
    /// Original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1
    /// (always eight).
    public let hashes: [Hash256]
    public let quality: Int
    /// As PdqHash.weakBits (the same for all eight).
    public let weakBits: Int?
    /// As PdqHash.stable.
    public var stable: Bool? { isStable(weakBits) }

    init(_ c: percept_pdq_dihedral) {
        hashes = (0..<8).map { Hash256(dihedral: c, index: $0) }
        quality = Int(c.quality)
        weakBits = decodeWeakBits(c.weak_bits)
    }

    var cValue: percept_pdq_dihedral {
        var c = percept_pdq_dihedral()
        let all = hashes.flatMap { $0.bytes }
        withUnsafeMutableBytes(of: &c.hashes) { $0.copyBytes(from: all) }
        c.quality = UInt32(quality)
        c.weak_bits = cWeakBits(weakBits)
        return c
    }
}

/// A rectangle of pixels inside an image.
public struct Region: Equatable, Sendable {
    public let x: Int
    public let y: Int
    public let width: Int
    public let height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Options for decoding, hashing, opening lists and matching; `Options()`
/// holds the library's defaults. Values out of range are not checked here
/// (a setter cannot throw): the call that uses the options throws
/// PerceptError.invalidArgument.
public struct Options: Sendable {
    /// Everything but the key, which is kept apart so that a wrong-length
    /// key can be reported by the call that uses it.
    var c = percept_options()

    /// The list producer's Ed25519 public key (32 bytes). When set, a list
    /// must be signed by exactly this key (PerceptError.listUnsigned,
    /// .listUntrustedSigner) and its checksum is always verified; nil (the
    /// default): no signature required. A signature that is present is
    /// checked either way (PerceptError.listBadSignature). A key that is
    /// not 32 bytes makes the call using these options throw
    /// PerceptError.invalidArgument.
    public var trustedPublicKey: [UInt8]?

    public init() {
        // With another ABI the struct may have another layout: leave it
        // zeroed (invalid) and let the call using it throw abiMismatch.
        if ABICheck.passed {
            _ = percept_options_default(&c)
        }
    }

    /// The C struct, with the key; throws for a key that is not 32 bytes.
    func cValue() throws -> percept_options {
        var out = c
        if let key = trustedPublicKey {
            guard key.count == 32 else {
                throw PerceptError.invalidArgument("a public key is 32 bytes, not \(key.count)")
            }
            withUnsafeMutableBytes(of: &out.trusted_public_key) { $0.copyBytes(from: key) }
            out.require_signature = 1
        } else {
            // The C ABI refuses a key without require_signature and the
            // reverse, so both fields are set together.
            let zeros = [UInt8](repeating: 0, count: 32)
            withUnsafeMutableBytes(of: &out.trusted_public_key) { $0.copyBytes(from: zeros) }
            out.require_signature = 0
        }
        return out
    }

    /// 0...255. A value that does not fit a C uint32_t is stored as
    /// UInt32.max, which the library refuses.
    public var threshold: Int {
        get { Int(c.threshold) }
        set { c.threshold = UInt32(exactly: newValue) ?? UInt32.max }
    }
    /// 0...100, stored as `threshold` is.
    public var minQuality: Int {
        get { Int(c.min_quality) }
        set { c.min_quality = UInt32(exactly: newValue) ?? UInt32.max }
    }
    public var maxPixels: UInt64 {
        get { c.max_pixels }
        set { c.max_pixels = newValue }
    }
    public var verifyChecksum: Bool {
        get { c.verify_checksum != 0 }
        set { c.verify_checksum = newValue ? 1 : 0 }
    }
    public var applyExifOrientation: Bool {
        get { c.apply_exif_orientation != 0 }
        set { c.apply_exif_orientation = newValue ? 1 : 0 }
    }
    public var profile: Profile {
        get { c.profile == percept_profile(PERCEPT_PROFILE_CLI512) ? .cli512 : .fullResolution }
        set { c.profile = newValue.cValue }
    }
    /// Lists with a lower list version are refused (PerceptError.listRolledBack);
    /// pass the highest version the app has accepted. 0: any.
    public var minListVersion: UInt64 {
        get { c.min_list_version }
        set { c.min_list_version = newValue }
    }
    /// Matchers also hash and match the picture inside uniform borders
    /// (letterbox, pillarbox, the plain canvas of a screenshot); on by
    /// default.
    public var borderTrim: Bool {
        get { c.border_trim != 0 }
        set { c.border_trim = newValue ? 1 : 0 }
    }
}

public struct MatchResult: Equatable, Sendable {
    public let verdict: Verdict
    public let exactFile: Bool
    /// nil when the exact-file digest decided.
    public let quality: Int?
    public let matchCount: UInt64
    public let bestId: UInt64
    public let bestEntry: UInt64
    public let bestDistance: Int
    /// Index into DihedralHashes.hashes (0..<8).
    public let bestVariant: Int
    /// The closest entry was found from the picture inside contentRegion.
    public let bestTrimmed: Bool
    /// The image hash's weak bits (see PdqHash), nil when unknown.
    public let weakBits: Int?
    /// As PdqHash.stable: a no-match for an unstable hash says less.
    public var stable: Bool? { isStable(weakBits) }
    /// With border trim: the picture inside the image's uniform borders,
    /// whose hashes were matched too; nil when there are none.
    public let contentRegion: Region?
    /// The PDQ quality of contentRegion's picture, or nil.
    public let contentQuality: Int?

    /// Throws PerceptError.unexpectedResult for a verdict or variant these
    /// bindings do not know (a newer library), rather than guessing.
    init(_ c: percept_match_result) throws {
        guard let verdict = Verdict(rawValue: c.verdict) else {
            throw PerceptError.unexpectedResult("unknown verdict \(c.verdict) from the library")
        }
        guard c.best_variant < 8 else {
            throw PerceptError.unexpectedResult("unknown dihedral variant \(c.best_variant) from the library")
        }
        self.verdict = verdict
        exactFile = c.exact_file != 0
        quality = c.quality < 0 ? nil : Int(c.quality)
        matchCount = c.match_count
        bestId = c.best_id
        bestEntry = c.best_entry
        bestDistance = Int(c.best_distance)
        bestVariant = Int(c.best_variant)
        bestTrimmed = c.best_trimmed != 0
        weakBits = decodeWeakBits(c.weak_bits)
        contentRegion = c.has_content_region == 0 ? nil : Region(
            x: Int(c.content_x), y: Int(c.content_y),
            width: Int(c.content_width), height: Int(c.content_height))
        contentQuality = c.content_quality < 0 ? nil : Int(c.content_quality)
    }
}

public enum Percept {
    /// The C ABI version (PERCEPT_ABI_VERSION) these bindings were written
    /// for. scripts/check-bindings.py checks that it equals the header's.
    public static let bindingsABIVersion: UInt32 = 3

    /// The linked library's version.
    public static var version: String { String(cString: percept_version()) }
    /// The linked library's ABI version.
    public static var abiVersion: UInt32 { percept_abi_version() }

    /// Throws PerceptError.abiMismatch (naming both versions) unless the
    /// linked library has the ABI these bindings were written for. Every
    /// call checks this on first use; call it at start-up to fail early.
    public static func checkABI() throws {
        try ensureABI()
    }

    /// Hashes pixels the app holds (e.g. a CGImage's bitmap data).
    public static func hash(pixels: UnsafeRawBufferPointer, width: Int, height: Int,
                            stride: Int, format: PixelFormat,
                            profile: Profile = .fullResolution) throws -> PdqHash {
        try ensureABI()
        let w = try uint32(width, "width")
        let h = try uint32(height, "height")
        guard stride >= 0 else { throw PerceptError.invalidArgument("stride \(stride) is negative") }
        var out = percept_pdq_hash()
        try check(percept_pdq_hash_pixels(
            pixels.bindMemory(to: UInt8.self).baseAddress, pixels.count, w, h, stride,
            format.cValue, profile.cValue, &out))
        return PdqHash(out)
    }

    public static func hashDihedral(pixels: UnsafeRawBufferPointer, width: Int, height: Int,
                                    stride: Int, format: PixelFormat,
                                    profile: Profile = .fullResolution) throws -> DihedralHashes {
        try ensureABI()
        let w = try uint32(width, "width")
        let h = try uint32(height, "height")
        guard stride >= 0 else { throw PerceptError.invalidArgument("stride \(stride) is negative") }
        var out = percept_pdq_dihedral()
        try check(percept_pdq_dihedral_pixels(
            pixels.bindMemory(to: UInt8.self).baseAddress, pixels.count, w, h, stride,
            format.cValue, profile.cValue, &out))
        return DihedralHashes(out)
    }

    /// Hashes an encoded image (JPEG, PNG, GIF, WebP, BMP, TIFF).
    public static func hash(encoded: Data, options: Options = Options()) throws -> PdqHash {
        try ensureABI()
        var out = percept_pdq_hash()
        var opts = try options.cValue()
        try encoded.withUnsafeBytes { raw in
            try check(percept_pdq_hash_encoded(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &opts, &out))
        }
        return PdqHash(out)
    }

    public static func hashDihedral(encoded: Data, options: Options = Options()) throws -> DihedralHashes {
        try ensureABI()
        var out = percept_pdq_dihedral()
        var opts = try options.cValue()
        try encoded.withUnsafeBytes { raw in
            try check(percept_pdq_dihedral_encoded(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &opts, &out))
        }
        return DihedralHashes(out)
    }
}

/// An opened known-hash list. Immutable and thread-safe; the native handle
/// is freed in deinit, once.
///
/// `@unchecked Sendable`: the only state is the handle, set once in init
/// and never changed; percept.h guarantees that any number of threads may
/// use one percept_matcher at the same time without locking, and deinit
/// (the only free) runs when no thread holds a reference any more.
public final class Matcher: @unchecked Sendable {
    private let handle: OpaquePointer

    public init(path: String, options: Options = Options()) throws {
        try ensureABI()
        var opts = try options.cValue()
        var out: OpaquePointer?
        try check(percept_matcher_open_path(path, &opts, &out))
        handle = try Matcher.opened(out)
    }

    /// From list bytes in memory (copied).
    public init(bytes: Data, options: Options = Options()) throws {
        try ensureABI()
        var opts = try options.cValue()
        var out: OpaquePointer?
        try bytes.withUnsafeBytes { raw in
            try check(percept_matcher_open_bytes(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &opts, &out))
        }
        handle = try Matcher.opened(out)
    }

    /// The handle an open function returned with PERCEPT_STATUS_OK.
    private static func opened(_ out: OpaquePointer?) throws -> OpaquePointer {
        guard let handle = out else {
            throw PerceptError.unexpectedResult("the library returned no matcher")
        }
        return handle
    }

    deinit {
        percept_matcher_free(handle)
    }

    private var info: percept_list_info {
        var info = percept_list_info()
        _ = percept_matcher_info(handle, &info)
        return info
    }

    public var entries: UInt64 { info.entries }

    /// The list producer's list version.
    public var listVersion: UInt64 { info.list_version }

    /// The Ed25519 public key whose signature was verified on open; nil for
    /// an unsigned list.
    public var signer: [UInt8]? {
        var info = self.info
        if info.is_signed == 0 { return nil }
        return withUnsafeBytes(of: &info.signer_public_key) { Array($0) }
    }

    public func verifyChecksum() throws {
        try check(percept_matcher_verify_checksum(handle))
    }

    /// One hash; pass quality 100 when unknown (0...100, else
    /// PerceptError.invalidArgument).
    public func match(_ hash: PdqHash) throws -> MatchResult {
        var input = percept_pdq_hash()
        input.hash = hash.hash.cValue
        input.quality = try uint32(hash.quality, "quality")
        input.weak_bits = cWeakBits(hash.weakBits)
        var out = percept_match_result()
        try check(percept_matcher_match_hash(handle, &input, &out))
        return try MatchResult(out)
    }

    public func match(_ hashes: DihedralHashes) throws -> MatchResult {
        var input = hashes.cValue
        var out = percept_match_result()
        try check(percept_matcher_match_dihedral(handle, &input, &out))
        return try MatchResult(out)
    }

    public func match(pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int,
                      format: PixelFormat) throws -> MatchResult {
        let w = try uint32(width, "width")
        let h = try uint32(height, "height")
        guard stride >= 0 else { throw PerceptError.invalidArgument("stride \(stride) is negative") }
        var out = percept_match_result()
        try check(percept_matcher_match_pixels(
            handle, pixels.bindMemory(to: UInt8.self).baseAddress, pixels.count, w, h, stride,
            format.cValue, &out))
        return try MatchResult(out)
    }

    public func match(encoded: Data) throws -> MatchResult {
        var out = percept_match_result()
        try encoded.withUnsafeBytes { raw in
            try check(percept_matcher_match_encoded(
                handle, raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out))
        }
        return try MatchResult(out)
    }

    /// The label of list entry `entry` (e.g. MatchResult.bestEntry); "" when none.
    public func label(entry: UInt64) throws -> String {
        var needed = 0
        let first = percept_matcher_entry_label(handle, entry, nil, 0, &needed)
        if first != PERCEPT_STATUS_BUFFER_TOO_SMALL {
            try check(first)
        }
        var buf = [CChar](repeating: 0, count: needed)
        try check(percept_matcher_entry_label(handle, entry, &buf, buf.count, &needed))
        return String(cString: buf)
    }
}
