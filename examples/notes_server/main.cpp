// A small MCP server over stdio: support notes kept in memory. Two tools, one of each kind:
// create_support_note (a low-risk write) and list_support_notes (read-only).
//
//   notes_server        serves MCP on stdin/stdout; logs go to stderr
#include "../shared/support_note.hpp"

#include <map>
#include <mutex>

namespace desk {

// The system of record of this example.
class note_store {
public:
    std::string add(const std::string& ticket, const std::string& note) {
        std::lock_guard lock(mutex_);
        notes_[ticket].push_back(note);
        return ticket + "-" + std::to_string(notes_[ticket].size());
    }
    std::vector<std::string> of(const std::string& ticket) const {
        std::lock_guard lock(mutex_);
        auto it = notes_.find(ticket);
        return it == notes_.end() ? std::vector<std::string>{} : it->second;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<std::string>> notes_;
};

struct create_note : create_support_note {
    note_store* store;
    output call(const input& in, warden::context&) const { return {store->add(*in.ticketId, *in.note), "created"}; }
};

struct list_input {
    warden::text<1, 64, warden::doc<"The support ticket identifier.">> ticketId;
};
BOOST_DESCRIBE_STRUCT(list_input, (), (ticketId))

struct list_output {
    std::vector<std::string> notes;
};
BOOST_DESCRIBE_STRUCT(list_output, (), (notes))

struct list_support_notes {
    static constexpr std::string_view name = "list_support_notes";
    static constexpr std::string_view description = "List the internal notes of a support ticket, oldest first.";
    using input = list_input;
    using output = list_output;
    using policy = warden::policy<warden::read_only, warden::timeout_ms<2000>>;

    note_store* store;
    output call(const input& in, warden::context&) const { return {store->of(*in.ticketId)}; }
};

} // namespace desk

int main() {
    desk::note_store store;
    warden::server server({.name = "notes", .version = "0.1.0", .title = "Support notes",
                           .instructions = "Add and read internal notes on support tickets."});
    server.add(desk::create_note{{}, &store});
    server.add(desk::list_support_notes{&store});
    warden::serve_stdio(server);
}
