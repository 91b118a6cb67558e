import Hummingbird
import HummingbirdAuth

extension AuthorizationPolicyMiddleware
where Policy == RolePolicy<Principal>, Context == ShopRequestContext, DeniedError == ProblemError {
    /// 401 for anonymous callers, 403 for authenticated non-admins.
    public static var adminOnly: Self {
        AuthorizationPolicyMiddleware(RolePolicy(.admin), deniedError: ProblemError.forbidden("Admins only"))
    }
}
