// The JWT verifier against tokens minted here with OpenSSL: every form a token can be wrong in.
#include <warden/auth/jwt.hpp>

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>

namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string b64url(std::string_view in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char c : in) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += table[(buffer >> bits) & 63];
        }
    }
    if (bits > 0) out += table[(buffer << (6 - bits)) & 63];
    return out;
}

// EVP_PKEY_Q_keygen's extra argument depends on the type: RSA takes its size, EC its curve,
// Ed25519 nothing.
key_ptr generate(const char* type, const char* curve = nullptr) {
    EVP_PKEY* k = nullptr;
    if (std::string_view(type) == "RSA") k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    else if (curve) k = EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve);
    else k = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    REQUIRE(k);
    return key_ptr(k, EVP_PKEY_free);
}

std::string bn_param(EVP_PKEY* k, const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(k, name, &bn) == 1);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return b64url(bytes);
}

// The public half of a key as a JWK.
boost::json::object jwk_of(EVP_PKEY* k, const std::string& kid) {
    if (EVP_PKEY_is_a(k, "RSA")) return {{"kty", "RSA"}, {"kid", kid}, {"n", bn_param(k, OSSL_PKEY_PARAM_RSA_N)}, {"e", bn_param(k, OSSL_PKEY_PARAM_RSA_E)}};
    if (EVP_PKEY_is_a(k, "EC")) {
        unsigned char point[65];
        size_t len = 0;
        EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed");
        REQUIRE(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len) == 1);
        REQUIRE(len == 65);
        std::string p(reinterpret_cast<char*>(point), len);
        return {{"kty", "EC"}, {"crv", "P-256"}, {"kid", kid}, {"x", b64url(p.substr(1, 32))}, {"y", b64url(p.substr(33, 32))}};
    }
    unsigned char raw[32];
    size_t len = sizeof raw;
    REQUIRE(EVP_PKEY_get_raw_public_key(k, raw, &len) == 1);
    return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"kid", kid}, {"x", b64url(std::string(reinterpret_cast<char*>(raw), len))}};
}

std::string sign(EVP_PKEY* k, const EVP_MD* md, std::string_view data) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t len = 0;
    REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, k) == 1);
    REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1);
    std::string sig(len, '\0');
    REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1);
    sig.resize(len);
    if (EVP_PKEY_is_a(k, "EC")) { // DER -> r || s, as JWS wants it
        const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
        ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        unsigned char raw[64];
        BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
        ECDSA_SIG_free(es);
        return std::string(reinterpret_cast<char*>(raw), 64);
    }
    return sig;
}

std::string mint(const boost::json::object& header, const boost::json::object& claims, EVP_PKEY* key, const EVP_MD* md) {
    std::string signing = b64url(boost::json::serialize(header)) + "." + b64url(boost::json::serialize(claims));
    return signing + "." + (key ? b64url(sign(key, md, signing)) : std::string());
}

std::string hs256(const boost::json::object& header, const boost::json::object& claims, std::string_view secret) {
    std::string signing = b64url(boost::json::serialize(header)) + "." + b64url(boost::json::serialize(claims));
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(signing.data()), signing.size(), mac, &len);
    return signing + "." + b64url(std::string(reinterpret_cast<char*>(mac), len));
}

const std::int64_t now_s = 1'800'000'000;
const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(now_s));

boost::json::object claims(boost::json::object extra = {}) {
    boost::json::object c{{"iss", "https://auth.example.com"}, {"aud", "https://desk.example.com/mcp"}, {"sub", "ann"},
                          {"tenant", "acme"}, {"scope", "orders:read refunds"}, {"exp", now_s + 300}, {"nbf", now_s - 10}};
    for (auto& kv : extra) c.insert_or_assign(kv.key(), kv.value());
    return c;
}

warden::jwt_options options() { return {.issuer = "https://auth.example.com", .audience = "https://desk.example.com/mcp"}; }

} // namespace

TEST_CASE("jwt: valid RS256, ES256 and EdDSA tokens map to the principal", "[jwt]") {
    auto rsa = generate("RSA"), ec = generate("EC", "P-256"), ed = generate("ED25519");
    boost::json::object set{{"keys", boost::json::array{jwk_of(rsa.get(), "r1"), jwk_of(ec.get(), "e1"), jwk_of(ed.get(), "d1")}}};
    warden::jwt_verifier verifier(warden::jwks::parse(boost::json::serialize(set)), options());
    for (auto [alg, key, kid, md] : {std::tuple{"RS256", rsa.get(), "r1", EVP_sha256()}, std::tuple{"ES256", ec.get(), "e1", EVP_sha256()},
                                     std::tuple{"EdDSA", ed.get(), "d1", static_cast<const EVP_MD*>(nullptr)}}) {
        INFO(alg);
        auto check = verifier.verify(mint({{"alg", alg}, {"kid", kid}, {"typ", "JWT"}}, claims(), key, md), now);
        REQUIRE(check);
        CHECK(check.who->user == "ann");
        CHECK(check.who->tenant == "acme");
        CHECK(check.who->scopes == std::vector<std::string>{"orders:read", "refunds"});
    }
    // No kid: the one key of the fitting type is used. aud may be a list.
    CHECK(verifier.verify(mint({{"alg", "RS256"}}, claims({{"aud", boost::json::array{"other", "https://desk.example.com/mcp"}}}), rsa.get(), EVP_sha256()), now));
}

TEST_CASE("jwt: every wrong form is refused with a reason that does not echo the token", "[jwt]") {
    auto rsa = generate("RSA"), other = generate("RSA");
    boost::json::object set{{"keys", boost::json::array{jwk_of(rsa.get(), "r1")}}};
    warden::jwt_verifier verifier(warden::jwks::parse(boost::json::serialize(set)), options());
    auto rs256 = [&](boost::json::object c, EVP_PKEY* k = nullptr) {
        return mint({{"alg", "RS256"}, {"kid", "r1"}}, c, k ? k : rsa.get(), EVP_sha256());
    };
    auto refused = [&](const std::string& token, std::string_view why) {
        auto check = verifier.verify(token, now);
        CHECK_FALSE(check);
        CHECK(check.reason == why);
        if (!token.empty()) CHECK(check.reason.find(token.substr(0, 20)) == std::string::npos);
    };
    refused(rs256(claims({{"exp", now_s - 61}})), "the token has expired");
    CHECK(verifier.verify(rs256(claims({{"exp", now_s - 59}})), now)); // within the leeway
    refused(rs256(claims({{"nbf", now_s + 120}})), "the token is not valid yet");
    refused(rs256(claims({{"aud", "https://elsewhere.example.com/mcp"}})), "the token is for another audience");
    refused(rs256(claims({{"iss", "https://evil.example.com"}})), "the token comes from another issuer");
    auto c = claims();
    c.erase("exp");
    refused(rs256(c), "the token has no expiry");
    refused(rs256(claims(), other.get()), "the token's signature is invalid"); // signed by a key we do not trust

    auto good = rs256(claims());
    auto tampered_sig = good;
    tampered_sig[tampered_sig.size() - 5] = tampered_sig[tampered_sig.size() - 5] == 'A' ? 'B' : 'A';
    refused(tampered_sig, "the token's signature is invalid");
    // The payload changed after signing (another subject), the signature kept.
    auto dot1 = good.find('.'), dot2 = good.rfind('.');
    auto forged = good.substr(0, dot1 + 1) + b64url(boost::json::serialize(claims({{"sub", "root"}}))) + good.substr(dot2);
    refused(forged, "the token's signature is invalid");

    refused(mint({{"alg", "none"}}, claims(), nullptr, nullptr), "unsigned tokens (alg none) are not accepted");
    refused(mint({{"alg", "RS512"}}, claims(), rsa.get(), EVP_sha512()), "the algorithm RS512 is not accepted");
    refused(mint({{"alg", "RS256"}, {"kid", "unknown"}}, claims(), rsa.get(), EVP_sha256()), "no trusted key fits the token");
    refused(mint({{"alg", "ES256"}, {"kid", "r1"}}, claims(), rsa.get(), EVP_sha256()), "no trusted key fits the token");
    refused(mint({{"alg", "RS256"}, {"crit", boost::json::array{"exp"}}}, claims(), rsa.get(), EVP_sha256()),
            "the token has critical extensions this server does not know");

    // Algorithm confusion: HS256 "signed" with the RSA public key as the HMAC secret.
    auto n = jwk_of(rsa.get(), "r1").at("n").as_string();
    refused(hs256({{"alg", "HS256"}, {"kid", "r1"}}, claims(), std::string_view(n)), "HS256 tokens are not accepted");

    for (std::string bad : std::vector<std::string>{"", "a.b", "a.b.c.d", "!!!.e30.", "e30.e30.e30"})
        refused(bad, "the token is malformed");
    refused(std::string(9000, 'a'), "the token is too large");
}

TEST_CASE("bearer_authentication: only an Authorization: Bearer token reaches the verifier", "[jwt]") {
    // A verifier that accepts the one token "good" and records what it was asked.
    struct recording_verifier final : warden::token_verifier {
        mutable std::vector<std::string> asked;
        warden::token_check verify(std::string_view token) const override {
            asked.emplace_back(token);
            if (token == "good") return warden::token_check::ok({"alice", "acme", {"notes"}});
            return warden::token_check::refused("the token is not active");
        }
    };
    auto verifier = std::make_shared<recording_verifier>();
    auto authenticate = warden::bearer_authentication(verifier);

    auto ok = authenticate("Bearer good");
    REQUIRE(ok);
    CHECK(ok.who->user == "alice");
    CHECK(authenticate("bearer good")); // the scheme is case-insensitive
    CHECK(authenticate("BEARER   good  "));
    CHECK(authenticate("Bearer bad").reason == "the token is not active");
    CHECK(verifier->asked == std::vector<std::string>{"good", "good", "good", "bad"});

    for (std::string_view other : {"Basic YWxpY2U6cHc=", "Bearer", "Bearer ", "Bearergood", "good", "Token good"}) {
        INFO(other);
        auto check = authenticate(other);
        CHECK_FALSE(check);
        CHECK(check.reason.find("good") == std::string::npos);
    }
    CHECK(verifier->asked.size() == 4); // none of those reached the verifier
}

TEST_CASE("jwt: HS256 only with a secret configured for it", "[jwt]") {
    auto rsa = generate("RSA");
    auto opts = options();
    opts.hs256_secret = "a shared secret of enough length, 32+";
    warden::jwt_verifier verifier(warden::jwks::parse(boost::json::serialize(boost::json::object{{"keys", boost::json::array{jwk_of(rsa.get(), "r1")}}})), opts);
    CHECK(verifier.verify(hs256({{"alg", "HS256"}}, claims(), *opts.hs256_secret), now));
    CHECK_FALSE(verifier.verify(hs256({{"alg", "HS256"}}, claims(), "another secret"), now));
}

TEST_CASE("jwks: unusable documents and keys are refused", "[jwt]") {
    CHECK_THROWS_AS(warden::jwks::parse("{}"), std::runtime_error);
    CHECK_THROWS_AS(warden::jwks::parse(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})"), std::runtime_error);
    auto weak = key_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)), EVP_PKEY_free);
    CHECK_THROWS_AS(warden::jwks::parse(boost::json::serialize(boost::json::object{{"keys", boost::json::array{jwk_of(weak.get(), "w")}}})),
                    std::runtime_error);
}
