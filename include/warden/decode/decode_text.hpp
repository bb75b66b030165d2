#ifndef WARDEN_DECODE_DECODE_TEXT_HPP
#define WARDEN_DECODE_DECODE_TEXT_HPP

// decode_text<T>(text) is parse(text) then decode<T>, in one pass over the bytes and without a
// DOM: the parser's events fill T directly. Its answer is the same as theirs. Valid input takes
// the one pass; anything wrong (bad syntax, a duplicate key, a wrong type, a broken rule, an
// unknown or missing field) stops it, and the text is read again the slow way, parse then decode,
// so that every error is reported with its path exactly as decode reports it.

#include <warden/decode/decode.hpp>
#include <warden/decode/parse.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

namespace detail {

struct text_frame;

// What a value's events do to the object they fill; one table per C++ type.
struct text_value_ops {
    bool (*scalar)(void* target, const boost::json::value& v, decode_context& ctx);
    bool (*string)(void* target, std::string_view s, decode_context& ctx);
    bool (*begin)(void* target, text_frame& frame, bool array);
};

// What a container's events do: where a key's or the next element's value goes, and the checks
// once the container is whole.
// A struct's key sets `ops` to null for a key the struct does not declare.
struct text_container_ops {
    bool (*key)(text_frame& frame, std::string_view key, const text_value_ops*& ops, void*& target);
    bool (*element)(text_frame& frame, const text_value_ops*& ops, void*& target);
    bool (*end)(text_frame& frame);
    std::string_view (*unknown_field)() = nullptr; // the message for such a key
};

struct text_frame {
    const text_container_ops* ops = nullptr;
    void* target = nullptr;
    std::uint64_t seen = 0;                                 // structs: the members read so far; arrays: elements
    bool (*after)(void* outer, decode_context& ctx) = nullptr; // a field's rules, on the whole container
    void* outer = nullptr;
    bool is_array = false;
    std::string_view key{}; // structs and maps: the member being read, if its key came in one piece
};

template<class T> struct text_value;

template<class Field> struct text_field_rules;
template<class F, class... Rules>
struct text_field_rules<field<F, Rules...>> {
    static bool check(void* outer, decode_context& ctx) {
        auto& f = *static_cast<field<F, Rules...>*>(outer);
        const std::size_t before = ctx.error_count();
        (check_rule<Rules>(f.value, ctx), ...);
        return ctx.error_count() == before;
    }
};

// A string field: the value, then every rule (decode_field's checks; their order only matters
// for the messages, which the slow way writes).
template<class Field> struct text_field_string;
template<class F, class... Rules>
struct text_field_string<field<F, Rules...>> {
    static bool fill(field<F, Rules...>& f, std::string_view s, decode_context& ctx) {
        return text_value<F>::string(&f.value, s, ctx) && text_field_rules<field<F, Rules...>>::check(&f, ctx);
    }
};

template<class S>
struct text_struct {
    using members = public_members<S>;
    static constexpr std::size_t n = boost::mp11::mp_size<members>::value;

    static bool key(text_frame& f, std::string_view k, const text_value_ops*& ops, void*& target) {
        const std::size_t i = member_index<S>(k);
        if (i == n) {
            ops = nullptr; // unknown: the handler says so, as decode does
            return true;
        }
        if (f.seen >> i & 1) return false; // a duplicate
        f.seen |= std::uint64_t(1) << i;
        if constexpr (n > 0) {
            S& out = *static_cast<S*>(f.target);
            boost::mp11::mp_with_index<n>(i, [&](auto I) {
                constexpr auto d = boost::mp11::mp_at_c<members, I>();
                using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
                ops = &text_value<M>::ops;
                target = &(out.*d.pointer);
            });
        }
        return true;
    }
    static bool end(text_frame& f) {
        bool ok = true;
        std::size_t i = 0;
        boost::mp11::mp_for_each<members>([&](auto d) {
            using M = std::remove_cvref_t<decltype(std::declval<S&>().*d.pointer)>;
            if (!(f.seen >> i++ & 1) && !is_optional<M>::value) ok = false;
        });
        return ok;
    }
    static constexpr text_container_ops ops{&key, nullptr, &end, &unknown_field_phrase<S>};
};

template<class V>
struct text_vector {
    static bool element(text_frame& f, const text_value_ops*& ops, void*& target) {
        V& out = *static_cast<V*>(f.target);
        // The size is not known ahead. Growing moves every element each time, which costs more
        // than a generous first reservation: room for 64 elements, within 8 KiB.
        constexpr std::size_t first = std::clamp<std::size_t>(8192 / sizeof(typename V::value_type), 8, 64);
        if (out.capacity() == 0) out.reserve(first);
        target = &out.emplace_back();
        ops = &text_value<typename V::value_type>::ops;
        return true;
    }
    static bool end(text_frame&) { return true; }
    static constexpr text_container_ops ops{nullptr, &element, &end, nullptr};
};

template<class M>
struct text_map {
    static bool key(text_frame& f, std::string_view k, const text_value_ops*& ops, void*& target) {
        auto [it, fresh] = static_cast<M*>(f.target)->try_emplace(std::string(k));
        if (!fresh) return false; // a duplicate
        target = &it->second;
        ops = &text_value<typename M::mapped_type>::ops;
        return true;
    }
    static bool end(text_frame&) { return true; }
    static constexpr text_container_ops ops{&key, nullptr, &end, nullptr};
};

template<class T>
struct text_value {
    // Numbers, booleans and null go through decode_value itself: every leaf rule is decode's.
    static bool scalar(void* t, const boost::json::value& v, decode_context& ctx) {
        const std::size_t before = ctx.error_count(); // unknown fields may have been listed already
        decode_value(v, *static_cast<T*>(t), ctx);
        return ctx.error_count() == before;
    }
    // A string, without a JSON value in between for the common leaves: a std::string (in a field,
    // a secret or an optional) or an enum. It accepts exactly what decode_value accepts; the rest
    // goes through scalar().
    static bool string(void* t, std::string_view s, decode_context& ctx) {
        T& out = *static_cast<T*>(t);
        if constexpr (std::is_same_v<T, std::string>) {
            out.assign(s.data(), s.size());
            return true;
        } else if constexpr (field_like<T>) {
            using base = typename T::warden_field_base;
            return text_field_string<base>::fill(static_cast<base&>(out), s, ctx);
        } else if constexpr (secret_like<T>) {
            return text_value<std::remove_reference_t<decltype(out.reveal())>>::string(&out.reveal(), s, ctx);
        } else if constexpr (is_optional<T>::value) {
            return text_value<typename T::value_type>::string(&out.emplace(), s, ctx);
        } else if constexpr (is_described_enum<T>) {
            bool found = false;
            boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
                if (!found && s == e.name) {
                    out = e.value;
                    found = true;
                }
            });
            return found;
        } else {
            return false; // not a string in JSON: decode says so, the slow way
        }
    }
    // An object or array: unwrap field, secret and optional down to the container it fills.
    static bool begin(void* t, text_frame& f, bool array) {
        T& out = *static_cast<T*>(t);
        if constexpr (field_like<T>) {
            using base = typename T::warden_field_base;
            auto& fb = static_cast<base&>(out);
            if (!text_value<decltype(fb.value)>::begin(&fb.value, f, array)) return false;
            f.after = &text_field_rules<base>::check;
            f.outer = &fb;
            return true;
        } else if constexpr (secret_like<T>) {
            return text_value<std::remove_reference_t<decltype(out.reveal())>>::begin(&out.reveal(), f, array);
        } else if constexpr (is_optional<T>::value) {
            return text_value<typename T::value_type>::begin(&out.emplace(), f, array);
        } else if constexpr (is_vector<T>::value) {
            if constexpr (std::is_same_v<typename T::value_type, bool>) {
                return false; // vector<bool> has no element to point at: the slow way
            } else {
                if (!array) return false;
                out.clear();
                f = {&text_vector<T>::ops, t, 0, nullptr, nullptr, true, {}};
                return true;
            }
        } else if constexpr (is_string_map<T>::value) {
            if (array) return false;
            out.clear();
            f = {&text_map<T>::ops, t, 0, nullptr, nullptr, false, {}};
            return true;
        } else if constexpr (is_described_struct<T>) {
            if constexpr (text_struct<T>::n <= 64) {
                if (array) return false;
                f = {&text_struct<T>::ops, t, 0, nullptr, nullptr, false, {}};
                return true;
            } else {
                return false; // wider than the bit set of seen members: the slow way
            }
        } else {
            return false; // a leaf given a container
        }
    }
    static constexpr text_value_ops ops{&scalar, &string, &begin};
};

// The parser's events, straight into the object. Any problem returns false, which stops the
// parser; decode_text then takes the slow way.
class text_handler : public parser_limits {
public:
    text_handler(const text_value_ops& root, void* target, decode_context& ctx) : ops_(&root), target_(target), ctx_(ctx) {}

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
        const bool whole = part_.empty();
        std::string_view k(s.data(), s.size());
        if (!whole) k = part_.append(s.data(), s.size());
        text_frame& f = frames_[depth_ - 1];
        bool ok = f.ops->key(f, k, ops_, target_);
        f.key = whole ? k : std::string_view{};
        if (ok && !ops_) ok = unknown_field(whole);
        part_.clear();
        return ok || fail(ec);
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code& ec) {
        if (skip_) return skipped();
        std::string_view text(s.data(), s.size());
        if (!part_.empty()) text = part_.append(s.data(), s.size());
        next_slot();
        bool ok = ops_->string(target_, text, ctx_);
        part_.clear();
        return ok || fail(ec);
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
    // Inside an array, each value goes into a new element.
    void next_slot() {
        if (depth_ && frames_[depth_ - 1].is_array) {
            text_frame& f = frames_[depth_ - 1];
            ++f.seen;
            f.ops->element(f, ops_, target_);
        }
    }
    bool scalar(const boost::json::value& v, error_code& ec) {
        if (skip_) return skipped();
        next_slot();
        return ops_->scalar(target_, v, ctx_) || fail(ec);
    }
    bool begin(bool array, error_code& ec) {
        if (skip_) return fail(ec); // a container under an unknown key: the slow way checks it for repeated keys
        next_slot();
        if (depth_ == frames_.size()) return fail(ec); // deeper than this fast path goes
        text_frame& f = frames_[depth_];
        f = {};
        if (!ops_->begin(target_, f, array)) return fail(ec);
        ++depth_;
        if (!unknown_.empty()) std::erase_if(unknown_, [&](const auto& u) { return u.first >= depth_; }); // another object's
        return true;
    }

    // A key the struct does not declare: decode's error at decode's path, and its value skipped.
    // Anything this cannot say exactly as decode would goes the slow way: a key in pieces on the
    // path, the key repeated (parse's error), an error list near its cap.
    bool unknown_field(bool whole) {
        const text_frame& f = frames_[depth_ - 1];
        const std::size_t max = ctx_.max_errors();
        if (!whole || (max != 0 && ctx_.error_count() + 2 >= max)) return false;
        for (const auto& [depth, key] : unknown_)
            if (depth == depth_ && key == f.key) return false;
        unknown_.emplace_back(depth_, f.key);
        std::string where;
        for (std::size_t i = 0; i < depth_; ++i) {
            const text_frame& outer = frames_[i];
            if (outer.is_array) {
                where += '/';
                where += std::to_string(outer.seen - 1);
            } else {
                if (outer.key.data() == nullptr) return false;
                append_pointer_token(where, outer.key);
            }
        }
        ctx_.fail_at(std::move(where), warden::error_code::unknown_field, f.ops->unknown_field());
        skip_ = true;
        return true;
    }
    bool skipped() {
        skip_ = false;
        part_.clear();
        return true;
    }
    bool end(error_code& ec) {
        text_frame& f = frames_[depth_ - 1];
        if (!f.ops->end(f) || (f.after && !f.after(f.outer, ctx_))) return fail(ec);
        --depth_;
        return true;
    }
    bool fail(error_code& ec) {
        failed_ = true;
        ec = boost::json::error::extra_data; // any error stops the parser
        return false;
    }

    const text_value_ops* ops_;
    void* target_;
    decode_context& ctx_;
    std::array<text_frame, 32> frames_{};
    std::size_t depth_ = 0;
    std::string part_; // a key, string or number split by the parser
    std::vector<std::pair<std::size_t, std::string_view>> unknown_; // unknown keys of the open objects, by depth
    bool skip_ = false;   // the next value belongs to an unknown key
    bool failed_ = false;
};

// The one pass. `decoded`: `out` holds the text's value. `refused`: the text is JSON that decode
// refuses for unknown fields only, which `ctx` holds as decode would list them. `unsure`: the
// slow way must say.
enum class text_outcome { decoded, refused, unsure };

template<class T>
text_outcome decode_text_fast(std::string_view text, T& out, const parse_options& limits, decode_context& ctx) {
    if (text.size() > limits.max_bytes) return text_outcome::unsure;
    const boost::json::parse_options po = boost_options(limits);
    boost::json::basic_parser<text_handler> p(po, text_value<T>::ops, &out, ctx);
    boost::system::error_code ec;
    std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size() || p.handler().failed()) return text_outcome::unsure;
    return ctx.error_count() ? text_outcome::refused : text_outcome::decoded;
}

} // namespace detail

// parse(text, limits) then decode<T>(value, options), with the same answer, in one pass over the
// bytes when the text is valid or has only unknown fields wrong.
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
