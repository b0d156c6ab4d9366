// A thin Swift API over the C ABI, mirroring the Kotlin one: values,
// throwing functions, and a Matcher class that frees its handle in deinit.
import CPercept
import Foundation

public enum PixelFormat {
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

public enum Profile {
    case fullResolution
    case cli512

    var cValue: percept_profile {
        switch self {
        case .fullResolution: return percept_profile(PERCEPT_PROFILE_FULL_RESOLUTION)
        case .cli512: return percept_profile(PERCEPT_PROFILE_CLI512)
        }
    }
}

public enum Verdict: UInt32 {
    case noMatch = 0, match = 1, unreliable = 2
}

/// A 256-bit PDQ hash (32 bytes, most significant first).
public struct Hash256: Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a hash is 32 bytes")
        self.bytes = bytes
    }

    init(_ c: percept_hash) {
        var c = c
        bytes = withUnsafeBytes(of: &c.bytes) { Array($0) }
    }

    var cValue: percept_hash {
        var c = percept_hash()
        withUnsafeMutableBytes(of: &c.bytes) { $0.copyBytes(from: bytes) }
        return c
    }

    /// Parses Meta's 64-digit hex form.
    public init(hex: String) throws {
        var c = percept_hash()
        try check(percept_hash_from_hex(hex, &c))
        self.init(c)
    }

    /// The 64-digit lowercase hex form.
    public var hex: String {
        var c = cValue
        var buf = [CChar](repeating: 0, count: Int(PERCEPT_HASH_HEX_SIZE))
        // Cannot fail: the buffer has PERCEPT_HASH_HEX_SIZE bytes.
        _ = percept_hash_to_hex(&c, &buf, buf.count)
        return String(cString: buf)
    }

    public var description: String { hex }

    /// Hamming distance, 0...256.
    public func distance(to other: Hash256) -> Int {
        var a = cValue
        var b = other.cValue
        var d: UInt32 = 0
        _ = percept_hash_distance(&a, &b, &d)
        return Int(d)
    }
}

public struct PdqHash: Equatable {
    public let hash: Hash256
    /// 0...100; below about 50 the hash is unreliable.
    public let quality: Int

    public init(hash: Hash256, quality: Int) {
        self.hash = hash
        self.quality = quality
    }
}

public struct DihedralHashes: Equatable {
    /// Original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1.
    public let hashes: [Hash256]
    public let quality: Int

    init(_ c: percept_pdq_dihedral) {
        var c = c
        let all = withUnsafeBytes(of: &c.hashes) { Array($0) }
        hashes = (0..<8).map { Hash256(bytes: Array(all[(32 * $0)..<(32 * $0 + 32)])) }
        quality = Int(c.quality)
    }

    var cValue: percept_pdq_dihedral {
        var c = percept_pdq_dihedral()
        let all = hashes.flatMap { $0.bytes }
        withUnsafeMutableBytes(of: &c.hashes) { $0.copyBytes(from: all) }
        c.quality = UInt32(quality)
        return c
    }
}

/// Options for decoding, hashing, opening lists and matching; `Options()`
/// holds the library's defaults.
public struct Options {
    var c = percept_options()

    public init() {
        _ = percept_options_default(&c)
    }

    public var threshold: Int {
        get { Int(c.threshold) }
        set { c.threshold = UInt32(newValue) }
    }
    public var minQuality: Int {
        get { Int(c.min_quality) }
        set { c.min_quality = UInt32(newValue) }
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
    /// The list producer's Ed25519 public key (32 bytes). When set, a list
    /// must be signed by exactly this key (PerceptError.listUnsigned,
    /// .listUntrustedSigner) and its checksum is always verified; nil (the
    /// default): no signature required. A signature that is present is
    /// checked either way (PerceptError.listBadSignature).
    public var trustedPublicKey: [UInt8]? {
        get {
            if c.require_signature == 0 { return nil }
            var key = c.trusted_public_key
            return withUnsafeBytes(of: &key) { Array($0) }
        }
        set {
            // The C ABI refuses a key without require_signature and the
            // reverse, so both fields are set together.
            let key = newValue ?? [UInt8](repeating: 0, count: 32)
            precondition(key.count == 32, "a public key is 32 bytes")
            withUnsafeMutableBytes(of: &c.trusted_public_key) { $0.copyBytes(from: key) }
            c.require_signature = newValue == nil ? 0 : 1
        }
    }
}

public struct MatchResult: Equatable {
    public let verdict: Verdict
    public let exactFile: Bool
    /// nil when the exact-file digest decided.
    public let quality: Int?
    public let matchCount: UInt64
    public let bestId: UInt64
    public let bestEntry: UInt64
    public let bestDistance: Int
    /// Index into DihedralHashes.hashes.
    public let bestVariant: Int

    init(_ c: percept_match_result) {
        verdict = Verdict(rawValue: c.verdict) ?? .unreliable
        exactFile = c.exact_file != 0
        quality = c.quality < 0 ? nil : Int(c.quality)
        matchCount = c.match_count
        bestId = c.best_id
        bestEntry = c.best_entry
        bestDistance = Int(c.best_distance)
        bestVariant = Int(c.best_variant)
    }
}

public enum Percept {
    /// The linked library's version.
    public static var version: String { String(cString: percept_version()) }
    public static var abiVersion: UInt32 { percept_abi_version() }

    /// Hashes pixels the app holds (e.g. a CGImage's bitmap data).
    public static func hash(pixels: UnsafeRawBufferPointer, width: Int, height: Int,
                            stride: Int, format: PixelFormat,
                            profile: Profile = .fullResolution) throws -> PdqHash {
        var out = percept_pdq_hash()
        try check(percept_pdq_hash_pixels(
            pixels.bindMemory(to: UInt8.self).baseAddress, pixels.count, UInt32(width),
            UInt32(height), stride, format.cValue, profile.cValue, &out))
        return PdqHash(hash: Hash256(out.hash), quality: Int(out.quality))
    }

    public static func hashDihedral(pixels: UnsafeRawBufferPointer, width: Int, height: Int,
                                    stride: Int, format: PixelFormat,
                                    profile: Profile = .fullResolution) throws -> DihedralHashes {
        var out = percept_pdq_dihedral()
        try check(percept_pdq_dihedral_pixels(
            pixels.bindMemory(to: UInt8.self).baseAddress, pixels.count, UInt32(width),
            UInt32(height), stride, format.cValue, profile.cValue, &out))
        return DihedralHashes(out)
    }

    /// Hashes an encoded image (JPEG, PNG, GIF, WebP, BMP, TIFF).
    public static func hash(encoded: Data, options: Options = Options()) throws -> PdqHash {
        var out = percept_pdq_hash()
        var opts = options.c
        try encoded.withUnsafeBytes { raw in
            try check(percept_pdq_hash_encoded(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &opts, &out))
        }
        return PdqHash(hash: Hash256(out.hash), quality: Int(out.quality))
    }

    public static func hashDihedral(encoded: Data, options: Options = Options()) throws -> DihedralHashes {
        var out = percept_pdq_dihedral()
        var opts = options.c
        try encoded.withUnsafeBytes { raw in
            try check(percept_pdq_dihedral_encoded(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &opts, &out))
        }
        return DihedralHashes(out)
    }
}

/// An opened known-hash list. Immutable and thread-safe; the native handle
/// is freed in deinit, once.
public final class Matcher {
    private let handle: OpaquePointer

    public init(path: String, options: Options = Options()) throws {
        var opts = options.c
        var out: OpaquePointer?
        try check(percept_matcher_open_path(path, &opts, &out))
        handle = out!
    }

    /// From list bytes in memory (copied).
    public init(bytes: Data, options: Options = Options()) throws {
        var opts = options.c
        var out: OpaquePointer?
        try bytes.withUnsafeBytes { raw in
            try check(percept_matcher_open_bytes(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &opts, &out))
        }
        handle = out!
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

    public func match(_ hash: PdqHash) throws -> MatchResult {
        var input = percept_pdq_hash()
        input.hash = hash.hash.cValue
        input.quality = UInt32(hash.quality)
        var out = percept_match_result()
        try check(percept_matcher_match_hash(handle, &input, &out))
        return MatchResult(out)
    }

    public func match(_ hashes: DihedralHashes) throws -> MatchResult {
        var input = hashes.cValue
        var out = percept_match_result()
        try check(percept_matcher_match_dihedral(handle, &input, &out))
        return MatchResult(out)
    }

    public func match(pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int,
                      format: PixelFormat) throws -> MatchResult {
        var out = percept_match_result()
        try check(percept_matcher_match_pixels(
            handle, pixels.bindMemory(to: UInt8.self).baseAddress, pixels.count, UInt32(width),
            UInt32(height), stride, format.cValue, &out))
        return MatchResult(out)
    }

    public func match(encoded: Data) throws -> MatchResult {
        var out = percept_match_result()
        try encoded.withUnsafeBytes { raw in
            try check(percept_matcher_match_encoded(
                handle, raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out))
        }
        return MatchResult(out)
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
