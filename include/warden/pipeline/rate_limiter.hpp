#ifndef WARDEN_PIPELINE_RATE_LIMITER_HPP
#define WARDEN_PIPELINE_RATE_LIMITER_HPP

// Rate limits per tool: for each caller, for each tenant, and for everyone together. Token
// buckets: `count` calls at once, refilled at `count` per `per`.

#include <warden/detail/key_text.hpp>
#include <warden/policy/principal.hpp>

#include <algorithm>
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
            std::string_view key;
            const char* scope;
        };
        // The keys are written on the stack, so that a call allocates nothing here unless it
        // makes a bucket.
        detail::key_text keys[3];
        want wants[3];
        int n = 0;
        if (limits.per_user) wants[n++] = {&limits.per_user, join(keys[0], 'u', caller.tenant, caller.user, tool), "user"};
        if (limits.per_tenant) wants[n++] = {&limits.per_tenant, join(keys[1], 't', caller.tenant, {}, tool), "tenant"};
        if (limits.per_tool) wants[n++] = {&limits.per_tool, join(keys[2], 'g', {}, {}, tool), "tool"};
        if (n == 0) return {};
        std::lock_guard lock(mutex_);
        sweep(now);
        bucket* got[3];
        for (int i = 0; i < n; ++i) {
            auto it = buckets_.find(wants[i].key);
            const bool fresh = it == buckets_.end();
            if (fresh) it = buckets_.try_emplace(std::string(wants[i].key)).first;
            bucket& b = it->second;
            refill(b, *wants[i].r, now, fresh);
            if (b.tokens < 1.0) {
                auto per_token = std::chrono::duration<double, std::milli>(wants[i].r->per) / wants[i].r->count;
                auto wait = std::chrono::milliseconds(static_cast<long long>(std::ceil((1.0 - b.tokens) * per_token.count())));
                return {false, wants[i].scope, std::max(wait, std::chrono::milliseconds(1))};
            }
            got[i] = &b;
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

    // Lengths first: no choice of names can make two keys collide.
    static std::string_view join(detail::key_text& k, char kind, std::string_view tenant, std::string_view user, std::string_view tool) {
        return k.plain(std::string_view(&kind, 1)).counted(tenant).counted(user).plain(tool).view();
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
    }

    std::mutex mutex_;
    std::unordered_map<std::string, bucket, key_hash, std::equal_to<>> buckets_;
    std::size_t swept_size_ = 0;
};

} // namespace warden

#endif
