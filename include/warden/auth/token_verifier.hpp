#ifndef WARDEN_AUTH_TOKEN_VERIFIER_HPP
#define WARDEN_AUTH_TOKEN_VERIFIER_HPP

// Who a bearer token speaks for. A verifier checks a token and maps it to a principal; warden
// ships a JWT verifier (auth/jwt.hpp), and opaque tokens go through an introspection function
// of your own (introspection_verifier).

#include <warden/policy/principal.hpp>

#include <functional>
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

} // namespace warden

#endif
