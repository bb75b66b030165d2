#ifndef WARDEN_TRACE_TRACE_HPP
#define WARDEN_TRACE_TRACE_HPP

// One record per tools/call: who called what with which (validated, redacted) arguments, what
// each pipeline stage decided, which upstream calls ran, and how it ended. Sinks receive it
// once the call is over.

#include <warden/detail/json_text.hpp>
#include <warden/detail/splitmix.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// What one stage decided: "allow", "deny", "hit", "miss", "approved", ... and why.
struct stage_decision {
    std::string stage;
    std::string decision;
    std::string detail{};

    stage_decision() = default;
    // Made from views, in place: a record holds several per call.
    stage_decision(std::string_view s, std::string_view d, std::string_view why = {}) : stage(s), decision(d), detail(why) {}
};

// One upstream call made through ctx.upstream().
struct upstream_record {
    std::string name;
    std::chrono::microseconds latency{};
    int attempts = 0;
    std::string outcome; // "ok", "timeout", "error", "cancelled"
};

struct trace_record {
    std::string trace_id;                         // 32 hex digits (W3C trace-context)
    std::chrono::system_clock::time_point started{};
    std::string tool;
    std::string user;
    std::string tenant;
    std::string arguments_json;                   // validated, as JSON text, secrets shown as "[redacted]"; empty if invalid
    std::vector<stage_decision> stages;
    std::vector<upstream_record> upstream;
    std::string outcome = "ok";                   // "ok" or the error code the model saw
    bool replayed = false;                        // answered from the idempotency store
    std::chrono::microseconds duration{};
    std::size_t result_bytes = 0;

    bool enabled = true; // false when no sink will read it: then nothing is recorded

    // Stages decide one after the other, on the thread that runs the call: no lock. (Upstream
    // calls may be made from other threads; add_upstream takes one.)
    void decide(std::string_view stage, std::string_view decision, std::string_view detail = {}) {
        if (!enabled) return;
        // Made from the views in the vector's room (most are short, and fit in the strings
        // themselves): a temporary moved in copies each string twice.
        stages.emplace_back(stage, decision, detail);
    }
    void add_upstream(upstream_record r) {
        if (!enabled) return;
        std::lock_guard lock(guard_.m);
        upstream.push_back(std::move(r));
    }

private:
    // A copy of the record gets a mutex of its own: the guard is not part of what is recorded.
    struct own_mutex {
        std::mutex m;
        own_mutex() = default;
        own_mutex(const own_mutex&) {}
        own_mutex& operator=(const own_mutex&) { return *this; }
    };
    own_mutex guard_; // a handler may run upstream calls from several threads
};

namespace detail {

// Eight hex digits of `x`, lowest first, one per byte of the result: each nibble spread to a
// byte of its own, then made a digit, all eight at once.
constexpr std::uint64_t hex_digits(std::uint32_t x) noexcept {
    std::uint64_t v = x;
    v = (v | v << 16) & 0x0000ffff0000ffffu;
    v = (v | v << 8) & 0x00ff00ff00ff00ffu;
    v = (v | v << 4) & 0x0f0f0f0f0f0f0f0fu;
    const std::uint64_t letters = ((v + 0x0606060606060606u) >> 4) & 0x0101010101010101u; // 1 where 10..15
    return v + 0x3030303030303030u + letters * ('a' - '0' - 10);
}

// A thread's random numbers for ids: splitmix64 from a seed the system draws per thread. Ids need
// to be unique and unpredictable by chance, not secret; a draw costs a few instructions.
inline std::uint64_t random_id_bits() noexcept {
    thread_local std::uint64_t state = [] {
        std::random_device device;
        return std::uint64_t{device()} << 32 ^ device();
    }();
    return splitmix64(state);
}

// `digits` random hex digits, written over `s` (in the room it has).
inline void write_random_hex(std::string& s, std::size_t digits) {
    s.resize(digits);
    // Sixteen digits from each draw; their order is no matter, they are random.
    for (std::size_t i = 0; i < digits; i += 16) {
        const std::uint64_t v = random_id_bits();
        const std::uint64_t halves[2] = {hex_digits(static_cast<std::uint32_t>(v)), hex_digits(static_cast<std::uint32_t>(v >> 32))};
        std::memcpy(s.data() + i, halves, std::min<std::size_t>(16, digits - i));
    }
}

inline std::string random_hex(std::size_t digits) {
    std::string s;
    write_random_hex(s, digits);
    return s;
}

inline bool lower_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace detail

// The trace id of a W3C traceparent ("00-<32 hex>-<16 hex>-<2 hex>"), or nothing when the header
// is malformed or its ids are all zeros (which the specification declares invalid).
inline std::optional<std::string> trace_id_from_traceparent(std::string_view tp) {
    if (tp.size() < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
    auto version = tp.substr(0, 2), trace = tp.substr(3, 32), parent = tp.substr(36, 16), flags = tp.substr(53, 2);
    if (!detail::lower_hex(version) || version == "ff" || !detail::lower_hex(trace) || !detail::lower_hex(parent) ||
        !detail::lower_hex(flags))
        return std::nullopt;
    if (version == "00" && tp.size() != 55) return std::nullopt;
    if (trace.find_first_not_of('0') == std::string_view::npos || parent.find_first_not_of('0') == std::string_view::npos)
        return std::nullopt;
    return std::string(trace);
}

inline std::string new_trace_id() { return detail::random_hex(32); }

// A request's trace id: its _meta's W3C traceparent continues the caller's trace; otherwise a
// new one starts.
inline std::string trace_id_for(const boost::json::object* meta) {
    if (meta)
        if (const auto* tp = meta->if_contains("traceparent"); tp && tp->is_string())
            if (auto id = trace_id_from_traceparent(tp->get_string())) return *id;
    return new_trace_id();
}

namespace detail {

// The wall-clock time of a steady_clock reading, from the two clocks' difference, read again once
// a second has passed: a call's trace then costs one clock read less. Should the wall clock be set
// or slewed meanwhile, traces follow within a second.
inline std::chrono::system_clock::time_point wall_time_of(std::chrono::steady_clock::time_point t) {
    using namespace std::chrono;
    static std::atomic<std::int64_t> offset{0};   // wall minus steady, in ns
    static std::atomic<std::int64_t> read_at{0};  // the steady time it was read at; 0: never
    const std::int64_t now = duration_cast<nanoseconds>(t.time_since_epoch()).count();
    const std::int64_t at = read_at.load(std::memory_order_relaxed);
    std::int64_t difference;
    if (at == 0 || now - at > 1'000'000'000) { // a call that began before the last reading uses it too
        difference = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count() -
                     duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
        offset.store(difference, std::memory_order_relaxed);
        read_at.store(now, std::memory_order_relaxed);
    } else {
        difference = offset.load(std::memory_order_relaxed);
    }
    return system_clock::time_point(duration_cast<system_clock::duration>(nanoseconds(now + difference)));
}

// The same, written over `id` (a reused record's, in the room it has).
inline void write_trace_id(std::string& id, const boost::json::object* meta) {
    if (meta && meta->contains("traceparent")) id = trace_id_for(meta);
    else write_random_hex(id, 32);
}

// A record for one call, reused: each thread keeps the records of its finished calls, whose
// strings and vectors keep their room, so a call allocates none of them again. A call made
// while another runs on the same thread (a handler that calls the server) takes a record of its
// own.
class reused_trace {
public:
    reused_trace() {
        auto& kept = this_thread();
        if (kept.empty()) {
            record_ = std::make_unique<trace_record>();
            return;
        }
        record_ = std::move(kept.back());
        kept.pop_back();
        clear(*record_);
    }
    ~reused_trace() {
        auto& kept = this_thread();
        if (kept.size() < 4) {
            try {
                kept.push_back(std::move(record_));
            } catch (...) {
                // No room to keep it: the record is freed instead.
            }
        }
    }
    reused_trace(const reused_trace&) = delete;
    reused_trace& operator=(const reused_trace&) = delete;

    trace_record& operator*() const noexcept { return *record_; }

private:
    static std::vector<std::unique_ptr<trace_record>>& this_thread() {
        thread_local std::vector<std::unique_ptr<trace_record>> kept;
        return kept;
    }
    // As made, with the room kept (up to a bound: one large call does not keep it for good).
    static void clear(trace_record& t) {
        t.trace_id.clear();
        t.started = {};
        t.tool.clear();
        t.user.clear();
        t.tenant.clear();
        t.arguments_json.clear();
        give_back_room(t.arguments_json);
        t.stages.clear();
        t.upstream.clear();
        if (t.upstream.capacity() > 64) std::vector<upstream_record>().swap(t.upstream); // a call of many
        t.outcome = "ok";
        t.replayed = false;
        t.duration = {};
        t.result_bytes = 0;
        t.enabled = true;
    }
    std::unique_ptr<trace_record> record_;
};

} // namespace detail

// The record as one JSON object (the line a JSON-lines sink writes).
inline boost::json::object to_json(const trace_record& t) {
    auto ms = [](std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; };
    boost::json::array stages;
    for (const auto& s : t.stages) {
        boost::json::object o{{"stage", s.stage}, {"decision", s.decision}};
        if (!s.detail.empty()) o["detail"] = s.detail;
        stages.push_back(std::move(o));
    }
    boost::json::array upstream;
    for (const auto& u : t.upstream)
        upstream.push_back({{"name", u.name}, {"latencyMs", ms(u.latency)}, {"attempts", u.attempts}, {"outcome", u.outcome}});
    auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(t.started.time_since_epoch()).count();
    return {{"traceId", t.trace_id},
            {"time", since_epoch},
            {"tool", t.tool},
            {"principal", {{"user", t.user}, {"tenant", t.tenant}}},
            {"arguments", t.arguments_json.empty() ? boost::json::value(nullptr) : boost::json::parse(t.arguments_json)},
            {"stages", std::move(stages)},
            {"upstream", std::move(upstream)},
            {"outcome", t.outcome},
            {"replayed", t.replayed},
            {"durationMs", ms(t.duration)},
            {"resultBytes", t.result_bytes}};
}


// The record as one line of JSON text, ending in a newline: what to_json() gives, serialized,
// written without building the object first (a JSON-lines sink writes one per call).
inline void append_json_line(std::string& out, const trace_record& t) {
    using detail::append_json_number;
    using detail::append_json_string;
    using namespace std::string_view_literals;
    auto ms = [](std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; };
    out += "{\"traceId\":"sv;
    append_json_string(out, t.trace_id);
    out += ",\"time\":"sv;
    detail::append_json_integer(out, std::chrono::duration_cast<std::chrono::milliseconds>(t.started.time_since_epoch()).count());
    out += ",\"tool\":"sv;
    append_json_string(out, t.tool);
    out += ",\"principal\":{\"user\":"sv;
    append_json_string(out, t.user);
    out += ",\"tenant\":"sv;
    append_json_string(out, t.tenant);
    out += "},\"arguments\":"sv;
    out += t.arguments_json.empty() ? std::string_view("null") : std::string_view(t.arguments_json);
    out += ",\"stages\":["sv;
    for (std::size_t i = 0; i < t.stages.size(); ++i) {
        const auto& st = t.stages[i];
        out += i ? ",{\"stage\":"sv : "{\"stage\":"sv;
        append_json_string(out, st.stage);
        out += ",\"decision\":"sv;
        append_json_string(out, st.decision);
        if (!st.detail.empty()) {
            out += ",\"detail\":"sv;
            append_json_string(out, st.detail);
        }
        out += '}';
    }
    out += "],\"upstream\":["sv;
    for (std::size_t i = 0; i < t.upstream.size(); ++i) {
        const auto& u = t.upstream[i];
        out += i ? ",{\"name\":"sv : "{\"name\":"sv;
        append_json_string(out, u.name);
        out += ",\"latencyMs\":"sv;
        append_json_number(out, ms(u.latency));
        out += ",\"attempts\":"sv;
        detail::append_json_integer(out, u.attempts);
        out += ",\"outcome\":"sv;
        append_json_string(out, u.outcome);
        out += '}';
    }
    out += "],\"outcome\":"sv;
    append_json_string(out, t.outcome);
    out += t.replayed ? ",\"replayed\":true"sv : ",\"replayed\":false"sv;
    out += ",\"durationMs\":"sv;
    append_json_number(out, ms(t.duration));
    out += ",\"resultBytes\":"sv;
    detail::append_json_integer(out, t.result_bytes);
    out += "}\n"sv;
}

} // namespace warden

#endif
