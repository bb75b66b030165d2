#ifndef WARDEN_WARDEN_HPP
#define WARDEN_WARDEN_HPP

// The one header users include.

#include <warden/decode/decode.hpp>
#include <warden/decode/decode_text.hpp>
#include <warden/decode/error.hpp>
#include <warden/decode/parse.hpp>
#include <warden/decode/result.hpp>
#include <warden/encode/encode.hpp>
#include <warden/pipeline/approval.hpp>
#include <warden/pipeline/client_requests.hpp>
#include <warden/pipeline/content.hpp>
#include <warden/pipeline/context.hpp>
#include <warden/pipeline/pipeline.hpp>
#include <warden/pipeline/rate_limiter.hpp>
#include <warden/pipeline/stage.hpp>
#include <warden/pipeline/tool_call.hpp>
#include <warden/pipeline/tool_error.hpp>
#include <warden/policy/decision.hpp>
#include <warden/policy/principal.hpp>
#include <warden/policy/traits.hpp>
#include <warden/protocol/jsonrpc.hpp>
#include <warden/protocol/prompts.hpp>
#include <warden/protocol/resources.hpp>
#include <warden/protocol/server.hpp>
#include <warden/schema/field.hpp>
#include <warden/schema/rules.hpp>
#include <warden/schema/schema_of.hpp>
#include <warden/store/idempotency_store.hpp>
#include <warden/tool/tool.hpp>
#include <warden/trace/sinks.hpp>
#include <warden/trace/trace.hpp>
#include <warden/transport/stdio.hpp>
#include <warden/types/idempotency_key.hpp>
#include <warden/types/secret.hpp>

#endif
