#include "program_builder.h"

#include "aligned_memory.h"
#include "instance.h"
#include "loom/checksum.h"
#include "loom/module_format.h"
#include "loom/schema/module_generated.h"
#include "size_expr.h"
#include "tensor_type.h"

#include <cstring>
#include <limits>
#include <set>

namespace loom::rt {
namespace {

using FbTensorTypes = flatbuffers::Vector<flatbuffers::Offset<fb::TensorType>>;

const char *spaceName(Space space) {
  switch (space) {
  case Space::Input:
    return "input";
  case Space::Output:
    return "output";
  case Space::Constant:
    return "constant";
  case Space::Arena:
    return "arena";
  }
  return "?";
}

std::string describe(const BufferSlice &slice) {
  if (slice.space == Space::Arena)
    return cat("arena [", slice.offset, ", +", slice.size, ")");
  return cat(spaceName(slice.space), " ", slice.index, " [", slice.offset,
             ", +", slice.size, ")");
}

std::string str(const flatbuffers::String *s) {
  return s ? std::string(s->c_str(), s->size()) : std::string();
}

// The bytes at `p`, which a damaged file may have misaligned for its type;
// read them only with memcpy (the integer round trip keeps UBSan's alignment
// check from following the pointer's original type).
const unsigned char *unalignedBytes(const void *p) {
  return reinterpret_cast<const unsigned char *>(
      reinterpret_cast<uintptr_t>(p));
}

Status invalid(const std::string &where, const std::string &what) {
  return Status(LOOM_STATUS_DATA_LOSS, "invalid module: " + where + ": " + what);
}

// Names and other text of the module must be C strings: an embedded NUL
// would cut every message and C API string that shows them.
Status text(const flatbuffers::String *s, const std::string &where,
            std::string *out) {
  *out = str(s);
  if (out->find('\0') != std::string::npos)
    return invalid(where, "contains a NUL character");
  return okStatus();
}

// A vector of int32 expression indices (absent: empty), read through
// memcpy like every other vector of a possibly damaged file.
std::vector<int32_t> exprIndices(const flatbuffers::Vector<int32_t> *v) {
  std::vector<int32_t> out(v ? v->size() : 0);
  if (!out.empty())
    std::memcpy(out.data(), unalignedBytes(v->Data()),
                out.size() * sizeof(int32_t));
  return out;
}

bool allStatic(const std::vector<int32_t> &exprs) {
  for (int32_t e : exprs)
    if (e != -1)
      return false;
  return true;
}

// Checks a dynamic signature's dimension expressions: one per dimension,
// -1 exactly where the shape is static.
Status checkDimExprs(const TensorSignature &sig, const DynamicFunction &dyn,
                     const std::string &what) {
  if (sig.dimExprs.empty()) {
    for (size_t d = 0; d < sig.shape.size(); ++d)
      if (sig.shape[d] < 0)
        return invalid(what, cat("dimension ", d, " is dynamic (-1) but has "
                                 "no dimension expression"));
    return okStatus();
  }
  if (sig.dimExprs.size() != sig.shape.size())
    return invalid(what, cat("has ", sig.dimExprs.size(),
                             " dimension expressions for rank ",
                             sig.shape.size()));
  for (size_t d = 0; d < sig.shape.size(); ++d) {
    int32_t e = sig.dimExprs[d];
    if (e < -1 || e >= int64_t(dyn.exprs.size()))
      return invalid(what, cat("dimension ", d, ": expression index ", e,
                               " is out of range (the function has ",
                               dyn.exprs.size(), " expressions)"));
    if ((e == -1) != (sig.shape[d] >= 0))
      return invalid(what, cat("dimension ", d, " is ", sig.shape[d],
                               e == -1 ? " but has no dimension expression"
                                       : " but has a dimension expression "
                                         "(a dynamic dimension is -1)"));
  }
  return okStatus();
}

// Lowers a list of TensorTypes into signatures. `dyn`: the function's
// symbols and expressions (null for a static function).
Status buildSignatures(const FbTensorTypes *types, const std::string &where,
                       const char *kind, const DynamicFunction *dyn,
                       std::vector<TensorSignature> *signatures) {
  if (!types)
    return okStatus();
  for (flatbuffers::uoffset_t i = 0; i < types->size(); ++i) {
    const fb::TensorType *type = types->Get(i);
    std::string what = cat(where, ": ", kind, " ", i);
    TensorSignature sig;
    int dtype = static_cast<int>(type->dtype());
    if (const auto *shape = type->shape()) {
      // Read through memcpy: a damaged file may misalign the 64-bit values.
      sig.shape.resize(shape->size());
      if (!sig.shape.empty())
        std::memcpy(sig.shape.data(), unalignedBytes(shape->Data()),
                    sig.shape.size() * sizeof(int64_t));
    }
    sig.dimExprs = exprIndices(type->dim_exprs());
    if (!dyn && !allStatic(sig.dimExprs))
      return invalid(what, "has dimension expressions but the function has "
                           "no symbols");
    if (!dyn)
      sig.dimExprs.clear();
    // The static part: dtype, rank, dimensions and sizes (a dynamic
    // dimension counted as 1 here; its size is known per call).
    std::vector<int64_t> known = sig.shape;
    bool dynamicShape = false;
    for (int64_t &d : known)
      if (dyn && d == -1) {
        d = 1;
        dynamicShape = true;
      }
    Status status = checkTensorType(dtype, known.data(), known.size(), what,
                                    &sig.elementCount, &sig.byteSize);
    if (!status.ok())
      return Status(LOOM_STATUS_DATA_LOSS, "invalid module: " + status.message());
    if (dyn) {
      LOOM_RETURN_IF_ERROR(checkDimExprs(sig, *dyn, what));
      for (int32_t e : sig.dimExprs)
        sig.dimNames.push_back(e == -1 ? std::string() : dyn->exprTexts[e]);
    }
    sig.dimNames.resize(sig.shape.size());
    if (dynamicShape)
      sig.elementCount = sig.byteSize = 0;
    sig.dtype = static_cast<loom_dtype_t>(dtype);
    sig.text = formatType(sig.dtype, sig.shape);
    LOOM_RETURN_IF_ERROR(text(type->name(), cat(what, " name"), &sig.name));
    signatures->push_back(std::move(sig));
  }
  return okStatus();
}

class FunctionBuilder {
public:
  FunctionBuilder(const Program &program, const fb::Function &fn,
                  loom_function_s &out, bool isBody = false)
      : program_(program), fn_(fn), out_(out), isBody_(isBody) {}

  Status build() {
    LOOM_RETURN_IF_ERROR(text(fn_.name(), "function name", &out_.name));
    where_ = cat(isBody_ ? "slice-loop function '" : "function '", out_.name,
                 "'");
    LOOM_RETURN_IF_ERROR(buildDynamicHeader());
    const DynamicFunction *dyn = out_.dynamic.get();
    LOOM_RETURN_IF_ERROR(
        buildSignatures(fn_.inputs(), where_, "input", dyn, &out_.inputs));
    LOOM_RETURN_IF_ERROR(
        buildSignatures(fn_.outputs(), where_, "output", dyn, &out_.outputs));
    out_.arenaSize = dyn ? 0 : fn_.arena_size();
    uint32_t alignment = fn_.arena_alignment();
    if (alignment != 0 && (alignment & (alignment - 1)) != 0)
      return invalid(where_, cat("arena_alignment ", alignment,
                                 " is not a power of two"));
    if (alignment > 4096)
      return invalid(where_, cat("arena_alignment ", alignment,
                                 " is above the supported 4096"));
    out_.arenaAlignment =
        alignment > kBufferAlignment ? alignment : kBufferAlignment;
    // A dynamic function's call memory is known per call (instance.cc).
    LOOM_RETURN_IF_ERROR(dyn ? findSymbolSources() : computeCallMemory());
    out_.signature = formatSignature();
    if (fn_.commands()) {
      for (flatbuffers::uoffset_t i = 0; i < fn_.commands()->size(); ++i)
        LOOM_RETURN_IF_ERROR(buildCommand(i, *fn_.commands()->Get(i)));
    }
    return okStatus();
  }

private:
  Status computeCallMemory() {
    uint64_t total = out_.arenaSize;
    for (const TensorSignature &sig : out_.outputs) {
      if (total > std::numeric_limits<uint64_t>::max() - sig.byteSize)
        return invalid(where_, "arena plus output sizes overflow");
      total += sig.byteSize;
    }
    out_.callMemoryBytes = total;
    return okStatus();
  }

  // "main(tensor<2x3xf32>) -> (tensor<2x4xf32>)"; a dynamic function's
  // `?`s are named after it: "where ? = batch" when they are all the same
  // symbol, else in order ("where ?s = batch, seq -> batch * seq").
  std::string formatSignature() const {
    std::string s = out_.name + "(";
    for (size_t i = 0; i < out_.inputs.size(); ++i)
      s += (i ? ", " : "") + out_.inputs[i].text;
    s += ") -> (";
    for (size_t i = 0; i < out_.outputs.size(); ++i)
      s += (i ? ", " : "") + out_.outputs[i].text;
    s += ")";
    if (!out_.dynamic)
      return s;
    std::vector<std::string> ins, outs;
    for (const TensorSignature &sig : out_.inputs)
      for (const std::string &n : sig.dimNames)
        if (!n.empty())
          ins.push_back(n);
    for (const TensorSignature &sig : out_.outputs)
      for (const std::string &n : sig.dimNames)
        if (!n.empty())
          outs.push_back(n);
    std::vector<std::string> all = ins;
    all.insert(all.end(), outs.begin(), outs.end());
    bool same = !all.empty();
    for (const std::string &n : all)
      same = same && n == all[0];
    if (same)
      return s + " where ? = " + all[0];
    auto join = [](const std::vector<std::string> &v) {
      std::string t;
      for (size_t i = 0; i < v.size(); ++i)
        t += (i ? ", " : "") + v[i];
      return t;
    };
    s += " where ?s = " + join(ins);
    if (!outs.empty())
      s += " -> " + join(outs);
    return s;
  }

  // --- Dynamic functions -------------------------------------------------

  // Symbols, expressions and arena buffers. Leaves out_.dynamic null for a
  // static function (and refuses their pieces in one).
  Status buildDynamicHeader() {
    size_t symbols = fn_.symbols() ? fn_.symbols()->size() : 0;
    size_t exprs = fn_.exprs() ? fn_.exprs()->size() : 0;
    size_t buffers = fn_.arena_buffers() ? fn_.arena_buffers()->size() : 0;
    if (symbols == 0) {
      if (exprs || buffers)
        return invalid(where_, "has size expressions or arena buffers but "
                               "no symbols");
      return okStatus();
    }
    if (program_.formatVersion < LOOM_MODULE_FORMAT_DYNAMIC_SHAPE_VERSION)
      return invalid(where_, cat("has dynamic shapes (symbols) in a version-",
                                 program_.formatVersion, " module"));
    if (isBody_)
      return invalid(where_, "a slice-loop function cannot have dynamic "
                             "shapes");
    if (symbols > kMaxSymbols)
      return invalid(where_, cat("has ", symbols, " symbols, more than the ",
                                 kMaxSymbols, " allowed"));
    if (exprs > kMaxSizeExprs)
      return invalid(where_, cat("has ", exprs, " size expressions, more "
                                 "than the ", kMaxSizeExprs, " allowed"));
    auto dyn = std::make_unique<DynamicFunction>();
    std::set<std::string> seen;
    for (flatbuffers::uoffset_t k = 0; k < symbols; ++k) {
      std::string name;
      LOOM_RETURN_IF_ERROR(
          text(fn_.symbols()->Get(k), cat(where_, ": symbol ", k), &name));
      if (name.empty() || !seen.insert(name).second)
        return invalid(where_, cat("symbol ", k, " has an empty or duplicate "
                                   "name '", name, "'"));
      dyn->symbols.push_back(std::move(name));
    }
    for (flatbuffers::uoffset_t e = 0; e < exprs; ++e) {
      const fb::SizeExpr *expr = fn_.exprs()->Get(e);
      std::vector<int64_t> code(expr->code() ? expr->code()->size() : 0);
      if (!code.empty())
        std::memcpy(code.data(), unalignedBytes(expr->code()->Data()),
                    code.size() * sizeof(int64_t));
      Status status = verifySizeExpr(code, symbols);
      if (!status.ok())
        return invalid(where_, cat("size expression #", e, " ",
                                   status.message()));
      dyn->exprTexts.push_back(formatSizeExpr(code, dyn->symbols));
      dyn->exprs.push_back(std::move(code));
    }
    for (flatbuffers::uoffset_t b = 0; b < buffers; ++b) {
      const fb::ArenaBuffer *buffer = fn_.arena_buffers()->Get(b);
      ArenaBufferInfo info{buffer->size_expr(), buffer->first(),
                           buffer->last()};
      if (info.sizeExpr < 0 || size_t(info.sizeExpr) >= exprs)
        return invalid(where_, cat("arena buffer ", b, ": size expression ",
                                   info.sizeExpr, " is out of range (the "
                                   "function has ", exprs, " expressions)"));
      if (info.first > info.last)
        return invalid(where_, cat("arena buffer ", b, ": live range [",
                                   info.first, ", ", info.last,
                                   "] is empty"));
      dyn->arenaBuffers.push_back(info);
    }
    out_.dynamic = std::move(dyn);
    return okStatus();
  }

  // Every symbol's value comes from the first input dimension that is the
  // bare symbol.
  Status findSymbolSources() {
    DynamicFunction &dyn = *out_.dynamic;
    std::vector<bool> found(dyn.symbols.size(), false);
    dyn.symbolSources.resize(dyn.symbols.size());
    for (size_t i = 0; i < out_.inputs.size(); ++i) {
      const std::vector<int32_t> &dims = out_.inputs[i].dimExprs;
      for (size_t d = 0; d < dims.size(); ++d) {
        if (dims[d] == -1)
          continue;
        int64_t k = bareSymbol(dyn.exprs[dims[d]]);
        if (k >= 0 && !found[k]) {
          found[k] = true;
          dyn.symbolSources[k] = {uint32_t(i), uint32_t(d)};
        }
      }
    }
    for (size_t k = 0; k < found.size(); ++k)
      if (!found[k])
        return invalid(where_, cat("symbol '", dyn.symbols[k],
                                   "' is no input's dimension, so no call "
                                   "can give it a value"));
    return okStatus();
  }

  Status exprIndex(int32_t e, const std::string &where, const char *what,
                   bool allowStatic) const {
    size_t count = out_.dynamic->exprs.size();
    if ((e == -1 && allowStatic) || (e >= 0 && size_t(e) < count))
      return okStatus();
    return invalid(where, cat(what, ": expression index ", e,
                              " is out of range (the function has ", count,
                              " expressions)"));
  }

  // A slice of a dynamic function: indices checked now, bounds per call
  // (instance.cc), except a constant's static range.
  Status buildDynamicSlice(const fb::BufferRef *refInFile, int32_t sizeExpr,
                           const std::string &where, bool writable,
                           DynamicSlice *out) const {
    LOOM_RETURN_IF_ERROR(readSlice(refInFile, where, &out->slice));
    LOOM_RETURN_IF_ERROR(exprIndex(sizeExpr, where, "size", true));
    out->sizeExpr = sizeExpr;
    BufferSlice &slice = out->slice;
    size_t count = slice.space == Space::Arena
                       ? out_.dynamic->arenaBuffers.size()
                       : storageCount(slice.space);
    if (slice.index >= count)
      return outOfRange(where, slice, count);
    if (slice.space == Space::Constant && sizeExpr == -1) {
      uint64_t storage = program_.constants[slice.index].size;
      if (slice.offset > storage || slice.size > storage - slice.offset)
        return outOfBounds(where, slice, storage);
    }
    return checkWritable(where, slice, writable);
  }

  Status buildDynamicDispatch(const std::string &where, const fb::Dispatch &d,
                              uint32_t position) {
    DynamicDispatch cmd;
    DispatchKernel k;
    LOOM_RETURN_IF_ERROR(checkKernel(where, d, &k));
    cmd.kernel = k.index;
    const KernelInfo *kernel = k.info;
    const std::string &at = k.at;
    size_t bindings = k.bindings;
    std::vector<int32_t> sizes = exprIndices(d.binding_size_exprs());
    if (!sizes.empty() && sizes.size() != bindings)
      return invalid(at, cat("has ", sizes.size(), " binding sizes for ",
                             bindings, " bindings"));
    sizes.resize(bindings, -1);
    const DynamicFunction &dyn = *out_.dynamic;
    for (size_t b = 0; b < bindings; ++b) {
      DynamicSlice slice;
      std::string what = cat(at, ": binding ", b);
      LOOM_RETURN_IF_ERROR(buildDynamicSlice(d.bindings()->Get(b), sizes[b],
                                             what, /*writable=*/false,
                                             &slice));
      if (slice.slice.space == Space::Arena) {
        const ArenaBufferInfo &buffer = dyn.arenaBuffers[slice.slice.index];
        if (position < buffer.first || position > buffer.last)
          return invalid(what, cat("arena buffer ", slice.slice.index,
                                   " is live in dispatches [", buffer.first,
                                   ", ", buffer.last, "], not in dispatch ",
                                   position));
      }
      cmd.bindings.push_back(slice);
    }
    cmd.pushConstantExprs = exprIndices(d.push_constant_exprs());
    size_t staticPush = d.push_constants() ? d.push_constants()->size() : 0;
    size_t pushCount = cmd.pushConstantExprs.empty()
                           ? staticPush
                           : cmd.pushConstantExprs.size();
    if (!cmd.pushConstantExprs.empty() && staticPush)
      return invalid(at, "has both push constants and push constant "
                         "expressions");
    if (pushCount != kernel->pushConstantCount)
      return invalid(at, cat("has ", pushCount,
                             " push constants, the kernel takes ",
                             kernel->pushConstantCount));
    for (int32_t e : cmd.pushConstantExprs)
      LOOM_RETURN_IF_ERROR(exprIndex(e, at, "push constant", false));
    if (staticPush)
      cmd.pushConstants.assign(d.push_constants()->begin(),
                               d.push_constants()->end());
    std::vector<int32_t> grid = exprIndices(d.workgroup_count_exprs());
    if (!grid.empty() && grid.size() != 3)
      return invalid(at, cat("workgroup_count_exprs has ", grid.size(),
                             " entries, expected 3"));
    grid.resize(3, -1);
    size_t dims = d.workgroup_count() ? d.workgroup_count()->size() : 0;
    if (dims != 3)
      return invalid(at, cat("workgroup_count has ", dims,
                             " entries, expected 3"));
    for (int i = 0; i < 3; ++i) {
      LOOM_RETURN_IF_ERROR(exprIndex(grid[i], at, "workgroup count", true));
      cmd.workgroupCountExprs[i] = grid[i];
      cmd.workgroupCount[i] = d.workgroup_count()->Get(i);
      if (grid[i] == -1 && cmd.workgroupCount[i] == 0)
        return invalid(at, cat("workgroup_count[", i, "] is 0"));
    }
    out_.dynamic->commands.emplace_back(std::move(cmd));
    return okStatus();
  }

  // A command of a dynamic function (after buildCommand's checks).
  Status buildDynamicCommand(const std::string &where, const char *kind,
                             const fb::CommandEntry &e) {
    switch (e.command_type()) {
    case fb::Command::Dispatch:
      return buildDynamicDispatch(where, *e.command_as_Dispatch(),
                                  dispatches_++);
    case fb::Command::Copy: {
      const fb::Copy *copy = e.command_as_Copy();
      DynamicCopy cmd;
      LOOM_RETURN_IF_ERROR(buildDynamicSlice(copy->src(), copy->size_expr(),
                                             where + " (copy): source",
                                             /*writable=*/false, &cmd.src));
      LOOM_RETURN_IF_ERROR(buildDynamicSlice(
          copy->dst(), copy->size_expr(), where + " (copy): destination",
          /*writable=*/true, &cmd.dst));
      if (copy->size_expr() == -1 && cmd.src.slice.size != cmd.dst.slice.size)
        return invalid(where + " (copy)",
                       cat("source is ", cmd.src.slice.size,
                           " bytes but destination is ", cmd.dst.slice.size));
      out_.dynamic->commands.emplace_back(cmd);
      return okStatus();
    }
    case fb::Command::Fill:
    case fb::Command::SliceLoop:
      return invalid(where, cat("a ", kind, " command in a function with "
                                "dynamic shapes (not supported)"));
    case fb::Command::NONE:
      return invalid(where, "empty command");
    }
    return invalid(where, cat("unknown command kind ",
                              unsigned(e.command_type()),
                              " (written by a newer compiler?)"));
  }

  // Size of the storage a slice points into; false if it does not exist.
  bool storageSize(Space space, uint32_t index, uint64_t *size,
                   size_t *count) const {
    switch (space) {
    case Space::Input:
      *count = out_.inputs.size();
      if (index >= out_.inputs.size())
        return false;
      *size = out_.inputs[index].byteSize;
      return true;
    case Space::Output:
      *count = out_.outputs.size();
      if (index >= out_.outputs.size())
        return false;
      *size = out_.outputs[index].byteSize;
      return true;
    case Space::Constant:
      *count = program_.constants.size();
      if (index >= program_.constants.size())
        return false;
      *size = program_.constants[index].size;
      return true;
    case Space::Arena:
      *count = 1;
      *size = out_.arenaSize;
      return true;
    }
    return false;
  }

  size_t storageCount(Space space) const {
    switch (space) {
    case Space::Input:
      return out_.inputs.size();
    case Space::Output:
      return out_.outputs.size();
    case Space::Constant:
      return program_.constants.size();
    case Space::Arena:
      return 1;
    }
    return 0;
  }

  // Reads a BufferRef (space checked; index, offset and size as written;
  // the index of a static function's arena slice is 0).
  Status readSlice(const fb::BufferRef *refInFile, const std::string &where,
                   BufferSlice *slice) const {
    if (!refInFile)
      return invalid(where, "missing buffer reference");
    // The verifier does not check a struct's alignment in a damaged file:
    // read it through an aligned copy.
    fb::BufferRef copy;
    std::memcpy(static_cast<void *>(&copy), unalignedBytes(refInFile),
                sizeof(copy));
    const fb::BufferRef *ref = &copy;
    uint8_t space = static_cast<uint8_t>(ref->space());
    if (space >= kSpaceCount)
      return invalid(where, cat("unknown buffer space ", unsigned(space),
                                " (expected 0..3: input, output, constant, "
                                "arena)"));
    slice->space = static_cast<Space>(space);
    slice->index =
        slice->space == Space::Arena && !out_.dynamic ? 0 : ref->index();
    slice->offset = ref->offset();
    slice->size = ref->size();
    return okStatus();
  }

  static Status outOfRange(const std::string &where, const BufferSlice &slice,
                           size_t count) {
    const char *name = slice.space == Space::Arena ? "arena buffer"
                                                   : spaceName(slice.space);
    return invalid(where, cat(name, " index ", slice.index,
                              " is out of range (the ",
                              slice.space == Space::Constant ? "module"
                                                             : "function",
                              " has ", count, " ", name,
                              count == 1 ? "" : "s", ")"));
  }

  static Status outOfBounds(const std::string &where, const BufferSlice &slice,
                            uint64_t storage) {
    return invalid(where, cat(describe(slice), " is out of bounds of ",
                              spaceName(slice.space),
                              slice.space == Space::Arena
                                  ? std::string()
                                  : cat(" ", slice.index),
                              " (", storage, " bytes)"));
  }

  static Status checkWritable(const std::string &where,
                              const BufferSlice &slice, bool writable) {
    if (writable &&
        (slice.space == Space::Input || slice.space == Space::Constant))
      return invalid(where, cat(describe(slice), " is read-only and cannot "
                                                 "be written"));
    return okStatus();
  }

  Status buildSlice(const fb::BufferRef *refInFile, const std::string &where,
                    bool writable, BufferSlice *slice) const {
    LOOM_RETURN_IF_ERROR(readSlice(refInFile, where, slice));
    uint64_t storage = 0;
    size_t count = 0;
    if (!storageSize(slice->space, slice->index, &storage, &count))
      return outOfRange(where, *slice, count);
    if (slice->offset > storage || slice->size > storage - slice->offset)
      return outOfBounds(where, *slice, storage);
    return checkWritable(where, *slice, writable);
  }

  // A dispatch's kernel: its index (checked), where messages point, and
  // the binding count (the kernel's).
  struct DispatchKernel {
    uint32_t index = 0;
    const KernelInfo *info = nullptr;
    std::string at;
    size_t bindings = 0;
  };

  Status checkKernel(const std::string &where, const fb::Dispatch &d,
                     DispatchKernel *k) const {
    k->index = d.kernel();
    if (k->index >= program_.kernels.size())
      return invalid(where, cat("kernel index ", k->index,
                                " is out of range (the module has ",
                                program_.kernels.size(), " kernels)"));
    k->info = &program_.kernels[k->index];
    k->at = cat(where, " (dispatch of kernel #", k->index, " '",
                k->info->name, "')");
    k->bindings = d.bindings() ? d.bindings()->size() : 0;
    if (k->bindings != k->info->bindingCount)
      return invalid(k->at, cat("has ", k->bindings,
                                " bindings, the kernel takes ",
                                k->info->bindingCount));
    return okStatus();
  }

  Status buildDispatch(const std::string &where, const fb::Dispatch &d) {
    DispatchCommand cmd;
    DispatchKernel k;
    LOOM_RETURN_IF_ERROR(checkKernel(where, d, &k));
    cmd.kernel = k.index;
    const KernelInfo &kernel = *k.info;
    const std::string &at = k.at;
    size_t bindings = k.bindings;
    if (!exprIndices(d.push_constant_exprs()).empty() ||
        !allStatic(exprIndices(d.workgroup_count_exprs())) ||
        !allStatic(exprIndices(d.binding_size_exprs())))
      return invalid(at, "has size expressions but the function has no "
                         "symbols");
    for (size_t b = 0; b < bindings; ++b) {
      BufferSlice slice;
      LOOM_RETURN_IF_ERROR(buildSlice(d.bindings()->Get(b),
                                      cat(at, ": binding ", b),
                                      /*writable=*/false, &slice));
      cmd.bindings.push_back(slice);
    }
    size_t pushCount = d.push_constants() ? d.push_constants()->size() : 0;
    if (pushCount != kernel.pushConstantCount)
      return invalid(at, cat("has ", pushCount,
                             " push constants, the kernel takes ",
                             kernel.pushConstantCount));
    if (pushCount)
      cmd.pushConstants.assign(d.push_constants()->begin(),
                               d.push_constants()->end());
    size_t dims = d.workgroup_count() ? d.workgroup_count()->size() : 0;
    if (dims != 3)
      return invalid(at, cat("workgroup_count has ", dims,
                             " entries, expected 3"));
    uint64_t total = 1;
    for (int i = 0; i < 3; ++i) {
      cmd.workgroupCount[i] = d.workgroup_count()->Get(i);
      if (cmd.workgroupCount[i] == 0)
        return invalid(at, cat("workgroup_count[", i, "] is 0"));
      total *= cmd.workgroupCount[i];
      if (total > std::numeric_limits<uint32_t>::max())
        return invalid(at, "the workgroup grid has more than 2^32-1 "
                           "workgroups");
    }
    cmd.workgroupTotal = static_cast<uint32_t>(total);
    out_.commands.emplace_back(std::move(cmd));
    return okStatus();
  }

  Status buildCommand(flatbuffers::uoffset_t i, const fb::CommandEntry &e) {
    std::string where = cat(where_, ": command #", i);
    // The FlatBuffers verifier accepts a union whose type is set but whose
    // table is absent.
    const char *kind = fb::EnumNameCommand(e.command_type());
    if (e.command_type() != fb::Command::NONE && *kind && !e.command())
      return invalid(where, cat("the ", kind, " command has no data"));
    if (out_.dynamic)
      return buildDynamicCommand(where, kind, e);
    switch (e.command_type()) {
    case fb::Command::Dispatch:
      return buildDispatch(where, *e.command_as_Dispatch());
    case fb::Command::Copy: {
      const fb::Copy *copy = e.command_as_Copy();
      if (copy->size_expr() != -1)
        return invalid(where + " (copy)", "has a size expression but the "
                                          "function has no symbols");
      CopyCommand cmd;
      LOOM_RETURN_IF_ERROR(buildSlice(copy->src(), where + " (copy): source",
                                      /*writable=*/false, &cmd.src));
      LOOM_RETURN_IF_ERROR(buildSlice(copy->dst(),
                                      where + " (copy): destination",
                                      /*writable=*/true, &cmd.dst));
      if (cmd.src.size != cmd.dst.size)
        return invalid(where + " (copy)",
                       cat("source is ", cmd.src.size,
                           " bytes but destination is ", cmd.dst.size));
      out_.commands.emplace_back(cmd);
      return okStatus();
    }
    case fb::Command::Fill: {
      const fb::Fill *fill = e.command_as_Fill();
      FillCommand cmd;
      cmd.pattern = fill->pattern();
      LOOM_RETURN_IF_ERROR(buildSlice(fill->dst(),
                                      where + " (fill): destination",
                                      /*writable=*/true, &cmd.dst));
      out_.commands.emplace_back(cmd);
      return okStatus();
    }
    case fb::Command::SliceLoop:
      if (isBody_)
        return invalid(where, "a slice loop inside a slice-loop function");
      return buildSliceLoop(where + " (slice loop)",
                            *e.command_as_SliceLoop());
    case fb::Command::NONE:
      return invalid(where, "empty command");
    }
    return invalid(where, cat("unknown command kind ",
                              unsigned(e.command_type()),
                              " (written by a newer compiler?)"));
  }

  Status body(uint32_t index, const char *role, const std::string &where,
              const loom_function_s **out) const {
    if (index >= program_.bodies.size())
      return invalid(where, cat(role, " function index ", index,
                                " is out of range (the module has ",
                                program_.bodies.size(),
                                " slice-loop functions)"));
    *out = program_.bodies[index].get();
    return okStatus();
  }

  // Checks that `(n inputs) -> 1 output` has the given sizes and dtype.
  static Status checkShape(const loom_function_s &fn,
                           const std::vector<uint64_t> &inputBytes,
                           uint64_t outputBytes, loom_dtype_t dtype,
                           const std::string &where) {
    bool ok = fn.inputs.size() == inputBytes.size() && fn.outputs.size() == 1;
    for (size_t i = 0; ok && i < inputBytes.size(); ++i)
      ok = fn.inputs[i].byteSize == inputBytes[i] && fn.inputs[i].dtype == dtype;
    ok = ok && fn.outputs[0].byteSize == outputBytes &&
         fn.outputs[0].dtype == dtype;
    if (!ok)
      return invalid(where, cat("function '", fn.name, "' has signature ",
                                fn.signature, ", which does not fit the loop"));
    return okStatus();
  }

  // The block of every slice lies inside `b.buffer`.
  Status buildSliced(const fb::SlicedBuffer *in, const std::string &where,
                     const std::vector<uint64_t> &extents, uint64_t block,
                     bool writable, SlicedBuffer *out) const {
    if (!in)
      return invalid(where, "missing");
    LOOM_RETURN_IF_ERROR(buildSlice(in->buffer(), where, writable, &out->buffer));
    size_t n = in->strides() ? in->strides()->size() : 0;
    if (n != extents.size())
      return invalid(where, cat("has ", n, " strides for ", extents.size(),
                                " sliced indices"));
    uint64_t last = block;
    for (size_t k = 0; k < n; ++k) {
      uint64_t stride = in->strides()->Get(k);
      out->strides.push_back(stride);
      uint64_t steps = extents[k] - 1;
      if (stride != 0 && steps > (out->buffer.size - last) / stride)
        return invalid(where, cat("the last slice's block overruns ",
                                  describe(out->buffer)));
      last += steps * stride;
    }
    if (last > out->buffer.size)
      return invalid(where, cat("a ", block, "-byte block does not fit in ",
                                describe(out->buffer)));
    out->blockSize = block;
    return okStatus();
  }

  Status buildSliceLoop(const std::string &where, const fb::SliceLoop &l) {
    SliceLoopCommand cmd;
    LOOM_RETURN_IF_ERROR(body(l.body(), "body", where, &cmd.body));
    LOOM_RETURN_IF_ERROR(
        body(l.accumulate(), "accumulate", where, &cmd.accumulate));
    LOOM_RETURN_IF_ERROR(body(l.reduce(), "reduce", where, &cmd.reduce));
    size_t k = l.extents() ? l.extents()->size() : 0;
    if (k == 0)
      return invalid(where, "no sliced index (extents is empty)");
    for (size_t i = 0; i < k; ++i) {
      uint64_t e = l.extents()->Get(i);
      if (e == 0 || cmd.sliceCount > (uint64_t(1) << 62) / e)
        return invalid(where, cat("extent ", i, " (", e,
                                  ") is 0 or makes more than 2^62 slices"));
      cmd.sliceCount *= e;
      cmd.extents.push_back(e);
    }
    size_t inputs = l.inputs() ? l.inputs()->size() : 0;
    const loom_function_s &bodyFn = *cmd.body;
    if (inputs != bodyFn.inputs.size() || bodyFn.outputs.size() != 1)
      return invalid(where, cat("the body '", bodyFn.name, "' (",
                                bodyFn.signature, ") does not take the loop's ",
                                inputs, " inputs to one result"));
    for (size_t t = 0; t < inputs; ++t) {
      SlicedBuffer in;
      LOOM_RETURN_IF_ERROR(buildSliced(
          l.inputs()->Get(t), cat(where, ": input ", t), cmd.extents,
          bodyFn.inputs[t].byteSize, /*writable=*/false, &in));
      cmd.inputs.push_back(std::move(in));
    }
    const TensorSignature &partial = bodyFn.outputs[0];
    LOOM_RETURN_IF_ERROR(buildSliced(l.accumulator(), where + ": accumulator",
                                     cmd.extents, partial.byteSize,
                                     /*writable=*/true, &cmd.accumulator));
    uint64_t acc = cmd.accumulator.buffer.size;
    LOOM_RETURN_IF_ERROR(checkShape(*cmd.accumulate,
                                    {partial.byteSize, partial.byteSize},
                                    partial.byteSize, partial.dtype,
                                    where + ": accumulate"));
    LOOM_RETURN_IF_ERROR(checkShape(*cmd.reduce, {acc, acc}, acc,
                                    partial.dtype, where + ": reduce"));
    auto align = [](uint64_t v) {
      return (v + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
    };
    uint64_t arena = std::max({bodyFn.arenaSize, cmd.accumulate->arenaSize,
                               cmd.reduce->arenaSize});
    cmd.workerBytes = align(arena) + align(partial.byteSize);
    out_.sliceWorkerBytes =
        std::max(out_.sliceWorkerBytes, cmd.workerBytes + align(acc));
    if (out_.callMemoryBytes + cmd.workerBytes < out_.callMemoryBytes)
      return invalid(where, "the loop's scratch sizes overflow");
    out_.callMemoryBytes += cmd.workerBytes;
    out_.commands.emplace_back(std::move(cmd));
    return okStatus();
  }

  const Program &program_;
  const fb::Function &fn_;
  loom_function_s &out_;
  bool isBody_ = false;
  std::string where_;
  uint32_t dispatches_ = 0; // dynamic functions: dispatches built so far
};

Status buildKernels(const fb::Module &module, Program *program) {
  if (!module.kernels())
    return okStatus();
  for (flatbuffers::uoffset_t i = 0; i < module.kernels()->size(); ++i) {
    const fb::Kernel *k = module.kernels()->Get(i);
    KernelInfo info;
    info.name = str(k->name());
    if (info.name.empty() || info.name.find('\0') != std::string::npos)
      return invalid(cat("kernel #", i), "empty or malformed name");
    info.bindingCount = k->binding_count();
    info.pushConstantCount = k->push_constant_count();
    if (const auto *size = k->workgroup_size()) {
      // GPU kernels: invocations per workgroup, 3 entries, each at least 1.
      if (size->size() != 3)
        return invalid(cat("kernel #", i, " '", info.name, "'"),
                       cat("workgroup_size has ", size->size(),
                           " entries, expected 3"));
      uint64_t total = 1;
      for (unsigned d = 0; d < 3; ++d) {
        info.workgroupSize[d] = size->Get(d);
        total *= info.workgroupSize[d];
      }
      if (total == 0 || total > (1u << 16))
        return invalid(cat("kernel #", i, " '", info.name, "'"),
                       cat("workgroup size ", info.workgroupSize[0], "x",
                           info.workgroupSize[1], "x", info.workgroupSize[2],
                           " is out of range"));
    }
    program->kernels.push_back(std::move(info));
  }
  return okStatus();
}

Status buildConstants(const fb::Module &module, Program *program) {
  if (!module.constants())
    return okStatus();
  for (flatbuffers::uoffset_t i = 0; i < module.constants()->size(); ++i) {
    const fb::Constant *c = module.constants()->Get(i);
    ConstantView view;
    if (c->data()) {
      view.data = c->data()->data();
      view.size = c->data()->size();
      if (reinterpret_cast<uintptr_t>(view.data) % kBufferAlignment != 0)
        return invalid(cat("constant ", i),
                       cat("data is not ", kBufferAlignment,
                           "-byte aligned in the file"));
    }
    program->constants.push_back(view);
  }
  return okStatus();
}

Status buildLibraries(const fb::Module &module, Program *program) {
  if (!module.libraries())
    return okStatus();
  for (flatbuffers::uoffset_t i = 0; i < module.libraries()->size(); ++i) {
    const fb::KernelLibrary *lib = module.libraries()->Get(i);
    KernelLibraryView view;
    LOOM_RETURN_IF_ERROR(
        text(lib->format(), cat("kernel library ", i, ": format"),
             &view.format));
    LOOM_RETURN_IF_ERROR(
        text(lib->arch(), cat("kernel library ", i, ": arch"), &view.arch));
    if (lib->data()) {
      view.data = lib->data()->data();
      view.size = lib->data()->size();
    }
    view.checksum = lib->checksum();
    if (view.checksum != 0 &&
        loom_fnv1a64(view.data, view.size) != view.checksum)
      return invalid(cat("kernel library ", i),
                     "checksum mismatch: the code in the file is corrupt");
    program->libraries.push_back(std::move(view));
  }
  return okStatus();
}

} // namespace

Status buildProgram(const fb::Module &module, Program *program) {
  program->formatVersion = module.format_version();
  LOOM_RETURN_IF_ERROR(text(module.target(), "target", &program->target));
  LOOM_RETURN_IF_ERROR(
      text(module.target_triple(), "target_triple", &program->targetTriple));
  LOOM_RETURN_IF_ERROR(
      text(module.target_cpu(), "target_cpu", &program->targetCpu));
  LOOM_RETURN_IF_ERROR(text(module.target_features(), "target_features",
                            &program->targetFeatures));
  LOOM_RETURN_IF_ERROR(
      text(module.producer(), "producer", &program->producer));
  LOOM_RETURN_IF_ERROR(buildKernels(module, program));
  LOOM_RETURN_IF_ERROR(buildConstants(module, program));
  LOOM_RETURN_IF_ERROR(buildLibraries(module, program));
  if (const auto *bodies = module.bodies()) {
    if (program->formatVersion < 2 && bodies->size() > 0)
      return invalid("module", "slice-loop functions in a version-1 module");
    for (flatbuffers::uoffset_t i = 0; i < bodies->size(); ++i) {
      auto fn = std::make_unique<loom_function_s>();
      LOOM_RETURN_IF_ERROR(
          FunctionBuilder(*program, *bodies->Get(i), *fn, /*isBody=*/true)
              .build());
      program->bodies.push_back(std::move(fn));
    }
  }
  if (!module.functions())
    return okStatus();
  std::set<std::string> names;
  for (flatbuffers::uoffset_t i = 0; i < module.functions()->size(); ++i) {
    auto fn = std::make_unique<loom_function_s>();
    LOOM_RETURN_IF_ERROR(
        FunctionBuilder(*program, *module.functions()->Get(i), *fn).build());
    if (fn->name.empty())
      return invalid(cat("function #", i), "empty name");
    if (!names.insert(fn->name).second)
      return invalid(cat("function #", i),
                     cat("duplicate function name '", fn->name, "'"));
    program->functions.push_back(std::move(fn));
  }
  return okStatus();
}

} // namespace loom::rt
