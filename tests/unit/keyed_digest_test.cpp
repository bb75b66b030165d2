#include <warden/detail/keyed_digest.hpp>
#include <warden/detail/splitmix.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

namespace {

warden::detail::digest_keys keys_from(std::uint64_t seed) {
    warden::detail::digest_keys keys;
    for (auto& k : keys) k = warden::detail::splitmix64(seed);
    return keys;
}

// Every text of lengths [from, to) over a pattern, and each with one byte changed at each place
// to each of three values: all must have digests of their own (a missed byte, a lane that drops
// a block or a tail read short would give two of them one digest).
template<class Digest>
void check_every_byte_counts(Digest digest, std::size_t from, std::size_t to) {
    const auto keys = keys_from(7);
    std::set<warden::detail::keyed_digest_value> seen;
    std::size_t texts = 0;
    for (std::size_t n = from; n < to; ++n) {
        std::string text(n, 'a');
        for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>('a' + i % 26);
        seen.insert(digest(keys, text));
        ++texts;
        for (std::size_t i = 0; i < n; ++i)
            for (const char c : {'\0', '\x01', '\x80'}) {
                std::string changed = text;
                changed[i] = c;
                seen.insert(digest(keys, changed));
                ++texts;
            }
    }
    CHECK(seen.size() == texts);
}

} // namespace

TEST_CASE("keyed digest: every byte and the length count, the portable way", "[digest]") {
    check_every_byte_counts(warden::detail::keyed_digest_portable, 0, 140);
    // Zeros at the end are not the padding: "abc" and "abc\0" differ.
    const auto keys = keys_from(1);
    CHECK(warden::detail::keyed_digest_portable(keys, std::string_view("abc", 3)) !=
          warden::detail::keyed_digest_portable(keys, std::string_view("abc\0", 4)));
}

#if defined(WARDEN_AES_DIGEST)
TEST_CASE("keyed digest: every byte and the length count, the AES way", "[digest]") {
    if (!warden::detail::cpu_has_aes()) SUCCEED("this CPU has no AES instructions");
    else {
        check_every_byte_counts(warden::detail::keyed_digest_aes, 64, 200);
        // The last step overlaps the one before: the same bytes at another length still differ.
        const std::string text(130, '\0');
        const auto keys = keys_from(1);
        CHECK(warden::detail::keyed_digest_aes(keys, std::string_view(text).substr(0, 129)) !=
              warden::detail::keyed_digest_aes(keys, text));
    }
}
#endif

TEST_CASE("keyed digest: the secret matters, and a text has one digest", "[digest]") {
    for (const std::size_t n : {0, 5, 63, 64, 65, 330}) {
        const std::string text(n, 'x');
        CHECK(warden::detail::keyed_digest(keys_from(1), text) == warden::detail::keyed_digest(keys_from(1), text));
        CHECK(warden::detail::keyed_digest(keys_from(1), text) != warden::detail::keyed_digest(keys_from(2), text));
    }
#if defined(WARDEN_AES_DIGEST)
    // The way is chosen by length alone: short texts always the portable one.
    const std::string short_text(warden::detail::aes_digest_from - 1, 'y'), long_text(warden::detail::aes_digest_from, 'y');
    CHECK(warden::detail::keyed_digest(keys_from(3), short_text) == warden::detail::keyed_digest_portable(keys_from(3), short_text));
    if (warden::detail::cpu_has_aes())
        CHECK(warden::detail::keyed_digest(keys_from(3), long_text) == warden::detail::keyed_digest_aes(keys_from(3), long_text));
#endif
}
