// Declare a tool once; print its MCP definition, then decode arguments with the strict decoder.
//   support_note                      decodes a sample with an error
//   support_note '{"ticketId":...}'   decodes the given arguments
#include "../shared/support_note.hpp"

#include <iostream>

int main(int argc, char** argv) {
    std::cout << boost::json::serialize(warden::tool_definition<desk::create_support_note>()) << "\n";
    std::string_view args = argc > 1 ? argv[1] : R"({"ticketId":"T-1042","note":""})";
    auto parsed = warden::parse(args);
    if (!parsed) {
        std::cout << boost::json::serialize(warden::to_json(parsed.errors())) << "\n";
        return 1;
    }
    auto in = warden::decode<desk::note_input>(*parsed);
    if (!in) {
        std::cout << boost::json::serialize(warden::to_json(in.errors())) << "\n";
        return 1;
    }
    std::cout << boost::json::serialize(warden::encode(*in)) << "\n";
}
