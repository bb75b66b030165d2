#ifndef WARDEN_AUTH_JWT_HPP
#define WARDEN_AUTH_JWT_HPP

// A JWT access-token verifier on OpenSSL (link OpenSSL::Crypto; the warden::jwt target does).
// RS256, ES256 and EdDSA with public keys from a JWKS; HS256 only with a secret configured for
// it. "alg": "none" and a token whose algorithm does not fit its key are always refused. Checks
// iss, aud (this server's resource URI, RFC 8707), exp and nbf with a small leeway, and the
// signature; maps sub to the user, a configurable claim to the tenant and scope to the scopes.

#include <warden/auth/token_verifier.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

struct jwt_options {
    std::string issuer;                      // iss must be exactly this
    std::string audience;                    // aud must name this: the server's resource URI
    std::chrono::seconds leeway{60};         // clock skew allowed for exp and nbf
    std::string tenant_claim = "tenant";     // the claim that names the tenant ("" when absent)
    std::optional<std::string> hs256_secret{}; // HS256 is accepted only when this is set
    std::size_t max_token_bytes = 8192;
};

namespace detail {

struct pkey_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using pkey_ptr = std::shared_ptr<EVP_PKEY>;

// base64url without padding (RFC 7515); nothing for anything else.
inline std::optional<std::string> base64url_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(in.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        int v = value(c);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt; // non-canonical trailing bits
    return out;
}

inline std::optional<boost::json::object> json_object(std::string_view text) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
}

inline const std::string* string_member(const boost::json::object& o, std::string_view key, std::string& out) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return nullptr;
    out = std::string(v->get_string());
    return &out;
}

inline pkey_ptr pkey_from_params(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld), OSSL_PARAM_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr),
                                                                    EVP_PKEY_CTX_free);
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return pkey_ptr(key, pkey_free{});
}

// One JWK as an OpenSSL public key: RSA (n, e), EC P-256 (x, y) or OKP Ed25519 (x).
inline pkey_ptr pkey_from_jwk(const boost::json::object& jwk, std::string& kty) {
    std::string a, b;
    if (!string_member(jwk, "kty", kty)) return nullptr;
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
    if (kty == "RSA") {
        if (!string_member(jwk, "n", a) || !string_member(jwk, "e", b)) return nullptr;
        auto n = base64url_decode(a), e = base64url_decode(b);
        if (!n || !e) return nullptr;
        std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr), BN_free);
        std::unique_ptr<BIGNUM, decltype(&BN_free)> be(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr), BN_free);
        if (!bn || !be || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) ||
            !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()))
            return nullptr;
        auto key = pkey_from_params("RSA", bld.get());
        if (key && EVP_PKEY_get_bits(key.get()) < 2048) return nullptr; // too weak to trust
        return key;
    }
    if (kty == "EC") {
        std::string crv;
        if (!string_member(jwk, "crv", crv) || crv != "P-256" || !string_member(jwk, "x", a) || !string_member(jwk, "y", b))
            return nullptr;
        auto x = base64url_decode(a), y = base64url_decode(b);
        if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
        std::string point = "\x04" + *x + *y;
        if (!OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
            !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
            return nullptr;
        return pkey_from_params("EC", bld.get());
    }
    if (kty == "OKP") {
        std::string crv;
        if (!string_member(jwk, "crv", crv) || crv != "Ed25519" || !string_member(jwk, "x", a)) return nullptr;
        auto x = base64url_decode(a);
        if (!x || x->size() != 32) return nullptr;
        EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
        return key ? pkey_ptr(key, pkey_free{}) : nullptr;
    }
    return nullptr;
}

inline bool verify_signature(EVP_PKEY* key, const EVP_MD* md, std::string_view data, std::string_view signature) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

// JWS carries an ECDSA signature as r || s; OpenSSL reads DER.
inline std::optional<std::string> ecdsa_raw_to_der(std::string_view raw) {
    if (raw.size() != 64) return std::nullopt;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    if (!sig) return std::nullopt;
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data() + 32), 32, nullptr);
    if (!r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (len <= 0) return std::nullopt;
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

} // namespace detail

// The public keys a verifier trusts, from a JWKS document ({"keys":[...]}).
class jwks {
public:
    struct key {
        std::string kid;
        std::string kty; // RSA, EC or OKP
        std::string alg; // as the JWK says, or empty
        detail::pkey_ptr pkey;
    };

    // Throws std::runtime_error when the document holds no usable key. Keys it cannot use
    // (other types, curves, RSA under 2048 bits, private parts aside) are skipped.
    static jwks parse(std::string_view json) {
        auto doc = detail::json_object(json);
        const auto* keys = doc ? doc->if_contains("keys") : nullptr;
        if (!keys || !keys->is_array()) throw std::runtime_error("warden: a JWKS is an object with a keys array");
        jwks set;
        for (const auto& k : keys->get_array()) {
            if (!k.is_object()) continue;
            key entry;
            entry.pkey = detail::pkey_from_jwk(k.get_object(), entry.kty);
            if (!entry.pkey) continue;
            detail::string_member(k.get_object(), "kid", entry.kid);
            detail::string_member(k.get_object(), "alg", entry.alg);
            set.keys_.push_back(std::move(entry));
        }
        if (set.keys_.empty()) throw std::runtime_error("warden: the JWKS holds no RSA, P-256 or Ed25519 public key");
        return set;
    }

    static jwks load(const std::string& path) {
        std::ifstream in(path);
        if (!in) throw std::runtime_error("warden: cannot read the JWKS file " + path);
        std::stringstream text;
        text << in.rdbuf();
        return parse(text.str());
    }

    const std::vector<key>& keys() const noexcept { return keys_; }

private:
    std::vector<key> keys_;
};

class jwt_verifier final : public token_verifier {
public:
    jwt_verifier(jwks keys, jwt_options options) : keys_(std::move(keys)), options_(std::move(options)) {}

    token_check verify(std::string_view token) const override { return verify(token, std::chrono::system_clock::now()); }

    token_check verify(std::string_view token, std::chrono::system_clock::time_point now) const {
        if (token.size() > options_.max_token_bytes) return token_check::refused("the token is too large");
        if (token.empty()) return token_check::refused("the token is malformed");
        auto dot1 = token.find('.');
        auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
        if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
            return token_check::refused("the token is malformed");
        auto header_text = detail::base64url_decode(token.substr(0, dot1));
        auto payload_text = detail::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
        auto signature = detail::base64url_decode(token.substr(dot2 + 1));
        if (!header_text || !payload_text || !signature) return token_check::refused("the token is malformed");
        auto header = detail::json_object(*header_text);
        auto claims = detail::json_object(*payload_text);
        std::string alg, kid;
        if (!header || !claims || !detail::string_member(*header, "alg", alg)) return token_check::refused("the token is malformed");
        detail::string_member(*header, "kid", kid);
        if (header->contains("crit")) return token_check::refused("the token has critical extensions this server does not know");

        // The signature, with the one key and algorithm that fit: never what the token asks for alone.
        const std::string_view signed_part = token.substr(0, dot2);
        if (alg == "none") return token_check::refused("unsigned tokens (alg none) are not accepted");
        if (alg == "HS256") {
            if (!options_.hs256_secret) return token_check::refused("HS256 tokens are not accepted");
            unsigned char mac[EVP_MAX_MD_SIZE];
            unsigned int mac_len = 0;
            if (!HMAC(EVP_sha256(), options_.hs256_secret->data(), static_cast<int>(options_.hs256_secret->size()),
                      reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac, &mac_len) ||
                signature->size() != mac_len || CRYPTO_memcmp(mac, signature->data(), mac_len) != 0)
                return token_check::refused("the token's signature is invalid");
        } else {
            const char* kty = alg == "RS256" ? "RSA" : alg == "ES256" ? "EC" : alg == "EdDSA" ? "OKP" : nullptr;
            if (!kty) return token_check::refused("the algorithm " + safe(alg) + " is not accepted");
            const jwks::key* key = nullptr;
            for (const auto& k : keys_.keys()) {
                if (k.kty != kty || (!k.alg.empty() && k.alg != alg)) continue;
                if (!kid.empty() && k.kid != kid) continue;
                key = &k;
                break;
            }
            if (!key) return token_check::refused("no trusted key fits the token");
            std::string der;
            std::string_view sig = *signature;
            if (alg == "ES256") {
                auto converted = detail::ecdsa_raw_to_der(*signature);
                if (!converted) return token_check::refused("the token's signature is invalid");
                der = std::move(*converted);
                sig = der;
            }
            const EVP_MD* md = alg == "EdDSA" ? nullptr : EVP_sha256();
            if (!detail::verify_signature(key->pkey.get(), md, signed_part, sig))
                return token_check::refused("the token's signature is invalid");
        }

        // The claims.
        std::string iss, sub;
        if (!detail::string_member(*claims, "iss", iss) || iss != options_.issuer)
            return token_check::refused("the token comes from another issuer");
        if (!names_audience(claims->if_contains("aud"))) return token_check::refused("the token is for another audience");
        auto seconds = [&](std::string_view claim) -> std::optional<std::int64_t> {
            const auto* v = claims->if_contains(claim);
            if (!v) return std::nullopt;
            if (v->is_int64()) return v->get_int64();
            if (v->is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), INT64_MAX));
            if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
            return std::nullopt;
        };
        auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        auto leeway = options_.leeway.count();
        auto exp = seconds("exp");
        if (!exp) return token_check::refused("the token has no expiry");
        if (unix_now > *exp + leeway) return token_check::refused("the token has expired");
        if (auto nbf = seconds("nbf"); nbf && unix_now + leeway < *nbf) return token_check::refused("the token is not valid yet");
        if (!detail::string_member(*claims, "sub", sub) || sub.empty()) return token_check::refused("the token names no subject");

        principal who{sub, {}, {}};
        if (!options_.tenant_claim.empty()) detail::string_member(*claims, options_.tenant_claim, who.tenant);
        if (const auto* scope = claims->if_contains("scope"); scope && scope->is_string()) {
            std::string_view s = scope->get_string();
            while (!s.empty()) {
                auto space = s.find(' ');
                auto item = s.substr(0, space);
                if (!item.empty()) who.scopes.emplace_back(item);
                if (space == std::string_view::npos) break;
                s.remove_prefix(space + 1);
            }
        }
        return token_check::ok(std::move(who));
    }

private:
    bool names_audience(const boost::json::value* aud) const {
        if (!aud) return false;
        if (aud->is_string()) return aud->get_string() == options_.audience;
        if (aud->is_array())
            for (const auto& a : aud->get_array())
                if (a.is_string() && a.get_string() == options_.audience) return true;
        return false;
    }

    // An algorithm name as the client sent it, cut and limited to safe characters for a header.
    static std::string safe(std::string_view s) {
        std::string out;
        for (char c : s.substr(0, 16)) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '?');
        return out;
    }

    jwks keys_;
    jwt_options options_;
};

} // namespace warden

#endif
