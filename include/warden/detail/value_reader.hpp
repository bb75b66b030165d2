#ifndef WARDEN_DETAIL_VALUE_READER_HPP
#define WARDEN_DETAIL_VALUE_READER_HPP

// The strict decoder. It reads one JSON value into a C++ object from a stream of events (a key,
// a string, a number, an object or array beginning or ending), checks it as it goes and lists
// every error with its JSON Pointer. The events come from the parser (decode_text, server::read)
// or from a walk over a parsed value (decode): one decoder for both, so the two cannot disagree,
// and each C++ type costs one table of functions (typed_value<T>::ops), whatever feeds it.

#include <warden/detail/decode_leaf.hpp>
#include <warden/schema/supported.hpp>

#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::detail {

struct reader_frame;

// What a value's events do to the object they fill; one table per C++ type.
struct value_ops {
    // A number, boolean or null; or any value at all, given whole, that T cannot take (the
    // message is then decode's).
    void (*scalar)(void* target, const boost::json::value& v, decode_context& ctx);
    void (*string)(void* target, std::string_view s, decode_context& ctx);
    // An object or array begins. False when T takes no such thing; nothing is recorded then.
    bool (*begin)(void* target, reader_frame& frame, bool array);
    // A number from text, without a JSON value: true when it was good and is stored; false
    // leaves it to scalar. Null where T reads no numbers.
    bool (*int64)(void* target, std::int64_t i, decode_context& ctx) = nullptr;
    bool (*number)(void* target, double d, decode_context& ctx) = nullptr;
};

// What a container's events do.
struct container_ops {
    // Structs and maps: where a key's value goes; `ops` null for a key the struct does not
    // declare. False for a key already read, which is parse's error, not the decoder's.
    bool (*key)(reader_frame& frame, std::string_view key, const value_ops*& ops, void*& target);
    // Arrays: where the next element goes.
    void (*element)(reader_frame& frame, const value_ops*& ops, void*& target);
    // The container is whole: the members still missing.
    void (*end)(reader_frame& frame, decode_context& ctx);
    std::string_view (*unknown_field)() = nullptr; // the message for an undeclared key
};

// Set whole by open() when its container begins: the reader keeps a stack of them, never cleared.
struct reader_frame {
    const container_ops* ops;
    void* target;
    std::uint64_t seen;    // structs: the members read so far; arrays: the elements
    std::uint64_t* wide;   // structs of more than 64 members: their bits instead, until the struct ends
    void (*after)(void* outer, decode_context& ctx); // a field's rules, on the whole container
    void* outer;
    std::size_t errors_before; // with `after`: the errors listed before the container began
    std::string_view key;  // structs and maps: the member being read; no data when its spelling is gone
    int secrets;           // secret<> around the container: its messages never show values
    bool is_array;
    bool scratch;          // std::vector<bool>: the element being read, which has no address of its own

    void open(const container_ops* o, void* t, bool array) {
        ops = o;
        target = t;
        seen = 0;
        wide = nullptr;
        after = nullptr;
        outer = nullptr;
        key = {};
        secrets = 0;
        is_array = array;
    }
};

template<class T> struct typed_value;

// What T, or what T wraps (field, secret, optional), is read from, as decode's messages say it.
template<class T>
constexpr const char* expected_kind() {
    if constexpr (field_like<T>) return expected_kind<decltype(std::declval<typename T::warden_field_base&>().value)>();
    else if constexpr (secret_like<T>) return expected_kind<std::remove_reference_t<decltype(std::declval<T&>().reveal())>>();
    else if constexpr (is_optional<T>::value) return expected_kind<typename T::value_type>();
    else if constexpr (is_vector<T>::value) return "an array";
    else if constexpr (is_string_map<T>::value || is_described_struct<T>) return "an object";
    else if constexpr (std::is_same_v<T, std::string> || is_described_enum<T>) return "a string";
    else if constexpr (std::is_same_v<T, bool>) return "a boolean";
    else if constexpr (is_json_integer<T>) return "an integer";
    else return "a number";
}

// T reads objects or arrays, or strings: any other kind of value is wrong, and wrong_kind says so.
template<class T>
constexpr bool reads_container_or_string() {
    constexpr std::string_view kind = expected_kind<T>();
    return kind == "an array" || kind == "an object" || kind == "a string";
}

// A field's rules on its value, once the value is read whole.
template<class Field> struct field_rules;
template<class F, class... Rules>
struct field_rules<field<F, Rules...>> {
    // Only a vector's rules wait for the container's end.
    static constexpr bool counts_items = rule_count<8, Rules...> + rule_count<9, Rules...> != 0;
    static void check(void* outer, decode_context& ctx) {
        check_items(static_cast<field<F, Rules...>*>(outer)->value.size(), ctx, rule_value<8, std::size_t{0}, Rules...>(),
                    rule_value<9, ~std::size_t{0}, Rules...>());
    }
    // A string into the field: its value, then its rules if the value was good. Of the other
    // types that read strings (enums), none takes a rule.
    static void string(field<F, Rules...>& f, std::string_view s, decode_context& ctx) {
        if constexpr (std::is_same_v<F, std::string>) read_text<Rules...>(f.value, s, ctx);
        else typed_value<F>::string(&f.value, s, ctx);
    }
};

// decode's answer when a value of the wrong kind (`got`, as kind_phrase says it) comes where T
// wants another; null into an optional is no error. The message shows no value, so a secret
// changes nothing; and a field's rules never run: they apply to strings, numbers and arrays
// only, and what came is not one of those where one belongs.
template<class T>
void wrong_kind(T& out, const char* got, bool null, decode_context& ctx) {
    if constexpr (field_like<T>) {
        wrong_kind(static_cast<typename T::warden_field_base&>(out).value, got, null, ctx);
    } else if constexpr (secret_like<T>) {
        wrong_kind(out.reveal(), got, null, ctx);
    } else if constexpr (is_optional<T>::value) {
        if (null) out.reset();
        else fail_kind(ctx, expected_kind<T>(), got);
    } else {
        fail_kind(ctx, expected_kind<T>(), got);
    }
}

// Whether each member is required, in declaration order.
template<class S, class L> struct member_required;
template<class S, template<class...> class L, class... D>
struct member_required<S, L<D...>> {
    static constexpr std::array<bool, sizeof...(D)> value{
        !is_optional<std::remove_cvref_t<decltype(std::declval<S&>().*D::pointer)>>::value...};
};

// Compiled once for all structs: the required members not seen, each at its own path.
[[gnu::cold, gnu::noinline]] inline void report_missing(const std::uint64_t* bits, decode_context& ctx, const std::string_view* names,
                           const bool* required, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        if (!required[i] || (bits[i / 64] >> (i % 64) & 1)) continue;
        decode_context::scope at(ctx, names[i]);
        ctx.fail(error_code::missing_field, "required field is missing");
    }
}

template<class S>
struct typed_struct {
    using members = public_members<S>;
    static constexpr std::size_t n = boost::mp11::mp_size<members>::value;

    static bool key(reader_frame& f, std::string_view k, const value_ops*& ops, void*& target) {
        const std::size_t i = member_index<S>(k);
        if (i == n) {
            ops = nullptr;
            return true;
        }
        std::uint64_t& word = bits(f)[i / 64];
        const std::uint64_t bit = std::uint64_t(1) << (i % 64);
        if (word & bit) return false;
        word |= bit;
        if constexpr (n > 0) {
            S& out = *static_cast<S*>(f.target);
            boost::mp11::mp_with_index<n>(i, [&](auto I) {
                constexpr auto d = boost::mp11::mp_at_c<members, I>();
                using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
                ops = &typed_value<M>::ops;
                target = &(out.*d.pointer);
            });
        }
        return true;
    }
    static std::uint64_t* bits(reader_frame& f) {
        if constexpr (n > 64) return f.wide;
        else return &f.seen;
    }
    static constexpr std::uint64_t required_mask = [] {
        std::uint64_t m = 0;
        for (std::size_t i = 0; i < n && i < 64; ++i)
            if (member_required<S, members>::value[i]) m |= std::uint64_t(1) << i;
        return m;
    }();
    static void end(reader_frame& f, decode_context& ctx) {
        if constexpr (n <= 64)
            if ((f.seen & required_mask) == required_mask) return; // the common case: nothing missing
        report_missing(bits(f), ctx, member_names<S, members>::value.data(), member_required<S, members>::value.data(), n);
        if constexpr (n > 64) {
            delete[] f.wide;
            f.wide = nullptr;
        }
    }
    static void open(reader_frame& f, void* t) {
        f.open(&ops, t, false);
        if constexpr (n > 64) f.wide = new std::uint64_t[(n + 63) / 64](); // the reader frees it if the struct never ends
    }
    static constexpr container_ops ops{&key, nullptr, &end, &unknown_field_phrase<S>};
};

inline void no_missing(reader_frame&, decode_context&) {}

template<class V>
struct typed_vector {
    static void element(reader_frame& f, const value_ops*& ops, void*& target) {
        V& out = *static_cast<V*>(f.target);
        // The size is not known ahead. Growing moves every element each time, which costs more
        // than a generous first reservation: room for 64 elements, within 8 KiB.
        constexpr std::size_t first = std::clamp<std::size_t>(8192 / sizeof(typename V::value_type), 8, 64);
        if (out.capacity() == 0) out.reserve(first);
        using T = typename V::value_type;
        if constexpr (std::is_aggregate_v<T> && std::is_nothrow_move_constructible_v<T>)
            target = &out.emplace_back(T{});
        else
            target = &out.emplace_back();
        ops = &typed_value<typename V::value_type>::ops;
    }
    static constexpr container_ops ops{nullptr, &element, &no_missing, nullptr};
};

// std::vector<bool> packs its elements: each is read into the frame's scratch, and stored when
// the next one begins or the array ends.
template<class A>
struct typed_vector<std::vector<bool, A>> {
    static void store(reader_frame& f) {
        auto& out = *static_cast<std::vector<bool, A>*>(f.target);
        if (!out.empty()) out.back() = f.scratch;
    }
    static void element(reader_frame& f, const value_ops*& ops, void*& target) {
        store(f);
        static_cast<std::vector<bool, A>*>(f.target)->push_back(false);
        f.scratch = false;
        target = &f.scratch;
        ops = &typed_value<typename std::vector<bool, A>::value_type>::ops;
    }
    static void end(reader_frame& f, decode_context&) { store(f); }
    static constexpr container_ops ops{nullptr, &element, &end, nullptr};
};

template<class M>
struct typed_map {
    static bool key(reader_frame& f, std::string_view k, const value_ops*& ops, void*& target) {
        auto [it, fresh] = static_cast<M*>(f.target)->try_emplace(std::string(k));
        if (!fresh) return false;
        target = &it->second;
        ops = &typed_value<typename M::mapped_type>::ops;
        return true;
    }
    static constexpr container_ops ops{&key, nullptr, &no_missing, nullptr};
};

template<class T>
struct typed_value {
    WARDEN_ASSERT_SUPPORTED(T);

    // Numbers, booleans and null, and containers T does not take. value_reader gives strings to
    // string(), so where T reads strings, objects or arrays, whatever comes here is of the wrong
    // kind. Numbers and booleans go through decode_value itself: every leaf rule is decode's.
    static void scalar(void* t, const boost::json::value& v, decode_context& ctx) {
        T& out = *static_cast<T*>(t);
        if constexpr (reads_container_or_string<T>()) {
            wrong_kind(out, kind_phrase(v), v.is_null(), ctx);
        } else if constexpr (is_optional<T>::value) {
            if (v.is_null()) out.reset();
            else typed_value<typename T::value_type>::scalar(&out.emplace(), v, ctx);
        } else if constexpr (secret_like<T>) {
            ctx.enter_secret();
            typed_value<std::remove_reference_t<decltype(out.reveal())>>::scalar(&out.reveal(), v, ctx);
            ctx.leave_secret();
        } else {
            decode_value(v, out, ctx);
        }
    }
    // A string, without a JSON value in between.
    static void string(void* t, std::string_view s, decode_context& ctx) {
        T& out = *static_cast<T*>(t);
        if constexpr (std::is_same_v<T, std::string>) {
            out.assign(s.data(), s.size());
        } else if constexpr (field_like<T>) {
            using base = typename T::warden_field_base;
            field_rules<base>::string(static_cast<base&>(out), s, ctx);
        } else if constexpr (secret_like<T>) {
            ctx.enter_secret();
            typed_value<std::remove_reference_t<decltype(out.reveal())>>::string(&out.reveal(), s, ctx);
            ctx.leave_secret();
        } else if constexpr (is_optional<T>::value) {
            typed_value<typename T::value_type>::string(&out.emplace(), s, ctx);
        } else if constexpr (is_described_enum<T>) {
            using table = enumerator_names<T>;
            const std::size_t i = find_name(table::value.data(), table::value.size(), s);
            if (i < table::value.size()) out = table::values[i];
            else fail_enum(ctx, table::value.data(), table::value.size(), s);
        } else {
            wrong_kind(out, "a string", false, ctx);
        }
    }
    // An object or array: unwrap field, secret and optional down to the container it fills.
    static bool begin(void* t, reader_frame& f, bool array) {
        T& out = *static_cast<T*>(t);
        if constexpr (field_like<T>) {
            using base = typename T::warden_field_base;
            auto& fb = static_cast<base&>(out);
            if (!typed_value<decltype(fb.value)>::begin(&fb.value, f, array)) return false;
            if constexpr (field_rules<base>::counts_items) {
                f.after = &field_rules<base>::check;
                f.outer = &fb;
            }
            return true;
        } else if constexpr (secret_like<T>) {
            if (!typed_value<std::remove_reference_t<decltype(out.reveal())>>::begin(&out.reveal(), f, array)) return false;
            ++f.secrets;
            return true;
        } else if constexpr (is_optional<T>::value) {
            return typed_value<typename T::value_type>::begin(&out.emplace(), f, array);
        } else if constexpr (is_vector<T>::value) {
            if (!array) return false;
            out.clear();
            f.open(&typed_vector<T>::ops, t, true);
            return true;
        } else if constexpr (is_string_map<T>::value) {
            if (array) return false;
            out.clear();
            f.open(&typed_map<T>::ops, t, false);
            return true;
        } else if constexpr (is_described_struct<T>) {
            if (array) return false;
            typed_struct<T>::open(f, t);
            return true;
        } else {
            return false; // a leaf
        }
    }
    // The usual number, stored directly (take_int64, take_double); anything else, scalar's way.
    static bool int64(void* t, std::int64_t i, decode_context&) { return take_int64(*static_cast<T*>(t), i); }
    static bool number(void* t, double d, decode_context&) { return take_double(*static_cast<T*>(t), d); }
    static constexpr bool reads_numbers = [] {
        constexpr std::string_view kind = expected_kind<T>();
        return (kind == "an integer" || kind == "a number") && !secret_like<T>;
    }();
    // Only the types that read numbers instantiate them.
    static constexpr auto int64_entry() {
        if constexpr (reads_numbers) return &int64;
        else return static_cast<decltype(&int64)>(nullptr);
    }
    static constexpr auto number_entry() {
        if constexpr (reads_numbers) return &number;
        else return static_cast<decltype(&number)>(nullptr);
    }
    static constexpr value_ops ops{&scalar, &string, &begin, int64_entry(), number_entry()};
};

// Reads the events of one value into the object `root` describes, listing errors in `ctx`
// exactly as decode always has: in document order, each object's missing members after its
// other errors, a field's rules only on a value that was otherwise good.
class value_reader {
public:
    // read: the value goes to the object; skip: the value is not read (its error, if any, is
    // listed); stop: the answer needs a DOM (parse's error for a repeated key, or a path through
    // a key whose spelling the parser did not keep).
    enum class step : unsigned char { read, skip, stop };

    // `from_text`: the events come from a parser, which lets keys repeat.
    value_reader(const value_ops& root, void* target, decode_context& ctx, bool from_text)
        : ops_(&root), target_(target), ctx_(ctx), from_text_(from_text) {
        ctx_.set_path_prefix({&write_path, this});
    }
    ~value_reader() {
        for (std::size_t i = 0; i < depth_; ++i) delete[] frame(i).wide; // the parse stopped inside them
        ctx_.set_path_prefix({});
    }
    value_reader(const value_reader&) = delete;
    value_reader& operator=(const value_reader&) = delete;

    // A path ran through a key the parser did not leave in the text: its errors cannot be written.
    bool lost() const noexcept { return lost_; }
    bool full() const noexcept { return ctx_.full(); }

    // `stable`: the key's characters stay where they are until the value is read whole.
    step key(std::string_view k, bool stable) {
        reader_frame& f = frame(depth_ - 1);
        const value_ops* ops = nullptr;
        void* target = nullptr;
        if (!f.ops->key(f, k, ops, target)) return step::stop;
        f.key = stable ? k : std::string_view{};
        if (!ops) return unknown_key(f, k, stable);
        ops_ = ops;
        target_ = target;
        return step::read;
    }
    step begin(bool array) {
        // Grown first: an element's target may be a frame's own scratch (std::vector<bool>).
        if (depth_ >= near && far_.size() <= depth_ - near) far_.resize(depth_ - near + 1); // deeper than most
        next_slot();
        reader_frame& f = frame(depth_);
        if (!ops_->begin(target_, f, array)) return not_taken(array);
        if (f.after) f.errors_before = ctx_.error_count();
        for (int i = 0; i < f.secrets; ++i) ctx_.enter_secret();
        ++depth_;
        if (!unknown_.empty()) std::erase_if(unknown_, [&](const auto& u) { return u.first >= depth_; }); // another object's
        return step::read;
    }
    void end() {
        reader_frame& f = frame(depth_ - 1);
        path_depth_ = depth_ - 1;
        f.ops->end(f, ctx_);
        for (int i = 0; i < f.secrets; ++i) ctx_.leave_secret();
        if (f.after && ctx_.error_count() == f.errors_before) f.after(f.outer, ctx_);
        --depth_;
    }
    void string(std::string_view s) {
        next_slot();
        path_depth_ = depth_;
        ops_->string(target_, s, ctx_);
    }
    void scalar(const boost::json::value& v) {
        next_slot();
        path_depth_ = depth_;
        ops_->scalar(target_, v, ctx_);
    }
    // Numbers from text: stored directly where the type takes them as they are, else as scalar.
    void integer(std::int64_t i) {
        next_slot();
        path_depth_ = depth_;
        if (!ops_->int64 || !ops_->int64(target_, i, ctx_)) ops_->scalar(target_, boost::json::value(i), ctx_);
    }
    void number(double d) {
        next_slot();
        path_depth_ = depth_;
        if (!ops_->number || !ops_->number(target_, d, ctx_)) ops_->scalar(target_, boost::json::value(d), ctx_);
    }

private:
    static constexpr std::size_t near = 16;

    // A key the struct does not declare: decode's error, and its value skipped.
    [[gnu::cold]] step unknown_key(reader_frame& f, std::string_view k, bool stable) {
        if (from_text_) {
            if (!stable) return step::stop;
            for (const auto& [depth, key] : unknown_)
                if (depth == depth_ && key == k) return step::stop;
            unknown_.emplace_back(depth_, k);
        }
        path_depth_ = depth_;
        ctx_.fail(error_code::unknown_field, f.ops->unknown_field());
        return step::skip;
    }
    // An object or array where the type takes none: decode's error, and the container skipped.
    [[gnu::cold]] step not_taken(bool array) {
        path_depth_ = depth_;
        ops_->scalar(target_, array ? boost::json::value(boost::json::array_kind) : boost::json::value(boost::json::object_kind), ctx_);
        return step::skip;
    }

    reader_frame& frame(std::size_t i) { return i < near ? near_[i] : far_[i - near]; }
    const reader_frame& frame(std::size_t i) const { return i < near ? near_[i] : far_[i - near]; }

    // Inside an array, each value goes into a new element.
    void next_slot() {
        if (depth_ == 0) return;
        reader_frame& f = frame(depth_ - 1);
        if (!f.is_array) return;
        ++f.seen;
        f.ops->element(f, ops_, target_);
    }

    // The path of the value being read (or of the container ending), for decode_context.
    static void write_path(const void* self, std::string& out) {
        const auto& r = *static_cast<const value_reader*>(self);
        for (std::size_t i = 0; i < r.path_depth_; ++i) {
            const reader_frame& f = r.frame(i);
            if (f.is_array) {
                out += '/';
                out += std::to_string(f.seen - 1);
            } else if (f.key.data()) {
                append_pointer_token(out, f.key);
            } else {
                r.lost_ = true;
            }
        }
    }

    const value_ops* ops_;
    void* target_;
    decode_context& ctx_;
    std::array<reader_frame, near> near_; // each set by open() before use
    std::vector<reader_frame> far_;
    std::size_t depth_ = 0;
    std::size_t path_depth_ = 0;
    std::vector<std::pair<std::size_t, std::string_view>> unknown_; // from text: the open objects' unknown keys, by depth
    bool from_text_;
    mutable bool lost_ = false;
};

// decode's events: a walk over a parsed value. Once the error list is full, nothing more can
// be said, so the walk stops looking.
inline void read_value(const boost::json::value& v, value_reader& r) {
    switch (v.kind()) {
    case boost::json::kind::object:
        if (r.begin(false) != value_reader::step::read) return;
        for (const auto& kv : v.get_object()) {
            if (r.full()) break;
            if (r.key(kv.key(), true) == value_reader::step::read) read_value(kv.value(), r);
        }
        r.end();
        return;
    case boost::json::kind::array:
        if (r.begin(true) != value_reader::step::read) return;
        for (const auto& e : v.get_array()) {
            if (r.full()) break;
            read_value(e, r);
        }
        r.end();
        return;
    case boost::json::kind::string: r.string(v.get_string()); return;
    default: r.scalar(v); return;
    }
}

} // namespace warden::detail

#endif
