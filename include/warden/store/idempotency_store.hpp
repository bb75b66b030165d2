#ifndef WARDEN_STORE_IDEMPOTENCY_STORE_HPP
#define WARDEN_STORE_IDEMPOTENCY_STORE_HPP

// Where the results of writing calls are kept by idempotency key, so that a retry is answered
// with the first result instead of running again. An interface, with an in-memory store here;
// durable and shared stores implement the same three calls.

#include <warden/detail/json_text.hpp>
#include <warden/detail/keyed_digest.hpp>
#include <warden/detail/splitmix.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <ctime>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

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
    virtual idempotency_claim begin(std::string_view key, std::string_view fingerprint,
                                    std::chrono::steady_clock::time_point wait_until) = 0;
    // The claimed call succeeded: keep its result, a JSON object's text, for replays.
    virtual void finish(std::string_view key, std::string_view result_json) = 0;
    // The claimed call failed: forget the key, so that a retry runs again.
    virtual void abandon(std::string_view key) = 0;
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
//
// The table is open addressing over the key digests, at most half full. A slot is eight bytes (32
// bits of the key's digest and where its entry is), so that the table of a store at its bound
// stays in the cache, and a lookup of a key that is not there, the usual case, reads one slot.
// Entries live in one array and are reused, with the room their result text had.
class memory_idempotency_store final : public idempotency_store {
public:
    explicit memory_idempotency_store(std::chrono::seconds ttl = std::chrono::hours(24), std::size_t max_results = 100000)
        : ttl_(ttl), max_results_(max_results), keys_(draw_keys()), slots_(16) {}

    idempotency_claim begin(std::string_view given_key, std::string_view fingerprint,
                            std::chrono::steady_clock::time_point wait_until) override {
        const digest key = digest_of(given_key), print = digest_of(fingerprint);
        std::unique_lock lock(mutex_);
        auto now = coarse_now();
        sweep(now);
        for (;; now = coarse_now()) { // after a wait, the time again
            const std::size_t at = find(key);
            if (!slots_[at].entry) {
                claim(insert(at, key), print);
                return {idempotency_claim::fresh};
            }
            const std::uint32_t index = slots_[at].entry - 1;
            entry& e = entries_[index];
            if (expired(e, now)) {
                claim(index, print);
                return {idempotency_claim::fresh};
            }
            if (e.fingerprint != print) return {idempotency_claim::conflict};
            if (!e.running) return {idempotency_claim::replay, boost::json::parse(e.result).as_object()};
            if (changed_.wait_until(lock, wait_until) == std::cv_status::timeout) {
                const std::size_t again = find(key);
                if (slots_[again].entry) {
                    const entry& still = entries_[slots_[again].entry - 1];
                    if (still.running && still.fingerprint == print) return {idempotency_claim::busy};
                }
            }
        }
    }

    void finish(std::string_view given_key, std::string_view result_json) override {
        const digest key = digest_of(given_key);
        std::lock_guard lock(mutex_);
        const std::size_t at = find(key);
        if (!slots_[at].entry) return;
        const std::uint32_t index = slots_[at].entry - 1;
        entry& e = entries_[index];
        e.running = false;
        e.result.assign(result_json.data(), result_json.size()); // into the room a reused entry had
        e.expires = coarse_now() + ttl_;
        e.generation = ++generation_;
        finished_.push_back({index, hash_of(key), generation_, e.expires});
        // Over the bound, the oldest results go.
        while (finished_.size() > max_results_) drop_oldest();
        changed_.notify_all();
    }

    void abandon(std::string_view given_key) override {
        const digest key = digest_of(given_key);
        std::lock_guard lock(mutex_);
        const std::size_t at = find(key);
        if (slots_[at].entry) erase(at);
        changed_.notify_all();
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return used_;
    }

private:
    using digest = detail::keyed_digest_value;
    struct slot {
        std::uint32_t hash;  // the low 32 bits of the key's digest: where it belongs, and a first check
        std::uint32_t entry; // its index + 1; 0 for a free slot
    };
    struct entry {
        digest key;
        std::uint64_t generation = 0; // which finish() stored it; 0 while running or free
        bool running = true;
        std::uint32_t next_free = 0;
        digest fingerprint;
        std::chrono::steady_clock::time_point expires;
        std::string result; // the text
    };
    static constexpr std::uint32_t no_entry = ~std::uint32_t{0};
    static constexpr std::size_t kept_room = 4096; // a freed entry keeps this much of its text's room

    digest digest_of(std::string_view text) const noexcept { return detail::keyed_digest(keys_, text); }
    static detail::digest_keys draw_keys() {
        std::random_device random;
        std::uint64_t x = std::uint64_t{random()} << 32 ^ random();
        detail::digest_keys keys;
        for (auto& key : keys) key = detail::splitmix64(x); // from the drawn seed
        return keys;
    }
    // Results live for hours, not nanoseconds: the kernel's coarse clock (the time of the last
    // tick, a few times cheaper to read) serves where there is one. It is steady_clock's own clock
    // (CLOCK_MONOTONIC), behind it by at most a tick.
    static std::chrono::steady_clock::time_point coarse_now() noexcept {
#if defined(CLOCK_MONOTONIC_COARSE)
        ::timespec ts;
        if (::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
            return std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
#endif
        return std::chrono::steady_clock::now();
    }
    static bool expired(const entry& e, std::chrono::steady_clock::time_point now) { return !e.running && now >= e.expires; }

    std::size_t mask() const { return slots_.size() - 1; }
    static std::uint32_t hash_of(const digest& key) { return static_cast<std::uint32_t>(key[0]); }
    std::size_t home(std::uint32_t hash) const { return hash & mask(); }

    // The slot holding `key`, or the free slot where it would go.
    std::size_t find(const digest& key) const {
        const std::uint32_t hash = hash_of(key);
        std::size_t i = home(hash);
        while (slots_[i].entry && (slots_[i].hash != hash || entries_[slots_[i].entry - 1].key != key)) i = (i + 1) & mask();
        return i;
    }

    // Puts `key` in the free slot `at` with a new entry; returns the entry.
    std::uint32_t insert(std::size_t at, const digest& key) {
        std::uint32_t e;
        if (free_ != no_entry) {
            e = free_;
            free_ = entries_[e].next_free;
        } else {
            e = static_cast<std::uint32_t>(entries_.size());
            entries_.emplace_back();
        }
        entries_[e].key = key;
        slots_[at] = {hash_of(key), e + 1};
        if (++used_ * 2 > slots_.size()) grow();
        return e;
    }
    void claim(std::uint32_t e, const digest& print) {
        entry& it = entries_[e];
        it.fingerprint = print;
        it.running = true;
        detail::give_back_room(it.result, kept_room);
        it.result.clear();
        it.generation = 0; // no finished_ record names it until it is stored
        // What finish() will touch, asked for now: the call runs meanwhile. The room the result
        // goes to, and, at the bound, the oldest result's slot and entry, which it drops.
#if defined(__GNUC__)
        const char* room = it.result.data();
        for (std::size_t line = 0; line < std::min<std::size_t>(it.result.capacity(), 256); line += 64)
            __builtin_prefetch(room + line, 1);
        if (!finished_.empty() && finished_.size() >= max_results_) {
            __builtin_prefetch(&slots_[home(finished_.front().hash)]);
            __builtin_prefetch(&entries_[finished_.front().entry]);
        }
#endif
    }

    // Twice the slots; the entries stay where they are.
    void grow() {
        std::vector<slot> old(slots_.size() * 2);
        old.swap(slots_);
        for (const slot& s : old)
            if (s.entry) {
                std::size_t i = home(s.hash);
                while (slots_[i].entry) i = (i + 1) & mask();
                slots_[i] = s;
            }
    }

    // Frees the slot `at` and its entry, and moves up the slots of the same run that would no
    // longer be found past the gap (deletion without tombstones).
    void erase(std::size_t at) {
        entry& e = entries_[slots_[at].entry - 1];
        detail::give_back_room(e.result, kept_room);
        e.generation = 0; // no record of finished_ names it any more
        e.next_free = free_;
        free_ = slots_[at].entry - 1;
        --used_;
        for (std::size_t next = (at + 1) & mask(); slots_[next].entry; next = (next + 1) & mask()) {
            const std::size_t h = home(slots_[next].hash);
            // The slot at `next` may move to the gap unless its home lies after the gap, up to `next`.
            const bool stays = at <= next ? (at < h && h <= next) : (at < h || h <= next);
            if (!stays) {
                slots_[at] = slots_[next];
                at = next;
            }
        }
        slots_[at].entry = 0;
    }

    // Every result lives as long (ttl_), so results expire in the order they were stored: the
    // expired ones are at the front of finished_, and a sweep never looks further.
    void sweep(std::chrono::steady_clock::time_point now) {
        while (!finished_.empty() && now >= finished_.front().expires) drop_oldest();
    }
    // The oldest stored result goes, unless its key was claimed or stored again since (or its
    // entry freed, or reused for another key: each sets the entry's generation anew).
    void drop_oldest() {
        const auto& oldest = finished_.front();
        // The slot is looked for by the hash kept with the record, not the entry's key: the two
        // loads, far apart in a large store, then wait for memory at the same time.
        std::size_t at = home(oldest.hash);
        while (slots_[at].entry && slots_[at].entry != oldest.entry + 1) at = (at + 1) & mask();
        const entry& e = entries_[oldest.entry];
        if (!e.running && e.generation == oldest.generation && slots_[at].entry) erase(at); // always found then
        finished_.pop_front();
    }

    std::chrono::seconds ttl_;
    std::size_t max_results_;
    detail::digest_keys keys_; // drawn when the store is made
    std::uint64_t generation_ = 0;
    struct stored {
        std::uint32_t entry;
        std::uint32_t hash; // its key's, as in its slot
        std::uint64_t generation;
        std::chrono::steady_clock::time_point expires;
    };
    std::deque<stored> finished_; // oldest first
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<slot> slots_;    // a power of two, at most half used
    std::vector<entry> entries_; // those in no slot are chained from free_
    std::uint32_t free_ = no_entry;
    std::size_t used_ = 0;
};

} // namespace warden

#endif
