//===- ModuleWriter.cpp - serialize a .loom module file -------------------===//
#include "loom/module/ModuleWriter.h"

#include "loom/checksum.h"
#include "loom/module_format.h"
#include "loom/schema/module_generated.h"

#include "llvm/ADT/STLExtras.h"

namespace loom {

namespace {

fb::BufferRef toFb(const BufferRef &r) {
  return fb::BufferRef(static_cast<fb::Space>(r.space), r.index, r.offset,
                       r.size);
}

// Dimension expressions are written only for a dynamic function's tensors,
// so static modules stay byte-identical to what older compilers wrote.
flatbuffers::Offset<fb::TensorType>
writeTensorType(flatbuffers::FlatBufferBuilder &b, const TensorSignature &s,
                bool dynamic) {
  if (!dynamic || s.dimExprs.empty())
    return fb::CreateTensorType(b, static_cast<fb::DType>(s.dtype),
                                b.CreateVector(s.shape),
                                s.name.empty() ? 0 : b.CreateString(s.name));
  auto shape = b.CreateVector(s.shape);
  auto name = s.name.empty() ? 0 : b.CreateString(s.name);
  return fb::CreateTensorType(b, static_cast<fb::DType>(s.dtype), shape, name,
                              b.CreateVector(s.dimExprs));
}

// The version a module needs: the oldest one that has every feature it uses.
uint32_t formatVersion(const ModuleSchedule &schedule) {
  auto dynamic = [](const FunctionSchedule &f) { return f.isDynamic(); };
  if (llvm::any_of(schedule.functions, dynamic) ||
      llvm::any_of(schedule.bodies, dynamic))
    return LOOM_MODULE_FORMAT_DYNAMIC_SHAPE_VERSION;
  return schedule.bodies.empty() ? LOOM_MODULE_FORMAT_OLDEST_VERSION
                                 : LOOM_MODULE_FORMAT_SLICE_LOOP_VERSION;
}

} // namespace

std::string writeModuleFile(const ModuleSchedule &schedule,
                            const std::vector<KernelLibraryBlob> &blobs,
                            const ModuleTargetInfo &target) {
  flatbuffers::FlatBufferBuilder b(1 << 20);

  std::vector<flatbuffers::Offset<fb::Kernel>> kernels;
  for (const KernelInfo &k : schedule.kernels)
    kernels.push_back(fb::CreateKernel(
        b, b.CreateString(k.name), k.bindingCount, k.pushConstantCount,
        k.workgroupSize.empty() ? 0 : b.CreateVector(k.workgroupSize)));

  std::vector<flatbuffers::Offset<fb::Constant>> constants;
  for (const std::vector<char> &c : schedule.constants) {
    b.ForceVectorAlignment(c.size(), 1, 64);
    auto data = b.CreateVector(reinterpret_cast<const uint8_t *>(c.data()),
                               c.size());
    constants.push_back(fb::CreateConstant(b, data));
  }

  std::vector<flatbuffers::Offset<fb::KernelLibrary>> libraries;
  for (const KernelLibraryBlob &library : blobs) {
    b.ForceVectorAlignment(library.data.size(), 1, 64);
    auto libData = b.CreateVector(
        reinterpret_cast<const uint8_t *>(library.data.data()),
        library.data.size());
    libraries.push_back(fb::CreateKernelLibrary(
        b, b.CreateString(library.format), libData,
        loom_fnv1a64(library.data.data(), library.data.size()),
        library.arch.empty() ? 0 : b.CreateString(library.arch)));
  }

  auto writeFunction = [&](const FunctionSchedule &f) {
    bool dynamic = f.isDynamic();
    std::vector<flatbuffers::Offset<fb::TensorType>> inputs, outputs;
    for (const TensorSignature &s : f.inputs)
      inputs.push_back(writeTensorType(b, s, dynamic));
    for (const TensorSignature &s : f.outputs)
      outputs.push_back(writeTensorType(b, s, dynamic));
    std::vector<flatbuffers::Offset<fb::CommandEntry>> commands;
    for (const Command &c : f.commands) {
      if (c.kind == Command::Kind::Dispatch) {
        std::vector<fb::BufferRef> bindings;
        for (const BufferRef &r : c.bindings)
          bindings.push_back(toFb(r));
        std::vector<uint32_t> grid(c.workgroupCount.begin(),
                                   c.workgroupCount.end());
        // Dynamic functions: the per-call sizes next to the static fields.
        flatbuffers::Offset<flatbuffers::Vector<int32_t>> pushExprs = 0,
                                                          gridExprs = 0,
                                                          sizeExprs = 0;
        if (dynamic) {
          pushExprs = b.CreateVector(c.pushConstantExprs);
          if (llvm::any_of(c.workgroupCountExprs,
                           [](ExprId e) { return e != kStatic; }))
            gridExprs = b.CreateVector(std::vector<int32_t>(
                c.workgroupCountExprs.begin(), c.workgroupCountExprs.end()));
          std::vector<int32_t> sizes;
          for (const BufferRef &r : c.bindings)
            sizes.push_back(r.sizeExpr);
          if (llvm::any_of(sizes, [](ExprId e) { return e != kStatic; }))
            sizeExprs = b.CreateVector(sizes);
        }
        auto d = fb::CreateDispatch(
            b, c.kernel, b.CreateVectorOfStructs(bindings),
            dynamic ? 0 : b.CreateVector(std::vector<uint32_t>{}),
            b.CreateVector(grid), pushExprs, gridExprs, sizeExprs);
        commands.push_back(fb::CreateCommandEntry(
            b, fb::Command::Dispatch, d.Union()));
      } else if (c.kind == Command::Kind::SliceLoop) {
        const SliceLoop &l = c.loop;
        auto sliced = [&](const BufferRef &r,
                          const std::vector<uint64_t> &strides) {
          fb::BufferRef buffer = toFb(r);
          return fb::CreateSlicedBuffer(b, &buffer, b.CreateVector(strides));
        };
        std::vector<flatbuffers::Offset<fb::SlicedBuffer>> ins;
        for (auto [r, strides] : llvm::zip(l.inputs, l.inputStrides))
          ins.push_back(sliced(r, strides));
        auto loop = fb::CreateSliceLoop(
            b, l.body, l.accumulate, l.reduce, b.CreateVector(l.extents),
            b.CreateVector(ins), sliced(l.accumulator, l.outputStrides));
        commands.push_back(
            fb::CreateCommandEntry(b, fb::Command::SliceLoop, loop.Union()));
      } else {
        fb::BufferRef src = toFb(c.src), dst = toFb(c.dst);
        // One size for both operands (the schedule gives them the same).
        ExprId size = c.src.sizeExpr != kStatic ? c.src.sizeExpr
                                                : c.dst.sizeExpr;
        auto copy = fb::CreateCopy(b, &src, &dst, size);
        commands.push_back(
            fb::CreateCommandEntry(b, fb::Command::Copy, copy.Union()));
      }
    }
    flatbuffers::Offset<flatbuffers::Vector<
        flatbuffers::Offset<flatbuffers::String>>>
        symbols = 0;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::SizeExpr>>>
        exprs = 0;
    flatbuffers::Offset<
        flatbuffers::Vector<flatbuffers::Offset<fb::ArenaBuffer>>>
        arenaBuffers = 0;
    if (dynamic) {
      symbols = b.CreateVectorOfStrings(f.symbols);
      std::vector<flatbuffers::Offset<fb::SizeExpr>> programs;
      for (const SizeExpr &e : f.exprs)
        programs.push_back(fb::CreateSizeExpr(b, b.CreateVector(e.code)));
      exprs = b.CreateVector(programs);
      std::vector<flatbuffers::Offset<fb::ArenaBuffer>> buffers;
      for (const ArenaBuffer &a : f.arenaBuffers)
        buffers.push_back(fb::CreateArenaBuffer(b, a.sizeExpr, a.first, a.last));
      arenaBuffers = b.CreateVector(buffers);
    }
    return fb::CreateFunction(
        b, b.CreateString(f.name), b.CreateVector(inputs),
        b.CreateVector(outputs), f.arenaSize,
        FunctionSchedule::kArenaAlignment, b.CreateVector(commands), symbols,
        exprs, arenaBuffers);
  };
  std::vector<flatbuffers::Offset<fb::Function>> functions, bodies;
  for (const FunctionSchedule &f : schedule.functions)
    functions.push_back(writeFunction(f));
  for (const FunctionSchedule &f : schedule.bodies)
    bodies.push_back(writeFunction(f));

  auto module = fb::CreateModule(
      b, formatVersion(schedule),
      b.CreateString(target.target),
      b.CreateString(target.triple), b.CreateString(target.cpu),
      b.CreateString("loom-compile 0.1.0"), b.CreateVector(kernels),
      b.CreateVector(libraries), b.CreateVector(constants),
      b.CreateVector(functions), b.CreateString(target.features),
      bodies.empty() ? 0 : b.CreateVector(bodies));
  b.Finish(module, fb::ModuleIdentifier());
  return std::string(reinterpret_cast<const char *>(b.GetBufferPointer()),
                     b.GetSize());
}

} // namespace loom
