// Turns one --input value into a tensor: a .npy file ("@x.npy") or inline
// values ("2x3xf32=1 2 3 4 5 6", a splat "8x784xf32=0.5", a scalar
// "f32=3.5", zeros "2x3xf32").
#ifndef LOOM_TOOLS_LOOM_RUN_INPUT_PARSER_H
#define LOOM_TOOLS_LOOM_RUN_INPUT_PARSER_H

#include "loom/runtime.h"

#include <string>
#include <vector>

namespace loom::run {

// Parses "2x3xf32" (or "f32" for a scalar).
bool parseTypeSpec(const std::string &text, loom_dtype_t *dtype,
                   std::vector<int64_t> *shape, std::string *error);

// On failure returns false with a message (without the argument's name).
bool parseInput(const std::string &spec, loom_tensor_t **out,
                std::string *error);

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_INPUT_PARSER_H
