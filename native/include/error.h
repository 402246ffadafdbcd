#pragma once
#include <stdexcept>
#include <string>

namespace kd {
// Thrown by kernels and plan checks; the binding turns it into a JS Error with the JS stack.
struct Error : std::runtime_error {
  explicit Error(const std::string& m) : std::runtime_error(m) {}
};
}  // namespace kd
