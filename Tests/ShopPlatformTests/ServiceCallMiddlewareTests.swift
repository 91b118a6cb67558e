import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAPIRuntime
import Synchronization
import Testing

@testable import ShopPlatform

/// A generated client's calls go through the same rules as `ServiceClient`'s,
/// over real HTTP to a live dependency.
@Suite("Service call middleware")
struct ServiceCallMiddlewareTests {
    /// How many requests reached the dependency.
    final class Received: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
    }

    /// A dependency that answers every request with `status`, echoing the
    /// credential and request id it received, and counts what reached it.
    static func withDependency(
        answering status: HTTPResponse.Status,
        _ body: @Sendable (_ baseURL: String, _ received: Received) async throws -> Void
    ) async throws {
        let received = Received()
        let router = Router()
        router.on("/thing", method: .get) { request, _ in try echo(request, status, received) }
        router.on("/thing", method: .post) { request, _ in try echo(request, status, received) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))", received)
        }
    }

    private static func echo(_ request: Request, _ status: HTTPResponse.Status, _ received: Received) throws
        -> Response
    {
        received.count.withLock { $0 += 1 }
        var echoed = [
            "authorization": request.headers[.authorization] ?? "", "request_id": request.headers[.requestID] ?? "",
        ]
        if let tag = request.headers[.ifMatch] { echoed["if_match"] = tag }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: .init(data: try JSONEncoder().encode(echoed))))
    }

    /// One call the way a generated client makes it: through the middleware,
    /// then the AsyncHTTPClient transport.
    static func call(
        _ client: ServiceClient, _ method: HTTPRequest.Method, operation: String,
        idempotentOperations: Set<String> = [], headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse, Data) {
        let transport = client.transport
        let (response, body) = try await client.middleware(idempotentOperations: idempotentOperations).intercept(
            HTTPRequest(method: method, scheme: nil, authority: nil, path: "/thing", headerFields: headers),
            body: method == .post ? HTTPBody("{}") : nil, baseURL: try client.serverURL, operationID: operation
        ) { request, body, baseURL in
            try await transport.send(request, body: body, baseURL: baseURL, operationID: operation)
        }
        return (response, try await Data(collecting: try #require(body), upTo: 1 << 20))
    }

    /// Deadlines here are for a loaded full run, not under test: the default
    /// 3 s ran out three times over on a starved run and failed a test.
    static func client(_ baseURL: String) -> ServiceClient {
        ServiceClient(
            baseURL: baseURL, target: "test-dependency", timeout: .seconds(60), maxAttempts: 3,
            headers: [.authorization: "Bearer service-secret"],
            breaker: CircuitBreaker(threshold: 100, cooldown: .seconds(1)))
    }

    @Test func theCredentialAndTheRequestIDTravelAlong() async throws {
        try await Self.withDependency(answering: .ok) { baseURL, _ in
            let (response, data) = try await ServiceCallMiddleware.$requestID.withValue("req-7f3a") {
                try await Self.call(Self.client(baseURL), .get, operation: "getThing")
            }
            #expect(response.status == .ok)
            let echoed = try JSONDecoder().decode([String: String].self, from: data)
            #expect(echoed == ["authorization": "Bearer service-secret", "request_id": "req-7f3a"])
        }
    }

    /// The customer's token when a call is made for them; an entity tag as the
    /// tag itself (the generated client percent-encodes header parameters).
    @Test func theCustomersTokenAndAnEntityTagTravelAsThemselves() async throws {
        try await Self.withDependency(answering: .ok) { baseURL, _ in
            let (_, data) = try await ServiceCallMiddleware.calling(requestID: "req-1", token: "customer-token") {
                try await Self.call(
                    ServiceClient(baseURL: baseURL, target: "test-dependency", timeout: .seconds(60)), .get,
                    operation: "getThing", headers: [.ifMatch: "%22v1-abc%22"])
            }
            let echoed = try JSONDecoder().decode([String: String].self, from: data)
            #expect(echoed["authorization"] == "Bearer customer-token")
            #expect(echoed["if_match"] == #""v1-abc""#)
        }
    }

    /// A 5xx is retried only where repeating the call is safe: a GET, or a
    /// POST its provider documents as idempotent.
    @Test func onlyIdempotentCallsAreRetried() async throws {
        try await Self.withDependency(answering: .serviceUnavailable) { baseURL, received in
            let client = Self.client(baseURL)
            await #expect(throws: ServiceClient.Unavailable.self) {
                try await Self.call(client, .get, operation: "getThing")
            }
            #expect(received.value == 3)

            received.count.withLock { $0 = 0 }
            await #expect(throws: ServiceClient.Unavailable.self) {
                try await Self.call(client, .post, operation: "createThing")
            }
            #expect(received.value == 1, "a POST is sent once")

            received.count.withLock { $0 = 0 }
            await #expect(throws: ServiceClient.Unavailable.self) {
                try await Self.call(client, .post, operation: "reserveThing", idempotentOperations: ["reserveThing"])
            }
            #expect(received.value == 3, "a documented-idempotent POST is retried")
        }
    }

    /// A 4xx is the dependency answering: returned as it is, never retried,
    /// and it closes nothing in the breaker's count.
    @Test func aClientErrorIsAnAnswer() async throws {
        try await Self.withDependency(answering: .conflict) { baseURL, received in
            // One failure would open this breaker; the deadline is for a loaded
            // full run (a timed-out first call opened it once and failed the test).
            let client = ServiceClient(
                baseURL: baseURL, target: "test-dependency", timeout: .seconds(60),
                breaker: CircuitBreaker(threshold: 1, cooldown: .seconds(60)))
            let (response, _) = try await Self.call(client, .get, operation: "getThing")
            #expect(response.status == .conflict)
            #expect(received.value == 1)
            #expect(client.breaker.level == 0)
        }
    }

    /// An open breaker refuses at once, without sending.
    @Test func anOpenBreakerRefusesWithoutSending() async throws {
        try await Self.withDependency(answering: .ok) { baseURL, received in
            let client = ServiceClient(
                baseURL: baseURL, target: "test-dependency", timeout: .seconds(60),
                breaker: CircuitBreaker(threshold: 1, cooldown: .seconds(60)))
            client.breaker.recordFailure(reporting: nil)
            await #expect(throws: ServiceClient.Unavailable.self) {
                try await Self.call(client, .get, operation: "getThing")
            }
            #expect(received.value == 0)
        }
    }
}
