// swift-tools-version:5.7
// Swift bindings over percept's C ABI (include/percept.h).
//
// Build the library first, at the repository root:
//   cargo rustc --release -p percept --lib --features ffi --crate-type staticlib,cdylib
// then e.g. `swift test -Xlinker -L../../target/release` (with
// `--features testing` for the panic test). For iOS apps, link the
// xcframework described in docs/mobile.md instead.
import PackageDescription

let package = Package(
    name: "Percept",
    products: [
        .library(name: "Percept", targets: ["Percept"]),
    ],
    targets: [
        // The C header, through a module map; links libpercept.
        .systemLibrary(name: "CPercept", path: "Sources/CPercept"),
        .target(name: "Percept", dependencies: ["CPercept"], path: "Sources/Percept"),
        .testTarget(
            name: "PerceptTests",
            dependencies: ["Percept", "CPercept"],
            path: "Tests/PerceptTests",
            // Declares percept_testing_panic (a library built with
            // `--features testing` exports it).
            swiftSettings: [.unsafeFlags(["-Xcc", "-DPERCEPT_TESTING"])]
        ),
    ]
)
