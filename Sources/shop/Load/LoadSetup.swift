import ArgumentParser
import AsyncHTTPClient
import Configuration
import Foundation
import NIOCore
import ShopPlatform
import Synchronization

/// What a load run prepares before it measures: where the services are, what
/// is for sale, accounts of its own, and stock that does not run out.
struct LoadSetup {
    let client: HTTPClient
    let reader: ConfigReader
    let target: LoadTarget

    func shop() async throws -> LoadShop {
        let productService = ServiceDescriptor.productService.url(from: reader)
        let response = try await client.execute(
            HTTPClientRequest(url: productService + "/v1/products?limit=100"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        guard response.status == .ok,
            let page = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let items = page["items"] as? [[String: Any]]
        else { throw ValidationError("product-service at \(productService) did not list its products") }
        let products = items.compactMap { item -> (id: Int64, slug: String)? in
            guard item["is_active"] as? Bool != false, let id = (item["id"] as? NSNumber)?.int64Value,
                let slug = item["slug"] as? String
            else { return nil }
            return (id, slug)
        }
        guard !products.isEmpty else { throw ValidationError("the catalogue is empty: seed it first") }
        let terms = items.compactMap { ($0["name"] as? String)?.split(separator: " ").first.map(String.init) }
        return LoadShop(
            userService: ServiceDescriptor.userService.url(from: reader), productService: productService,
            orderService: ServiceDescriptor.orderService.url(from: reader),
            frontend: ServiceDescriptor.frontend.url(from: reader), products: products, searchTerms: terms)
    }

    /// Registers `count` accounts named for this run and signs each in, a few
    /// at a time: user-service answers 503 past `password.checks.max` password
    /// checks at once, and setting up is not what a run measures.
    func shoppers(_ count: Int, shop: LoadShop, recorder: LoadRecorder) async throws -> [LoadShopper] {
        let run = UUID().uuidString.prefix(8).lowercased()
        return try await withThrowingTaskGroup(of: LoadShopper.self) { group in
            var shoppers: [LoadShopper] = []
            for index in 0..<count {
                if index >= 8, let shopper = try await group.next() { shoppers.append(shopper) }
                group.addTask {
                    let shopper = LoadShopper(username: "load-\(run)-\(index)", password: "load-password-\(run)")
                    var journey = LoadJourney(
                        client: client, recorder: recorder, shop: shop, target: target, shopper: shopper)
                    let body = try JSONSerialization.data(withJSONObject: [
                        "username": shopper.username, "email": "\(shopper.username)@load.example",
                        "password": shopper.password,
                    ])
                    let created = await journey.send(
                        "POST /v1/users", .POST, shop.userService + "/v1/users",
                        json: String(decoding: body, as: UTF8.self), retryingLogin: false)
                    guard created?.status == 201 else {
                        throw ValidationError("user-service did not register a shopper: \(created?.status ?? 0)")
                    }
                    await journey.logIn()
                    guard journey.shopper.token != nil || journey.shopper.cookie != nil else {
                        throw ValidationError("a shopper could not sign in")
                    }
                    return journey.shopper
                }
            }
            return try await group.reduce(into: shoppers) { $0.append($1) }
        }
    }

    /// Every second, adds stock to any product running low, so long runs keep
    /// placing orders. Signs in as the shop's administrator.
    func stockTopUp(shop: LoadShop, dataDirectory: URL) async throws -> Task<Void, Never> {
        let admin = try AdminCredentials.resolve(reader: reader, dataDirectory: dataDirectory)
        let credentials = try JSONSerialization.data(withJSONObject: [
            "username": admin.username, "password": admin.password,
        ])
        var request = HTTPClientRequest(url: shop.userService + "/v1/sessions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: credentials))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .created || response.status == .ok,
            let token = LoadJourney.jsonField("access_token", in: String(buffer: body))
        else { throw ValidationError("could not sign in as the administrator (\(response.status.code))") }
        let client = self.client
        return Task {
            while !Task.isCancelled {
                // One catalogue read a second, so the top-ups cost the shop next to nothing.
                let list = HTTPClientRequest(url: shop.productService + "/v1/products?limit=100")
                if let answer = try? await client.execute(list, timeout: .seconds(5)),
                    let body = try? await answer.body.collect(upTo: 8 << 20),
                    let page = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                    let items = page["items"] as? [[String: Any]]
                {
                    for item in items {
                        guard let slug = item["slug"] as? String, let stock = (item["stock"] as? NSNumber)?.intValue,
                            stock < 1_000
                        else { continue }
                        var patch = HTTPClientRequest(url: shop.productService + "/v1/products/\(slug)")
                        patch.method = .PATCH
                        patch.headers.add(name: "Authorization", value: "Bearer \(token)")
                        patch.headers.add(name: "Content-Type", value: "application/json")
                        patch.body = .bytes(ByteBuffer(string: #"{"stock_adjust":10000}"#))
                        _ = try? await client.execute(patch, timeout: .seconds(5))
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// The shoppers not on a journey right now: each journey borrows one, so no
/// two journeys share a cart.
actor ShopperPool {
    private var idle: [LoadShopper]

    init(_ shoppers: [LoadShopper]) {
        idle = shoppers
    }

    /// A free shopper, or nil when every one is on a journey.
    func take() -> LoadShopper? { idle.popLast() }

    func give(_ shopper: LoadShopper) { idle.append(shopper) }
}

/// Journeys finished while measuring, and whether `--journeys` has been reached.
final class JourneyCount: Sendable {
    private let state = Mutex((measuring: false, count: 0))
    let limit: Int?

    init(limit: Int?) {
        self.limit = limit
    }

    func start() { state.withLock { $0.measuring = true } }

    func count(_ measured: Bool) {
        state.withLock { if $0.measuring && measured { $0.count += 1 } }
    }

    var value: Int { state.withLock { $0.count } }

    var isDone: Bool { limit.map { limit in value >= limit } ?? false }
}
