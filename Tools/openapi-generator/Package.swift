// swift-tools-version:6.0
// The OpenAPI generator, kept out of the shop's own package: it is only needed
// to regenerate the committed clients (`scripts/generate-clients`), and its build
// plugin would cost every clean build minutes.
import PackageDescription

let package = Package(
    name: "openapi-generator",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3")
    ]
)
