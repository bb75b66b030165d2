#ifndef WARDEN_DETAIL_DECODED_INPUT_HPP
#define WARDEN_DETAIL_DECODED_INPUT_HPP

// A tool's input, decoded while its tools/call was read (server::read), carried with the
// request to the pipeline so that the arguments never become a JSON value. Its type is checked
// where it is used: a tool replaced while the call waited cannot be handed the wrong input.

#include <utility>

namespace warden::detail {

// One address per type, the same in every translation unit.
template<class T> inline constexpr char type_tag = 0;

class decoded_input {
public:
    decoded_input() noexcept = default;
    decoded_input(void* input, const void* type, void (*destroy)(void*) noexcept) noexcept
        : input_(input), type_(type), destroy_(destroy) {}
    decoded_input(decoded_input&& o) noexcept
        : input_(std::exchange(o.input_, nullptr)), type_(o.type_), destroy_(o.destroy_) {}
    decoded_input& operator=(decoded_input&& o) noexcept {
        if (this != &o) {
            reset();
            input_ = std::exchange(o.input_, nullptr);
            type_ = o.type_;
            destroy_ = o.destroy_;
        }
        return *this;
    }
    ~decoded_input() { reset(); }

    explicit operator bool() const noexcept { return input_ != nullptr; }
    const void* type() const noexcept { return type_; }
    void* get() const noexcept { return input_; }

    // The input, if it is a T.
    template<class T> const T* as() const noexcept {
        return input_ && type_ == &type_tag<T> ? static_cast<const T*>(input_) : nullptr;
    }

    void reset() noexcept {
        if (input_) destroy_(input_);
        input_ = nullptr;
    }

private:
    void* input_ = nullptr;
    const void* type_ = nullptr;
    void (*destroy_)(void*) noexcept = nullptr;
};

} // namespace warden::detail

#endif
