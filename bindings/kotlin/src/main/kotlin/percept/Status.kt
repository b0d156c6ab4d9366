// Status codes (the PERCEPT_STATUS_* constants of include/percept.h) and
// the exceptions they become. scripts/check-bindings.py checks that every
// code in the header is here, with the same number, and mapped below.
package percept

/** The C ABI's status codes; the numbers never change. */
object Status {
    const val OK = 0
    const val NULL_ARGUMENT = 1
    const val INVALID_ARGUMENT = 2
    const val BUFFER_TOO_SMALL = 3
    const val IO_ERROR = 4
    const val UNSUPPORTED_FORMAT = 10
    const val IMAGE_TOO_LARGE = 11
    const val DECODE_FAILED = 12
    const val MALFORMED_LIST = 20
    const val LIST_CHECKSUM_MISMATCH = 21
    const val UNSUPPORTED_LIST_VERSION = 22
    const val LIST_TOO_LARGE = 23
    const val LIST_UNSIGNED = 24
    const val LIST_BAD_SIGNATURE = 25
    const val LIST_UNTRUSTED_SIGNER = 26
    const val LIST_ROLLED_BACK = 27
    const val PANIC = 99
}

/**
 * A failed percept call. [status] is the C status code; the message is the
 * library's log-safe description (never pixels, hashes or paths).
 */
sealed class PerceptException(val status: Int, message: String) : Exception(message) {
    /** A required argument was missing (a bug in this wrapper if it happens). */
    class NullArgument(message: String) : PerceptException(Status.NULL_ARGUMENT, message)
    /** An argument was out of range (dimensions, stride, hex, options, entry). */
    class InvalidArgument(message: String) : PerceptException(Status.INVALID_ARGUMENT, message)
    /** An output buffer was too small (handled inside this wrapper). */
    class BufferTooSmall(message: String) : PerceptException(Status.BUFFER_TOO_SMALL, message)
    /** A file could not be read. */
    class Io(message: String) : PerceptException(Status.IO_ERROR, message)
    /** Not an image format percept decodes, or an unknown pixel format. */
    class UnsupportedFormat(message: String) : PerceptException(Status.UNSUPPORTED_FORMAT, message)
    /** The image exceeds a decoding limit of [Options]. */
    class ImageTooLarge(message: String) : PerceptException(Status.IMAGE_TOO_LARGE, message)
    /** The image data is corrupt or truncated. */
    class DecodeFailed(message: String) : PerceptException(Status.DECODE_FAILED, message)
    /** The list is not a percept list, or is broken: fetch it again. */
    class MalformedList(message: String) : PerceptException(Status.MALFORMED_LIST, message)
    /** The list's checksum does not match: fetch it again. */
    class ListChecksumMismatch(message: String) :
        PerceptException(Status.LIST_CHECKSUM_MISMATCH, message)
    /** The list's format is newer than this library: update the library. */
    class UnsupportedListVersion(message: String) :
        PerceptException(Status.UNSUPPORTED_LIST_VERSION, message)
    /** The list holds more entries than this build supports. */
    class ListTooLarge(message: String) : PerceptException(Status.LIST_TOO_LARGE, message)
    /** A signature is required ([Options.trustedPublicKey]) and the list has none. */
    class ListUnsigned(message: String) : PerceptException(Status.LIST_UNSIGNED, message)
    /** The list's signature does not verify: it was altered. Fetch it again. */
    class ListBadSignature(message: String) : PerceptException(Status.LIST_BAD_SIGNATURE, message)
    /** The list is signed, but not by [Options.trustedPublicKey]. */
    class ListUntrustedSigner(message: String) :
        PerceptException(Status.LIST_UNTRUSTED_SIGNER, message)
    /** The list is older than [Options.minListVersion] (rollback). */
    class ListRolledBack(message: String) : PerceptException(Status.LIST_ROLLED_BACK, message)
    /** An internal error in percept, caught before it could crash the app. */
    class Panic(message: String) : PerceptException(Status.PANIC, message)
    /** A code this wrapper does not know (a newer library). */
    class Unknown(status: Int, message: String) : PerceptException(status, message)

    companion object {
        /** The exception for a non-OK status. */
        fun of(status: Int, message: String): PerceptException = when (status) {
            Status.NULL_ARGUMENT -> NullArgument(message)
            Status.INVALID_ARGUMENT -> InvalidArgument(message)
            Status.BUFFER_TOO_SMALL -> BufferTooSmall(message)
            Status.IO_ERROR -> Io(message)
            Status.UNSUPPORTED_FORMAT -> UnsupportedFormat(message)
            Status.IMAGE_TOO_LARGE -> ImageTooLarge(message)
            Status.DECODE_FAILED -> DecodeFailed(message)
            Status.MALFORMED_LIST -> MalformedList(message)
            Status.LIST_CHECKSUM_MISMATCH -> ListChecksumMismatch(message)
            Status.UNSUPPORTED_LIST_VERSION -> UnsupportedListVersion(message)
            Status.LIST_TOO_LARGE -> ListTooLarge(message)
            Status.LIST_UNSIGNED -> ListUnsigned(message)
            Status.LIST_BAD_SIGNATURE -> ListBadSignature(message)
            Status.LIST_UNTRUSTED_SIGNER -> ListUntrustedSigner(message)
            Status.LIST_ROLLED_BACK -> ListRolledBack(message)
            Status.PANIC -> Panic(message)
            else -> Unknown(status, message)
        }
    }
}

/** Throws the exception for [status] unless it is [Status.OK]. */
internal fun check(status: Int) {
    if (status != Status.OK) {
        throw PerceptException.of(status, lastErrorMessage())
    }
}

/** This thread's last error message (two-call pattern). */
internal fun lastErrorMessage(): String {
    val cell = Lib.sizeTCell()
    var buf = ByteArray(256)
    var status = Lib.lib.percept_last_error_message(buf, Lib.sizeT(buf.size.toLong()), cell)
    if (status == Status.BUFFER_TOO_SMALL) {
        buf = ByteArray(Lib.readSizeT(cell).toInt())
        status = Lib.lib.percept_last_error_message(buf, Lib.sizeT(buf.size.toLong()), cell)
    }
    if (status != Status.OK) return Lib.lib.percept_status_name(status)
    return String(buf, 0, (Lib.readSizeT(cell) - 1).toInt(), Charsets.UTF_8)
}
