#ifndef WARDEN_DECODE_DECODE_TEXT_HPP
#define WARDEN_DECODE_DECODE_TEXT_HPP

// decode_text<T>(text) is parse(text) then decode<T>, in one pass over the bytes and without a
// DOM: text_scanner's events go to decode's own reader (detail/value_reader.hpp), which fills T and
// lists decode's errors. Its answer is the same as theirs. What the one pass cannot answer alone
// (bad syntax and repeated keys, which are parse's to report; an object or array skipped, where
// a key could repeat unseen; an error's path through a key with escapes; what the scanner leaves
// to Boost.JSON) stops it, and the text is read again the slow way, parse then decode.

#include <warden/decode/decode.hpp>
#include <warden/decode/parse.hpp>
#include <warden/detail/text_scanner.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

namespace detail {

// text_scanner's events, into value_reader. Returning false stops the scanner; decode_text then
// reads the text the slow way: parse, then decode over the DOM. The scanner hands over keys,
// strings and numbers whole, and doubles already rounded exactly.
class text_handler {
public:
    using error_code = boost::system::error_code;
    using string_view = std::string_view;

    text_handler(const value_ops& root, void* target, decode_context& ctx, std::string_view text)
        : reader_(root, target, ctx, true), text_(text) {}

    bool failed() const noexcept { return failed_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return begin(false); }
    bool on_object_end(std::size_t, error_code&) { return end(); }
    bool on_array_begin(error_code&) { return begin(true); }
    bool on_array_end(std::size_t, error_code&) { return end(); }
    bool on_key(string_view k, std::size_t, error_code&) {
        // A key stays put when it is a piece of the text itself; one with escapes is unescaped
        // into a buffer of the scanner's, which the next such string reuses.
        const bool stable = k.data() >= text_.data() && k.data() + k.size() <= text_.data() + text_.size();
        const auto step = reader_.key(k, stable);
        if (step == value_reader::step::stop) return fail();
        skip_ = step == value_reader::step::skip;
        return checked();
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        if (skip_) return skipped();
        reader_.string(s);
        return checked();
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        if (skip_) return skipped();
        reader_.integer(i);
        return checked();
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) { return scalar(boost::json::value(u)); }
    bool on_double(double d, string_view, error_code&) {
        if (skip_) return skipped();
        reader_.number(d);
        return checked();
    }
    bool on_bool(bool b, error_code&) { return scalar(boost::json::value(b)); }
    bool on_null(error_code&) { return scalar(boost::json::value(nullptr)); }

private:
    bool scalar(const boost::json::value& v) {
        if (skip_) return skipped();
        reader_.scalar(v);
        return checked();
    }
    // A container skipped (under an unknown key, or where the type takes none) may repeat keys
    // inside, which is parse's error: the slow way says.
    bool begin(bool array) {
        if (skip_ || reader_.begin(array) != value_reader::step::read) return fail();
        return true;
    }
    bool end() {
        reader_.end();
        return checked();
    }
    bool skipped() {
        skip_ = false;
        return true;
    }
    bool checked() { return !reader_.lost() || fail(); }
    bool fail() {
        failed_ = true;
        return false;
    }

    value_reader reader_;
    std::string_view text_;
    bool skip_ = false;   // the next value belongs to an unknown key
    bool failed_ = false;
};

// The one pass. `decoded`: `out` holds the text's value. `refused`: the text is JSON that decode
// refuses, and `ctx` holds decode's errors. `unsure`: the slow way must say.
enum class text_outcome { decoded, refused, unsure };

template<class T>
text_outcome decode_text_fast(std::string_view text, T& out, const parse_options& limits, decode_context& ctx) {
    if (text.size() > limits.max_bytes) return text_outcome::unsure;
    text_handler h(typed_value<T>::ops, &out, ctx, text);
    if (!text_scanner<text_handler>(h, limits.max_depth).scan(text) || h.failed()) return text_outcome::unsure;
    return ctx.error_count() ? text_outcome::refused : text_outcome::decoded;
}

} // namespace detail

// parse(text, limits) then decode<T>(value, options), with the same answer, in one pass over the
// bytes unless the text is not JSON, repeats a key, or puts an object or array where none belongs.
template<class T>
result<T> decode_text(std::string_view text, const decode_options& options = {}, const parse_options& limits = {}) {
    {
        T out{};
        detail::decode_context ctx(options.max_errors);
        switch (detail::decode_text_fast(text, out, limits, ctx)) {
        case detail::text_outcome::decoded: return result<T>(std::move(out));
        case detail::text_outcome::refused: return result<T>(ctx.take_errors());
        case detail::text_outcome::unsure: break;
        }
    }
    auto parsed = parse(text, limits);
    if (!parsed) return result<T>(parsed.errors());
    return decode<T>(*parsed, options);
}

} // namespace warden

#endif
