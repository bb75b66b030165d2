// The validation benchmark: what it costs to turn the bytes of a tool call's arguments into a
// checked C++ struct, against the cost of only reading those bytes.
//
// For each input (desk::note_input, and a shop::order with 50 line items) it times
//   boost_json_parse      boost::json::parse alone: reading the bytes, the baseline;
//   warden_decode_text    warden::decode_text<T>: parse and decode in one pass, without a DOM;
//   warden_parse_decode   warden::parse + warden::decode<T>: the two steps, through a DOM;
//   hand_decoder          boost::json::parse + a hand-written decoder making the same checks
//                         (types, unknown and missing fields, lengths in code points, ranges, the
//                         same pattern matcher, the same format checks, the enum): the practical floor;
//   warden_parse_only     warden::parse alone and
//   warden_decode_only    warden::decode<T> of an already parsed value: the two halves of
//                         warden_parse_decode, to show where its time goes.
// and, as what-ifs that show what the obvious improvements would buy (they are not targets):
//   boost_json_parse_monotonic / warden_parse_decode_monotonic
//                         the same with the DOM in a boost::json::monotonic_resource over a stack
//                         buffer, which warden::parse already accepts (its storage_ptr argument);
//   warden_parse_decode_lean
//                         warden decoding the same bytes into a copy of the struct without the
//                         rules that dominate its decode profile: shop::order without its two
//                         pattern rules (the cost of matching patterns), desk::note_input without its
//                         length rules (the cost of counting code points, twice);
//   warden_parse_decode_lean_monotonic
//                         both;
//   hand_decoder_plain_patterns (order only)
//                         the hand-written decoder checking the two patterns with plain code.
// ajv and zod are timed by benchmarks/validators.mjs on the same files; benchmarks/run
// runs both and writes docs/benchmarks.md.
//
// Before anything is timed, main() checks that warden and the hand-written decoder agree on the
// inputs and on every case of data/cases.json, and each benchmark checks once that its input is
// accepted: no benchmark can time the error path by accident.

#include "orders.hpp"
#include "support_note.hpp"

#include <benchmark/benchmark.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/version.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef WARDEN_BENCH_DATA_DIR
#error "WARDEN_BENCH_DATA_DIR must name the directory of the benchmark's data files"
#endif

namespace json = boost::json;

namespace {

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "bench_validation: %s\n", message.c_str());
    std::fflush(stderr);
    std::abort();
}

std::string read_data(const char* name) {
    std::string path = std::string(WARDEN_BENCH_DATA_DIR) + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) die("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// ---------------------------------------------------------------------------------------------
// The hand-written decoders: what a careful programmer writes by hand for these two structs on
// top of boost::json::parse. They stop at the first problem and say nothing about it (a bool),
// which is as cheap as validation gets; warden reports every problem with its JSON Pointer.
namespace hand {

std::size_t code_points(std::string_view s) noexcept {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool text(const json::value& v, std::size_t min_cp, std::size_t max_cp, std::string& out) {
    const json::string* s = v.if_string();
    if (!s) return false;
    std::size_t n = code_points(*s);
    if (n < min_cp || n > max_cp) return false;
    out.assign(s->data(), s->size());
    return true;
}

// A JSON integer (1, or 1.0) within [lo, hi], whatever its representation in Boost.JSON.
bool integer(const json::value& v, long long lo, long long hi, long long& out) {
    if (v.is_int64()) {
        std::int64_t i = v.get_int64();
        if (i < lo || i > hi) return false;
        out = i;
        return true;
    }
    if (v.is_uint64()) {
        std::uint64_t u = v.get_uint64();
        if (hi < 0 || u > static_cast<std::uint64_t>(hi)) return false;
        out = static_cast<long long>(u);
        return true;
    }
    if (v.is_double()) {
        double d = v.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) return false;
        if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) return false;
        out = static_cast<long long>(d);
        return true;
    }
    return false;
}

bool number(const json::value& v, double& out) {
    if (v.is_double()) out = v.get_double();
    else if (v.is_int64()) out = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) out = static_cast<double>(v.get_uint64());
    else return false;
    return true;
}

// How the two patterns are checked. with_pattern uses the very pattern matchers warden uses (the
// benchmark's hand-written decoder); plain_code checks ^[A-Z]{3}-[0-9]{4}$ and ^[A-Z]{2}$ with a few
// comparisons (a what-if: what the decoder costs without a general matcher).
struct with_pattern {
    static bool sku(const std::string& s) {
        return warden::detail::pattern_of<warden::pattern<"^[A-Z]{3}-[0-9]{4}$">>().search(s);
    }
    static bool country(const std::string& s) {
        return warden::detail::pattern_of<warden::pattern<"^[A-Z]{2}$">>().search(s);
    }
};
struct plain_code {
    static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
    static bool digit(char c) { return c >= '0' && c <= '9'; }
    static bool sku(const std::string& s) {
        return s.size() == 8 && upper(s[0]) && upper(s[1]) && upper(s[2]) && s[3] == '-' && digit(s[4]) &&
               digit(s[5]) && digit(s[6]) && digit(s[7]);
    }
    static bool country(const std::string& s) { return s.size() == 2 && upper(s[0]) && upper(s[1]); }
};

template<class Match = with_pattern>
bool decode(const json::value& v, desk::note_input& out) {
    const json::object* o = v.if_object();
    if (!o) return false;
    unsigned seen = 0;
    for (const auto& kv : *o) {
        std::string_view k = kv.key();
        if (k == "ticketId") {
            const json::string* s = kv.value().if_string();
            if (!s) return false;
            out.ticketId.value.assign(s->data(), s->size());
            seen |= 1;
        } else if (k == "note") {
            if (!text(kv.value(), 1, 2000, out.note.value)) return false;
            seen |= 2;
        } else {
            return false;
        }
    }
    return seen == 3;
}

template<class Match = with_pattern>
bool decode(const json::value& v, shop::line_item& out) {
    const json::object* o = v.if_object();
    if (!o) return false;
    unsigned seen = 0;
    for (const auto& kv : *o) {
        std::string_view k = kv.key();
        const json::value& x = kv.value();
        if (k == "sku") {
            if (!text(x, 0, 8, out.sku.value) || !Match::sku(out.sku.value)) return false;
            seen |= 1;
        } else if (k == "quantity") {
            long long q;
            if (!integer(x, 1, 1000, q)) return false;
            out.quantity.value = static_cast<std::int32_t>(q);
            seen |= 2;
        } else if (k == "unitPrice") {
            if (!number(x, out.unitPrice.value) || out.unitPrice.value < 0) return false;
            seen |= 4;
        } else if (k == "giftMessage") {
            if (x.is_null()) out.giftMessage.reset();
            else if (!text(x, 1, 200, out.giftMessage.emplace().value)) return false;
        } else {
            return false;
        }
    }
    return seen == 7;
}

template<class Match = with_pattern>
bool decode(const json::value& v, shop::address& out) {
    const json::object* o = v.if_object();
    if (!o) return false;
    unsigned seen = 0;
    for (const auto& kv : *o) {
        std::string_view k = kv.key();
        const json::value& x = kv.value();
        if (k == "line1") {
            if (!text(x, 1, 200, out.line1.value)) return false;
            seen |= 1;
        } else if (k == "city") {
            if (!text(x, 1, 100, out.city.value)) return false;
            seen |= 2;
        } else if (k == "country") {
            if (!text(x, 0, 2, out.country.value) || !Match::country(out.country.value)) return false;
            seen |= 4;
        } else {
            return false;
        }
    }
    return seen == 7;
}

template<class Match = with_pattern>
bool decode(const json::value& v, shop::order& out) {
    const json::object* o = v.if_object();
    if (!o) return false;
    unsigned seen = 0;
    for (const auto& kv : *o) {
        std::string_view k = kv.key();
        const json::value& x = kv.value();
        if (k == "orderId") {
            if (!text(x, 1, 64, out.orderId.value)) return false;
            seen |= 1;
        } else if (k == "customerEmail") {
            if (!text(x, 0, 254, out.customerEmail.value) || !warden::detail::is_email(out.customerEmail.value))
                return false;
            seen |= 2;
        } else if (k == "priority") {
            const json::string* s = x.if_string();
            if (!s) return false;
            if (*s == "low") out.priority = shop::order_priority::low;
            else if (*s == "normal") out.priority = shop::order_priority::normal;
            else if (*s == "high") out.priority = shop::order_priority::high;
            else return false;
            seen |= 4;
        } else if (k == "items") {
            const json::array* a = x.if_array();
            if (!a || a->empty() || a->size() > 100) return false;
            auto& items = out.items.value;
            items.resize(a->size());
            for (std::size_t i = 0; i < a->size(); ++i)
                if (!decode<Match>((*a)[i], items[i])) return false;
            seen |= 8;
        } else if (k == "shipping") {
            if (x.is_null()) out.shipping.reset();
            else if (!decode<Match>(x, out.shipping.emplace())) return false;
        } else if (k == "tags") {
            if (x.is_null()) {
                out.tags.reset();
            } else {
                const json::object* t = x.if_object();
                if (!t) return false;
                auto& tags = out.tags.emplace();
                for (const auto& tv : *t)
                    if (!text(tv.value(), 0, 100, tags[std::string(tv.key())].value)) return false;
            }
        } else if (k == "deliverBy") {
            if (x.is_null()) {
                out.deliverBy.reset();
            } else {
                const json::string* s = x.if_string();
                if (!s || !warden::detail::is_date(*s)) return false;
                out.deliverBy.emplace().value.assign(s->data(), s->size());
            }
        } else if (k == "warehouse") {
            long long w;
            if (x.is_null()) out.warehouse.reset();
            else if (integer(x, 0, 65535, w)) out.warehouse = static_cast<std::uint16_t>(w);
            else return false;
        } else if (k == "loyaltyPoints") {
            long long p;
            if (x.is_null()) out.loyaltyPoints.reset();
            else if (integer(x, INT32_MIN, INT32_MAX, p)) out.loyaltyPoints = static_cast<std::int32_t>(p);
            else return false;
        } else if (k == "couponCode") {
            if (x.is_null()) {
                out.couponCode.reset();
            } else {
                const json::string* s = x.if_string();
                if (!s) return false;
                out.couponCode.emplace().reveal().assign(s->data(), s->size());
            }
        } else if (k == "giftWrap") {
            if (!x.is_bool()) return false;
            out.giftWrap = x.get_bool();
            seen |= 16;
        } else {
            return false;
        }
    }
    return seen == 31;
}

} // namespace hand

// ---------------------------------------------------------------------------------------------
// What-if: shop::order exactly, less its two pattern rules. Decoding the same bytes into it shows
// what matching patterns costs warden.
namespace no_pattern {
struct line_item {
    warden::field<std::string, warden::max_length<8>> sku;
    warden::integer<1, 1000, std::int32_t> quantity;
    warden::field<double, warden::minimum<0>> unitPrice;
    std::optional<warden::text<1, 200>> giftMessage;
};
BOOST_DESCRIBE_STRUCT(line_item, (), (sku, quantity, unitPrice, giftMessage))
struct address {
    warden::text<1, 200> line1;
    warden::text<1, 100> city;
    warden::field<std::string, warden::max_length<2>> country;
};
BOOST_DESCRIBE_STRUCT(address, (), (line1, city, country))
struct order {
    warden::text<1, 64> orderId;
    warden::field<std::string, warden::max_length<254>, warden::format<"email">> customerEmail;
    shop::order_priority priority;
    warden::field<std::vector<line_item>, warden::min_items<1>, warden::max_items<100>> items;
    std::optional<address> shipping;
    std::optional<std::map<std::string, warden::text<0, 100>>> tags;
    std::optional<warden::field<std::string, warden::format<"date">>> deliverBy;
    std::optional<std::uint16_t> warehouse;
    std::optional<std::int32_t> loyaltyPoints;
    std::optional<warden::secret<std::string>> couponCode;
    bool giftWrap;
};
BOOST_DESCRIBE_STRUCT(order, (), (orderId, customerEmail, priority, items, shipping, tags, deliverBy, warehouse,
                                  loyaltyPoints, couponCode, giftWrap))
} // namespace no_pattern

// What-if: desk::note_input less its length rules: what counting code points (twice, once for
// min_length and once for max_length) costs warden on a 298-character note.
namespace no_length {
struct note_input {
    warden::field<std::string> ticketId;
    warden::field<std::string> note;
};
BOOST_DESCRIBE_STRUCT(note_input, (), (ticketId, note))
} // namespace no_length

// The what-if struct of each input.
template<class T> struct lean;
template<> struct lean<desk::note_input> { using type = no_length::note_input; };
template<> struct lean<shop::order> { using type = no_pattern::order; };

// ---------------------------------------------------------------------------------------------
// The checks made before anything is timed.

// Two decoders produced the same struct: compared through encode(), plus the one secret that
// encode() redacts.
template<class T>
std::string fingerprint(const T& in) {
    std::string s = json::serialize(warden::encode(in));
    if constexpr (requires { in.couponCode; })
        if (in.couponCode) s += "\ncoupon:" + in.couponCode->reveal();
    return s;
}

// The DOM of the what-if rows lives in a monotonic_resource over this much stack.
constexpr std::size_t arena_bytes = 16 * 1024;

template<class T>
bool warden_accepts(std::string_view text, std::string* fp = nullptr) {
    auto parsed = warden::parse(text);
    if (!parsed) return false;
    auto decoded = warden::decode<T>(*parsed);
    if (decoded && fp) *fp = fingerprint(*decoded);
    return decoded.ok();
}

template<class T>
bool warden_accepts_monotonic(std::string_view text, std::string* fp = nullptr) {
    unsigned char buffer[arena_bytes];
    json::monotonic_resource arena(buffer, sizeof buffer);
    auto parsed = warden::parse(text, {}, &arena);
    if (!parsed) return false;
    auto decoded = warden::decode<T>(*parsed);
    if (decoded && fp) *fp = fingerprint(*decoded);
    return decoded.ok();
}

// The one pass: warden::decode_text, and it must not have needed the slow way.
template<class T>
bool warden_text_accepts(std::string_view text, std::string* fp = nullptr) {
    T out{};
    warden::detail::decode_context ctx(64);
    if (warden::detail::decode_text_fast(text, out, {}, ctx) != warden::detail::text_outcome::decoded) return false;
    if (fp) *fp = fingerprint(out);
    return true;
}

template<class T, class Match = hand::with_pattern>
bool hand_accepts(std::string_view text, std::string* fp = nullptr) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return false;
    T out{};
    if (!hand::decode<Match>(v, out)) return false;
    if (fp) *fp = fingerprint(out);
    return true;
}

// Applies one edit of data/cases.json: ["set", pointer, value] or ["remove", pointer].
void apply_edit(json::value& doc, const json::array& edit) {
    std::string_view op = edit.at(0).as_string();
    std::string_view pointer = edit.at(1).as_string();
    if (pointer.empty()) {
        if (op != "set") die("cases.json: only \"set\" may name the whole document");
        doc = edit.at(2);
        return;
    }
    std::vector<std::string> tokens;
    for (std::size_t pos = 1;;) {
        std::size_t slash = pointer.find('/', pos);
        std::string_view raw = pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        std::string token; // RFC 6901: "~1" is '/', "~0" is '~'
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '~' && i + 1 < raw.size()) token += raw[++i] == '1' ? '/' : '~';
            else token += raw[i];
        }
        tokens.push_back(std::move(token));
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    json::value* at = &doc;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i)
        at = at->is_array() ? &at->as_array().at(std::stoul(tokens[i])) : &at->as_object().at(tokens[i]);
    const std::string& last = tokens.back();
    if (at->is_array()) {
        auto& a = at->as_array();
        std::size_t i = std::stoul(last);
        if (op == "set") a.at(i) = edit.at(2);
        else a.erase(a.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
        auto& o = at->as_object();
        if (op == "set") o[last] = edit.at(2);
        else if (o.erase(last) != 1) die("cases.json: nothing to remove at " + std::string(pointer));
    }
}

// warden and every hand-written decoder accept the input and produce the same struct, and give
// each case of cases.json its verdict (valid cases: the same struct again).
template<class T>
void check_input(const std::string& name, const std::string& text, const json::array& cases) {
    using checker = bool (*)(std::string_view, std::string*);
    const std::pair<const char*, checker> decoders[] = {
        {"warden", &warden_accepts<T>},
        {"warden with a monotonic_resource", &warden_accepts_monotonic<T>},
        {"warden::decode_text (one pass)", &warden_text_accepts<T>},
        {"the hand-written decoder", &hand_accepts<T, hand::with_pattern>},
        {"the hand-written decoder without the pattern matcher", &hand_accepts<T, hand::plain_code>},
    };
    std::string expected;
    if (!warden_accepts<T>(text, &expected)) die(name + ": warden rejects the benchmark input");
    for (const auto& [who, accepts] : decoders) {
        std::string fp;
        if (!accepts(text, &fp)) die(name + ": " + who + " rejects the benchmark input");
        if (fp != expected) die(name + ": " + who + " decodes the input differently from warden:\n" + fp + "\n" + expected);
    }
    const json::value base = json::parse(text);
    for (const auto& c : cases) {
        const auto& cobj = c.as_object();
        json::value doc = base;
        for (const auto& e : cobj.at("edits").as_array()) apply_edit(doc, e.as_array());
        const std::string variant = json::serialize(doc);
        const bool valid = cobj.at("valid").as_bool();
        const std::string why(cobj.at("why").as_string());
        std::string reference;
        warden_accepts<T>(variant, &reference);
        for (const auto& [who, accepts] : decoders) {
            std::string fp;
            bool verdict = accepts(variant, &fp);
            if (verdict != valid) die(name + ", case \"" + why + "\": " + who + (verdict ? " accepts" : " rejects") + " it");
            if (valid && fp != reference) die(name + ", case \"" + why + "\": " + who + " decodes it differently from warden");
        }
    }
    std::fprintf(stderr, "bench_validation: %s: %zu bytes; warden and the hand-written decoders agree on it and on %zu cases\n",
                 name.c_str(), text.size(), cases.size());
}

template<class T>
void check_lean(const std::string& name, const std::string& text) {
    auto parsed = warden::parse(text);
    if (!parsed) die(name + ": warden rejects the benchmark input");
    auto full = warden::decode<T>(*parsed);
    auto slim = warden::decode<typename lean<T>::type>(*parsed);
    if (!full || !slim || fingerprint(*full) != fingerprint(*slim))
        die(name + ": the what-if struct decodes the input differently");
}

// ---------------------------------------------------------------------------------------------
// The benchmarks. Each first runs its operation once, untimed, and aborts unless it succeeds: no
// benchmark can time the error path by accident.

template<class Op>
void add(const std::string& name, std::string_view bytes, Op op) {
    benchmark::RegisterBenchmark(name.c_str(), [name, bytes, op](benchmark::State& state) {
        if (!op(bytes)) die(name + ": the operation fails on the benchmark input; refusing to time the error path");
        for (auto _ : state) {
            bool ok = op(bytes);
            benchmark::DoNotOptimize(ok);
        }
        state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes.size()));
        state.counters["bytes"] = static_cast<double>(bytes.size());
    });
}

// Each operation returns whether it succeeded; what it built is passed to DoNotOptimize first.
template<class T>
void register_input(const std::string& name, std::string_view bytes) {
    add(name + "/boost_json_parse", bytes, [](std::string_view b) {
        boost::system::error_code ec;
        json::value v = json::parse(b, ec);
        benchmark::DoNotOptimize(v);
        return !ec;
    });
    add(name + "/warden_parse_decode", bytes, [](std::string_view b) {
        auto parsed = warden::parse(b);
        if (!parsed) return false;
        auto decoded = warden::decode<T>(*parsed);
        benchmark::DoNotOptimize(decoded);
        return decoded.ok();
    });
    add(name + "/warden_decode_text", bytes, [](std::string_view b) {
        auto decoded = warden::decode_text<T>(b);
        benchmark::DoNotOptimize(decoded);
        return decoded.ok();
    });
    add(name + "/hand_decoder", bytes, [](std::string_view b) {
        boost::system::error_code ec;
        json::value v = json::parse(b, ec);
        T out{};
        bool ok = !ec && hand::decode<hand::with_pattern>(v, out);
        benchmark::DoNotOptimize(out);
        return ok;
    });
    add(name + "/warden_parse_only", bytes, [](std::string_view b) {
        auto parsed = warden::parse(b);
        benchmark::DoNotOptimize(parsed);
        return parsed.ok();
    });
    // The value is parsed once, outside the loop; only decode<T> is timed.
    auto parsed = std::make_shared<json::value>(json::parse(bytes));
    add(name + "/warden_decode_only", bytes, [parsed](std::string_view) {
        auto decoded = warden::decode<T>(*parsed);
        benchmark::DoNotOptimize(decoded);
        return decoded.ok();
    });
    add(name + "/boost_json_parse_monotonic", bytes, [](std::string_view b) {
        unsigned char buffer[arena_bytes];
        json::monotonic_resource arena(buffer, sizeof buffer);
        boost::system::error_code ec;
        json::value v = json::parse(b, ec, &arena);
        benchmark::DoNotOptimize(v);
        return !ec;
    });
    add(name + "/warden_parse_decode_monotonic", bytes, [](std::string_view b) {
        unsigned char buffer[arena_bytes];
        json::monotonic_resource arena(buffer, sizeof buffer);
        auto parsed = warden::parse(b, {}, &arena);
        if (!parsed) return false;
        auto decoded = warden::decode<T>(*parsed);
        benchmark::DoNotOptimize(decoded);
        return decoded.ok();
    });
    using L = typename lean<T>::type;
    add(name + "/warden_parse_decode_lean", bytes, [](std::string_view b) {
        auto parsed = warden::parse(b);
        if (!parsed) return false;
        auto decoded = warden::decode<L>(*parsed);
        benchmark::DoNotOptimize(decoded);
        return decoded.ok();
    });
    add(name + "/warden_parse_decode_lean_monotonic", bytes, [](std::string_view b) {
        unsigned char buffer[arena_bytes];
        json::monotonic_resource arena(buffer, sizeof buffer);
        auto parsed = warden::parse(b, {}, &arena);
        if (!parsed) return false;
        auto decoded = warden::decode<L>(*parsed);
        benchmark::DoNotOptimize(decoded);
        return decoded.ok();
    });
    if constexpr (std::is_same_v<T, shop::order>) {
        add(name + "/hand_decoder_plain_patterns", bytes, [](std::string_view b) {
            boost::system::error_code ec;
            json::value v = json::parse(b, ec);
            T out{};
            bool ok = !ec && hand::decode<hand::plain_code>(v, out);
            benchmark::DoNotOptimize(out);
            return ok;
        });
    }
}

} // namespace

int main(int argc, char** argv) {
    static const std::string note = read_data("support_note.json");
    static const std::string order = read_data("order50.json");
    const json::value cases = json::parse(read_data("cases.json"));
    check_input<desk::note_input>("support_note", note, cases.at("support_note").as_array());
    check_input<shop::order>("order50", order, cases.at("order").as_array());
    // The what-if structs decode the inputs to the same values: they only lack some rules.
    check_lean<desk::note_input>("support_note", note);
    check_lean<shop::order>("order50", order);

    register_input<desk::note_input>("support_note", note);
    register_input<shop::order>("order50", order);

#if defined(__clang__)
    benchmark::AddCustomContext("compiler", __VERSION__);
#else
    benchmark::AddCustomContext("compiler", "GCC " __VERSION__);
#endif
#ifdef NDEBUG
    benchmark::AddCustomContext("ndebug", "yes");
#else
    benchmark::AddCustomContext("ndebug", "no");
#endif
    benchmark::AddCustomContext("boost_version", BOOST_LIB_VERSION);
    benchmark::AddCustomContext("arena_bytes", std::to_string(arena_bytes));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
