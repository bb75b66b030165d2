#ifndef WARDEN_STORE_IDEMPOTENCY_STORE_HPP
#define WARDEN_STORE_IDEMPOTENCY_STORE_HPP

// Where the results of writing calls are kept by idempotency key, so that a retry is answered
// with the first result instead of running again. An interface, with an in-memory store here;
// durable and shared stores implement the same three calls.

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace warden {

struct idempotency_claim {
    enum kind_t {
        fresh,    // nobody has this key: the caller runs, then calls finish() or abandon()
        replay,   // done before with the same arguments: `result` is what it returned
        conflict, // the key was used with other arguments
        busy      // a call with this key is still running past the time we could wait
    } kind;
    boost::json::object result{};
};

class idempotency_store {
public:
    virtual ~idempotency_store() = default;
    // Claims `key` for a call whose arguments hash to `fingerprint`. While another call holds
    // the key, waits for it until `wait_until`: concurrent duplicates never both run.
    virtual idempotency_claim begin(const std::string& key, const std::string& fingerprint,
                                    std::chrono::steady_clock::time_point wait_until) = 0;
    // The claimed call succeeded: keep its result for replays.
    virtual void finish(const std::string& key, const boost::json::object& result) = 0;
    // The claimed call failed: forget the key, so that a retry runs again.
    virtual void abandon(const std::string& key) = 0;
};

// Keeps results in memory for `ttl` after they are stored, and at most `max_results` of them
// (the oldest go first); a process restart forgets them.
//
// Keys and fingerprints are kept as 192-bit digests, keyed with a secret drawn when the store is
// made, so an entry costs no copies of either (a key derived from a note is as long as the note,
// and a fingerprint is all the arguments). A false replay would need two different keys, or two
// different argument sets under one key, to collide in 192 bits: vanishingly rare by chance, and
// not something a caller can aim at without the secret. Keys are scoped by tenant and tool
// before they get here.
class memory_idempotency_store final : public idempotency_store {
public:
    explicit memory_idempotency_store(std::chrono::seconds ttl = std::chrono::hours(24), std::size_t max_results = 100000)
        : ttl_(ttl), max_results_(max_results), secret_(draw_secret()) {}

    idempotency_claim begin(const std::string& given_key, const std::string& fingerprint,
                            std::chrono::steady_clock::time_point wait_until) override {
        const digest key = digest_of(given_key), print = digest_of(fingerprint);
        std::unique_lock lock(mutex_);
        sweep(std::chrono::steady_clock::now());
        while (true) {
            auto [it, fresh] = entries_.try_emplace(key);
            if (fresh || expired(it->second, std::chrono::steady_clock::now())) {
                it->second = entry{print, true, {}, {}, 0};
                return {idempotency_claim::fresh};
            }
            if (it->second.fingerprint != print) return {idempotency_claim::conflict};
            if (!it->second.running) return {idempotency_claim::replay, boost::json::parse(it->second.result).as_object()};
            if (changed_.wait_until(lock, wait_until) == std::cv_status::timeout) {
                auto again = entries_.find(key);
                if (again != entries_.end() && again->second.running && again->second.fingerprint == print)
                    return {idempotency_claim::busy};
            }
        }
    }

    void finish(const std::string& given_key, const boost::json::object& result) override {
        const digest key = digest_of(given_key);
        std::string text = boost::json::serialize(result); // a replay is rare: text is smaller and one allocation
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) return;
        it->second.running = false;
        it->second.result = std::move(text);
        it->second.expires = std::chrono::steady_clock::now() + ttl_;
        it->second.generation = ++generation_;
        finished_.push_back({key, generation_, it->second.expires});
        // Over the bound, the oldest results go.
        while (finished_.size() > max_results_) drop_oldest();
        changed_.notify_all();
    }

    void abandon(const std::string& given_key) override {
        const digest key = digest_of(given_key);
        std::lock_guard lock(mutex_);
        entries_.erase(key);
        changed_.notify_all();
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    using digest = std::array<std::uint64_t, 3>;
    struct digest_hash {
        std::size_t operator()(const digest& d) const noexcept { return static_cast<std::size_t>(d[0]); }
    };
    struct entry {
        digest fingerprint;
        bool running = true;
        std::string result; // serialized
        std::chrono::steady_clock::time_point expires;
        std::uint64_t generation; // which finish() stored it
    };

    // Three multiply-mix functions over eight bytes at a time, each started from the secret.
    digest digest_of(std::string_view text) const {
        std::uint64_t a = secret_ ^ text.size(), b = std::rotl(secret_, 21) + text.size(), c = ~secret_;
        auto mix = [&](std::uint64_t w) {
            a = (a ^ w) * 0x100000001b3ull;
            a ^= a >> 29;
            b = std::rotl(b + w * 0x87c37b91114253d5ull, 31) * 0x4cf5ad432745937full;
            c = (std::rotl(c ^ w, 27) + 0x52dce729) * 0x9e3779b97f4a7c15ull;
        };
        std::size_t i = 0;
        for (; i + 8 <= text.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, text.data() + i, 8);
            mix(w);
        }
        std::uint64_t tail = 0;
        std::memcpy(&tail, text.data() + i, text.size() - i);
        mix(tail);
        auto finish = [](std::uint64_t x) {
            x ^= x >> 33;
            x *= 0xff51afd7ed558ccdull;
            x ^= x >> 33;
            return x;
        };
        return {finish(a), finish(b), finish(c)};
    }
    static std::uint64_t draw_secret() {
        std::random_device random;
        return std::uint64_t{random()} << 32 ^ random();
    }
    static bool expired(const entry& e, std::chrono::steady_clock::time_point now) { return !e.running && now >= e.expires; }

    // Every result lives as long (ttl_), so results expire in the order they were stored: the
    // expired ones are at the front of finished_, and a sweep never looks further.
    void sweep(std::chrono::steady_clock::time_point now) {
        while (!finished_.empty() && now >= finished_.front().expires) drop_oldest();
    }
    // The oldest stored result goes, unless its key was claimed or stored again since.
    void drop_oldest() {
        const auto& oldest = finished_.front();
        auto it = entries_.find(oldest.key);
        if (it != entries_.end() && !it->second.running && it->second.generation == oldest.generation) entries_.erase(it);
        finished_.pop_front();
    }

    std::chrono::seconds ttl_;
    std::size_t max_results_;
    std::uint64_t secret_;
    std::uint64_t generation_ = 0;
    struct stored {
        digest key;
        std::uint64_t generation;
        std::chrono::steady_clock::time_point expires;
    };
    std::deque<stored> finished_; // oldest first
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::unordered_map<digest, entry, digest_hash> entries_;
};

} // namespace warden

#endif
