// XCTest for the Swift bindings, against the same data as the C and Kotlin
// tests. Run from bindings/swift with the library built with
// `--features testing`: `swift test -Xlinker -L../../target/debug`.
import CPercept
import Foundation
import XCTest

@testable import Percept

final class PerceptTests: XCTestCase {
    /// The repository root, from this file's location.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let testdata = root.appendingPathComponent("testdata")
    static let reference = root.appendingPathComponent("testdata/reference")

    func testVersions() throws {
        XCTAssertEqual(Percept.abiVersion, UInt32(PERCEPT_ABI_VERSION))
        XCTAssertEqual(Percept.bindingsABIVersion, UInt32(PERCEPT_ABI_VERSION))
        XCTAssertEqual(Percept.version,
                       "\(PERCEPT_VERSION_MAJOR).\(PERCEPT_VERSION_MINOR).\(PERCEPT_VERSION_PATCH)")
        try Percept.checkABI()
        XCTAssertTrue(ABICheck.passed)
    }

    /// Compile-time: the value types and the matcher may cross threads.
    func testSendable() {
        func requireSendable<T: Sendable>(_: T.Type) {}
        requireSendable(Matcher.self)
        requireSendable(Options.self)
        requireSendable(Hash256.self)
        requireSendable(PdqHash.self)
        requireSendable(DihedralHashes.self)
        requireSendable(MatchResult.self)
        requireSendable(PerceptError.self)
    }

    func testHashText() throws {
        let hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
        let h = try Hash256(hex: hex)
        XCTAssertEqual(h.hex, hex)
        XCTAssertEqual(h.bytes[0], 0xf8)
        XCTAssertEqual(try Hash256(hex: hex.uppercased()), h)
        var flipped = h.bytes
        flipped[3] ^= 0x11
        let other = try Hash256(bytes: flipped)
        XCTAssertEqual(h.distance(to: other), 2)
        XCTAssertThrowsError(try Hash256(hex: "abc")) { error in
            guard case PerceptError.invalidArgument = error else {
                return XCTFail("\(error)")
            }
        }
        // hex and distance are computed in Swift: they agree with the C ABI.
        var a = h.cValue
        var b = other.cValue
        var buf = [CChar](repeating: 0, count: Int(PERCEPT_HASH_HEX_SIZE))
        XCTAssertEqual(percept_hash_to_hex(&a, &buf, buf.count), PERCEPT_STATUS_OK)
        XCTAssertEqual(String(cString: buf), h.hex)
        var d: UInt32 = 0
        XCTAssertEqual(percept_hash_distance(&a, &b, &d), PERCEPT_STATUS_OK)
        XCTAssertEqual(Int(d), h.distance(to: other))
        let zero = try Hash256(bytes: [UInt8](repeating: 0, count: 32))
        let ones = try Hash256(bytes: [UInt8](repeating: 0xff, count: 32))
        XCTAssertEqual(zero.distance(to: ones), 256)
        XCTAssertEqual(ones.hex, String(repeating: "f", count: 64))
    }

    func testWrongLengthsThrow() throws {
        for count in [0, 31, 33] {
            XCTAssertThrowsError(try Hash256(bytes: [UInt8](repeating: 1, count: count))) { error in
                guard case PerceptError.invalidArgument = error else { return XCTFail("\(error)") }
            }
        }
        let listPath = Self.testdata.appendingPathComponent("sample-list.pcl").path
        for count in [0, 31, 33] {
            var options = Options()
            options.trustedPublicKey = [UInt8](repeating: 1, count: count)
            XCTAssertEqual(options.trustedPublicKey?.count, count)
            XCTAssertThrowsError(try Matcher(path: listPath, options: options)) { error in
                guard case PerceptError.invalidArgument = error else { return XCTFail("\(error)") }
            }
            XCTAssertThrowsError(try Percept.hash(encoded: Data("x".utf8), options: options)) { error in
                guard case PerceptError.invalidArgument = error else { return XCTFail("\(error)") }
            }
        }
        var options = Options()
        options.threshold = -1
        XCTAssertThrowsError(try Matcher(path: listPath, options: options)) { error in
            guard case PerceptError.invalidArgument = error else { return XCTFail("\(error)") }
        }
        let m = try Matcher(path: listPath)
        let own = try Hash256(hex: "9afab547e0024807a01a0072755240774aedd3b847edbfd046bd1f9842adfffa")
        for quality in [-1, 101] {
            XCTAssertThrowsError(try m.match(PdqHash(hash: own, quality: quality))) { error in
                guard case PerceptError.invalidArgument = error else { return XCTFail("\(error)") }
            }
        }
        let pixels = [UInt8](repeating: 0, count: 16 * 16 * 3)
        XCTAssertThrowsError(try pixels.withUnsafeBytes {
            try Percept.hash(pixels: $0, width: -16, height: 16, stride: 48, format: .rgb8)
        })
        XCTAssertThrowsError(try pixels.withUnsafeBytes {
            try m.match(pixels: $0, width: 16, height: 16, stride: -48, format: .rgb8)
        })
    }

    func testUnknownVerdictThrows() {
        var c = percept_match_result()
        c.verdict = 7
        XCTAssertThrowsError(try MatchResult(c)) { error in
            guard case PerceptError.unexpectedResult = error else { return XCTFail("\(error)") }
        }
        c.verdict = percept_verdict(PERCEPT_VERDICT_UNRELIABLE)
        XCTAssertEqual(try MatchResult(c).verdict, .unreliable)
        c.best_variant = 8
        XCTAssertThrowsError(try MatchResult(c))
    }

    func testReferenceRows() throws {
        let table = try String(contentsOf: Self.reference
            .appendingPathComponent("generated/expected-core-fullres.tsv"))
        let lines = table.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var checked = 0
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let row = Dictionary(uniqueKeysWithValues: zip(header, fields))
            guard let file = row["file"], file.hasSuffix(".png"),
                  !(row["pixels"] ?? "").contains("values above 255 clamp") else { continue }
            let bytes = try Data(contentsOf: Self.reference.appendingPathComponent(file))
            let h = try Percept.hash(encoded: bytes)
            XCTAssertEqual(h.hash.hex, row["hash"], file)
            XCTAssertEqual(h.quality, Int(row["quality"] ?? ""), file)
            let all = try Percept.hashDihedral(encoded: bytes)
            XCTAssertEqual(all.hashes[1].hex, row["dih_rot90"], file)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 14) // the PNG rows in testdata/reference
    }

    func testPixels() throws {
        let (w, h) = (64, 48)
        let rgb = (0..<(w * h * 3)).map { UInt8(($0 * 7) % 251) }
        let stride = w * 4 + 5
        var bgra = [UInt8](repeating: 255, count: stride * h)
        for y in 0..<h {
            for x in 0..<w {
                let s = (y * w + x) * 3
                let d = y * stride + x * 4
                bgra[d] = rgb[s + 2]
                bgra[d + 1] = rgb[s + 1]
                bgra[d + 2] = rgb[s]
            }
        }
        let a = try rgb.withUnsafeBytes {
            try Percept.hash(pixels: $0, width: w, height: h, stride: w * 3, format: .rgb8)
        }
        let b = try bgra.withUnsafeBytes {
            try Percept.hash(pixels: $0, width: w, height: h, stride: stride, format: .bgra8)
        }
        XCTAssertEqual(a, b)
        XCTAssertThrowsError(try rgb.withUnsafeBytes {
            try Percept.hash(pixels: $0, width: w, height: h, stride: w * 3 - 1, format: .rgb8)
        })
    }

    func testMatcher() throws {
        let listPath = Self.testdata.appendingPathComponent("sample-list.pcl").path
        let m = try Matcher(path: listPath)
        XCTAssertEqual(m.entries, 2)
        try m.verifyChecksum()
        let expected: [(String, Verdict)] = [
            ("waves-320x240-rot90.png", .match), ("waves-320x240-q85.jpg", .match),
            ("unrelated-240x160.png", .noMatch), ("tiny-4x4.png", .unreliable),
            ("other-rgba-180x300.png", .match),
        ]
        for (name, verdict) in expected {
            let bytes = try Data(contentsOf: Self.testdata.appendingPathComponent("images/\(name)"))
            let r = try m.match(encoded: bytes)
            XCTAssertEqual(r.verdict, verdict, name)
            if name.hasPrefix("waves") {
                XCTAssertEqual(try m.label(entry: r.bestEntry), "testdata/images/waves-320x240.png")
                XCTAssertEqual(try m.match(Percept.hashDihedral(encoded: bytes)), r)
            }
        }
        let own = try Hash256(hex: "9afab547e0024807a01a0072755240774aedd3b847edbfd046bd1f9842adfffa")
        XCTAssertEqual(try m.match(PdqHash(hash: own, quality: 100)).bestDistance, 0)
        XCTAssertEqual(try m.match(PdqHash(hash: own, quality: 10)).verdict, .unreliable)
    }

    func testStabilityAndBorderTrim() throws {
        let flat = [UInt8](repeating: 128, count: 64 * 64)
        let h = try flat.withUnsafeBytes {
            try Percept.hash(pixels: $0, width: 64, height: 64, stride: 64, format: .gray8)
        }
        XCTAssertEqual(h.weakBits, 256)
        XCTAssertEqual(h.stable, false)
        XCTAssertTrue(Options().borderTrim)

        // testdata/trim: the listed waves picture with black bars above and
        // below (scripts/make_testdata.py).
        let boxed = try Data(contentsOf: Self.testdata
            .appendingPathComponent("trim/waves-320x240-letterboxed.png"))
        let listPath = Self.testdata.appendingPathComponent("sample-list.pcl").path
        let m = try Matcher(path: listPath)
        let r = try m.match(encoded: boxed)
        XCTAssertEqual(r.verdict, .match)
        XCTAssertTrue(r.bestTrimmed)
        XCTAssertEqual(r.bestDistance, 0)
        XCTAssertEqual(r.contentRegion, Region(x: 0, y: 80, width: 320, height: 240))
        XCTAssertEqual(r.contentQuality, 100)
        XCTAssertNotNil(r.weakBits)
        var whole = Options()
        whole.borderTrim = false
        let plain = try Matcher(path: listPath, options: whole).match(encoded: boxed)
        XCTAssertEqual(plain.verdict, .noMatch)
        XCTAssertNil(plain.contentRegion)
        let own = try Hash256(hex: "9afab547e0024807a01a0072755240774aedd3b847edbfd046bd1f9842adfffa")
        XCTAssertEqual(try m.match(PdqHash(hash: own, quality: 100)).weakBits, nil)
        XCTAssertEqual(try m.match(PdqHash(hash: own, quality: 100, weakBits: 40)).stable, false)
    }

    func testErrors() throws {
        XCTAssertThrowsError(try Matcher(path: "/nonexistent/list.pcl")) { error in
            guard case PerceptError.io = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Matcher(bytes: Data("junk".utf8))) { error in
            guard case PerceptError.malformedList = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Percept.hash(encoded: Data("hello".utf8))) { error in
            guard case PerceptError.unsupportedFormat = error else { return XCTFail("\(error)") }
        }
        var limits = Options()
        limits.maxPixels = 100
        let png = try Data(contentsOf: Self.testdata.appendingPathComponent("images/grey-200x150.png"))
        XCTAssertThrowsError(try Percept.hash(encoded: png, options: limits)) { error in
            guard case PerceptError.imageTooLarge = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Percept.hash(encoded: png.prefix(png.count / 2))) { error in
            guard case PerceptError.decodeFailed = error else { return XCTFail("\(error)") }
        }
    }

    func testSignedLists() throws {
        let signed = Self.testdata.appendingPathComponent("signed")
        func key(_ name: String) throws -> [UInt8] {
            let hex = try String(contentsOf: signed.appendingPathComponent(name))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let digits = Array(hex.utf8)
            XCTAssertEqual(digits.count, 64, name)
            return (0..<32).map { UInt8(String(decoding: digits[(2 * $0)..<(2 * $0 + 2)], as: UTF8.self), radix: 16)! }
        }
        let keyA = try key("test-key-a.pub")
        let keyB = try key("test-key-b.pub")
        // The imported layouts are the C ones (offsets from tests/c/test_signed.c).
        XCTAssertEqual(MemoryLayout<percept_options>.offset(of: \percept_options.min_list_version), 48)
        XCTAssertEqual(MemoryLayout<percept_options>.offset(of: \percept_options.trusted_public_key), 60)
        XCTAssertEqual(MemoryLayout<percept_options>.stride, 96)
        XCTAssertEqual(MemoryLayout<percept_list_info>.stride, 104)
        XCTAssertNil(Options().trustedPublicKey)
        XCTAssertEqual(Options().minListVersion, 0)

        var pinned = Options()
        pinned.trustedPublicKey = keyA
        pinned.minListVersion = 2
        XCTAssertEqual(pinned.trustedPublicKey, keyA)
        let m = try Matcher(path: signed.appendingPathComponent("sample-v2-signed-a.pcl").path,
                            options: pinned)
        XCTAssertEqual(m.listVersion, 2)
        XCTAssertEqual(m.signer, keyA)
        let bytes = try Data(contentsOf: Self.testdata.appendingPathComponent("images/waves-320x240-rot90.png"))
        XCTAssertEqual(try m.match(encoded: bytes).verdict, .match)

        let v2b = signed.appendingPathComponent("sample-v2-signed-b.pcl").path
        XCTAssertThrowsError(try Matcher(path: v2b, options: pinned)) { error in
            guard case PerceptError.listUntrustedSigner = error else { return XCTFail("\(error)") }
        }
        let v1a = signed.appendingPathComponent("sample-v1-signed-a.pcl").path
        XCTAssertThrowsError(try Matcher(path: v1a, options: pinned)) { error in
            guard case PerceptError.listRolledBack = error else { return XCTFail("\(error)") }
        }
        let unsigned = Self.testdata.appendingPathComponent("sample-list.pcl").path
        XCTAssertThrowsError(try Matcher(path: unsigned, options: pinned)) { error in
            guard case PerceptError.listUnsigned = error else { return XCTFail("\(error)") }
        }
        var pinnedB = pinned
        pinnedB.trustedPublicKey = keyB
        XCTAssertEqual(try Matcher(path: v2b, options: pinnedB).signer, keyB)

        var list = try Data(contentsOf: signed.appendingPathComponent("sample-v2-signed-a.pcl"))
        list[list.count - 1] ^= 1
        XCTAssertThrowsError(try Matcher(bytes: list, options: pinned)) { error in
            guard case PerceptError.listBadSignature = error else { return XCTFail("\(error)") }
        }
    }

    func testPanicBecomesAnError() {
        let status = percept_testing_panic()
        XCTAssertEqual(PerceptError(status: status, message: ""), .panic(""))
    }

    func testEveryStatusMaps() {
        let cases: [(percept_status, PerceptError)] = [
            (PERCEPT_STATUS_NULL_ARGUMENT, .nullArgument("")),
            (PERCEPT_STATUS_INVALID_ARGUMENT, .invalidArgument("")),
            (PERCEPT_STATUS_BUFFER_TOO_SMALL, .bufferTooSmall("")),
            (PERCEPT_STATUS_IO_ERROR, .io("")),
            (PERCEPT_STATUS_UNSUPPORTED_FORMAT, .unsupportedFormat("")),
            (PERCEPT_STATUS_IMAGE_TOO_LARGE, .imageTooLarge("")),
            (PERCEPT_STATUS_DECODE_FAILED, .decodeFailed("")),
            (PERCEPT_STATUS_MALFORMED_LIST, .malformedList("")),
            (PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH, .listChecksumMismatch("")),
            (PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION, .unsupportedListVersion("")),
            (PERCEPT_STATUS_LIST_TOO_LARGE, .listTooLarge("")),
            (PERCEPT_STATUS_LIST_UNSIGNED, .listUnsigned("")),
            (PERCEPT_STATUS_LIST_BAD_SIGNATURE, .listBadSignature("")),
            (PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER, .listUntrustedSigner("")),
            (PERCEPT_STATUS_LIST_ROLLED_BACK, .listRolledBack("")),
            (PERCEPT_STATUS_PANIC, .panic("")),
        ]
        for (status, error) in cases {
            XCTAssertEqual(PerceptError(status: status, message: ""), error)
        }
        XCTAssertEqual(PerceptError(status: 1234, message: ""), .unknown(1234, ""))
    }
}
