// The Kotlin bindings' tests: a plain main with a small harness (CI has no
// Gradle), run on the cdylib built in the same run. Prints
// "N passed, N failed" and exits non-zero on any failure.
//
// Usage: PerceptTestKt TESTDATA_DIR PDQ_REFERENCE_DIR
package percept

import java.io.File
import java.nio.ByteBuffer
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import javax.imageio.ImageIO
import kotlin.system.exitProcess

private var passed = 0
private var failed = 0

private fun check(ok: Boolean, what: () -> String) {
    if (ok) {
        passed++
    } else {
        failed++
        System.err.println("FAIL ${what()}")
    }
}

private fun test(name: String, body: () -> Unit) {
    try {
        body()
    } catch (e: Throwable) {
        failed++
        System.err.println("FAIL $name threw $e")
        e.printStackTrace()
    }
}

private inline fun <reified E : Throwable> expectThrows(what: String, body: () -> Unit) {
    try {
        body()
        check(false) { "$what: no ${E::class.java.simpleName} thrown" }
    } catch (e: Throwable) {
        check(e is E) { "$what: threw $e, expected ${E::class.java.simpleName}" }
    }
}

/** Rows of a reference table as column name -> value. */
private fun readTable(file: File): List<Map<String, String>> {
    val lines = file.readLines().filter { !it.startsWith("#") && it.isNotBlank() }
    val header = lines.first().split('\t')
    return lines.drop(1).map { line -> header.zip(line.split('\t')).toMap() }
}

/** Runs the garbage collector until [done] or [timeoutMs] passed; returns [done]. */
private fun gcUntil(timeoutMs: Long, done: () -> Boolean): Boolean {
    val end = System.currentTimeMillis() + timeoutMs
    while (!done()) {
        if (System.currentTimeMillis() > end) return false
        System.gc()
        Thread.sleep(20)
    }
    return true
}

/**
 * Opens [n] matchers and drops them without close(), some after a call.
 * A function of its own, so that no local of the caller keeps one alive.
 */
private fun openAndDrop(n: Int, list: File) {
    val bytes = list.readBytes()
    for (i in 0 until n) {
        when (i % 3) {
            0 -> Matcher.open(list.path)
            1 -> Matcher.open(bytes).info
            else -> Matcher.open(list.path).match(PdqHash(Hash256(ByteArray(32)), 100))
        }
    }
}

/** Opens a matcher and closes it twice; returns how many handles that freed. */
private fun closeTwice(list: File): Long {
    val m = Matcher.open(list.path)
    val before = Matcher.freed.get()
    m.close()
    m.close()
    expectThrows<IllegalStateException>("use after close") { m.info }
    return Matcher.freed.get() - before
}

private val DIHEDRAL_COLUMNS = listOf(
    "dih_orig", "dih_rot90", "dih_rot180", "dih_rot270",
    "dih_flipx", "dih_flipy", "dih_flipplus1", "dih_flipminus1"
)

/** RGBA bytes of an 8-bit RGB(A) PNG via ImageIO, as an Android Bitmap holds them. */
private fun rgbaPixels(file: File): Pixels? {
    val image = ImageIO.read(file) ?: return null
    if (image.colorModel.numColorComponents != 3 || image.colorModel.pixelSize > 32) return null
    val w = image.width
    val h = image.height
    val buf = ByteBuffer.allocateDirect(w * h * 4)
    for (y in 0 until h) for (x in 0 until w) {
        val argb = image.getRGB(x, y)
        buf.put((argb shr 16).toByte()).put((argb shr 8).toByte()).put(argb.toByte())
            .put((argb ushr 24).toByte())
    }
    buf.flip()
    return Pixels(buf, w, h, w * 4, PixelFormat.RGBA8)
}

fun main(args: Array<String>) {
    if (args.size != 2) {
        System.err.println("usage: PerceptTestKt TESTDATA_DIR PDQ_REFERENCE_DIR")
        exitProcess(2)
    }
    val testdata = File(args[0])
    val reference = File(args[1])
    println("percept ${Percept.version} (ABI ${Percept.abiVersion})")

    test("versions") {
        check(Percept.abiVersion == Percept.ABI_VERSION) { "ABI ${Percept.abiVersion}" }
        check(Percept.version.matches(Regex("""\d+\.\d+\.\d+"""))) { "version ${Percept.version}" }
    }

    test("ABI check") {
        Percept.checkAbi() // the linked library passes
        Lib.checkAbi(Percept.ABI_VERSION, Percept.ABI_VERSION)
        try {
            Lib.checkAbi(2, 3)
            check(false) { "ABI 3 for 2 accepted" }
        } catch (e: PerceptAbiMismatchException) {
            check(e.expected == 2 && e.linked == 3) { "fields ${e.expected} ${e.linked}" }
            val message = e.message ?: ""
            check(message.contains("library has ABI version 3") &&
                message.contains("expect ABI version 2")) { "message: $message" }
        }
    }

    test("wrong lengths and unknown values throw") {
        for (size in listOf(0, 31, 33)) {
            expectThrows<IllegalArgumentException>("hash of $size bytes") { Hash256(ByteArray(size)) }
            expectThrows<IllegalArgumentException>("key of $size bytes") {
                Options.DEFAULT.copy(trustedPublicKey = ByteArray(size))
            }
        }
        val h = Hash256(ByteArray(32))
        for (count in listOf(0, 7, 9)) {
            expectThrows<IllegalArgumentException>("$count dihedral hashes") { DihedralHashes(List(count) { h }, 100) }
        }
        expectThrows<PerceptException.InvalidArgument>("quality -1") {
            Matcher.open(File(testdata, "sample-list.pcl").path).use { it.match(PdqHash(h, -1)) }
        }
        val s = MatchResultStruct()
        s.verdict = 7
        expectThrows<IllegalStateException>("verdict 7") { MatchResult.of(s) }
        s.verdict = 2
        check(MatchResult.of(s).verdict == Verdict.UNRELIABLE) { "verdict 2" }
        s.best_variant = 8
        expectThrows<IllegalStateException>("variant 8") { MatchResult.of(s) }
    }

    test("hash text and distance") {
        val hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
        val h = Hash256.fromHex(hex)
        check(h.toHex() == hex) { "round trip ${h.toHex()}" }
        check(Hash256.fromHex(hex.toUpperCase()) == h) { "upper case" }
        check(h.toBytes()[0] == 0xf8.toByte()) { "byte order" }
        val flipped = h.toBytes().also { it[3] = (it[3].toInt() xor 0x11).toByte() }
        check(h.distance(Hash256(flipped)) == 2) { "distance" }
        expectThrows<PerceptException.InvalidArgument>("short hex") { Hash256.fromHex("abc") }
        expectThrows<PerceptException.InvalidArgument>("non-hex") { Hash256.fromHex("g".repeat(64)) }
    }

    test("reference table") {
        var rows = 0
        var fromPixels = 0
        for (row in readTable(File(reference, "generated/expected-core-fullres.tsv"))) {
            val file = row.getValue("file")
            if (!file.endsWith(".png") || row.getValue("pixels").contains("values above 255 clamp")) continue
            rows++
            val bytes = File(reference, file).readBytes()
            val single = Percept.hashEncoded(bytes)
            check(single.hash.toHex() == row["hash"] && single.quality == row.getValue("quality").toInt()) {
                "$file: ${single.hash.toHex()} q${single.quality}, expected ${row["hash"]} q${row["quality"]}"
            }
            val all = Percept.hashDihedralEncoded(bytes)
            for ((i, column) in DIHEDRAL_COLUMNS.withIndex()) {
                check(all.hashes[i].toHex() == row[column]) { "$file: $column differs" }
            }
            check(all.quality == row.getValue("dih_quality").toInt()) { "$file: dihedral quality" }
            val pixels = rgbaPixels(File(reference, file)) ?: continue
            fromPixels++
            val fromBitmap = Percept.hash(pixels)
            check(fromBitmap.hash.toHex() == row["hash"]) { "$file from RGBA pixels: ${fromBitmap.hash.toHex()}" }
            check(Percept.hashDihedral(pixels).hashes[1].toHex() == row["dih_rot90"]) { "$file rot90 from pixels" }
        }
        // testdata/reference: 14 PNG rows; ImageIO gives RGB(A) pixels for
        // 11 (the 8-bit RGB and RGBA ones, and the 1-bit one as a palette).
        check(rows >= 14) { "only $rows PNG rows" }
        check(fromPixels >= 11) { "only $fromPixels rows through ImageIO pixels" }
        println("  reference: $rows PNG rows from bytes, $fromPixels also from RGBA pixels")
    }

    test("pixel formats and strides") {
        val w = 64
        val h = 48
        val rgb = ByteArray(w * h * 3) { ((it * 7) % 251).toByte() }
        val base = Percept.hash(Pixels(rgb, w, h, w * 3, PixelFormat.RGB8))
        val stride = w * 4 + 5
        val bgra = ByteArray(stride * h)
        for (y in 0 until h) for (x in 0 until w) {
            val s = (y * w + x) * 3
            val d = y * stride + x * 4
            bgra[d] = rgb[s + 2]; bgra[d + 1] = rgb[s + 1]; bgra[d + 2] = rgb[s]; bgra[d + 3] = -1
        }
        check(Percept.hash(Pixels(bgra, w, h, stride, PixelFormat.BGRA8)) == base) { "BGRA8 padded" }
        expectThrows<PerceptException.InvalidArgument>("short stride") {
            Percept.hash(Pixels(rgb, w, h, w * 3 - 1, PixelFormat.RGB8))
        }
        expectThrows<PerceptException.InvalidArgument>("short buffer") {
            Percept.hash(Pixels(rgb.copyOf(rgb.size - 1), w, h, w * 3, PixelFormat.RGB8))
        }
    }

    val listFile = File(testdata, "sample-list.pcl")
    val expected = mapOf(
        "waves-320x240.png" to Verdict.MATCH,
        "waves-320x240-rot90.png" to Verdict.MATCH,
        "waves-320x240-mirrored.png" to Verdict.MATCH,
        "waves-320x240-q85.jpg" to Verdict.MATCH,
        "grey-200x150.png" to Verdict.MATCH,
        "other-rgba-180x300.png" to Verdict.MATCH,
        "unrelated-240x160.png" to Verdict.NO_MATCH,
        "unrelated-200x200.jpg" to Verdict.NO_MATCH,
        "flat-64x64.png" to Verdict.UNRELIABLE,
        "tiny-4x4.png" to Verdict.UNRELIABLE
    )
    // testdata/sample-list.csv: line i is entry id i, its file name the label.
    val listed = File(testdata, "sample-list.csv").readLines().filter { it.isNotBlank() }
        .map { it.split(',') }

    test("matcher") {
        Matcher.open(listFile.path).use { m ->
            val info = m.info
            check(info.entries == listed.size.toLong() && info.fileDigests == 1L) { "info $info" }
            check(info.sizeBytes == listFile.length()) { "size" }
            val fileBytes = listFile.readBytes()
            check(info.checksum.contentEquals(fileBytes.copyOfRange(fileBytes.size - 32, fileBytes.size))) { "checksum" }
            m.verifyChecksum()
            for ((name, verdict) in expected) {
                val r = m.matchEncoded(File(testdata, "images/$name").readBytes())
                check(r.verdict == verdict) { "$name: ${r.verdict}, expected $verdict" }
                if (name == "other-rgba-180x300.png") {
                    check(r.exactFile && r.quality == null) { "$name: exact file $r" }
                }
                if (r.matchCount > 0) {
                    val row = listed[r.bestId.toInt()]
                    check(m.label(r.bestEntry) == row[2]) { "$name: label ${m.label(r.bestEntry)}" }
                    val hashes = Percept.hashDihedralEncoded(File(testdata, "images/$name").readBytes())
                    val listedHash = Hash256.fromHex(row[0])
                    val best = hashes.hashes.map { it.distance(listedHash) }.min()
                    check(r.bestDistance == best) { "$name: distance ${r.bestDistance}, computed $best" }
                    check(m.match(hashes) == r) { "$name: by hashes" }
                }
            }
            val own = Hash256.fromHex(listed[0][0])
            val r = m.match(PdqHash(own, 100))
            check(r.verdict == Verdict.MATCH && r.bestDistance == 0 && r.bestId == 0L &&
                r.bestVariant == Dihedral.ORIGINAL) { "own hash: $r" }
            check(m.match(PdqHash(own, 10)).verdict == Verdict.UNRELIABLE) { "low quality" }
            // Pixels as an Android app would pass them (direct RGBA buffer).
            val pixels = rgbaPixels(File(testdata, "images/waves-320x240-rot90.png"))!!
            val byPixels = m.matchPixels(pixels)
            check(byPixels.verdict == Verdict.MATCH && byPixels.bestId == 0L) { "pixels: $byPixels" }
        }
        val strict = Options.DEFAULT.copy(threshold = 0, verifyChecksum = false)
        Matcher.open(listFile.readBytes(), strict).use { m ->
            m.verifyChecksum()
            check(m.matchEncoded(File(testdata, "images/waves-320x240-q85.jpg").readBytes()).verdict ==
                Verdict.NO_MATCH) { "threshold 0" }
        }
    }

    test("stability and border trim") {
        val waves = File(testdata, "images/waves-320x240.png")
        val hashed = Percept.hashEncoded(waves.readBytes())
        check(hashed.weakBits != null && hashed.stable == true) { "waves: $hashed" }
        check(Percept.hashDihedralEncoded(waves.readBytes()).weakBits == hashed.weakBits) { "dihedral stability" }
        val flat = Percept.hash(Pixels(ByteArray(64 * 64) { 128.toByte() }, 64, 64, 64, PixelFormat.GRAY8))
        check(flat.weakBits == 256 && flat.stable == false) { "flat: $flat" }
        check(Options.DEFAULT.borderTrim) { "border trim is on by default" }

        // The listed picture letterboxed: black bars above and below.
        val picture = rgbaPixels(waves)!!
        val rows = ByteArray(320 * 4 * 240).also { picture.data.duplicate().get(it) }
        val canvas = ByteArray(320 * 4 * 400) { if (it % 4 == 3) -1 else 0 }
        rows.copyInto(canvas, 320 * 4 * 80)
        val letterboxed = Pixels(canvas, 320, 400, 320 * 4, PixelFormat.RGBA8)
        Matcher.open(listFile.path).use { m ->
            val r = m.matchPixels(letterboxed)
            check(r.verdict == Verdict.MATCH && r.bestTrimmed && r.bestDistance == 0 &&
                r.contentRegion == Region(0, 80, 320, 240) && r.contentQuality == 100) { "trimmed: $r" }
            check(r.weakBits != null) { "whole image's stability: $r" }
            // The same picture as a file (testdata/trim, scripts/make_testdata.py).
            val file = File(testdata, "trim/waves-320x240-letterboxed.png").readBytes()
            check(m.matchEncoded(file) == r) { "the letterboxed file: ${m.matchEncoded(file)}" }
            val own = Hash256.fromHex(listed[0][0])
            check(m.match(PdqHash(own, 100)).weakBits == null) { "unknown stability stays unknown" }
            val weak = m.match(PdqHash(own, 100, 40))
            check(weak.weakBits == 40 && weak.stable == false && weak.verdict == Verdict.MATCH) { "weak: $weak" }
        }
        Matcher.open(listFile.path, Options.DEFAULT.copy(borderTrim = false)).use { m ->
            val file = File(testdata, "trim/waves-320x240-letterboxed.png").readBytes()
            check(m.matchEncoded(file).verdict == Verdict.NO_MATCH) { "the letterboxed file untrimmed" }
            val r = m.matchPixels(letterboxed)
            check(r.verdict == Verdict.NO_MATCH && r.contentRegion == null && r.contentQuality == null &&
                !r.bestTrimmed) { "untrimmed: $r" }
        }
    }

    test("signed lists, pinned key, rollback") {
        val signed = File(testdata, "signed")
        fun key(name: String): ByteArray {
            val hex = File(signed, name).readText().trim()
            check(hex.length == 64) { "$name: ${hex.length} digits" }
            return ByteArray(32) { hex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
        }
        val keyA = key("test-key-a.pub")
        val keyB = key("test-key-b.pub")
        // The JNA layouts equal the C structs (a wrong FieldOrder would not).
        if (com.sun.jna.Native.POINTER_SIZE == 8) {
            // sizeof in C (gcc, x86-64 and aarch64).
            check(OptionsStruct().size() == 96) { "percept_options is ${OptionsStruct().size()} bytes" }
            check(ListInfoStruct().size() == 104) { "percept_list_info is ${ListInfoStruct().size()} bytes" }
            check(PdqHashStruct().size() == 44) { "percept_pdq_hash is ${PdqHashStruct().size()} bytes" }
            check(PdqDihedralStruct().size() == 268) { "percept_pdq_dihedral is ${PdqDihedralStruct().size()} bytes" }
            check(MatchResultStruct().size() == 80) { "percept_match_result is ${MatchResultStruct().size()} bytes" }
        }
        val defaults = Options.DEFAULT
        check(defaults.minListVersion == 0L && defaults.trustedPublicKey == null) { "defaults $defaults" }
        check(defaults.maxPixels == 67108864L && defaults.maxAllocBytes == 209715200L) { "limits $defaults" }
        val pinned = defaults.copy(trustedPublicKey = keyA, minListVersion = 2)
        check(pinned == defaults.copy(trustedPublicKey = keyA.copyOf(), minListVersion = 2)) { "equals by key bytes" }
        check(pinned != defaults.copy(trustedPublicKey = keyB, minListVersion = 2)) { "another key" }
        val s = pinned.toStruct()
        check(s.require_signature == 1 && s.trusted_public_key.contentEquals(keyA) && s.min_list_version == 2L) {
            "struct fields"
        }

        val v2a = File(signed, "sample-v2-signed-a.pcl")
        Matcher.open(v2a.path, pinned).use { m ->
            val info = m.info
            check(info.listVersion == 2L && info.signer?.contentEquals(keyA) == true) { "info $info" }
            val bytes = v2a.readBytes()
            val listLen = bytes.size - 104
            check(info.checksum.contentEquals(bytes.copyOfRange(listLen - 32, listLen))) { "root digest" }
            for ((name, verdict) in expected) {
                val r = m.matchEncoded(File(testdata, "images/$name").readBytes())
                check(r.verdict == verdict) { "signed list, $name: ${r.verdict}, expected $verdict" }
            }
        }
        Matcher.open(listFile.path).use { m -> check(m.info.signer == null) { "sample list signer" } }
        expectThrows<PerceptException.ListUntrustedSigner>("signed by B") {
            Matcher.open(File(signed, "sample-v2-signed-b.pcl").path, pinned)
        }
        Matcher.open(File(signed, "sample-v2-signed-b.pcl").path, pinned.copy(trustedPublicKey = keyB)).use { m ->
            check(m.info.signer?.contentEquals(keyB) == true) { "signer B" }
        }
        expectThrows<PerceptException.ListRolledBack>("version 1 after 2") {
            Matcher.open(File(signed, "sample-v1-signed-a.pcl").path, pinned)
        }
        Matcher.open(File(signed, "sample-v1-signed-a.pcl").path, pinned.copy(minListVersion = 1)).close()
        expectThrows<PerceptException.ListUnsigned>("unsigned") { Matcher.open(listFile.path, pinned) }
        val bytes = v2a.readBytes()
        val lastFlipped = bytes.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
        expectThrows<PerceptException.ListBadSignature>("flipped signature byte") { Matcher.open(lastFlipped, pinned) }
        expectThrows<PerceptException.ListBadSignature>("flipped signature byte, unpinned") { Matcher.open(lastFlipped) }
        val bodyFlipped = bytes.copyOf().also { it[600] = (it[600].toInt() xor 0x10).toByte() }
        expectThrows<PerceptException.ListChecksumMismatch>("flipped body byte") {
            Matcher.open(bodyFlipped, pinned.copy(verifyChecksum = false))
        }
        for (cut in listOf(0, 50, bytes.size / 2, bytes.size - 105, bytes.size - 1)) {
            expectThrows<PerceptException.MalformedList>("cut at $cut") { Matcher.open(bytes.copyOf(cut), pinned) }
        }
        expectThrows<PerceptException.ListUnsigned>("signature cut off") { Matcher.open(bytes.copyOf(bytes.size - 104), pinned) }
        expectThrows<IllegalArgumentException>("short key") { defaults.copy(trustedPublicKey = ByteArray(31)) }
    }

    test("close frees once; use after close throws") {
        val m = Matcher.open(listFile.path)
        m.close()
        m.close()
        expectThrows<IllegalStateException>("after close") { m.info }
    }

    test("the Cleaner frees matchers never closed") {
        val n = 300
        val before = Matcher.freed.get()
        openAndDrop(n, listFile)
        // Freed at all only if the cleaning action does not reference the Matcher.
        check(gcUntil(20_000) { Matcher.freed.get() - before >= n }) {
            "only ${Matcher.freed.get() - before} of $n unclosed matchers freed"
        }
        // close() frees once; the Cleaner does not free again.
        val beforeClose = Matcher.freed.get()
        val byClose = closeTwice(listFile)
        check(byClose == 1L) { "close() twice freed $byClose handles" }
        gcUntil(300) { false }
        check(Matcher.freed.get() == beforeClose + 1) { "freed again: ${Matcher.freed.get() - beforeClose}" }
        // The library works on.
        Matcher.open(listFile.path).use { live ->
            val r = live.matchEncoded(File(testdata, "images/waves-320x240-rot90.png").readBytes())
            check(r.verdict == Verdict.MATCH) { "after cleaning: $r" }
        }
    }

    test("fallback cleaner (runtimes without java.lang.ref.Cleaner)") {
        val cleaner = PhantomCleaner("percept-test-cleaner")
        val ran = AtomicInteger()
        for (i in 0 until 100) cleaner.register(Any(), Runnable { ran.incrementAndGet() })
        val kept = Any()
        val cleanable = cleaner.register(kept, Runnable { ran.addAndGet(1000) })
        check(gcUntil(20_000) { ran.get() == 100 }) { "fallback ran ${ran.get()} of 100" }
        cleanable.clean()
        cleanable.clean()
        check(ran.get() == 1100) { "explicit clean: ${ran.get()}" }
        check(kept.hashCode() == System.identityHashCode(kept)) { "kept alive until here" }
    }

    test("threads share one matcher") {
        Matcher.open(listFile.path).use { m ->
            val images = expected.keys.map { File(testdata, "images/$it").readBytes() }
            val want = images.map { m.matchEncoded(it) }
            val pool = Executors.newFixedThreadPool(4)
            val futures = (0 until 4).map {
                pool.submit<Int> { (0 until 3).sumBy { images.indices.count { i -> m.matchEncoded(images[i]) != want[i] } } }
            }
            val mismatches = futures.sumBy { it.get() }
            pool.shutdown()
            pool.awaitTermination(1, TimeUnit.MINUTES)
            check(mismatches == 0) { "$mismatches answers differ across threads" }
        }
    }

    test("errors become exceptions") {
        expectThrows<PerceptException.Io>("missing list") { Matcher.open("/nonexistent/secret.pcl") }
        try {
            Matcher.open("/nonexistent/secret.pcl")
        } catch (e: PerceptException) {
            check(!e.message!!.contains("secret")) { "message leaks the path: ${e.message}" }
        }
        expectThrows<PerceptException.MalformedList>("junk list") { Matcher.open("junk".toByteArray()) }
        val bytes = listFile.readBytes()
        val badSum = bytes.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
        expectThrows<PerceptException.ListChecksumMismatch>("checksum") { Matcher.open(badSum) }
        val future = bytes.copyOf().also { it[8] = 99; it[9] = 0; it[10] = 0; it[11] = 0 }
        expectThrows<PerceptException.UnsupportedListVersion>("version") { Matcher.open(future) }
        val huge = bytes.copyOf().also { it[24 + 5] = 1 } // entry count 2^40 + n
        expectThrows<PerceptException.ListTooLarge>("entries") { Matcher.open(huge) }
        expectThrows<PerceptException.InvalidArgument>("options") {
            Matcher.open(bytes, Options.DEFAULT.copy(threshold = 300))
        }
        expectThrows<PerceptException.UnsupportedFormat>("not an image") { Percept.hashEncoded("hello".toByteArray()) }
        val png = File(testdata, "images/grey-200x150.png").readBytes()
        expectThrows<PerceptException.ImageTooLarge>("limits") {
            Percept.hashEncoded(png, Options.DEFAULT.copy(maxPixels = 100))
        }
        expectThrows<PerceptException.DecodeFailed>("truncated") { Percept.hashEncoded(png.copyOf(png.size / 2)) }
        expectThrows<PerceptException.Panic>("panic boundary") { Testing.panic() }
        // Still usable after the panic.
        check(Percept.hashEncoded(png).quality > 0) { "after panic" }
    }

    test("every status maps to its exception") {
        val all = mapOf(
            Status.NULL_ARGUMENT to PerceptException.NullArgument::class,
            Status.INVALID_ARGUMENT to PerceptException.InvalidArgument::class,
            Status.BUFFER_TOO_SMALL to PerceptException.BufferTooSmall::class,
            Status.IO_ERROR to PerceptException.Io::class,
            Status.UNSUPPORTED_FORMAT to PerceptException.UnsupportedFormat::class,
            Status.IMAGE_TOO_LARGE to PerceptException.ImageTooLarge::class,
            Status.DECODE_FAILED to PerceptException.DecodeFailed::class,
            Status.MALFORMED_LIST to PerceptException.MalformedList::class,
            Status.LIST_CHECKSUM_MISMATCH to PerceptException.ListChecksumMismatch::class,
            Status.UNSUPPORTED_LIST_VERSION to PerceptException.UnsupportedListVersion::class,
            Status.LIST_TOO_LARGE to PerceptException.ListTooLarge::class,
            Status.LIST_UNSIGNED to PerceptException.ListUnsigned::class,
            Status.LIST_BAD_SIGNATURE to PerceptException.ListBadSignature::class,
            Status.LIST_UNTRUSTED_SIGNER to PerceptException.ListUntrustedSigner::class,
            Status.LIST_ROLLED_BACK to PerceptException.ListRolledBack::class,
            Status.PANIC to PerceptException.Panic::class
        )
        for ((code, type) in all) {
            val e = PerceptException.of(code, "m")
            check(type.java.isInstance(e) && e.status == code) { "code $code -> $e" }
            check(Lib.lib.percept_status_name(code).startsWith("PERCEPT_STATUS_")) { "name of $code" }
        }
        check(PerceptException.of(1234, "m") is PerceptException.Unknown) { "unknown code" }
    }

    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
