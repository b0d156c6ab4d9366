// The C ABI (include/percept.h) as JNA sees it. Internal: apps use the
// classes in Percept.kt. Every declaration mirrors one header prototype;
// scripts/check-bindings.py compares names and arities with the header.
package percept

import com.sun.jna.Library
import com.sun.jna.Memory
import com.sun.jna.Pointer
import com.sun.jna.Structure
import com.sun.jna.ptr.IntByReference
import com.sun.jna.ptr.PointerByReference

@Structure.FieldOrder("hash", "quality")
internal class PdqHashStruct : Structure() {
    @JvmField var hash = ByteArray(32)
    @JvmField var quality = 0
}

@Structure.FieldOrder("hashes", "quality")
internal class PdqDihedralStruct : Structure() {
    @JvmField var hashes = ByteArray(8 * 32)
    @JvmField var quality = 0
}

// Field order and types must be exactly the header's: JNA lays the
// structure out from this list, and a mismatch corrupts memory. The tests
// check the sizes (96 and 104 bytes on 64-bit ABIs).
@Structure.FieldOrder(
    "max_pixels", "max_input_bytes", "max_alloc_bytes", "max_side", "apply_exif_orientation",
    "profile", "threshold", "min_quality", "verify_checksum", "min_list_version",
    "require_signature", "trusted_public_key"
)
internal class OptionsStruct : Structure() {
    @JvmField var max_pixels = 0L
    @JvmField var max_input_bytes = 0L
    @JvmField var max_alloc_bytes = 0L
    @JvmField var max_side = 0
    @JvmField var apply_exif_orientation = 0
    @JvmField var profile = 0
    @JvmField var threshold = 0
    @JvmField var min_quality = 0
    @JvmField var verify_checksum = 0
    @JvmField var min_list_version = 0L
    @JvmField var require_signature = 0
    @JvmField var trusted_public_key = ByteArray(32)
}

@Structure.FieldOrder(
    "list_version", "entries", "file_digests", "size_bytes", "checksum", "format_version",
    "is_signed", "signer_public_key"
)
internal class ListInfoStruct : Structure() {
    @JvmField var list_version = 0L
    @JvmField var entries = 0L
    @JvmField var file_digests = 0L
    @JvmField var size_bytes = 0L
    @JvmField var checksum = ByteArray(32)
    @JvmField var format_version = 0
    @JvmField var is_signed = 0
    @JvmField var signer_public_key = ByteArray(32)
}

@Structure.FieldOrder(
    "match_count", "best_id", "best_entry", "verdict", "exact_file", "quality",
    "best_distance", "best_variant"
)
internal class MatchResultStruct : Structure() {
    @JvmField var match_count = 0L
    @JvmField var best_id = 0L
    @JvmField var best_entry = 0L
    @JvmField var verdict = 0
    @JvmField var exact_file = 0
    @JvmField var quality = 0
    @JvmField var best_distance = 0
    @JvmField var best_variant = 0
}

/**
 * size_t is passed as a Java long on 64-bit ABIs and an int on 32-bit ones
 * (armeabi-v7a); JNA's NativeLong has exactly size_t's width on every
 * Android and Linux ABI (LP64 / ILP32).
 */
internal typealias SizeT = com.sun.jna.NativeLong

@Suppress("FunctionName")
internal interface PerceptLibrary : Library {
    fun percept_version(): String
    fun percept_abi_version(): Int
    fun percept_status_name(status: Int): String
    fun percept_last_error_message(buf: ByteArray?, buf_len: SizeT, out_len: Pointer?): Int
    fun percept_hash_from_hex(hex: ByteArray?, out_hash: ByteArray?): Int
    fun percept_hash_to_hex(hash: ByteArray?, buf: ByteArray?, buf_len: SizeT): Int
    fun percept_hash_distance(a: ByteArray?, b: ByteArray?, out_distance: IntByReference?): Int
    fun percept_options_default(out_options: OptionsStruct?): Int
    fun percept_pdq_hash_pixels(
        data: Pointer?, data_len: SizeT, width: Int, height: Int, stride: SizeT, format: Int,
        profile: Int, out_hash: PdqHashStruct?
    ): Int
    fun percept_pdq_dihedral_pixels(
        data: Pointer?, data_len: SizeT, width: Int, height: Int, stride: SizeT, format: Int,
        profile: Int, out_hashes: PdqDihedralStruct?
    ): Int
    fun percept_pdq_hash_encoded(
        bytes: Pointer?, len: SizeT, options: OptionsStruct?, out_hash: PdqHashStruct?
    ): Int
    fun percept_pdq_dihedral_encoded(
        bytes: Pointer?, len: SizeT, options: OptionsStruct?, out_hashes: PdqDihedralStruct?
    ): Int
    fun percept_matcher_open_path(
        path: ByteArray?, options: OptionsStruct?, out_matcher: PointerByReference?
    ): Int
    fun percept_matcher_open_bytes(
        bytes: Pointer?, len: SizeT, options: OptionsStruct?, out_matcher: PointerByReference?
    ): Int
    fun percept_matcher_free(matcher: Pointer?)
    fun percept_matcher_info(matcher: Pointer?, out_info: ListInfoStruct?): Int
    fun percept_matcher_verify_checksum(matcher: Pointer?): Int
    fun percept_matcher_match_hash(
        matcher: Pointer?, hash: PdqHashStruct?, out_result: MatchResultStruct?
    ): Int
    fun percept_matcher_match_dihedral(
        matcher: Pointer?, hashes: PdqDihedralStruct?, out_result: MatchResultStruct?
    ): Int
    fun percept_matcher_match_pixels(
        matcher: Pointer?, data: Pointer?, data_len: SizeT, width: Int, height: Int,
        stride: SizeT, format: Int, out_result: MatchResultStruct?
    ): Int
    fun percept_matcher_match_encoded(
        matcher: Pointer?, bytes: Pointer?, len: SizeT, out_result: MatchResultStruct?
    ): Int
    fun percept_matcher_entry_label(
        matcher: Pointer?, entry: Long, buf: ByteArray?, buf_len: SizeT, out_len: Pointer?
    ): Int

    /** Only in libraries built with `--features testing`. */
    fun percept_testing_panic(): Int
}

internal object Lib {
    /** Loaded from `jna.library.path` (or the app's native libraries on Android). */
    val lib: PerceptLibrary by lazy {
        com.sun.jna.Native.load("percept", PerceptLibrary::class.java)
    }

    fun sizeT(value: Long) = SizeT(value)

    /** A native size_t cell for `size_t *out_len`. */
    fun sizeTCell(): Memory = Memory(com.sun.jna.Native.SIZE_T_SIZE.toLong()).also { it.clear() }

    fun readSizeT(cell: Memory): Long =
        if (com.sun.jna.Native.SIZE_T_SIZE == 8) cell.getLong(0) else cell.getInt(0).toLong()

    /** A native copy of `bytes` (valid while the returned Memory is reachable). */
    fun copy(bytes: ByteArray): Memory {
        // Memory(0) is not allowed; one spare byte keeps the pointer valid.
        val m = Memory(maxOf(bytes.size, 1).toLong())
        m.write(0, bytes, 0, bytes.size)
        return m
    }

    /** NUL-terminated UTF-8. */
    fun cString(text: String): ByteArray = text.toByteArray(Charsets.UTF_8) + 0
}
