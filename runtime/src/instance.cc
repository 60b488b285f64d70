#include "instance.h"

#include "loom/module/MemoryPlanner.h"
#include "module.h"
#include "size_expr.h"
#include "tensor.h"
#include "tensor_type.h"

#include <algorithm>
#include <atomic>
#include <limits>

namespace loom::rt {

DynamicFunction::DynamicFunction() : instances(new InstanceCache) {}
DynamicFunction::~DynamicFunction() = default;

namespace {

// Sizes above this are refused before planning, so the planner's sums never
// overflow.
constexpr uint64_t kMaxArenaBytes = uint64_t(1) << 60;

std::string inputName(const loom_function_s &fn, size_t i) {
  const std::string &name = fn.inputs[i].name;
  return name.empty() ? cat("input ", i) : cat("input ", i, " ('", name, "')");
}

// "input 1 ('y') of function 'main' is tensor<4x10xf32>"
std::string inputIs(const loom_function_s &fn, size_t i,
                    const loom_tensor_t *t) {
  return cat(inputName(fn, i), " of function '", fn.name, "' is ",
             formatType(t->dtype, t->shape));
}

Status mismatch(const loom_function_s &fn, const std::string &what) {
  return error(LOOM_STATUS_INVALID_ARGUMENT, what, "; signature: ",
               fn.signature);
}

// "batch = 3, seq = 17"
std::string symbolValues(const DynamicFunction &dyn,
                         const std::vector<int64_t> &symbols) {
  std::string s;
  for (size_t k = 0; k < symbols.size(); ++k)
    s += cat(k ? ", " : "", dyn.symbols[k], " = ", symbols[k]);
  return s;
}

} // namespace

Status bindSymbols(const loom_function_s &fn, loom_tensor_t *const *inputs,
                   std::vector<int64_t> *symbols) {
  const DynamicFunction &dyn = *fn.dynamic;
  // Rank, dtype and static dimensions first: the plainest message wins.
  for (size_t i = 0; i < fn.inputs.size(); ++i) {
    const TensorSignature &sig = fn.inputs[i];
    const loom_tensor_t *t = inputs[i];
    bool ok = t->dtype == sig.dtype && t->shape.size() == sig.shape.size();
    for (size_t d = 0; ok && d < sig.shape.size(); ++d)
      ok = sig.shape[d] < 0 || sig.shape[d] == t->shape[d];
    if (!ok)
      return mismatch(fn, cat(inputIs(fn, i, t), " but the function expects ",
                              sig.text));
  }
  symbols->assign(dyn.symbols.size(), 0);
  for (size_t k = 0; k < dyn.symbols.size(); ++k) {
    SymbolSource src = dyn.symbolSources[k];
    int64_t value = inputs[src.input]->shape[src.dim];
    if (value < 1)
      return mismatch(
          fn, cat(inputIs(fn, src.input, inputs[src.input]), ": dimension ",
                  src.dim, " ('", dyn.symbols[k], "') is ", value,
                  ", but the function needs '", dyn.symbols[k], "' >= 1"));
    (*symbols)[k] = value;
  }
  // Every other dynamic dimension: the same symbol, or its expression.
  for (size_t i = 0; i < fn.inputs.size(); ++i) {
    const TensorSignature &sig = fn.inputs[i];
    for (size_t d = 0; d < sig.dimExprs.size(); ++d) {
      int32_t e = sig.dimExprs[d];
      if (e == -1)
        continue;
      int64_t got = inputs[i]->shape[d];
      const std::vector<int64_t> &code = dyn.exprs[e];
      int64_t k = bareSymbol(code);
      if (k >= 0) {
        SymbolSource src = dyn.symbolSources[k];
        if (got != (*symbols)[k])
          return mismatch(
              fn, cat(inputIs(fn, i, inputs[i]), ": dimension ", d, " is ",
                      got, ", but '", dyn.symbols[k], "' is ", (*symbols)[k],
                      " (from ", inputName(fn, src.input), " dimension ",
                      src.dim, ")"));
        continue;
      }
      int64_t want = 0;
      Status s = evaluateSizeExpr(code, *symbols, &want);
      if (!s.ok() || got != want)
        return mismatch(
            fn, cat(inputIs(fn, i, inputs[i]), ": dimension ", d, " is ", got,
                    ", but the function expects ", dyn.exprTexts[e],
                    s.ok() ? cat(" = ", want) : cat(" (", s.message(), ")"),
                    " with ", symbolValues(dyn, *symbols)));
    }
  }
  return okStatus();
}

namespace {

class Instantiator {
public:
  Instantiator(const loom_function_s &fn, const std::vector<int64_t> &symbols,
               loom_function_s &out)
      : fn_(fn), dyn_(*fn.dynamic), symbols_(symbols), out_(out),
        where_(cat("function '", fn.name, "' with ",
                   symbolValues(dyn_, symbols))) {}

  Status run() {
    out_.module = fn_.module;
    out_.name = fn_.name;
    out_.signature = fn_.signature;
    out_.arenaAlignment = fn_.arenaAlignment;
    values_.resize(dyn_.exprs.size());
    for (size_t e = 0; e < dyn_.exprs.size(); ++e) {
      Status s = evaluateSizeExpr(dyn_.exprs[e], symbols_, &values_[e]);
      if (!s.ok())
        return error(LOOM_STATUS_INVALID_ARGUMENT, where_, ": ",
                     dyn_.exprTexts[e], ": ", s.message());
    }
    LOOM_RETURN_IF_ERROR(concreteSignatures(fn_.inputs, "input", &out_.inputs));
    LOOM_RETURN_IF_ERROR(
        concreteSignatures(fn_.outputs, "output", &out_.outputs));
    LOOM_RETURN_IF_ERROR(planArena());
    LOOM_RETURN_IF_ERROR(checkMemory());
    for (size_t c = 0; c < dyn_.commands.size(); ++c) {
      std::string at = cat(where_, ": command #", c);
      if (const auto *d = std::get_if<DynamicDispatch>(&dyn_.commands[c]))
        LOOM_RETURN_IF_ERROR(dispatch(at, *d));
      else
        LOOM_RETURN_IF_ERROR(copy(at, std::get<DynamicCopy>(dyn_.commands[c])));
    }
    return okStatus();
  }

private:
  Status concreteSignatures(const std::vector<TensorSignature> &in,
                            const char *kind,
                            std::vector<TensorSignature> *out) const {
    for (size_t i = 0; i < in.size(); ++i) {
      TensorSignature sig = in[i];
      for (size_t d = 0; d < sig.dimExprs.size(); ++d)
        if (sig.dimExprs[d] != -1)
          sig.shape[d] = values_[sig.dimExprs[d]];
      Status s = checkTensorType(sig.dtype, sig.shape.data(), sig.shape.size(),
                                 cat(where_, ": ", kind, " ", i),
                                 &sig.elementCount, &sig.byteSize);
      if (!s.ok())
        return s;
      sig.text = formatType(sig.dtype, sig.shape);
      sig.dimExprs.clear();
      out->push_back(std::move(sig));
    }
    return okStatus();
  }

  Status planArena() {
    std::vector<LiveBuffer> live;
    uint64_t total = 0;
    for (size_t b = 0; b < dyn_.arenaBuffers.size(); ++b) {
      const ArenaBufferInfo &info = dyn_.arenaBuffers[b];
      uint64_t size = static_cast<uint64_t>(values_[info.sizeExpr]);
      total += std::min(size, kMaxArenaBytes);
      if (size >= kMaxArenaBytes || total >= kMaxArenaBytes)
        return error(LOOM_STATUS_RESOURCE_EXHAUSTED, where_,
                     ": the intermediates need more than 2^60 bytes");
      live.push_back({size, info.first, info.last, 0});
      bufferSizes_.push_back(size);
    }
    out_.arenaSize = loom::planArena(live, out_.arenaAlignment);
    for (const LiveBuffer &b : live)
      bufferOffsets_.push_back(b.offset);
    return okStatus();
  }

  Status checkMemory() {
    uint64_t total = out_.arenaSize;
    bool overflow = false;
    for (const TensorSignature &sig : out_.outputs)
      overflow = overflow || __builtin_add_overflow(total, sig.byteSize, &total);
    if (overflow)
      return error(LOOM_STATUS_RESOURCE_EXHAUSTED, where_,
                   ": the arena and outputs' sizes overflow");
    out_.callMemoryBytes = total;
    uint64_t cap = fn_.module->runtime->maxCallMemoryBytes;
    if (cap && total > cap)
      return error(LOOM_STATUS_RESOURCE_EXHAUSTED, where_, " needs ", total,
                   " bytes for this call (arena ", out_.arenaSize,
                   " + outputs ", total - out_.arenaSize,
                   "), above the runtime's limit of ", cap,
                   " bytes (max_call_memory_bytes)");
    return okStatus();
  }

  uint64_t size(const DynamicSlice &s) const {
    return s.sizeExpr == -1 ? s.slice.size
                            : static_cast<uint64_t>(values_[s.sizeExpr]);
  }

  // The concrete slice: its size for this call, inside its storage; an
  // arena buffer's slice moved to the buffer's planned offset.
  Status resolve(const DynamicSlice &in, const std::string &what,
                 BufferSlice *out) const {
    *out = in.slice;
    out->size = size(in);
    uint64_t storage = 0;
    switch (in.slice.space) {
    case Space::Input:
      storage = out_.inputs[in.slice.index].byteSize;
      break;
    case Space::Output:
      storage = out_.outputs[in.slice.index].byteSize;
      break;
    case Space::Constant:
      storage = fn_.module->program.constants[in.slice.index].size;
      break;
    case Space::Arena:
      storage = bufferSizes_[in.slice.index];
      break;
    }
    if (out->offset > storage || out->size > storage - out->offset)
      return error(LOOM_STATUS_DATA_LOSS, "invalid module: ", what, ": [",
                   out->offset, ", +", out->size, ") is out of bounds of its ",
                   in.slice.space == Space::Arena ? "arena buffer" : "storage",
                   " ", in.slice.index, " (", storage, " bytes)");
    if (in.slice.space == Space::Arena) {
      out->offset += bufferOffsets_[in.slice.index];
      out->index = 0;
    }
    return okStatus();
  }

  Status dispatch(const std::string &at, const DynamicDispatch &d) {
    DispatchCommand cmd;
    cmd.kernel = d.kernel;
    uint64_t total = 1;
    for (int i = 0; i < 3; ++i) {
      int64_t count = d.workgroupCountExprs[i] == -1
                          ? d.workgroupCount[i]
                          : values_[d.workgroupCountExprs[i]];
      if (count > std::numeric_limits<uint32_t>::max())
        return error(LOOM_STATUS_INVALID_ARGUMENT, at, ": workgroup count ",
                     i, " is ", count, ", more than 2^32-1");
      cmd.workgroupCount[i] = static_cast<uint32_t>(count);
      total *= cmd.workgroupCount[i];
      if (total > std::numeric_limits<uint32_t>::max())
        return error(LOOM_STATUS_INVALID_ARGUMENT, at,
                     ": the workgroup grid has more than 2^32-1 workgroups");
    }
    if (total == 0)
      return okStatus(); // an empty grid: nothing to run
    cmd.workgroupTotal = static_cast<uint32_t>(total);
    for (size_t b = 0; b < d.bindings.size(); ++b) {
      BufferSlice slice;
      LOOM_RETURN_IF_ERROR(resolve(d.bindings[b], cat(at, ": binding ", b),
                                   &slice));
      cmd.bindings.push_back(slice);
    }
    cmd.pushConstants = d.pushConstants;
    for (size_t p = 0; p < d.pushConstantExprs.size(); ++p) {
      int64_t v = values_[d.pushConstantExprs[p]];
      if (v > std::numeric_limits<uint32_t>::max())
        return error(LOOM_STATUS_INVALID_ARGUMENT, at, ": push constant ", p,
                     " (", dyn_.exprTexts[d.pushConstantExprs[p]], ") is ", v,
                     ", more than 2^32-1");
      cmd.pushConstants.push_back(static_cast<uint32_t>(v));
    }
    out_.commands.emplace_back(std::move(cmd));
    return okStatus();
  }

  Status copy(const std::string &at, const DynamicCopy &c) {
    CopyCommand cmd;
    LOOM_RETURN_IF_ERROR(resolve(c.src, at + " (copy): source", &cmd.src));
    LOOM_RETURN_IF_ERROR(resolve(c.dst, at + " (copy): destination", &cmd.dst));
    if (cmd.src.size)
      out_.commands.emplace_back(cmd);
    return okStatus();
  }

  const loom_function_s &fn_;
  const DynamicFunction &dyn_;
  const std::vector<int64_t> &symbols_;
  loom_function_s &out_;
  std::string where_;
  std::vector<int64_t> values_;
  std::vector<uint64_t> bufferSizes_, bufferOffsets_;
};

} // namespace

Status instantiate(const loom_function_s &fn,
                   const std::vector<int64_t> &symbols,
                   std::unique_ptr<loom_function_s> *out) {
  static std::atomic<uint64_t> serials{0};
  auto instance = std::make_unique<loom_function_s>();
  LOOM_RETURN_IF_ERROR(Instantiator(fn, symbols, *instance).run());
  instance->instanceSerial = ++serials;
  *out = std::move(instance);
  return okStatus();
}

Status InstanceCache::get(const loom_function_s &fn,
                          const std::vector<int64_t> &symbols,
                          Instance *out) {
  auto find = [&]() -> bool {
    for (size_t i = entries_.size(); i-- > 0;)
      if (entries_[i].first == symbols) {
        *out = entries_[i].second;
        std::rotate(entries_.begin() + i, entries_.begin() + i + 1,
                    entries_.end()); // now the most recent
        return true;
      }
    return false;
  };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (find())
      return okStatus();
  }
  // Built outside the lock: other sizes' calls go on meanwhile.
  std::unique_ptr<loom_function_s> built;
  LOOM_RETURN_IF_ERROR(instantiate(fn, symbols, &built));
  std::lock_guard<std::mutex> lock(mutex_);
  if (find()) // another thread built it first
    return okStatus();
  if (entries_.size() >= kCapacity)
    entries_.erase(entries_.begin());
  *out = Instance(std::move(built));
  entries_.emplace_back(symbols, *out);
  return okStatus();
}

size_t InstanceCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

} // namespace loom::rt
