#ifndef WARDEN_TYPES_IDEMPOTENCY_KEY_HPP
#define WARDEN_TYPES_IDEMPOTENCY_KEY_HPP

// A field the model fills with a fresh key per logical operation; a retry reuses the key, and
// the server runs the operation once. Declaring one is how a mutating tool names its key source.

#include <warden/schema/field.hpp>

#include <string>

namespace warden {

struct idempotency_key
    : field<std::string,
            doc<"A unique key for this operation, such as a UUID. Reuse it only to retry the same operation.">,
            min_length<1>, max_length<128>, pattern<"^[A-Za-z0-9._:-]+$">> {};

} // namespace warden

#endif
