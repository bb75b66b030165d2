#ifndef WARDEN_DETAIL_KEY_TEXT_HPP
#define WARDEN_DETAIL_KEY_TEXT_HPP

// The text of a lookup key made of parts (a rate-limit bucket's, an idempotency key scoped by
// tenant and tool), written on the stack when it fits: a call makes such keys every time, and
// most are short.

#include <charconv>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace warden::detail {

class key_text {
public:
    key_text() = default;
    key_text(const key_text&) = delete;
    key_text& operator=(const key_text&) = delete;

    // `part` as it is.
    key_text& plain(std::string_view part) {
        put(part.data(), part.size());
        return *this;
    }
    key_text& plain(char c) {
        put(&c, 1);
        return *this;
    }
    // `part` after its length and ':': no choice of parts can spell the key of another.
    key_text& counted(std::string_view part) {
        if (heap_.empty() && sizeof room_ - size_ > 21) { // the digits of any size and ':' fit: written in place
            size_ = static_cast<std::size_t>(std::to_chars(room_ + size_, room_ + sizeof room_, part.size()).ptr - room_);
            room_[size_++] = ':';
        } else {
            char digits[24];
            const char* end = std::to_chars(digits, digits + sizeof digits, part.size()).ptr;
            put(digits, static_cast<std::size_t>(end - digits));
            put(":", 1);
        }
        return plain(part);
    }

    std::string_view view() const noexcept { return heap_.empty() ? std::string_view(room_, size_) : std::string_view(heap_); }

private:
    void put(const char* p, std::size_t n) {
        if (n == 0) return; // an empty view may have no data at all
        if (heap_.empty() && size_ + n <= sizeof room_) {
            std::memcpy(room_ + size_, p, n);
            size_ += n;
            return;
        }
        if (heap_.empty()) heap_.assign(room_, size_); // a long key: all of it on the heap from here
        heap_.append(p, n);
    }

    char room_[160];
    std::size_t size_ = 0;
    std::string heap_;
};

} // namespace warden::detail

#endif
