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

flatbuffers::Offset<fb::TensorType>
writeTensorType(flatbuffers::FlatBufferBuilder &b, const TensorSignature &s) {
  return fb::CreateTensorType(b, static_cast<fb::DType>(s.dtype),
                              b.CreateVector(s.shape),
                              s.name.empty() ? 0 : b.CreateString(s.name));
}

} // namespace

std::string writeModuleFile(const ModuleSchedule &schedule,
                            const std::vector<KernelLibraryBlob> &blobs,
                            const ModuleTargetInfo &target) {
  flatbuffers::FlatBufferBuilder b(1 << 20);

  std::vector<flatbuffers::Offset<fb::Kernel>> kernels;
  for (const KernelInfo &k : schedule.kernels)
    kernels.push_back(fb::CreateKernel(
        b, b.CreateString(k.name), k.bindingCount, /*push constants*/ 0,
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
    std::vector<flatbuffers::Offset<fb::TensorType>> inputs, outputs;
    for (const TensorSignature &s : f.inputs)
      inputs.push_back(writeTensorType(b, s));
    for (const TensorSignature &s : f.outputs)
      outputs.push_back(writeTensorType(b, s));
    std::vector<flatbuffers::Offset<fb::CommandEntry>> commands;
    for (const Command &c : f.commands) {
      if (c.kind == Command::Kind::Dispatch) {
        std::vector<fb::BufferRef> bindings;
        for (const BufferRef &r : c.bindings)
          bindings.push_back(toFb(r));
        std::vector<uint32_t> grid(c.workgroupCount.begin(),
                                   c.workgroupCount.end());
        auto d = fb::CreateDispatch(b, c.kernel,
                                    b.CreateVectorOfStructs(bindings),
                                    b.CreateVector(std::vector<uint32_t>{}),
                                    b.CreateVector(grid));
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
        auto copy = fb::CreateCopy(b, &src, &dst);
        commands.push_back(
            fb::CreateCommandEntry(b, fb::Command::Copy, copy.Union()));
      }
    }
    return fb::CreateFunction(
        b, b.CreateString(f.name), b.CreateVector(inputs),
        b.CreateVector(outputs), f.arenaSize,
        FunctionSchedule::kArenaAlignment, b.CreateVector(commands));
  };
  std::vector<flatbuffers::Offset<fb::Function>> functions, bodies;
  for (const FunctionSchedule &f : schedule.functions)
    functions.push_back(writeFunction(f));
  for (const FunctionSchedule &f : schedule.bodies)
    bodies.push_back(writeFunction(f));

  auto module = fb::CreateModule(
      b, bodies.empty() ? LOOM_MODULE_FORMAT_OLDEST_VERSION
                        : LOOM_MODULE_FORMAT_VERSION,
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
