// An idiomatic Kotlin API over the C ABI: values, enums, exceptions, and a
// Matcher that is AutoCloseable and frees its native handle exactly once
// (on close(), or through a Cleaner if it was never closed). The first call
// checks the library's ABI version (PerceptAbiMismatchException).
package percept

import com.sun.jna.Memory
import com.sun.jna.Pointer
import com.sun.jna.ptr.IntByReference
import com.sun.jna.ptr.PointerByReference
import java.nio.ByteBuffer
import java.util.concurrent.locks.ReentrantReadWriteLock
import kotlin.concurrent.read
import kotlin.concurrent.write

/** Pixel layouts (PERCEPT_PIXEL_FORMAT_*). Alpha is ignored. */
enum class PixelFormat(internal val code: Int, val bytesPerPixel: Int) {
    /** R, G, B, A bytes: Android `Bitmap.Config.ARGB_8888` in memory. */
    RGBA8(1, 4),
    /** B, G, R, A bytes. */
    BGRA8(2, 4),
    /** A, R, G, B bytes. */
    ARGB8(3, 4),
    RGB8(4, 3),
    GRAY8(5, 1),
    /** Native-endian 16-bit samples; the high byte is used. */
    GRAY16(6, 2),
    RGB16(7, 6),
    RGBA16(8, 8)
}

/** Which PDQ reference to reproduce (PERCEPT_PROFILE_*). */
enum class Profile(internal val code: Int) { FULL_RESOLUTION(0), CLI512(1) }

/** The eight rotations/flips, in the order of [DihedralHashes.hashes]. */
enum class Dihedral { ORIGINAL, ROTATE90, ROTATE180, ROTATE270, FLIP_X, FLIP_Y, FLIP_PLUS1, FLIP_MINUS1 }

enum class Verdict { NO_MATCH, MATCH, UNRELIABLE }

/** A 256-bit PDQ hash (32 bytes, most significant first). */
class Hash256(bytes: ByteArray) {
    private val bytes: ByteArray = bytes.copyOf()

    init {
        require(bytes.size == 32) { "a hash is 32 bytes" }
    }

    fun toBytes(): ByteArray = bytes.copyOf()

    /** Meta's 64-digit lowercase hex form. */
    fun toHex(): String {
        val buf = ByteArray(65)
        check(Lib.lib.percept_hash_to_hex(bytes, buf, Lib.sizeT(buf.size.toLong())))
        return String(buf, 0, 64, Charsets.US_ASCII)
    }

    /** Hamming distance, 0..256. */
    fun distance(other: Hash256): Int {
        val out = IntByReference()
        check(Lib.lib.percept_hash_distance(bytes, other.bytes, out))
        return out.value
    }

    override fun equals(other: Any?) = other is Hash256 && other.bytes.contentEquals(bytes)
    override fun hashCode() = bytes.contentHashCode()
    override fun toString() = "Hash256(${toHex()})"

    companion object {
        /** Parses 64 hex digits; throws [PerceptException.InvalidArgument]. */
        fun fromHex(hex: String): Hash256 {
            val out = ByteArray(32)
            check(Lib.lib.percept_hash_from_hex(Lib.cString(hex), out))
            return Hash256(out)
        }
    }
}

/**
 * A PDQ hash, its quality (0..100; below ~50 unreliable) and its
 * stability: [weakBits] (0..256) of the 256 DCT values it comes from lie
 * within 0.3 of their median, so rounding noise sets those bits; null when
 * unknown (a hash computed elsewhere). Reported only: it never changes a
 * verdict.
 */
data class PdqHash(val hash: Hash256, val quality: Int, val weakBits: Int? = null) {
    /** Whether the hash is stable (fewer than [Percept.UNSTABLE_WEAK_BITS] weak bits); null when unknown. */
    val stable: Boolean? get() = isStable(weakBits)
}

/**
 * The hashes of all eight rotations/flips of an image, indexed by
 * [Dihedral]; quality and stability as in [PdqHash].
 */
data class DihedralHashes(val hashes: List<Hash256>, val quality: Int, val weakBits: Int? = null) {
    init {
        require(hashes.size == 8) { "an image has 8 dihedral hashes, not ${hashes.size}" }
    }

    operator fun get(variant: Dihedral): Hash256 = hashes[variant.ordinal]

    /** As [PdqHash.stable]. */
    val stable: Boolean? get() = isStable(weakBits)
}

private fun isStable(weakBits: Int?): Boolean? = weakBits?.let { it < Percept.UNSTABLE_WEAK_BITS }

/** The library's "unknown" weak-bit count (PERCEPT_WEAK_BITS_UNKNOWN, UINT32_MAX) as JNA reads it. */
private const val WEAK_BITS_UNKNOWN = -1

internal fun weakBitsOf(raw: Int): Int? = if (raw == WEAK_BITS_UNKNOWN) null else raw

internal fun weakBitsToC(weakBits: Int?): Int = weakBits ?: WEAK_BITS_UNKNOWN

/** A rectangle of pixels inside an image. */
data class Region(val x: Int, val y: Int, val width: Int, val height: Int)

/**
 * Decoding, hashing, list-opening and matching options; the defaults come
 * from the library (`percept_options_default`).
 *
 * [minListVersion]: lists with a lower list version are refused
 * ([PerceptException.ListRolledBack]); pass the highest version the app
 * has accepted. 0: any. [trustedPublicKey]: when set (32 bytes, the list
 * producer's Ed25519 public key), the list must be signed by exactly this
 * key ([PerceptException.ListUnsigned],
 * [PerceptException.ListUntrustedSigner]) and its checksum is always
 * verified. A signature that is present is checked either way
 * ([PerceptException.ListBadSignature]). [borderTrim]: matchers also hash
 * and match the picture inside uniform borders (letterbox, pillarbox, the
 * plain canvas of a screenshot); on by default.
 */
data class Options(
    val maxPixels: Long,
    val maxInputBytes: Long,
    val maxAllocBytes: Long,
    val maxSide: Int,
    val applyExifOrientation: Boolean,
    val profile: Profile,
    val threshold: Int,
    val minQuality: Int,
    val verifyChecksum: Boolean,
    val borderTrim: Boolean,
    val minListVersion: Long = 0,
    val trustedPublicKey: ByteArray? = null
) {
    init {
        require(trustedPublicKey == null || trustedPublicKey.size == 32) {
            "a public key is 32 bytes"
        }
    }

    internal fun toStruct(): OptionsStruct {
        val s = OptionsStruct()
        s.max_pixels = maxPixels
        s.max_input_bytes = maxInputBytes
        s.max_alloc_bytes = maxAllocBytes
        s.max_side = maxSide
        s.apply_exif_orientation = if (applyExifOrientation) 1 else 0
        s.profile = profile.code
        s.threshold = threshold
        s.min_quality = minQuality
        s.verify_checksum = if (verifyChecksum) 1 else 0
        s.min_list_version = minListVersion
        s.require_signature = if (trustedPublicKey != null) 1 else 0
        s.trusted_public_key = trustedPublicKey?.copyOf() ?: ByteArray(32)
        s.border_trim = if (borderTrim) 1 else 0
        return s
    }

    // A data class compares a ByteArray by identity; compare the key's bytes.
    override fun equals(other: Any?): Boolean = other is Options &&
        maxPixels == other.maxPixels && maxInputBytes == other.maxInputBytes &&
        maxAllocBytes == other.maxAllocBytes && maxSide == other.maxSide &&
        applyExifOrientation == other.applyExifOrientation && profile == other.profile &&
        threshold == other.threshold && minQuality == other.minQuality &&
        verifyChecksum == other.verifyChecksum && borderTrim == other.borderTrim &&
        minListVersion == other.minListVersion &&
        sameKey(trustedPublicKey, other.trustedPublicKey)

    override fun hashCode(): Int = listOf(
        maxPixels, maxInputBytes, maxAllocBytes, maxSide, applyExifOrientation, profile,
        threshold, minQuality, verifyChecksum, borderTrim, minListVersion,
        trustedPublicKey?.contentHashCode()
    ).hashCode()

    companion object {
        val DEFAULT: Options by lazy {
            val s = OptionsStruct()
            check(Lib.lib.percept_options_default(s))
            Options(
                maxPixels = s.max_pixels,
                maxInputBytes = s.max_input_bytes,
                maxAllocBytes = s.max_alloc_bytes,
                maxSide = s.max_side,
                applyExifOrientation = s.apply_exif_orientation != 0,
                profile = Profile.values().first { it.code == s.profile },
                threshold = s.threshold,
                minQuality = s.min_quality,
                verifyChecksum = s.verify_checksum != 0,
                borderTrim = s.border_trim != 0,
                minListVersion = s.min_list_version,
                trustedPublicKey = if (s.require_signature != 0) s.trusted_public_key.copyOf() else null
            )
        }

        private fun sameKey(a: ByteArray?, b: ByteArray?) =
            if (a == null || b == null) a === b else a.contentEquals(b)
    }
}

/**
 * Pixels the app holds: [height] rows of [width] pixels, rows [stride]
 * bytes apart. A direct [ByteBuffer] (e.g. from `Bitmap.copyPixelsToBuffer`)
 * is passed without copying; a heap buffer or array is copied once.
 */
class Pixels(
    internal val data: ByteBuffer,
    val width: Int,
    val height: Int,
    val stride: Int,
    val format: PixelFormat
) {
    constructor(data: ByteArray, width: Int, height: Int, stride: Int, format: PixelFormat) :
        this(ByteBuffer.wrap(data), width, height, stride, format)

    /** Runs [body] with a native pointer to the pixels and their length. */
    internal fun <T> withPointer(body: (Pointer, Long) -> T): T {
        val len = data.remaining().toLong()
        if (data.isDirect) {
            val base = com.sun.jna.Native.getDirectBufferPointer(data)
            return body(base.share(data.position().toLong()), len)
        }
        val copy = ByteArray(data.remaining())
        data.duplicate().get(copy)
        val memory = Lib.copy(copy)
        return body(memory, len)
    }
}

/**
 * What a matcher's list holds. [checksum] is the list's root digest;
 * [signer] the Ed25519 public key whose signature was verified on open,
 * or null for an unsigned list.
 */
data class ListInfo(
    val listVersion: Long,
    val entries: Long,
    val fileDigests: Long,
    val sizeBytes: Long,
    val checksum: ByteArray,
    val formatVersion: Int,
    val signer: ByteArray? = null
)

/** The answer for one image. [best] fields are meaningful when [matchCount] > 0. */
data class MatchResult(
    val verdict: Verdict,
    val exactFile: Boolean,
    /** PDQ quality, or null when the exact-file digest decided. */
    val quality: Int?,
    val matchCount: Long,
    val bestId: Long,
    val bestEntry: Long,
    val bestDistance: Int,
    val bestVariant: Dihedral,
    /** The closest entry was found from the picture inside [contentRegion]. */
    val bestTrimmed: Boolean,
    /** The image hash's weak bits (see [PdqHash]), or null when unknown. */
    val weakBits: Int?,
    /**
     * With border trim: the picture inside the image's uniform borders,
     * whose hashes were matched too; null when there are none.
     */
    val contentRegion: Region?,
    /** The PDQ quality of [contentRegion]'s picture, or null. */
    val contentQuality: Int?
) {
    /** As [PdqHash.stable]: an unstable hash's copies often fail to match. */
    val stable: Boolean? get() = isStable(weakBits)

    internal companion object {
        /**
         * Throws [IllegalStateException] for a verdict or variant these
         * bindings do not know (a newer library), rather than guessing.
         */
        fun of(s: MatchResultStruct) = MatchResult(
            verdict = Verdict.values().getOrNull(s.verdict)
                ?: throw IllegalStateException("unknown verdict ${s.verdict} from the library"),
            exactFile = s.exact_file != 0,
            quality = if (s.quality < 0) null else s.quality,
            matchCount = s.match_count,
            bestId = s.best_id,
            bestEntry = s.best_entry,
            bestDistance = s.best_distance,
            bestVariant = Dihedral.values().getOrNull(s.best_variant)
                ?: throw IllegalStateException("unknown dihedral variant ${s.best_variant} from the library"),
            bestTrimmed = s.best_trimmed != 0,
            weakBits = weakBitsOf(s.weak_bits),
            contentRegion = if (s.has_content_region != 0) {
                Region(s.content_x, s.content_y, s.content_width, s.content_height)
            } else {
                null
            },
            contentQuality = if (s.content_quality < 0) null else s.content_quality
        )
    }
}

/** PDQ hashing, and library facts. */
object Percept {
    /** The linked library's version, "MAJOR.MINOR.PATCH" (no ABI check). */
    val version: String get() = Lib.unchecked.percept_version()

    /** The linked library's ABI version (no ABI check). */
    val abiVersion: Int get() = Lib.unchecked.percept_abi_version()

    /**
     * The ABI version (PERCEPT_ABI_VERSION) these bindings were written for;
     * scripts/check-bindings.py checks that it equals the header's.
     */
    const val ABI_VERSION = 3

    /** At this many weak bits or more a hash is unstable (PERCEPT_UNSTABLE_WEAK_BITS). */
    const val UNSTABLE_WEAK_BITS = 32

    /**
     * Loads the library and throws [PerceptAbiMismatchException] (naming
     * both versions) unless its ABI is [ABI_VERSION]. Every call checks
     * this on first use; call it at start-up to fail early.
     */
    fun checkAbi() {
        Lib.lib
    }

    fun hash(pixels: Pixels, profile: Profile = Profile.FULL_RESOLUTION): PdqHash {
        val out = PdqHashStruct()
        pixels.withPointer { p, len ->
            check(Lib.lib.percept_pdq_hash_pixels(
                p, Lib.sizeT(len), pixels.width, pixels.height, Lib.sizeT(pixels.stride.toLong()),
                pixels.format.code, profile.code, out))
        }
        return PdqHash(Hash256(out.hash), out.quality, weakBitsOf(out.weak_bits))
    }

    fun hashDihedral(pixels: Pixels, profile: Profile = Profile.FULL_RESOLUTION): DihedralHashes {
        val out = PdqDihedralStruct()
        pixels.withPointer { p, len ->
            check(Lib.lib.percept_pdq_dihedral_pixels(
                p, Lib.sizeT(len), pixels.width, pixels.height, Lib.sizeT(pixels.stride.toLong()),
                pixels.format.code, profile.code, out))
        }
        return dihedralOf(out)
    }

    /** Hashes an encoded image (JPEG, PNG, GIF, WebP, BMP, TIFF). */
    fun hashEncoded(bytes: ByteArray, options: Options = Options.DEFAULT): PdqHash {
        val out = PdqHashStruct()
        val memory = Lib.copy(bytes)
        check(Lib.lib.percept_pdq_hash_encoded(
            memory, Lib.sizeT(bytes.size.toLong()), options.toStruct(), out))
        return PdqHash(Hash256(out.hash), out.quality, weakBitsOf(out.weak_bits))
    }

    fun hashDihedralEncoded(bytes: ByteArray, options: Options = Options.DEFAULT): DihedralHashes {
        val out = PdqDihedralStruct()
        val memory = Lib.copy(bytes)
        check(Lib.lib.percept_pdq_dihedral_encoded(
            memory, Lib.sizeT(bytes.size.toLong()), options.toStruct(), out))
        return dihedralOf(out)
    }

    internal fun dihedralOf(s: PdqDihedralStruct) = DihedralHashes(
        (0 until 8).map { Hash256(s.hashes.copyOfRange(32 * it, 32 * it + 32)) }, s.quality,
        weakBitsOf(s.weak_bits))
}

/**
 * A native matcher handle and its lock, apart from [Matcher] so that the
 * Cleaner's action (this object) does not reference the Matcher. Calls hold
 * the read lock; freeing takes the write lock, so it waits for calls in
 * progress, even when the Matcher itself became unreachable during one.
 */
private class MatcherHandle(handle: Pointer) : Runnable {
    private var handle: Pointer? = handle
    private val lock = ReentrantReadWriteLock()

    fun <T> withPointer(body: (Pointer) -> T): T = lock.read {
        body(handle ?: throw IllegalStateException("Matcher is closed"))
    }

    /** Frees the handle, once; later calls to [withPointer] throw. */
    override fun run() {
        val toFree = lock.write {
            val h = handle
            handle = null
            h
        }
        if (toFree != null) {
            Lib.lib.percept_matcher_free(toFree)
            Matcher.freed.incrementAndGet()
        }
    }
}

/**
 * An opened known-hash list. Thread-safe: share one instance; [close] waits
 * for calls in progress, frees the native handle exactly once, and later
 * calls throw [IllegalStateException]. A Matcher that is never closed is
 * freed by a Cleaner after it becomes unreachable (close it anyway: the
 * garbage collector may run late, and the list stays mapped until then).
 */
class Matcher private constructor(handle: Pointer) : AutoCloseable {
    private val state = MatcherHandle(handle)
    private val cleanable = NativeCleaner.register(this, state)

    private fun <T> withHandle(body: (Pointer) -> T): T = state.withPointer(body)

    val info: ListInfo
        get() = withHandle { h ->
            val s = ListInfoStruct()
            check(Lib.lib.percept_matcher_info(h, s))
            ListInfo(s.list_version, s.entries, s.file_digests, s.size_bytes, s.checksum.copyOf(),
                s.format_version, if (s.is_signed != 0) s.signer_public_key.copyOf() else null)
        }

    /** Recomputes the list's checksum; throws [PerceptException.ListChecksumMismatch]. */
    fun verifyChecksum() = withHandle { h -> check(Lib.lib.percept_matcher_verify_checksum(h)) }

    /** One hash; pass quality 100 when unknown. Its [PdqHash.weakBits] is reported back. */
    fun match(hash: PdqHash): MatchResult = withHandle { h ->
        val input = PdqHashStruct()
        input.hash = hash.hash.toBytes()
        input.quality = hash.quality
        input.weak_bits = weakBitsToC(hash.weakBits)
        val out = MatchResultStruct()
        check(Lib.lib.percept_matcher_match_hash(h, input, out))
        MatchResult.of(out)
    }

    /** An image's eight hashes. */
    fun match(hashes: DihedralHashes): MatchResult = withHandle { h ->
        val input = PdqDihedralStruct()
        val all = ByteArray(8 * 32)
        hashes.hashes.forEachIndexed { i, hash -> hash.toBytes().copyInto(all, 32 * i) }
        input.hashes = all
        input.quality = hashes.quality
        input.weak_bits = weakBitsToC(hashes.weakBits)
        val out = MatchResultStruct()
        check(Lib.lib.percept_matcher_match_dihedral(h, input, out))
        MatchResult.of(out)
    }

    fun matchPixels(pixels: Pixels): MatchResult = withHandle { h ->
        val out = MatchResultStruct()
        pixels.withPointer { p, len ->
            check(Lib.lib.percept_matcher_match_pixels(
                h, p, Lib.sizeT(len), pixels.width, pixels.height,
                Lib.sizeT(pixels.stride.toLong()), pixels.format.code, out))
        }
        MatchResult.of(out)
    }

    fun matchEncoded(bytes: ByteArray): MatchResult = withHandle { h ->
        val out = MatchResultStruct()
        val memory: Memory = Lib.copy(bytes)
        check(Lib.lib.percept_matcher_match_encoded(h, memory, Lib.sizeT(bytes.size.toLong()), out))
        MatchResult.of(out)
    }

    /** The label of list entry [entry] (e.g. [MatchResult.bestEntry]); "" when none. */
    fun label(entry: Long): String = withHandle { h ->
        val cell = Lib.sizeTCell()
        check(Lib.lib.percept_matcher_entry_label(h, entry, null, Lib.sizeT(0), cell)
            .let { if (it == Status.BUFFER_TOO_SMALL) Status.OK else it })
        val buf = ByteArray(Lib.readSizeT(cell).toInt())
        check(Lib.lib.percept_matcher_entry_label(h, entry, buf, Lib.sizeT(buf.size.toLong()), cell))
        String(buf, 0, buf.size - 1, Charsets.UTF_8)
    }

    /** Frees the native handle; idempotent. */
    override fun close() = cleanable.clean()

    companion object {
        /** Native handles freed so far, by [close] or by the Cleaner (for tests). */
        internal val freed = java.util.concurrent.atomic.AtomicLong()

        fun open(path: String, options: Options = Options.DEFAULT): Matcher {
            val out = PointerByReference()
            check(Lib.lib.percept_matcher_open_path(Lib.cString(path), options.toStruct(), out))
            return opened(out)
        }

        /** From list bytes held in memory (copied). */
        fun open(bytes: ByteArray, options: Options = Options.DEFAULT): Matcher {
            val out = PointerByReference()
            val memory = Lib.copy(bytes)
            check(Lib.lib.percept_matcher_open_bytes(
                memory, Lib.sizeT(bytes.size.toLong()), options.toStruct(), out))
            return opened(out)
        }

        /** The matcher for a handle an open function returned with [Status.OK]. */
        private fun opened(out: PointerByReference): Matcher =
            Matcher(out.value ?: throw IllegalStateException("the library returned no matcher"))
    }
}

/** Test-only entry points; present only in libraries built with `--features testing`. */
object Testing {
    /** Panics inside the library; must throw [PerceptException.Panic]. */
    fun panic() = check(Lib.lib.percept_testing_panic())
}
