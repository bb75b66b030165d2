#ifndef WARDEN_DETAIL_CALL_READER_HPP
#define WARDEN_DETAIL_CALL_READER_HPP

// Reads a JSON-RPC request in one pass, and a tools/call's arguments straight into the tool's
// input: the envelope's members (jsonrpc, id, method) are kept as they come, params becomes the
// usual DOM without its arguments, and the arguments go to decode_text's handler. It takes this way
// only when the message says which tool it calls before its arguments (method before params, name
// before arguments: what clients send). Invalid arguments come out as decode's errors. Anything
// else it does not handle (a response or a batch, a member of the envelope it does not know or of
// the wrong kind, the tool is unknown, decode_text's one pass gives up, a key is repeated, the
// syntax is wrong or unusual) makes it give up, and the message is read the usual way, so the
// answer is the same.

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

    dom_handler dom;          // params, without the arguments (and without the name, when nothing else is left)
    decoded_input input;      // the arguments, when they went to the input

    // The envelope, as it came: meaningful once the parse is over.
    std::optional<boost::json::value> id; // a string or an integer; none for a notification
    std::string method;
    bool params_in_dom = false; // false: no params, or only the name and the arguments decoded for it
    // A request whose jsonrpc is "2.0" and whose method is a string: anything else is read the usual way.
    bool is_request() const noexcept { return (seen_ & bit(key::jsonrpc)) && (seen_ & bit(key::method)); }

    // After the parse: refused arguments carry decode's errors; decoded ones carry the tool's
    // name when params, left empty, does not.
    void finish() {
        if (ctx_.error_count()) input.refuse(ctx_.take_errors());
        if (input && !name_in_dom_) input.set_tool(std::move(name_));
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code& ec) {
        if (in_args_) return arguments_begin(args_->on_object_begin(ec));
        if ((depth_ == 1 && root_key_ != key::params) || naming()) return give_up(ec);
        // The message itself is no DOM value: its members are kept as they come.
        return ++depth_ == 1 || dom.on_object_begin(ec);
    }
    bool on_object_end(std::size_t n, error_code& ec) {
        if (in_args_) return arguments_end(args_->on_object_end(n, ec));
        if (--depth_ == 0) return true;
        if (depth_ > 1) return dom.on_object_end(n, ec);
        // params ends. The name waited: it joins the DOM's other members if there are any (or
        // arguments that were not decoded); else the DOM has nothing, and the input carries it.
        if (params_members_ > 0 || (named_ && !took_arguments_)) {
            if (named_) {
                if (!dom.on_key("name", 4, ec) || !dom.on_string({name_.data(), name_.size()}, name_.size(), ec)) return false;
                name_in_dom_ = true;
            }
            params_in_dom = true;
            return dom.on_object_end(params_members_ + name_in_dom_, ec);
        }
        return true;
    }
    bool on_array_begin(error_code& ec) {
        if (in_args_) return arguments_begin(args_->on_array_begin(ec));
        if (depth_ < 2 || naming()) return give_up(ec); // a batch, or an array where the envelope has none
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
            root_key_ = k == "jsonrpc" ? key::jsonrpc : k == "id" ? key::id : k == "method" ? key::method : k == "params" ? key::params : key::other;
            // A response's members, or others, or a repeated one: the usual way says what they mean.
            if (root_key_ == key::other || (seen_ & bit(root_key_))) return give_up(ec);
            seen_ |= bit(root_key_);
            return true;
        }
        if (depth_ == 2) { // params
            params_key_ = k == "name" ? key::name : k == "arguments" ? key::arguments : key::other;
            // A second name or arguments would hide from the DOM's duplicate count: the usual way says so.
            if (params_key_ == key::name) return !std::exchange(seen_name_, true) || give_up(ec); // its string waits
            if (params_key_ == key::arguments) {
                if (seen_arguments_) return give_up(ec);
                seen_arguments_ = true;
                if (start_arguments()) return true; // not a member of the DOM's params
            }
            ++params_members_;
        }
        return dom.on_key(s, n, ec);
    }
    bool on_string(string_view s, std::size_t n, error_code& ec) {
        std::string_view v(s.data(), s.size());
        if (in_args_) return arguments_value(args_->on_string(v, n, ec));
        if (depth_ == 1) {
            switch (root_key_) {
            case key::jsonrpc: return v == "2.0" || give_up(ec);
            case key::id: id.emplace(v); return true;
            case key::method:
                method.assign(v.data(), v.size());
                calls_tool_ = v == "tools/call";
                return true;
            default: return give_up(ec);
            }
        }
        if (naming()) {
            name_.assign(v.data(), v.size());
            named_ = true;
            return true;
        }
        return dom.on_string(s, n, ec);
    }
    bool on_int64(std::int64_t i, string_view s, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_int64(i, s, ec));
        if (depth_ == 1) return root_id(i, ec);
        if (naming()) return give_up(ec);
        return dom.on_int64(i, s, ec);
    }
    bool on_uint64(std::uint64_t u, string_view s, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_uint64(u, s, ec));
        if (depth_ == 1) return root_id(u, ec);
        if (naming()) return give_up(ec);
        return dom.on_uint64(u, s, ec);
    }
    bool on_double(double d, string_view s, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_double(d, s, ec));
        if (depth_ == 1 || naming()) return give_up(ec); // a name that is not a string: the usual way says so
        return dom.on_double(d, s, ec);
    }
    bool on_bool(bool b, error_code& ec) {
        if (in_args_) return arguments_value(args_->on_bool(b, ec));
        if (depth_ == 1 || naming()) return give_up(ec); // a name that is not a string: the usual way says so
        return dom.on_bool(b, ec);
    }
    bool on_null(error_code& ec) {
        if (in_args_) return arguments_value(args_->on_null(ec));
        if (depth_ == 1 || naming()) return give_up(ec); // a name that is not a string: the usual way says so
        return dom.on_null(ec);
    }

private:
    enum class key : unsigned char { none, other, jsonrpc, id, method, params, name, arguments };
    static constexpr unsigned bit(key k) noexcept { return 1u << static_cast<unsigned>(k); }
    // The value of params' name comes (depth 2 is params': no other object gets there).
    bool naming() const noexcept { return depth_ == 2 && params_key_ == key::name; }

    // An integer member of the envelope: only an id may be one.
    template<class Integer> bool root_id(Integer i, error_code& ec) {
        if (root_key_ != key::id) return give_up(ec);
        id.emplace(i);
        return true;
    }

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
    unsigned seen_ = 0; // the envelope's members read so far, by bit(key)
    std::size_t params_members_ = 0; // in the DOM, besides the name
    bool seen_name_ = false, name_in_dom_ = false;
    bool calls_tool_ = false, named_ = false, seen_arguments_ = false, in_args_ = false, took_arguments_ = false;
};

// Reads the request into `out`, with a tools/call's arguments decoded into `input` when it
// could; false (and `out` left to be overwritten) when the message must be read the usual way
// (jsonrpc::read), which then says what it is or what is wrong with it. The request is built in
// `out`, where the server serves it: not moved through an optional on the way.
template<class Lookup>
bool read_call(std::string_view text, const parse_options& limits, const Lookup& lookup, jsonrpc::message& out) {
    if (text.size() > limits.max_bytes) return false;
    unsigned char temp[4096];
    call_handler<Lookup> h(temp, sizeof(temp), lookup, text);
    h.dom.st.reset();
    if (!text_scanner<call_handler<Lookup>>(h, limits.max_depth).scan(text) || !h.is_request()) return false;
    jsonrpc::request& r = out.emplace<jsonrpc::request>();
    if (h.params_in_dom) {
        boost::json::value params = h.dom.st.release();
        if (member_count(params) != h.dom.keys) return false; // a repeated key
        r.params = std::move(params.get_object());
    }
    r.id = std::move(h.id);
    r.method = std::move(h.method);
    h.finish();
    r.decoded = std::move(h.input);
    return true;
}

} // namespace warden::detail

#endif
