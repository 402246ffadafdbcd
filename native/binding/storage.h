#pragma once
#include <napi.h>

#include "../include/error.h"

namespace kd {
Napi::Value Alloc(const Napi::CallbackInfo& info);
Napi::Value Free(const Napi::CallbackInfo& info);
Napi::Value EmptyCacheJs(const Napi::CallbackInfo& info);
void EmptyCache();
}  // namespace kd
