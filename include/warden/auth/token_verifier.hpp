#ifndef WARDEN_AUTH_TOKEN_VERIFIER_HPP
#define WARDEN_AUTH_TOKEN_VERIFIER_HPP

// Who a bearer token speaks for. A verifier checks a token and maps it to a principal; warden
// ships a JWT verifier (auth/jwt.hpp), and opaque tokens go through an introspection function
// of your own (introspection_verifier).

#include <warden/policy/principal.hpp>

#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

// The outcome of checking a token: the principal, or why not. `reason` is safe to send back in
// a WWW-Authenticate error_description: it never contains the token.
struct token_check {
    std::optional<principal> who;
    std::string reason{};

    static token_check ok(principal p) { return {std::move(p), {}}; }
    static token_check refused(std::string why) { return {std::nullopt, std::move(why)}; }
    explicit operator bool() const noexcept { return who.has_value(); }
};

class token_verifier {
public:
    virtual ~token_verifier() = default;
    virtual token_check verify(std::string_view token) const = 0;
};

// For opaque tokens: your function asks the authorization server (RFC 7662 introspection) and
// answers with the principal, or nothing.
class introspection_verifier final : public token_verifier {
public:
    explicit introspection_verifier(std::function<std::optional<principal>(std::string_view token)> introspect)
        : introspect_(std::move(introspect)) {}
    token_check verify(std::string_view token) const override {
        if (auto who = introspect_(token)) return token_check::ok(std::move(*who));
        return token_check::refused("the token is not active");
    }

private:
    std::function<std::optional<principal>(std::string_view)> introspect_;
};

// The HTTP authenticate hook for bearer tokens (http_options::authenticate): the token is read
// from "Authorization: Bearer <token>" only, and checked by `verifier`.
inline std::function<token_check(std::string_view)> bearer_authentication(std::shared_ptr<const token_verifier> verifier) {
    return [verifier = std::move(verifier)](std::string_view authorization) -> token_check {
        constexpr std::string_view scheme = "bearer";
        bool is_bearer = authorization.size() > scheme.size() && authorization[scheme.size()] == ' ';
        for (std::size_t i = 0; is_bearer && i < scheme.size(); ++i) // the scheme is case-insensitive (RFC 9110)
            is_bearer = std::tolower(static_cast<unsigned char>(authorization[i])) == scheme[i];
        if (!is_bearer) return token_check::refused("only Bearer tokens are accepted");
        auto token = authorization.substr(scheme.size());
        while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        if (token.empty()) return token_check::refused("the token is empty");
        return verifier->verify(token);
    };
}

} // namespace warden

#endif
