#include "size_expr.h"

#include <algorithm>

namespace loom::rt {
namespace {

bool hasOperand(int64_t op) { return op == kSizeConst || op == kSizeSymbol; }

const char *opName(int64_t op) {
  switch (op) {
  case kSizeAdd:
    return "+";
  case kSizeSub:
    return "-";
  case kSizeMul:
    return "*";
  case kSizeFloorDiv:
    return "floordiv";
  case kSizeCeilDiv:
    return "ceildiv";
  case kSizeMod:
    return "mod";
  case kSizeMin:
    return "min";
  case kSizeMax:
    return "max";
  }
  return "?";
}

// Applies a binary op; false (and `why`) on overflow or a bad operand.
bool apply(int64_t op, int64_t a, int64_t b, int64_t *out, const char **why) {
  switch (op) {
  case kSizeAdd:
    *why = "overflows";
    return !__builtin_add_overflow(a, b, out);
  case kSizeSub:
    *why = "overflows";
    return !__builtin_sub_overflow(a, b, out);
  case kSizeMul:
    *why = "overflows";
    return !__builtin_mul_overflow(a, b, out);
  case kSizeMin:
    *out = std::min(a, b);
    return true;
  case kSizeMax:
    *out = std::max(a, b);
    return true;
  case kSizeFloorDiv:
  case kSizeCeilDiv:
  case kSizeMod:
    if (b == 0) {
      *why = "divides by zero";
      return false;
    }
    if (a < 0 || b < 0) {
      *why = "divides a negative value";
      return false;
    }
    if (op == kSizeFloorDiv)
      *out = a / b;
    else if (op == kSizeCeilDiv)
      *out = a / b + (a % b != 0);
    else
      *out = a % b;
    return true;
  }
  *why = "has an unknown operation";
  return false;
}

} // namespace

Status verifySizeExpr(const std::vector<int64_t> &code, size_t symbolCount) {
  if (code.empty())
    return error(LOOM_STATUS_DATA_LOSS, "is empty");
  if (code.size() > kMaxSizeExprLength)
    return error(LOOM_STATUS_DATA_LOSS, "has ", code.size(),
                 " words, more than the ", kMaxSizeExprLength, " allowed");
  size_t depth = 0;
  for (size_t pc = 0; pc < code.size(); ++pc) {
    int64_t op = code[pc];
    if (hasOperand(op)) {
      if (pc + 1 == code.size())
        return error(LOOM_STATUS_DATA_LOSS, "ends inside the operand of "
                     "word ", pc);
      int64_t operand = code[++pc];
      if (op == kSizeSymbol &&
          (operand < 0 || static_cast<uint64_t>(operand) >= symbolCount))
        return error(LOOM_STATUS_DATA_LOSS, "word ", pc - 1, ": symbol ",
                     operand, " is out of range (the function has ",
                     symbolCount, " symbols)");
      ++depth;
      continue;
    }
    if (op < kSizeAdd || op > kSizeMax)
      return error(LOOM_STATUS_DATA_LOSS, "word ", pc, ": unknown opcode ",
                   op, " (expected 0..9)");
    if (depth < 2)
      return error(LOOM_STATUS_DATA_LOSS, "word ", pc, ": '", opName(op),
                   "' needs two operands, the stack has ", depth);
    --depth;
  }
  if (depth != 1)
    return error(LOOM_STATUS_DATA_LOSS, "leaves ", depth,
                 " values, expected 1");
  return okStatus();
}

int64_t bareSymbol(const std::vector<int64_t> &code) {
  return code.size() == 2 && code[0] == kSizeSymbol ? code[1] : -1;
}

Status evaluateSizeExpr(const std::vector<int64_t> &code,
                        const std::vector<int64_t> &symbols, int64_t *value) {
  int64_t inline_[16];
  std::vector<int64_t> heap;
  int64_t *stack = inline_;
  if (code.size() > 16) {
    heap.resize(code.size());
    stack = heap.data();
  }
  size_t depth = 0;
  for (size_t pc = 0; pc < code.size(); ++pc) {
    int64_t op = code[pc];
    if (op == kSizeConst) {
      stack[depth++] = code[++pc];
    } else if (op == kSizeSymbol) {
      stack[depth++] = symbols[static_cast<size_t>(code[++pc])];
    } else {
      int64_t b = stack[--depth], a = stack[depth - 1];
      const char *why = "";
      if (!apply(op, a, b, &stack[depth - 1], &why))
        return error(LOOM_STATUS_INVALID_ARGUMENT, "'", a, " ", opName(op),
                     " ", b, "' ", why);
    }
  }
  *value = stack[0];
  if (*value < 0)
    return error(LOOM_STATUS_INVALID_ARGUMENT, "the value is negative (",
                 *value, ")");
  return okStatus();
}

std::string formatSizeExpr(const std::vector<int64_t> &code,
                           const std::vector<std::string> &symbols) {
  // Each entry: text and precedence (3: atom, 2: product, 1: sum).
  std::vector<std::pair<std::string, int>> stack;
  for (size_t pc = 0; pc < code.size(); ++pc) {
    int64_t op = code[pc];
    if (op == kSizeConst) {
      stack.push_back({std::to_string(code[++pc]), 3});
      continue;
    }
    if (op == kSizeSymbol) {
      stack.push_back({symbols[static_cast<size_t>(code[++pc])], 3});
      continue;
    }
    auto b = stack.back();
    stack.pop_back();
    auto a = stack.back();
    stack.pop_back();
    auto paren = [](const std::pair<std::string, int> &e, int min) {
      return e.second >= min ? e.first : "(" + e.first + ")";
    };
    if (op == kSizeAdd || op == kSizeSub)
      stack.push_back({paren(a, 1) + " " + opName(op) + " " +
                           paren(b, op == kSizeSub ? 2 : 1),
                       1});
    else if (op == kSizeMul || op == kSizeMod)
      stack.push_back(
          {paren(a, 2) + " " + opName(op) + " " + paren(b, 3), 2});
    else
      stack.push_back(
          {std::string(opName(op)) + "(" + a.first + ", " + b.first + ")", 3});
  }
  return stack.empty() ? std::string("?") : stack.back().first;
}

} // namespace loom::rt
