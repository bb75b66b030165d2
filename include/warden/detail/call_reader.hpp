#ifndef WARDEN_DETAIL_CALL_READER_HPP
#define WARDEN_DETAIL_CALL_READER_HPP

// Reads a JSON-RPC message in one pass, and a tools/call's arguments straight into the tool's
// input: the envelope (id, method, params without arguments) becomes the usual DOM, the arguments
// go to decode_text's handler. It takes this way only when the message says which tool it calls
// before its arguments (method before params, name before arguments: what clients send). Invalid
// arguments come out as decode's errors. Anything else it does not handle (the tool is unknown,
// decode_text's one pass gives up, a key is repeated, the syntax is wrong or unusual) makes it
// give up, and the message is read the usual way, so the answer is the same.

#include <warden/decode/decode_text.hpp>
#include <warden/decode/parse.hpp>
#include <warden/detail/decoded_input.hpp>
#include <warden/detail/text_scanner.hpp>
#include <warden/protocol/jsonrpc.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace warden::detail {

// Lookup: const input_decoder* (std::string_view tool name), null for a tool it does not know.
template<class Lookup>
class call_handler : public parser_limits {
public:
    call_handler(unsigned char* temp, std::size_t temp_size, const Lookup& lookup, std::string_view text)
        : dom(temp, temp_size), lookup_(lookup), text_(text) {}

    dom_handler dom;          // the envelope
    decoded_input input;      // the arguments, when they went to the input

    // After the parse: refused arguments carry decode's errors.
    void finish() {
        if (ctx_.error_count()) input.refuse(ctx_.take_errors());
    }

    bool on_document_begin(error_code& ec) { return dom.on_document_begin(ec); }
    bool on_document_end(error_code& ec) { return dom.on_document_end(ec); }
    bool on_object_begin(error_code& ec) {
        if (in_args_) return arguments_begin(args_->on_object_begin(ec));
        ++depth_;
        return dom.on_object_begin(ec);
    }
    bool on_object_end(std::size_t n, error_code& ec) {
        if (in_args_) return arguments_end(args_->on_object_end(n, ec));
        // The parser counts the arguments among params' members; the DOM never had them.
        if (depth_ == 2 && took_arguments_) n -= std::exchange(took_arguments_, false);
        --depth_;
        return dom.on_object_end(n, ec);
    }
    bool on_array_begin(error_code& ec) {
        if (in_args_) return arguments_begin(args_->on_array_begin(ec));
        ++depth_;
        return dom.on_array_begin(ec);
    }
    bool on_array_end(std::size_t n, error_code& ec) {
        if (in_args_) return arguments_end(args_->on_array_end(n, ec));
        --depth_;
        return dom.on_array_end(n, ec);
    }
    bool on_key(string_view s, std::size_t n, error_code& ec) {
        std::string_view k(s.data(), s.size());
        if (in_args_) return args_->on_key(k, n, ec);
        if (depth_ == 1) {
            root_key_ = k == "method" ? key::method : k == "params" ? key::params : key::other;
        } else if (depth_ == 2 && root_key_ == key::params) {
            params_key_ = k == "name" ? key::name : k == "arguments" ? key::arguments : key::other;
            if (params_key_ == key::arguments) {
                // A second "arguments" would hide from the DOM's duplicate count: the usual way says so.
                if (seen_arguments_) return give_up(ec);
                seen_arguments_ = true;
                if (start_arguments()) return true; // not a member of the DOM's params
            }
        }
        return dom.on_key(s, n, ec);
    }
    bool on_string(string_view s, std::size_t n, error_code& ec) {
        std::string_view v(s.data(), s.size());
        if (in_args_) return arguments_value(args_->on_string(v, n, ec));
        if (depth_ == 1 && root_key_ == key::method) calls_tool_ = v == "tools/call";
        else if (depth_ == 2 && root_key_ == key::params && params_key_ == key::name) {
            name_.assign(v.data(), v.size());
            named_ = true;
        }
        return dom.on_string(s, n, ec);
    }
    bool on_int64(std::int64_t i, string_view s, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_int64(i, s, ec));
        return dom.on_int64(i, s, ec);
    }
    bool on_uint64(std::uint64_t u, string_view s, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_uint64(u, s, ec));
        return dom.on_uint64(u, s, ec);
    }
    bool on_double(double d, string_view s, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_double(d, s, ec));
        return dom.on_double(d, s, ec);
    }
    bool on_bool(bool b, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_bool(b, ec));
        return dom.on_bool(b, ec);
    }
    bool on_null(error_code& ec) {
        if (in_args_) return arguments_value(args_->on_null(ec));
        return dom.on_null(ec);
    }

private:
    enum class key : unsigned char { none, other, method, params, name, arguments };

    // The arguments go to the input when the message has said it calls a tool we know.
    bool start_arguments() {
        if (!calls_tool_ || !named_) return false;
        const input_decoder* d = lookup_(std::string_view(name_));
        if (!d) return false;
        input = decoded_input(d->make(), d->type, d->destroy);
        args_.emplace(*d->ops, input.get(), ctx_, text_);
        in_args_ = true;
        took_arguments_ = true;
        return true;
    }
    bool arguments_begin(bool ok) {
        ++args_depth_;
        return ok;
    }
    bool arguments_end(bool ok) {
        if (--args_depth_ == 0) in_args_ = false;
        return ok;
    }
    bool arguments_value(bool ok) {
        if (args_depth_ == 0) in_args_ = false;
        return ok;
    }
    bool give_up(error_code& ec) {
        ec = boost::json::error::extra_data; // any error stops the parser
        return false;
    }

    const Lookup& lookup_;
    std::string_view text_;
    decode_context ctx_{decode_options{}.max_errors}; // run_pipeline's decode
    std::optional<text_handler> args_;
    std::string name_;
    std::size_t depth_ = 0, args_depth_ = 0;
    key root_key_ = key::none, params_key_ = key::none;
    bool calls_tool_ = false, named_ = false, seen_arguments_ = false, in_args_ = false, took_arguments_ = false;
};

// The message, with a tools/call's arguments decoded into `input` when it could; nothing when
// the message must be read the usual way (jsonrpc::read), which then says what is wrong with it.
template<class Lookup>
std::optional<jsonrpc::message> read_call(std::string_view text, const parse_options& limits, const Lookup& lookup) {
    if (text.size() > limits.max_bytes) return std::nullopt;
    unsigned char temp[4096];
    call_handler<Lookup> h(temp, sizeof(temp), lookup, text);
    h.dom.st.reset();
    if (!text_scanner<call_handler<Lookup>>(h, limits.max_depth).scan(text)) return std::nullopt;
    boost::json::value v = h.dom.st.release();
    if (member_count(v) != h.dom.keys) return std::nullopt; // a repeated key
    jsonrpc::message m = jsonrpc::classify(std::move(v));
    h.finish();
    if (auto* r = std::get_if<jsonrpc::request>(&m)) r->decoded = std::move(h.input);
    return m;
}

} // namespace warden::detail

#endif
