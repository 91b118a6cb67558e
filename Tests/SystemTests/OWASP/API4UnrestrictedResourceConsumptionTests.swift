import Foundation
import ShopTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// OWASP API4:2023, unrestricted resource consumption: bodies, pages, batch
/// lookups, images and field sizes are bounded before any work, and a client
/// that trickles or stalls is disconnected (`http.idle.timeout.seconds`).
@Suite("OWASP API4 unrestricted resource consumption", .serialized)
struct API4UnrestrictedResourceConsumptionTests {
    @Test func everyInputIsBounded() async throws {
        let owasp = try await OWASPShop.start(productSettings: ["IMAGE_MAX_BYTES": "10000"])
        defer { owasp.stop() }
        let (users, orders, products) = (
            owasp.shop.users.baseURL, owasp.shop.orders.baseURL, owasp.shop.products.baseURL
        )
        let admin = ["Authorization": "Bearer \(try await owasp.shop.adminToken())"]

        // Bodies over the limit (1 MiB by default), before authentication.
        let huge = String(repeating: "a", count: 1_200_000)
        for url in [users + "/v1/sessions", users + "/v1/users", orders + "/v1/cart/items", products + "/v1/products"] {
            let reply = try await HTTP.send(.POST, url, json: ["username": huge, "password": "x"])
            #expect(reply.status == 413, "\(url): \(reply.status)")
        }
        // Fields bounded in bytes: one visible character with 100k combining marks.
        let heavy = "e" + String(repeating: "\u{0301}", count: 100_000)
        let login = try await HTTP.send(.POST, users + "/v1/sessions", json: ["username": heavy, "password": "x"])
        #expect(login.status == 422 || login.status == 413, "\(login.status)")

        // Page sizes and batch lookups.
        for url in [
            products + "/v1/products?limit=100000", products + "/v1/products?limit=-1",
            orders + "/v1/orders?limit=1000000", users + "/v1/users?limit=9223372036854775807",
        ] {
            let reply = try await HTTP.send(.GET, url, headers: admin)
            #expect(reply.status == 422 || reply.status == 400, "\(url): \(reply.status)")
        }
        let ids = (1...101).map(String.init).joined(separator: ",")
        let batch = try await HTTP.send(.GET, products + "/v1/products?ids=\(ids)")
        #expect(batch.status == 422 || batch.status == 400, "\(batch.status)")

        // Images beyond image.max.bytes.
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(count: 20_000)
        let upload = try await HTTP.send(
            .PUT, products + "/v1/products/owasp-mug/image",
            headers: admin.merging(["Content-Type": "image/png"]) { $1 }, body: png)
        #expect(upload.status == 413, "\(upload.status)")
    }

    /// A client that sends half a request and then nothing is disconnected
    /// within the idle timeout, so stalled connections cannot pile up.
    @Test func aStalledClientIsDisconnected() async throws {
        let shop = try await ShopCluster(.sqlite, orderSettings: ["HTTP_IDLE_TIMEOUT_SECONDS": "1"])
        defer { shop.stop() }
        let closed = try await Self.secondsUntilClosed(
            port: shop.orders.port, sending: "GET /v1/cart HTTP/1.1\r\nHost: shop\r\nX-Slow: 1")
        let seconds = try #require(closed, "the connection was still open after 10 s")
        #expect(seconds < 10)
    }

    /// Connects, sends `prefix`, and returns how long until the server closed
    /// the connection (nil if it had not after 10 s). Blocking socket calls run
    /// on a thread of their own, off the cooperative pool.
    static func secondsUntilClosed(port: Int, sending prefix: String) async throws -> Double? {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let fd: Int32
                do {
                    fd = try RawHTTP.open(port: port)
                } catch {
                    return continuation.resume(throwing: error)
                }
                defer { close(fd) }
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                _ = prefix.withCString { send(fd, $0, strlen($0), 0) }
                let start = Date()
                var buffer = [UInt8](repeating: 0, count: 512)
                while true {
                    let read = recv(fd, &buffer, buffer.count, 0)
                    if read == 0 || (read < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                        return continuation.resume(returning: Date().timeIntervalSince(start))
                    }
                    if read < 0 { return continuation.resume(returning: nil) }
                }
            }
        }
    }
}
