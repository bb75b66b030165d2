#ifndef WARDEN_EXAMPLES_SUPPORT_NOTE_HPP
#define WARDEN_EXAMPLES_SUPPORT_NOTE_HPP

// The reference tool: a low-risk write that appends a note to a support ticket.

#include <warden/warden.hpp>

#include <string>

namespace desk {

struct note_input {
    warden::field<std::string, warden::doc<"The support ticket identifier.">> ticketId;
    warden::text<1, 2000> note;
};
BOOST_DESCRIBE_STRUCT(note_input, (), (ticketId, note))

struct note_output {
    std::string noteId;
    std::string status;
};
BOOST_DESCRIBE_STRUCT(note_output, (), (noteId, status))

struct create_support_note {
    static constexpr std::string_view name = "create_support_note";
    static constexpr std::string_view description = "Append an internal note to an existing support ticket.";
    using input = note_input;
    using output = note_output;
    using policy = warden::policy<warden::mutating>;

    // The same note on the same ticket is the same operation: a retry must not add it twice.
    static std::string idempotency_key(const input& in) { return *in.ticketId + "\n" + *in.note; }
};

} // namespace desk

#endif
