// Status codes (PERCEPT_STATUS_* in include/percept.h) as Swift errors,
// and the ABI check every entry point runs first.
// scripts/check-bindings.py checks that every code in the header is handled.
import CPercept

/// A failed percept call, with the library's log-safe message (never
/// pixels, hashes or paths). Every failure is thrown: the wrapper never
/// traps (no precondition, fatalError or force unwrap).
public enum PerceptError: Error, Equatable, Sendable {
    case nullArgument(String)
    case invalidArgument(String)
    case bufferTooSmall(String)
    case io(String)
    case unsupportedFormat(String)
    case imageTooLarge(String)
    case decodeFailed(String)
    case malformedList(String)
    case listChecksumMismatch(String)
    case unsupportedListVersion(String)
    case listTooLarge(String)
    /// A signature is required (Options.trustedPublicKey) and the list has none.
    case listUnsigned(String)
    /// The list's signature does not verify: it was altered. Fetch it again.
    case listBadSignature(String)
    /// The list is signed, but not by Options.trustedPublicKey.
    case listUntrustedSigner(String)
    /// The list is older than Options.minListVersion (rollback).
    case listRolledBack(String)
    /// An internal error in percept, caught before it could crash the app.
    case panic(String)
    /// A code from a newer library.
    case unknown(Int32, String)
    /// The linked library implements another C ABI than these bindings were
    /// written for (PERCEPT_ABI_VERSION); the message names both versions.
    /// Link the library from the same release as the bindings.
    case abiMismatch(String)
    /// The library answered with a value these bindings do not know (e.g.
    /// a verdict from a newer library), or broke its own contract.
    case unexpectedResult(String)

    init(status: percept_status, message: String) {
        switch status {
        case PERCEPT_STATUS_NULL_ARGUMENT: self = .nullArgument(message)
        case PERCEPT_STATUS_INVALID_ARGUMENT: self = .invalidArgument(message)
        case PERCEPT_STATUS_BUFFER_TOO_SMALL: self = .bufferTooSmall(message)
        case PERCEPT_STATUS_IO_ERROR: self = .io(message)
        case PERCEPT_STATUS_UNSUPPORTED_FORMAT: self = .unsupportedFormat(message)
        case PERCEPT_STATUS_IMAGE_TOO_LARGE: self = .imageTooLarge(message)
        case PERCEPT_STATUS_DECODE_FAILED: self = .decodeFailed(message)
        case PERCEPT_STATUS_MALFORMED_LIST: self = .malformedList(message)
        case PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH: self = .listChecksumMismatch(message)
        case PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION: self = .unsupportedListVersion(message)
        case PERCEPT_STATUS_LIST_TOO_LARGE: self = .listTooLarge(message)
        case PERCEPT_STATUS_LIST_UNSIGNED: self = .listUnsigned(message)
        case PERCEPT_STATUS_LIST_BAD_SIGNATURE: self = .listBadSignature(message)
        case PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER: self = .listUntrustedSigner(message)
        case PERCEPT_STATUS_LIST_ROLLED_BACK: self = .listRolledBack(message)
        case PERCEPT_STATUS_PANIC: self = .panic(message)
        default: self = .unknown(status, message)
        }
    }
}

/// The result of comparing the linked library's ABI with the one these
/// bindings were written for. A static let is initialised once, lazily and
/// thread-safely, on first use.
enum ABICheck {
    static let result: Result<Void, PerceptError> = {
        let header = UInt32(PERCEPT_ABI_VERSION)
        let linked = percept_abi_version()
        if linked == header && header == Percept.bindingsABIVersion {
            return .success(())
        }
        return .failure(.abiMismatch(
            "percept ABI mismatch: the linked library has ABI version \(linked), "
                + "but these bindings expect ABI version \(Percept.bindingsABIVersion) "
                + "(include/percept.h: PERCEPT_ABI_VERSION \(header)); "
                + "link the library from the same release as the bindings"))
    }()

    static var passed: Bool {
        if case .success = result { return true }
        return false
    }
}

/// Throws PerceptError.abiMismatch unless the linked library has the ABI
/// these bindings were written for. Every entry point that passes structs
/// to the library calls it first.
func ensureABI() throws {
    try ABICheck.result.get()
}

/// Throws the error for `status` unless it is PERCEPT_STATUS_OK.
func check(_ status: percept_status) throws {
    if status != PERCEPT_STATUS_OK {
        throw PerceptError(status: status, message: lastErrorMessage())
    }
}

/// This thread's last error message.
func lastErrorMessage() -> String {
    var buf = [CChar](repeating: 0, count: Int(PERCEPT_ERROR_MESSAGE_MAX))
    var len = 0
    guard percept_last_error_message(&buf, buf.count, &len) == PERCEPT_STATUS_OK else {
        return ""
    }
    return String(cString: buf)
}
