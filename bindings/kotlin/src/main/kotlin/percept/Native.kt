// The C ABI (include/percept.h) as JNA sees it. Internal: apps use the
// classes in Percept.kt. Every declaration mirrors one header prototype;
// scripts/check-bindings.py compares names and arities with the header.
//
// JNA finds the C functions by the names of PerceptLibrary's methods and
// lays the structures out from their field names, by reflection: R8 and
// ProGuard must keep them (bindings/kotlin/consumer-rules.pro).
package percept

import com.sun.jna.Library
import com.sun.jna.Memory
import com.sun.jna.Pointer
import com.sun.jna.Structure
import com.sun.jna.ptr.IntByReference
import com.sun.jna.ptr.PointerByReference
import java.lang.ref.PhantomReference
import java.lang.ref.ReferenceQueue
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicBoolean

// Field order and types must be exactly the header's: JNA lays each
// structure out from its FieldOrder, and a mismatch corrupts memory.
// scripts/check-bindings.py compares every FieldOrder with the header's
// struct, and the tests check the sizes on 64-bit ABIs.
@Structure.FieldOrder("hash", "quality", "weak_bits", "stable")
internal class PdqHashStruct : Structure() {
    @JvmField var hash = ByteArray(32)
    @JvmField var quality = 0
    @JvmField var weak_bits = 0
    @JvmField var stable = 0
}

@Structure.FieldOrder("hashes", "quality", "weak_bits", "stable")
internal class PdqDihedralStruct : Structure() {
    @JvmField var hashes = ByteArray(8 * 32)
    @JvmField var quality = 0
    @JvmField var weak_bits = 0
    @JvmField var stable = 0
}

@Structure.FieldOrder(
    "max_pixels", "max_input_bytes", "max_alloc_bytes", "max_side", "apply_exif_orientation",
    "profile", "threshold", "min_quality", "verify_checksum", "min_list_version",
    "require_signature", "trusted_public_key", "border_trim"
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
    @JvmField var border_trim = 0
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
    "best_distance", "best_variant", "best_trimmed", "weak_bits", "stable",
    "has_content_region", "content_x", "content_y", "content_width", "content_height",
    "content_quality"
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
    @JvmField var best_trimmed = 0
    @JvmField var weak_bits = 0
    @JvmField var stable = 0
    @JvmField var has_content_region = 0
    @JvmField var content_x = 0
    @JvmField var content_y = 0
    @JvmField var content_width = 0
    @JvmField var content_height = 0
    @JvmField var content_quality = 0
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

/**
 * The linked native library implements another C ABI than these bindings
 * were written for: it reports [linked], they expect [expected]
 * (`PERCEPT_ABI_VERSION` in percept.h). Calling it could corrupt memory, so
 * no other call is made. Ship the library and the bindings from the same
 * release.
 */
class PerceptAbiMismatchException(val expected: Int, val linked: Int) : IllegalStateException(
    "percept ABI mismatch: the linked library has ABI version $linked, but these bindings " +
        "expect ABI version $expected (PERCEPT_ABI_VERSION); ship libpercept and the " +
        "Kotlin bindings from the same release"
)

internal object Lib {
    /**
     * Loaded from `jna.library.path` (or the app's native libraries on
     * Android), without the ABI check: only for the version functions.
     */
    val unchecked: PerceptLibrary by lazy {
        com.sun.jna.Native.load("percept", PerceptLibrary::class.java)
    }

    /**
     * The library, once its ABI version is known to be [Percept.ABI_VERSION].
     * On a mismatch every access throws [PerceptAbiMismatchException] (a
     * lazy value whose initialiser throws is tried again on the next access).
     */
    val lib: PerceptLibrary by lazy {
        val loaded = unchecked
        checkAbi(Percept.ABI_VERSION, loaded.percept_abi_version())
        loaded
    }

    fun checkAbi(expected: Int, linked: Int) {
        if (linked != expected) throw PerceptAbiMismatchException(expected, linked)
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

/**
 * Frees native memory whose Kotlin owner was never closed, once the owner
 * is unreachable. `java.lang.ref.Cleaner` where the runtime has it (Java 9+,
 * Android API 33+); elsewhere (older Android) a [PhantomCleaner] does the
 * same. The action must not reference the owner, or it never becomes
 * unreachable.
 */
internal object NativeCleaner {
    /** Runs its action at most once: on [clean], or after the owner is gone. */
    interface Cleanable {
        fun clean()
    }

    private val hasJdkCleaner: Boolean = try {
        Class.forName("java.lang.ref.Cleaner")
        true
    } catch (e: Throwable) {
        false
    }

    // Only touched when java.lang.ref.Cleaner exists, so that older Android
    // never resolves the class.
    private object Jdk {
        val cleaner: java.lang.ref.Cleaner = java.lang.ref.Cleaner.create()

        fun register(owner: Any, action: Runnable): Cleanable {
            val cleanable = cleaner.register(owner, action)
            return object : Cleanable {
                override fun clean() = cleanable.clean()
            }
        }
    }

    private val fallback by lazy { PhantomCleaner("percept-cleaner") }

    fun register(owner: Any, action: Runnable): Cleanable =
        if (hasJdkCleaner) Jdk.register(owner, action) else fallback.register(owner, action)
}

/**
 * A minimal `java.lang.ref.Cleaner` for runtimes without one: phantom
 * references to the owners, and a daemon thread that runs the action of
 * each owner the garbage collector found unreachable.
 */
internal class PhantomCleaner(threadName: String) {
    private val queue = ReferenceQueue<Any>()
    // Keeps the references reachable until they are cleaned (an unreachable
    // reference is never enqueued).
    private val pending: MutableSet<Ref> = Collections.newSetFromMap(ConcurrentHashMap<Ref, Boolean>())

    private class Ref(
        owner: Any,
        queue: ReferenceQueue<Any>,
        private val pending: MutableSet<Ref>,
        private val action: Runnable
    ) : PhantomReference<Any>(owner, queue), NativeCleaner.Cleanable {
        private val done = AtomicBoolean(false)

        override fun clean() {
            if (done.compareAndSet(false, true)) {
                pending.remove(this)
                clear()
                action.run()
            }
        }
    }

    init {
        val thread = Thread({
            while (true) {
                try {
                    (queue.remove() as Ref).clean()
                } catch (e: Throwable) {
                    // Keep cleaning; an action that fails must not stop the others.
                }
            }
        }, threadName)
        thread.isDaemon = true
        thread.start()
    }

    fun register(owner: Any, action: Runnable): NativeCleaner.Cleanable =
        Ref(owner, queue, pending, action).also { pending.add(it) }
}
