#ifndef WARDEN_DECODE_DECODE_TEXT_HPP
#define WARDEN_DECODE_DECODE_TEXT_HPP

// decode_text<T>(text) is parse(text) then decode<T>, in one pass over the bytes and without a
// DOM: the parser's events go to decode's own reader (detail/value_reader.hpp), which fills T and
// lists decode's errors. Its answer is the same as theirs. What the one pass cannot answer alone
// (bad syntax and repeated keys, which are parse's to report; an object or array skipped, where
// a key could repeat unseen; an error's path through a key the parser did not leave in the text,
// given in pieces or unescaped) stops it, and the text is read again the slow way, parse then decode.

#include <warden/decode/decode.hpp>
#include <warden/decode/parse.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

namespace detail {

// The parser's events, into value_reader. Returning false stops the parser; decode_text then
// reads the text the slow way: parse, then decode over the DOM.
class text_handler : public parser_limits {
public:
    text_handler(const value_ops& root, void* target, decode_context& ctx, std::string_view text)
        : reader_(root, target, ctx, true), text_(text) {}

    bool failed() const noexcept { return failed_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code& ec) { return begin(false, ec); }
    bool on_object_end(std::size_t, error_code& ec) { return end(ec); }
    bool on_array_begin(error_code& ec) { return begin(true, ec); }
    bool on_array_end(std::size_t, error_code& ec) { return end(ec); }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code& ec) {
        std::string_view k(s.data(), s.size());
        // A key stays put when it is a piece of the text itself: the parser writes an unescaped
        // key into a buffer of its own, which the next string reuses.
        const bool stable = part_.empty() && k.data() >= text_.data() && k.data() + k.size() <= text_.data() + text_.size();
        if (!part_.empty()) k = part_.append(s.data(), s.size());
        const auto step = reader_.key(k, stable);
        part_.clear();
        if (step == value_reader::step::stop) return fail(ec);
        skip_ = step == value_reader::step::skip;
        return checked(ec);
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code& ec) {
        if (skip_) return skipped();
        std::string_view text(s.data(), s.size());
        if (!part_.empty()) text = part_.append(s.data(), s.size());
        reader_.string(text);
        part_.clear();
        return checked(ec);
    }
    bool on_number_part(string_view s, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code& ec) {
        part_.clear();
        return scalar(boost::json::value(i), ec);
    }
    bool on_uint64(std::uint64_t u, string_view, error_code& ec) {
        part_.clear();
        return scalar(boost::json::value(u), ec);
    }
    bool on_double(double d, string_view s, error_code& ec) {
        if (skip_) return skipped();
        // Rounded exactly, as parse does.
        if (part_.empty()) d = dom_handler::exact_double(std::string_view(s.data(), s.size()), d);
        else d = dom_handler::exact_double(part_.append(s.data(), s.size()), d);
        part_.clear();
        return scalar(boost::json::value(d), ec);
    }
    bool on_bool(bool b, error_code& ec) { return scalar(boost::json::value(b), ec); }
    bool on_null(error_code& ec) { return scalar(boost::json::value(nullptr), ec); }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

private:
    bool scalar(const boost::json::value& v, error_code& ec) {
        if (skip_) return skipped();
        reader_.scalar(v);
        return checked(ec);
    }
    // A container skipped (under an unknown key, or where the type takes none) may repeat keys
    // inside, which is parse's error: the slow way says.
    bool begin(bool array, error_code& ec) {
        if (skip_ || reader_.begin(array) != value_reader::step::read) return fail(ec);
        return true;
    }
    bool end(error_code& ec) {
        reader_.end();
        return checked(ec);
    }
    bool skipped() {
        skip_ = false;
        part_.clear();
        return true;
    }
    bool checked(error_code& ec) { return !reader_.lost() || fail(ec); }
    bool fail(error_code& ec) {
        failed_ = true;
        ec = boost::json::error::extra_data; // any error stops the parser
        return false;
    }

    value_reader reader_;
    std::string_view text_;
    std::string part_; // a key, string or number split by the parser
    bool skip_ = false;   // the next value belongs to an unknown key
    bool failed_ = false;
};

// The one pass. `decoded`: `out` holds the text's value. `refused`: the text is JSON that decode
// refuses, and `ctx` holds decode's errors. `unsure`: the slow way must say.
enum class text_outcome { decoded, refused, unsure };

template<class T>
text_outcome decode_text_fast(std::string_view text, T& out, const parse_options& limits, decode_context& ctx) {
    if (text.size() > limits.max_bytes) return text_outcome::unsure;
    const boost::json::parse_options po = boost_options(limits);
    boost::json::basic_parser<text_handler> p(po, typed_value<T>::ops, &out, ctx, text);
    boost::system::error_code ec;
    std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size() || p.handler().failed()) return text_outcome::unsure;
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
