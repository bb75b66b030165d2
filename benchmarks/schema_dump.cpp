// Prints the JSON Schemas of the validation benchmark's two inputs, for ajv on the JavaScript side:
//   {"support_note": <schema of desk::note_input>, "order": <schema of shop::order>}
#include "orders.hpp"
#include "support_note.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>

int main() {
    boost::json::object out;
    out["support_note"] = warden::schema_of<desk::note_input>();
    out["order"] = warden::schema_of<shop::order>();
    std::cout << boost::json::serialize(out) << "\n";
}
