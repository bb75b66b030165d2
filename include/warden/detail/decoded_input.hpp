#ifndef WARDEN_DETAIL_DECODED_INPUT_HPP
#define WARDEN_DETAIL_DECODED_INPUT_HPP

// A tool's input, decoded while its tools/call was read (server::read), carried with the
// request to the pipeline so that the arguments never become a JSON value; or decode's errors,
// when the arguments had only unknown fields wrong. Its type is checked where it is used: a tool
// replaced while the call waited cannot be handed the wrong input.

#include <warden/decode/decode.hpp>
#include <warden/decode/error.hpp>

#include <cstddef>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::detail {

// One address per type, the same in every translation unit.
template<class T> inline constexpr char type_tag = 0;

class decoded_input {
public:
    decoded_input() noexcept = default;
    decoded_input(void* input, const void* type, void (*destroy)(void*) noexcept) noexcept
        : input_(input), type_(type), destroy_(destroy) {}
    decoded_input(decoded_input&& o) noexcept
        : input_(std::exchange(o.input_, nullptr)), type_(o.type_), destroy_(o.destroy_), errors_(std::move(o.errors_)),
          tool_(std::move(o.tool_)) {}
    decoded_input& operator=(decoded_input&& o) noexcept {
        if (this != &o) {
            reset();
            input_ = std::exchange(o.input_, nullptr);
            type_ = o.type_;
            destroy_ = o.destroy_;
            errors_ = std::move(o.errors_);
            tool_ = std::move(o.tool_);
        }
        return *this;
    }
    ~decoded_input() { reset(); }

    // The arguments were read: into an input, or into decode's errors.
    explicit operator bool() const noexcept { return input_ != nullptr || !errors_.empty(); }
    const void* type() const noexcept { return type_; }
    void* get() const noexcept { return input_; }

    bool refused() const noexcept { return !errors_.empty(); }

    // The tool the arguments were read for, when the request's params no longer name it (they
    // held nothing else); empty otherwise.
    std::string_view tool() const noexcept { return tool_; }
    void set_tool(std::string name) noexcept { tool_ = std::move(name); }

    // Decode's errors for the arguments, if they were refused as an input of `type` (a type_tag).
    const std::vector<error>* errors_for(const void* type) const noexcept {
        return !errors_.empty() && type_ == type ? &errors_ : nullptr;
    }

    // The arguments were refused: the errors replace the input.
    void refuse(std::vector<error> errors) noexcept {
        reset();
        errors_ = std::move(errors);
    }

    void reset() noexcept {
        if (input_) destroy_(input_);
        input_ = nullptr;
    }

private:
    void* input_ = nullptr;
    const void* type_ = nullptr;
    void (*destroy_)(void*) noexcept = nullptr;
    std::vector<error> errors_;
    std::string tool_;
};

// How to make, fill and destroy one input type, without naming it: what server::read and the
// pipeline's decode stage need, one table per input type.
struct input_decoder {
    const value_ops* ops;
    const void* type;
    void* (*make)();                  // on the heap, value-initialized
    void (*destroy)(void*) noexcept;  // what make made
    std::size_t size;
    std::size_t align;
    void (*construct)(void* at);      // value-initialized, in storage of the caller's
    void (*destroy_at)(void* at) noexcept;
};

template<class Input>
inline constexpr input_decoder input_decoder_for{
    &typed_value<Input>::ops, &type_tag<Input>, []() -> void* { return new Input{}; },
    [](void* p) noexcept { delete static_cast<Input*>(p); }, sizeof(Input), alignof(Input),
    [](void* at) { ::new (at) Input{}; }, [](void* at) noexcept { static_cast<Input*>(at)->~Input(); }};

// decode<Input> on a parsed value, through the table: compiled once, not once per input type.
// The input lives in the caller's buffer when it fits (no allocation, as decode<T> on the stack),
// else on the heap.
class input_decoded_here {
public:
    input_decoded_here(const input_decoder& d, const boost::json::value& v, void* buffer, std::size_t capacity) : d_(d) {
        if (d.size <= capacity && d.align <= alignof(std::max_align_t)) {
            d.construct(buffer);
            input_ = buffer;
            in_buffer_ = true;
        } else {
            input_ = d.make();
        }
        try {
            decode_context ctx(decode_options{}.max_errors);
            {
                value_reader reader(*d.ops, input_, ctx, false);
                read_value(v, reader);
            }
            if (ctx.error_count() != 0) errors_ = ctx.take_errors();
        } catch (...) {
            release();
            throw;
        }
    }
    ~input_decoded_here() { release(); }
    input_decoded_here(const input_decoded_here&) = delete;
    input_decoded_here& operator=(const input_decoded_here&) = delete;

    const void* get() const noexcept { return input_; }
    // Decode's errors, or null when the input is good.
    const std::vector<error>* errors() const noexcept { return errors_.empty() ? nullptr : &errors_; }

private:
    void release() noexcept {
        if (!input_) return;
        if (in_buffer_) d_.destroy_at(input_);
        else d_.destroy(input_);
        input_ = nullptr;
    }

    const input_decoder& d_;
    void* input_ = nullptr;
    bool in_buffer_ = false;
    std::vector<error> errors_;
};

} // namespace warden::detail

#endif
