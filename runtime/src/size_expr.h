// Size expressions of dynamic functions (the schema's SizeExpr): postfix
// programs over int64 values computed at each call from the function's
// symbols (its inputs' dynamic dimensions). Checked once when the module
// loads (opcodes, operands, stack depth), evaluated with every overflow,
// division by zero and negative result reported, and printed infix for
// messages ("ceildiv(batch, 4)").
#ifndef LOOM_RUNTIME_SRC_SIZE_EXPR_H
#define LOOM_RUNTIME_SRC_SIZE_EXPR_H

#include "status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loom::rt {

// Opcodes (the values of include/loom/module/Schedule.h's SizeExpr::Op).
enum SizeOp : int64_t {
  kSizeConst = 0,
  kSizeSymbol = 1,
  kSizeAdd = 2,
  kSizeSub = 3,
  kSizeMul = 4,
  kSizeFloorDiv = 5,
  kSizeCeilDiv = 6,
  kSizeMod = 7,
  kSizeMin = 8,
  kSizeMax = 9,
};

// Limits on what a module may contain (far above what a model needs).
constexpr size_t kMaxSizeExprLength = 1024;  // int64 words per program
constexpr size_t kMaxSizeExprs = 1u << 16;   // programs per function
constexpr size_t kMaxSymbols = 64;           // symbols per function

// Checks that `code` is a well-formed program over `symbolCount` symbols.
// The message says what is wrong (for "invalid module: <where>: ...").
Status verifySizeExpr(const std::vector<int64_t> &code, size_t symbolCount);

// The symbol index if `code` is a bare `symbol k`, else -1.
int64_t bareSymbol(const std::vector<int64_t> &code);

// Evaluates a verified program. Fails (with a message naming what overflowed
// or divided by zero) rather than wrapping; a negative result is an error.
Status evaluateSizeExpr(const std::vector<int64_t> &code,
                        const std::vector<int64_t> &symbols, int64_t *value);

// Infix text of a verified program: "batch * 4", "ceildiv(batch, 4)".
std::string formatSizeExpr(const std::vector<int64_t> &code,
                           const std::vector<std::string> &symbols);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_SIZE_EXPR_H
