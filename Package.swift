// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

// The products the targets use, each spelled once.
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdAuth = Target.Dependency.product(name: "HummingbirdAuth", package: "hummingbird-auth")
let hummingbirdBcrypt = Target.Dependency.product(name: "HummingbirdBcrypt", package: "hummingbird-auth")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let jwtKit = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")
let sqlKit = Target.Dependency.product(name: "SQLKit", package: "sql-kit")
let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let configuration = Target.Dependency.product(name: "Configuration", package: "swift-configuration")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioFoundationCompat = Target.Dependency.product(name: "NIOFoundationCompat", package: "swift-nio")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let otel = Target.Dependency.product(name: "OTel", package: "swift-otel")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let openAPIRuntime = Target.Dependency.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")

/// What every service library builds on.
let serviceBasics: [Target.Dependency] = ["ShopPlatform", hummingbird, configuration, logging]
/// What every test target builds on.
let testBasics: [Target.Dependency] = [
    "ShopPlatform", "ShopTestSupport", configuration, hummingbird, hummingbirdTesting, httpTypes,
]

/// A service's contract as its consumers call it: generated from its OpenAPI
/// document by scripts/generate-clients, committed, never edited. The generator
/// imports publicly in every file, used or not, hence no warnings.
func generatedClient(_ name: String) -> Target {
    .target(
        name: name, dependencies: [openAPIRuntime],
        swiftSettings: swiftSettings + [.unsafeFlags(["-suppress-warnings"])])
}

/// A service's thin executable over its library.
func serviceExecutable(_ name: String, _ library: String) -> Target {
    .executableTarget(name: name, dependencies: [.target(name: library), "ShopPlatform"], swiftSettings: swiftSettings)
}

func testTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: testBasics + dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "microshop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shop", targets: ["shop"]),
        .executable(name: "user-service", targets: ["user-service"]),
        .executable(name: "product-service", targets: ["product-service"]),
        .executable(name: "order-service", targets: ["order-service"]),
        .executable(name: "frontend", targets: ["frontend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(
            url: "https://github.com/apple/swift-configuration", from: "1.4.0",
            traits: [.defaults, "CommandLineArguments"]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .target(
            name: "ShopPlatform",
            dependencies: [
                hummingbird, .product(name: "HummingbirdCore", package: "hummingbird"), hummingbirdAuth, jwtKit,
                postgresNIO, .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"), .product(name: "SQLiteKit", package: "sqlite-kit"),
                sqlKit, asyncHTTPClient, configuration, logging, metrics,
                .product(name: "Prometheus", package: "swift-prometheus"), serviceLifecycle, crypto, nioCore,
                .product(name: "NIOSSL", package: "swift-nio-ssl"), httpTypes,
                .product(name: "SystemPackage", package: "swift-system"), otel,
                .product(name: "Tracing", package: "swift-distributed-tracing"), openAPIRuntime,
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        generatedClient("UserServiceAPI"),
        generatedClient("ProductServiceAPI"),
        generatedClient("OrderServiceAPI"),
        .target(
            name: "UserService",
            dependencies: serviceBasics + [hummingbirdAuth, hummingbirdBcrypt, jwtKit, sqlKit, crypto],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ProductService",
            dependencies: serviceBasics + [hummingbirdAuth, sqlKit, crypto, nioCore, nioFoundationCompat],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrderService",
            dependencies: serviceBasics + [
                "ProductServiceAPI", openAPIRuntime, hummingbirdAuth, httpTypes, sqlKit, metrics, serviceLifecycle,
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Frontend",
            dependencies: serviceBasics + [
                "UserServiceAPI", "ProductServiceAPI", "OrderServiceAPI", openAPIRuntime,
                .product(name: "Mustache", package: "swift-mustache"), httpTypes,
                .product(name: "MultipartKit", package: "multipart-kit"), crypto, nioCore, nioFoundationCompat,
            ],
            resources: [.copy("Resources/templates"), .copy("Resources/static")],
            swiftSettings: swiftSettings
        ),
        serviceExecutable("user-service", "UserService"),
        serviceExecutable("product-service", "ProductService"),
        serviceExecutable("order-service", "OrderService"),
        serviceExecutable("frontend", "Frontend"),
        .executableTarget(
            name: "shop",
            dependencies: [
                "ShopPlatform", "UserService", "ProductService", "OrderService", "Frontend", argumentParser,
                configuration, asyncHTTPClient, logging, nioCore,
                .product(name: "UnixSignals", package: "swift-service-lifecycle"), hummingbird,
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                // AsyncHTTPClient's request API (methods, headers) is NIOHTTP1's; `shop load` speaks it.
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "shop-bench",
            dependencies: ["ShopPlatform", argumentParser, logging, otel, hummingbird, sqlKit],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShopTestSupport",
            dependencies: ["ShopPlatform", hummingbird, jwtKit, postgresNIO, sqlKit, logging, hummingbirdTesting],
            path: "Tests/ShopTestSupport",
            swiftSettings: swiftSettings
        ),
        testTarget("ShopPlatformTests", [openAPIRuntime, jwtKit, sqlKit, logging, nioCore]),
        testTarget("UserServiceTests", ["UserService", hummingbirdBcrypt, logging, jwtKit, sqlKit]),
        testTarget("ProductServiceTests", ["ProductService", nioCore, nioFoundationCompat]),
        testTarget("OrderServiceTests", ["OrderService", "ProductService", logging, nioCore]),
        testTarget(
            "FrontendTests",
            ["Frontend", "UserService", "ProductService", "OrderService", nioCore, nioFoundationCompat, crypto]),
        testTarget("SystemTests", ["ProductService", "OrderService", asyncHTTPClient, nioCore, nioFoundationCompat]),
    ]
)
