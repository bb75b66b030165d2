#ifndef WARDEN_PIPELINE_RATE_LIMITER_HPP
#define WARDEN_PIPELINE_RATE_LIMITER_HPP

// Rate limits per tool: for each caller, for each tenant, and for everyone together. Token
// buckets: `count` calls at once, refilled at `count` per `per`.

#include <warden/detail/key_text.hpp>
#include <warden/policy/principal.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace warden {

struct rate {
    std::uint32_t count = 0;         // 0: no limit
    std::chrono::milliseconds per{0};
    explicit operator bool() const noexcept { return count > 0 && per.count() > 0; }
};

struct rate_limits {
    rate per_user{};   // each user's calls of the tool
    rate per_tenant{}; // each tenant's calls of the tool
    rate per_tool{};   // everyone's calls of the tool together
};

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    struct verdict {
        bool allowed = true;
        std::string scope{};                      // "user", "tenant" or "tool": the limit that was hit
        std::chrono::milliseconds retry_after{0}; // when one more call will be allowed
    };

    // Takes one call from each bucket that applies, or none when any of them is empty.
    verdict take(std::string_view tool, const principal& caller, const rate_limits& limits, clock::time_point now = clock::now()) {
        struct want {
            const rate* r;
            int kind; // 0 user, 1 tenant, 2 tool
            std::string_view tenant, user;
            const char* scope;
        };
        want wants[3];
        int n = 0;
        if (limits.per_user) wants[n++] = {&limits.per_user, 0, caller.tenant, caller.user, "user"};
        if (limits.per_tenant) wants[n++] = {&limits.per_tenant, 1, caller.tenant, {}, "tenant"};
        if (limits.per_tool) wants[n++] = {&limits.per_tool, 2, {}, {}, "tool"};
        if (n == 0) return {};
        auto& memos = this_thread_memos();
        std::lock_guard lock(mutex_);
        sweep(now);
        bucket* got[3];
        for (int i = 0; i < n; ++i) {
            const want& w = wants[i];
            memo& m = memos[static_cast<std::size_t>(w.kind)];
            bucket* b;
            bool fresh = false;
            // The bucket this thread took from last, if it is the same one and still there: no
            // key written, hashed or looked up.
            if (m.limiter == id_ && m.sweeps == sweeps_ && m.tool == tool && m.tenant == w.tenant && m.user == w.user) {
                b = m.bucket_of;
            } else {
                detail::key_text key; // on the stack: a call allocates nothing here unless it makes a bucket
                join(key, "utg"[w.kind], w.tenant, w.user, tool);
                auto it = buckets_.find(key.view());
                fresh = it == buckets_.end();
                if (fresh) it = buckets_.try_emplace(std::string(key.view())).first;
                b = &it->second;
                m.limiter = id_;
                m.sweeps = sweeps_;
                m.tenant.assign(w.tenant.data(), w.tenant.size());
                m.user.assign(w.user.data(), w.user.size());
                m.tool.assign(tool.data(), tool.size());
                m.bucket_of = b;
            }
            refill(*b, *w.r, now, fresh);
            if (b->tokens < 1.0) {
                auto per_token = std::chrono::duration<double, std::milli>(w.r->per) / w.r->count;
                auto wait = std::chrono::milliseconds(static_cast<long long>(std::ceil((1.0 - b->tokens) * per_token.count())));
                return {false, w.scope, std::max(wait, std::chrono::milliseconds(1))};
            }
            got[i] = b;
        }
        for (int i = 0; i < n; ++i) got[i]->tokens -= 1.0;
        return {};
    }

private:
    struct bucket {
        double tokens = 0;
        clock::time_point at{};
        clock::time_point full_at{}; // when it will be full again: then it can be forgotten
    };

    // What a thread remembers of the last bucket of each kind it took from. A bucket stays where
    // it is until a sweep erases it (a rehash moves no element), so it is valid while the limiter
    // is the same one (ids are never reused, unlike addresses) and has not swept since.
    struct memo {
        std::uint64_t limiter = 0; // 0: nothing remembered
        std::uint64_t sweeps = 0;
        std::string tenant, user, tool;
        bucket* bucket_of = nullptr;
    };
    static std::array<memo, 3>& this_thread_memos() {
        thread_local std::array<memo, 3> memos;
        return memos;
    }
    static std::uint64_t new_id() {
        static std::atomic<std::uint64_t> last{0};
        return ++last;
    }

    // Lengths first: no choice of names can make two keys collide.
    static std::string_view join(detail::key_text& k, char kind, std::string_view tenant, std::string_view user, std::string_view tool) {
        return k.plain(kind).counted(tenant).counted(user).plain(tool).view();
    }

    // Looked up by the views the keys are written into, without a string made for the lookup.
    struct key_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const noexcept { return std::hash<std::string_view>{}(k); }
    };

    static void refill(bucket& b, const rate& r, clock::time_point now, bool fresh) {
        double capacity = r.count;
        if (fresh) b.tokens = capacity;
        else {
            double per_ms = capacity / static_cast<double>(r.per.count());
            b.tokens = std::min(capacity, b.tokens + per_ms * std::chrono::duration<double, std::milli>(now - b.at).count());
        }
        b.at = now;
        auto missing = std::chrono::duration<double, std::milli>((capacity - b.tokens + 1) * static_cast<double>(r.per.count()) / capacity);
        b.full_at = now + std::chrono::duration_cast<clock::duration>(missing);
    }

    // Buckets that are full again behave like new ones, so they go; amortized over the calls.
    void sweep(clock::time_point now) {
        if (buckets_.size() < 2 * swept_size_ + 256) return;
        for (auto it = buckets_.begin(); it != buckets_.end();) it = now >= it->second.full_at ? buckets_.erase(it) : std::next(it);
        swept_size_ = buckets_.size();
        ++sweeps_; // what threads remember of buckets may be gone
    }

    std::mutex mutex_;
    std::unordered_map<std::string, bucket, key_hash, std::equal_to<>> buckets_;
    std::size_t swept_size_ = 0;
    std::uint64_t sweeps_ = 0;
    const std::uint64_t id_ = new_id();
};

} // namespace warden

#endif
