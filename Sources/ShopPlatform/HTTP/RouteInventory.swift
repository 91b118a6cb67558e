import Foundation
import Hummingbird

/// A service's routes against its OpenAPI document, compared when the router is
/// complete: a route nobody documented, or a document promising a route that
/// is not served, stops the service from starting (OWASP API9, improper
/// inventory). The document ships inside the binary, so every test that starts
/// a service checks it.
public struct RouteInventory: Sendable, Equatable {
    /// "METHOD /path/{parameter}", as OpenAPI spells them.
    public var served: Set<String>
    public var documented: Set<String>

    public init<Context>(router: Router<Context>, document: String) {
        self.served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        self.documented = Self.operations(in: document)
    }

    public var undocumented: [String] { served.subtracting(documented).sorted() }
    public var unserved: [String] { documented.subtracting(served).sorted() }

    public struct Mismatch: Error, CustomStringConvertible {
        public let undocumented: [String]
        public let unserved: [String]
        public var description: String {
            "OpenAPI document and routes differ: undocumented \(undocumented), documented but not served \(unserved)"
        }
    }

    public func check() throws {
        guard undocumented.isEmpty && unserved.isEmpty else {
            throw Mismatch(undocumented: undocumented, unserved: unserved)
        }
    }

    /// The operations under `paths:` of an OpenAPI document in block YAML, the
    /// layout the shop's documents use (paths at two spaces, methods at four).
    public static func operations(in document: String) -> Set<String> {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: true) {
            if !line.hasPrefix(" ") {
                inPaths = line.hasPrefix("paths:")
                path = nil
            } else if inPaths, line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).prefix { $0 != ":" })
            } else if let current = path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if methods.contains(String(key)) { operations.insert("\(key.uppercased()) \(current)") }
            }
        }
        return operations
    }
}

extension Router {
    /// Call once every route is added. Makes a wrong method on a known path a
    /// 405 instead of a 404 and, given the service's OpenAPI document, refuses
    /// to go on when routes and document differ (`RouteInventory`).
    public func completeRoutes(document: URL? = nil) throws {
        if let document {
            try RouteInventory(router: self, document: String(decoding: try Data(contentsOf: document), as: UTF8.self))
                .check()
        }
        add(middleware: MethodNotAllowedMiddleware(routes: routes.map { ($0.path, $0.method) }))
    }
}
